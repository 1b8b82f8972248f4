#!/usr/bin/env node
// Benchmark of `fdlab replay`, end to end: the real command (`node out/cli/fdlab.mjs replay
// --json --kernel K LOG`) is started as a process for each run, so process start is included.
// Two logs are generated in a temporary folder:
//   - dup/close: `dup(0) = 3` / `close(3) = 0`, N lines (default 2,000,000), one process;
//   - shell: a busy shell (forks, pipelines with pipe2/dup2/close, exec, threads that overlap,
//     exits; about a third of the lines are fd-table calls).
// Each log is replayed in both kernel profiles, in interleaved rounds (6.18, 6.5, 6.18, ...), and
// the medians are printed: wall time and CPU time (user + system of the replay process), lines
// per second, and the 6.5/6.18 ratio. The machine may be shared: compare CPU times and medians.
//
//   node scripts/bench-replay.mjs [--lines N] [--shell-lines N] [--rounds R] [--memory] [--keep]
//                                 [--cli PATH] [--base PATH]
//
// --cli replays with another build of the command (default out/cli/fdlab.mjs); --base PATH adds
// that build as a baseline, in the same interleaved rounds (for before/after figures).
// --memory also replays the shell log in this process at two sizes and prints peak memory (it
// should stay flat in the log's size).
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, createWriteStream, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const argv = process.argv.slice(2)
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : def
}
const dupLines = Number(opt('lines', '2000000'))
const shellLines = Number(opt('shell-lines', '1000000'))
const rounds = Number(opt('rounds', '3'))
const keep = argv.includes('--keep')
const memory = argv.includes('--memory')

const cli = resolve(opt('cli', join(root, 'out/cli/fdlab.mjs')))
const base = opt('base', undefined)
if (!existsSync(cli) || argv.includes('--build')) await import(pathToFileURL(join(root, 'scripts/build-cli.mjs')).href)

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const fmtN = (n) => Math.round(n).toLocaleString('en')

/** One end-to-end run: wall ms (process start included) and the process's CPU ms. */
function runOnce(log, kernel, build = cli) {
  // the command itself, plus a report of its CPU time at exit (process.cpuUsage counts from start)
  const code = `const { main } = await import(${JSON.stringify(pathToFileURL(resolve(build)).href)});` +
    `const c = await main(['replay', '--json', '--kernel', ${JSON.stringify(kernel)}, ${JSON.stringify(log)}]);` +
    `const u = process.cpuUsage(); process.stderr.write('CPU ' + (u.user + u.system) / 1000 + '\\n'); process.exitCode = c`
  const t0 = performance.now()
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', maxBuffer: 1 << 28 })
  const wall = performance.now() - t0
  const m = /CPU ([\d.]+)/.exec(r.stderr)
  if (r.status !== 0 || !m) throw new Error(`replay failed (${r.status}): ${r.stderr.slice(0, 500)}`)
  const rec = JSON.parse(r.stdout.split('\n')[0])
  return { wall, cpu: Number(m[1]), rec }
}

function bench(label, log, lines) {
  const res = { '6.18': [], '6.5': [], 'base 6.18': [], 'base 6.5': [] }
  let rec
  for (let i = 0; i < rounds; i++) {
    for (const k of i % 2 ? ['6.5', '6.18'] : ['6.18', '6.5']) {
      const r = runOnce(log, k)
      res[k].push(r)
      rec ??= r.rec
      if (r.rec.mismatchCount !== 0) console.log(`  warning: ${k} reports ${r.rec.mismatchCount} mismatches`)
      if (base) res[`base ${k}`].push(runOnce(log, k, base))
    }
  }
  const mb = statSync(log).size / 1e6
  console.log(`${label}: ${fmtN(lines)} lines (${mb.toFixed(0)} MB), ${rounds} interleaved rounds, medians:`)
  const out = {}
  for (const k of ['6.18', '6.5']) {
    const wall = median(res[k].map((r) => r.wall))
    const cpu = median(res[k].map((r) => r.cpu))
    out[k] = { wall, cpu }
    console.log(`  kernel ${k.padEnd(4)}  wall ${(wall / 1000).toFixed(2)} s = ${fmtN(lines / (wall / 1000))} lines/s   ` +
      `cpu ${(cpu / 1000).toFixed(2)} s = ${fmtN(lines / (cpu / 1000))} lines/s`)
  }
  console.log(`  6.5 / 6.18: wall ${(out['6.5'].wall / out['6.18'].wall).toFixed(2)}x, cpu ${(out['6.5'].cpu / out['6.18'].cpu).toFixed(2)}x;` +
    ` ${fmtN(rec.checked)} checked, ${rec.mismatchCount} mismatches, ${fmtN(rec.processes)} processes`)
  if (!base) return
  for (const k of ['6.18', '6.5']) {
    const wall = median(res[`base ${k}`].map((r) => r.wall))
    const cpu = median(res[`base ${k}`].map((r) => r.cpu))
    console.log(`  baseline ${k.padEnd(4)}  wall ${(wall / 1000).toFixed(2)} s = ${fmtN(lines / (wall / 1000))} lines/s   ` +
      `cpu ${(cpu / 1000).toFixed(2)} s = ${fmtN(lines / (cpu / 1000))} lines/s   (this build: cpu ${(cpu / out[k].cpu).toFixed(2)}x faster)`)
  }
}

