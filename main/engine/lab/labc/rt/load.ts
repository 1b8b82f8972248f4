/**
 * Load a checked lab C program into a machine: kernel globals, drivers (file operations whose
 * hooks run interpreted kernel code), processes (user programs) and kthreads. The machine then
 * runs them under its scheduler.
 */
import type { Machine } from '../../../machine/Machine'
import type { KGen } from '../../../sim/context'
import type { Kernel } from '../../../kernel/include/kernel'
import type { File, FileOperations, FlOwner, Inode } from '../../../kernel/include/types'
import type { FuncDef } from '../ast'
import type { Program } from '../checker'
import { OVERRIDABLE_KERNEL_FUNCTIONS } from '../overrides'
import { Interp, LIMITS, type InterpOptions, type RuntimeHooks } from './interp'
import { needsFiles } from './kapi'
import { binder_fops } from '../../../kernel/drivers/android/binder'
import { CAP_SYS_RESOURCE } from '../../../kernel/include/flags'
import { execImage, forkBody, threadBody } from './user'
import { convert, IntRef, type Value } from './values'

export const DEFAULT_LIMITS: InterpOptions = { ...LIMITS }

const hooks: RuntimeHooks = {
  *call(rt, name, _kind, args, _exprs, env, call) {
    // The one declaration of the name (labc/api.ts getApi) carries its implementation.
    const api = rt.prog.api.fn(name)
    if (!api) return rt.err(env, call.pos, `'${name}' is not implemented by this engine`)
    const conv = args.map((v, i) => convert(v, api.ty.params[i]))
    if (api.needsFiles) needsFiles(rt, name, env, call)
    return yield* api.impl(rt, conv, env, call)
  },
  fork: forkBody,
  thread: threadBody,
  exec: execImage,
}

/** Load @prog into @m. `lineText` gives source lines for statement traces. */
export function loadProgram(m: Machine, prog: Program, lineText: (file: string, line: number) => string, limits: Partial<InterpOptions> = {}): Interp {
  const rt = new Interp(prog, m.k, hooks, { ...DEFAULT_LIMITS, ...limits }, lineText, (name) => {
    if (!m.labels.has(name)) m.labels.set(name, m.stepNo)
  })
  rt.sched = {
    stepNo: () => m.stepNo,
    ranSince: (step, tid) => {
      for (let i = m.schedule.length - 1; i >= step; i--) if (m.schedule[i] !== tid) return true
      return false
    },
    othersCanRun: (tid) => m.threads.some((t) => t.tid !== tid && !t.done && t.pending !== null && (!t.pending.enabled || t.pending.enabled())),
  }
  rt.initGlobals()
  for (const d of prog.drivers) m.registerDriver(d.name, fops(rt, d.name, d.hooks))
  // Engine devices the program included (#include <linux/android/binder.h>), after the lab's own.
  if (prog.devices.has('binder') && !prog.drivers.some((d) => d.name === 'binder')) m.registerDriver('binder', binder_fops)
  // A lab function that hides an overridable kernel function (an exercise implementing
  // binder_deferred_fd_close) is what the engine's callers run instead.
  for (const name of OVERRIDABLE_KERNEL_FUNCTIONS) {
    const fn = prog.funcs.get(name)
    if (!fn) continue
    m.k.overrides.set(name, function* (_k: Kernel, fd: number): KGen<unknown> {
      return yield* rt.kernelEntry(rt.callLab(fn, [BigInt(fd)], rt.kernelEnv(rt.fileOf(fn), 0), fn.pos), 0n)
    })
  }
  for (const p of prog.processes) {
    const file = prog.fileOf.get(p) ?? ''
    const task = m.spawnProcess({
      comm: p.name,
      program: (u) => rt.userMain(p.body, { frame: new Array(p.frameSize ?? 0), th: { u, errno: 0n, depth: 0 }, file }),
    })
    // process NAME(CAP_SYS_RESOURCE): the cred's effective capabilities (inherited by children).
    for (const c of p.caps ?? []) if (c.name === 'CAP_SYS_RESOURCE') task.cap_effective = (task.cap_effective ?? 0) | (1 << CAP_SYS_RESOURCE)
  }
  for (const kt of prog.kthreads) {
    const file = prog.fileOf.get(kt) ?? ''
    m.spawnKthread(kt.name, function* (): KGen<void> {
      yield* rt.kernelEntry(rt.body(kt.body, rt.kernelEnv(file, kt.frameSize ?? 0)), 0)
    })
  }
  return rt
}

function fops(rt: Interp, name: string, hs: readonly FuncDef[]): FileOperations {
  const hook = (op: string): FuncDef | undefined => hs.find((h) => (h.name === 'ioctl' ? 'unlocked_ioctl' : h.name) === op)
  const run = function* (h: FuncDef, args: Value[]): KGen<number> {
    const r = yield* rt.kernelEntry(rt.callLab(h, args, rt.kernelEnv(rt.fileOf(h), 0), h.pos), -14n)
    return typeof r === 'bigint' ? Number(r) : 0
  }
  const pos = (p: { v: number }): IntRef => new IntRef(() => BigInt(p.v), (v) => { p.v = Number(v) }, 'pos')
  const ops: { -readonly [K in keyof FileOperations]: FileOperations[K] } = { name: `${name}_fops`, owner: name }
  const ioctl = hook('unlocked_ioctl')
  if (ioctl) ops.unlocked_ioctl = (_k: Kernel, f: File, cmd: number, arg: number) => run(ioctl, [f, BigInt(cmd), BigInt(arg)])
  const flush = hook('flush')
  if (flush) ops.flush = (_k: Kernel, f: File, id: FlOwner) => run(flush, [f, id])
  const release = hook('release')
  if (release) ops.release = (_k: Kernel, inode: Inode, f: File) => run(release, [inode, f])
  const open = hook('open')
  if (open) ops.open = (_k: Kernel, inode: Inode, f: File) => run(open, [inode, f])
  const fasync = hook('fasync')
  if (fasync) ops.fasync = (_k: Kernel, fd: number, f: File, on: number) => run(fasync, [BigInt(fd), f, BigInt(on)])
  const llseek = hook('llseek')
  if (llseek) ops.llseek = (_k: Kernel, f: File, off: number, whence: number) => run(llseek, [f, BigInt(off), BigInt(whence)])
  const read = hook('read')
  if (read) {
    ops.read = function* (_k: Kernel, f: File, count: number, p: { v: number }) {
      const buf = new Uint8Array(count)
      const n = yield* run(read, [f, buf, BigInt(count), pos(p)])
      return n > 0 ? { n, data: buf.slice(0, Math.min(n, count)) } : n
    }
  }
  const write = hook('write')
  if (write) ops.write = (_k: Kernel, f: File, data: Uint8Array, p: { v: number }) => run(write, [f, data, BigInt(data.length), pos(p)])
  return ops
}