const dir = mkdtempSync(join(tmpdir(), 'fdlab-bench-'))
try {
  console.log(`node ${process.version}, ${process.arch}`)
  const dc = join(dir, 'dupclose.log')
  const n = await generateDupClose(dc, dupLines)
  bench('dup/close', dc, n)
  if (!keep) rmSync(dc)
  const sh = join(dir, 'shell.log')
  const m = await generate(sh, shellLines)
  bench('shell', sh, m)
  if (!keep) rmSync(sh)
  if (memory) await memoryBench()
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true })
  else console.log(`kept ${dir}`)
}

/** In-process replays of the shell log at two sizes: lines/s and peak memory. */
async function memoryBench() {
  const entry = join(dir, 'bench-entry.mjs')
  await build({
    stdin: {
      contents: `export { replayCommand } from ${JSON.stringify(join(root, 'main/cli/replay.ts'))}\n`,
      resolveDir: root, loader: 'ts', sourcefile: 'bench-entry.ts',
    },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: entry, logLevel: 'warning',
  })
  const { replayCommand } = await import(pathToFileURL(entry).href)
  for (const size of [shellLines, shellLines * 4]) {
    const path = join(dir, `mem-${size}.log`)
    const lines = await generate(path, size)
    globalThis.gc?.()
    const base = process.memoryUsage()
    let peakRss = base.rss
    const timer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }, 20)
    const out = []
    const t1 = performance.now()
    await replayCommand(['--json', path], { out: (s) => out.push(s), err: (s) => out.push(s) })
    const secs = (performance.now() - t1) / 1000
    clearInterval(timer)
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    console.log(`memory: ${fmtN(lines)} lines replayed in-process in ${secs.toFixed(2)} s, peak RSS ${(peakRss / 1e6).toFixed(0)} MB (start ${(base.rss / 1e6).toFixed(0)} MB)`)
    rmSync(path)
  }
}

/** `dup(0) = 3` / `close(3) = 0` lines of one process. */
async function generateDupClose(path, n) {
  const ws = createWriteStream(path, { highWaterMark: 1 << 20 })
  let lines = 0
  let buf = ['1000  execve("/bin/dc", ["dc"], 0x7ffc /* 1 vars */) = 0', '1000  brk(NULL)                         = 0x55d1c0a3f000']
  lines = 2
  while (lines < n) {
    buf.push('1000  dup(0)                            = 3', '1000  close(3)                          = 0')
    lines += 2
    if (buf.length >= 20000) {
      if (!ws.write(buf.join('\n') + '\n')) await new Promise((r) => ws.once('drain', r))
      buf = []
    }
  }
  ws.write(buf.join('\n') + '\n')
  await new Promise((r) => ws.end(r))
  return lines
}

/** Writes a log of about @n lines; returns the number written. Deterministic. */
async function generate(path, n) {
  const ws = createWriteStream(path, { highWaterMark: 1 << 20 })
  let lines = 0
  let buf = []
  const emit = (s) => {
    buf.push(s)
    lines++
  }
  const flush = async () => {
    if (buf.length === 0) return
    const chunk = buf.join('\n') + '\n'
    buf = []
    if (!ws.write(chunk)) await new Promise((r) => ws.once('drain', r))
  }
  const sh = 1000
  let pid = 1001
  emit(`${sh}  execve("/bin/sh", ["sh", "-c", "bench"], 0x7ffc /* 20 vars */) = 0`)
  emit(`${sh}  brk(NULL)                         = 0x55d1c0a3f000`)
  emit(`${sh}  close_range(3, 4294967295, 0)     = 0`)
  let iter = 0
  while (lines < n) {
    iter++
    const a = pid++
    const b = pid++
    const th = pid++
    // the shell: a pipeline a | b
    emit(`${sh}  pipe2([3, 4], 0)                  = 0`)
    emit(`${sh}  clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f4e) = ${a}`)
    emit(`${a}  set_robust_list(0x7f4ea, 24 <unfinished ...>`)
    emit(`${sh}  clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>`)
    emit(`${a}  <... set_robust_list resumed>)    = 0`)
    emit(`${sh}  <... clone resumed>, child_tidptr=0x7f4e) = ${b}`)
    emit(`${sh}  close(3)                          = 0`)
    emit(`${sh}  close(4)                          = 0`)
    emit(`${sh}  wait4(-1,  <unfinished ...>`)
    // child a: writer
    emit(`${a}  close(3)                          = 0`)
    emit(`${a}  dup2(4, 1)                        = 1`)
    emit(`${a}  close(4)                          = 0`)
    emit(`${a}  execve("/usr/bin/cat", ["cat", "input.txt"], 0x55d1 /* 20 vars */) = 0`)
    emit(`${a}  brk(NULL)                         = 0x5601a2b4c000`)
    emit(`${a}  mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f1c2d3e4000`)
    emit(`${a}  access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)`)
    emit(`${a}  openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3`)
    emit(`${a}  newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=38759, ...}, AT_EMPTY_PATH) = 0`)
    emit(`${a}  mmap(NULL, 38759, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f1c2d3da000`)
    emit(`${a}  close(3)                          = 0`)
    emit(`${a}  openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3`)
    emit(`${a}  read(3, "\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0"..., 832) = 832`)
    emit(`${a}  pread64(3, "\\6\\0\\0\\0\\4\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0"..., 784, 64) = 784`)
    emit(`${a}  mmap(NULL, 1974096, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE, 3, 0) = 0x7f1c2d1f8000`)
    emit(`${a}  mprotect(0x7f1c2d21e000, 1761280, PROT_NONE) = 0`)
    emit(`${a}  close(3)                          = 0`)
    emit(`${a}  arch_prctl(ARCH_SET_FS, 0x7f1c2d1f7740) = 0`)
    emit(`${a}  set_tid_address(0x7f1c2d1f7a10)   = ${a}`)
    emit(`${a}  rt_sigaction(SIGPIPE, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x7f1c}, NULL, 8) = 0`)
    emit(`${a}  openat(AT_FDCWD, "input.txt", O_RDONLY) = 3`)
    emit(`${a}  fstat(3, {st_mode=S_IFREG|0644, st_size=13, ...}) = 0`)
    emit(`${a}  fadvise64(3, 0, 0, POSIX_FADV_SEQUENTIAL) = 0`)
    emit(`${a}  read(3, "hello, world\\n", 131072) = 13`)
    emit(`${a}  write(1, "hello, world\\n", 13) = 13`)
    emit(`${a}  read(3, "", 131072)               = 0`)
    emit(`${a}  close(3)                          = 0`)
    emit(`${a}  close(1)                          = 0`)
    emit(`${a}  close(2)                          = 0`)
    emit(`${a}  exit_group(0)                     = ?`)
    emit(`${a}  +++ exited with 0 +++`)
    // child b: reader with a worker thread whose calls overlap
    emit(`${b}  dup2(3, 0)                        = 0`)
    emit(`${b}  close(3)                          = 0`)
    emit(`${b}  close(4)                          = 0`)
    emit(`${b}  execve("/usr/bin/wc", ["wc", "-l"], 0x55d1 /* 20 vars */) = 0`)
    emit(`${b}  brk(NULL)                         = 0x55e0c1a2b000`)
    emit(`${b}  openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3`)
    emit(`${b}  close(3)                          = 0`)
    emit(`${b}  clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f, parent_tid=0x7f, exit_signal=0, stack=0x7f, stack_size=0x7fff80, tls=0x7f} => {parent_tid=[${th}]}, 88) = ${th}`)
    emit(`${th}  openat(AT_FDCWD, "/proc/self/status", O_RDONLY <unfinished ...>`)
    emit(`${b}  read(0,  <unfinished ...>`)
    emit(`${th}  <... openat resumed>)             = 3`)
    emit(`${th}  read(3, "Name:\\twc\\nUmask:\\t0022\\nState:\\tR (running)"..., 1024) = 1024`)
    emit(`${b}  <... read resumed>"hello, world\\n", 16384) = 13`)
    emit(`${th}  fcntl(3, F_GETFD)                 = 0`)
    emit(`${th}  close(3)                          = 0`)
    emit(`${th}  exit(0)                           = ?`)
    emit(`${th}  +++ exited with 0 +++`)
    emit(`${b}  read(0, "", 16384)                = 0`)
    emit(`${b}  fcntl(0, F_DUPFD_CLOEXEC, 3)      = 3`)
    emit(`${b}  ioctl(3, TCGETS, 0x7ffd)          = -1 ENOTTY (Inappropriate ioctl for device)`)
    emit(`${b}  close(3)                          = 0`)
    emit(`${b}  write(1, "1\\n", 2)                = 2`)
    emit(`${b}  close(0)                          = 0`)
    emit(`${b}  close(1)                          = 0`)
    emit(`${b}  exit_group(0)                     = ?`)
    emit(`${b}  +++ exited with 0 +++`)
    emit(`${sh}  <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = ${a}`)
    emit(`${sh}  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=${a}, si_uid=1000, si_status=0, si_utime=0, si_stime=0} ---`)
    emit(`${sh}  wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = ${b}`)
    emit(`${sh}  rt_sigreturn({mask=[]})           = ${b}`)
    if (pid > 4_000_000) pid = 1001
    if (buf.length > 20000) await flush()
  }
  emit(`${sh}  exit_group(0)                     = ?`)
  emit(`${sh}  +++ exited with 0 +++`)
  await flush()
  await new Promise((r) => ws.end(r))
  return lines
}
