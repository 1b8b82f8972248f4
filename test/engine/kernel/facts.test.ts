/**
 * Kernel facts from the spec (§13 "fifteen conformance edge cases" and more), stated as
 * assertions against the model. Each one was verified on a real 6.18 kernel (spec §15).
 */
import { describe, it, expect } from 'vitest'
import { createMachine, type Machine } from '../../../main/engine'
import { runProcess, calls, O } from '../../helpers/kernel'
import { file_count } from '../../../main/engine/kernel/include/file_ref'
import type { Flock } from '../../../main/engine/kernel/fs/locks'
import {
  F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETLK, F_GETLK, F_OFD_SETLK, F_WRLCK, F_UNLCK, FD_CLOEXEC, O_NONBLOCK,
  CLOSE_RANGE_CLOEXEC, CLOSE_RANGE_UNSHARE, CLONE_FILES, CLONE_THREAD, CLONE_SIGHAND, CLONE_VM, CLONE_FS, SEEK_SET, SEEK_CUR,
  EPOLL_CTL_ADD, EPOLL_CTL_DEL, O_PATH, RLIMIT_NOFILE,
} from '../../../main/engine/kernel/include/flags'
import { EBADF, EINVAL, EMFILE, EAGAIN, ENOENT, EBUSY } from '../../../main/engine/kernel/include/errno'
import type { Program, UserApi } from '../../../main/engine'

const THREAD = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD
const lock = (type = F_WRLCK, start = 0, len = 10): Flock => ({ l_type: type, l_whence: SEEK_SET, l_start: start, l_len: len, l_pid: 0 })
const fileAt = (m: Machine, pid: number, fd: number) => m.k.tasks.get(pid)!.files!.fdt.fd[fd] ?? null
const locksOn = (m: Machine, path: string) => m.k.vfs.lookup(path)!.i_flctx?.flc_posix ?? []

describe('§13.1 lowest-fd rule and next_fd', () => {
  it('refills holes lowest first; F_DUPFD with a high from does not move next_fd', () => {
    const { results, m } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      yield* sys('open', '/tmp/f', O.RDWR)
      yield* sys('close', 3)
      yield* sys('open', '/tmp/f', O.RDWR)
      yield* sys('fcntl', 0, F_DUPFD, 10)
      yield* sys('open', '/tmp/f', O.RDWR)
    })
    expect(results.map((r) => r.ret)).toEqual([3, 4, 0, 3, 10, 5])
    expect(m.violations).toEqual([])
  })
  it('next_fd follows allocations and is lowered by __put_unused_fd', () => {
    let seen: number[] = []
    runProcess(function* (sys, u) {
      const files = u.task.files!
      seen.push(files.next_fd)
      yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      seen.push(files.next_fd)
      yield* sys('close', 1)
      seen.push(files.next_fd)
      yield* sys('dup2', 0, 20)
      seen.push(files.next_fd)
    })
    expect(seen).toEqual([3, 4, 1, 1])
  })
})

describe('§2.5 table growth', () => {
  it('grows 64 -> 128 -> 256 -> 1024: the smallest power of two above the fd, at least 128', () => {
    const sizes: number[] = []
    runProcess(function* (sys, u) {
      sizes.push(u.task.files!.fdt.max_fds)
      for (const fd of [63, 64, 127, 128, 1000]) {
        yield* sys('dup2', 0, fd)
        sizes.push(u.task.files!.fdt.max_fds)
      }
    }, { nofile: { cur: 4096, max: 4096 } })
    expect(sizes).toEqual([64, 64, 128, 128, 256, 1024])
  })
  it('a fork copy is sized by the last open fd: 300 -> 512 slots', () => {
    let child = 0
    const { m } = runProcess(function* (sys) {
      yield* sys('dup2', 0, 300)
      yield* sys('fork', function* (u: UserApi) { child = u.task.files!.fdt.max_fds } as Program)
    })
    expect(child).toBe(512)
    expect(m.violations).toEqual([])
  })
})

describe('§13.2-13.5 dup family', () => {
  it('dup2 onto itself and dup3 edge cases', () => {
    const { results } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/f', O.CREAT | O.RDWR | O.CLOEXEC, 0o644)
      yield* sys('dup2', 3, 3)
      yield* sys('fcntl', 3, F_GETFD)
      yield* sys('dup2', 7, 7)
      yield* sys('dup3', 3, 3, 0)
      yield* sys('dup3', 3, 4, O_NONBLOCK)
    })
    expect(results.map((r) => r.ret)).toEqual([3, 3, FD_CLOEXEC, -EBADF, -EINVAL, -EINVAL])
  })
  it('dup2 over an open target clears FD_CLOEXEC and drops a reference of the old file', () => {
    let before = 0, after = 0
    const { results, m } = runProcess(function* (sys, u) {
      yield* sys('open', '/tmp/a', O.CREAT | O.RDWR, 0o644)
      yield* sys('open', '/tmp/x', O.CREAT | O.RDWR | O.CLOEXEC, 0o644)
      yield* sys('dup', 4) // X has 2 references
      const x = u.task.files!.fdt.fd[4]!
      before = file_count(u.k, x)
      yield* sys('dup2', 3, 4)
      after = file_count(u.k, x)
      yield* sys('fcntl', 4, F_GETFD)
    })
    expect(results.map((r) => r.ret)).toEqual([3, 4, 5, 4, 0])
    expect([before, after]).toEqual([2, 1])
    expect(m.violations).toEqual([])
  })
  it('dup2 over the same file keeps the refcount but releases the POSIX lock', () => {
    let refs: number[] = []
    const { m } = runProcess(function* (sys, u) {
      yield* sys('open', '/tmp/l', O.CREAT | O.RDWR, 0o644)
      yield* sys('dup', 3)
      const f = u.task.files!.fdt.fd[3]!
      yield* sys('fcntl', 3, F_SETLK, lock())
      refs.push(file_count(u.k, f), locksOn(m2(u), '/tmp/l').length)
      yield* sys('dup2', 3, 4)
      refs.push(file_count(u.k, f), locksOn(m2(u), '/tmp/l').length)
    })
    expect(refs).toEqual([2, 1, 2, 0])
    void m
  })
  it('limits: dup2 to RLIMIT_NOFILE is EBADF, F_DUPFD to it EINVAL; a full table gives EMFILE', () => {
    const { results } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      yield* sys('dup2', 3, 1024)
      yield* sys('fcntl', 3, F_DUPFD, 1024)
      for (let i = 4; i < 1024; i++) yield* sys('dup', 3)
      yield* sys('open', '/tmp/f', O.RDWR)
      yield* sys('dup', 3)
      yield* sys('fcntl', 3, F_DUPFD, 5)
      yield* sys('open', '/nonexistent/x', O.RDONLY)
      yield* sys('dup2', 3, 100)
    })
    const r = results.map((x) => x.ret)
    expect(r.slice(0, 3)).toEqual([3, -EBADF, -EINVAL])
    expect(r.slice(-5)).toEqual([-EMFILE, -EMFILE, -EMFILE, -EMFILE, 100])
  })
})

function m2(u: { k: Machine['k'] }): Machine {
  return { k: u.k } as Machine
}

describe('§13.6 close semantics', () => {
  it('a second close and close(-1) are EBADF', () => {
    const { results } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      yield* sys('close', 3)
      yield* sys('close', 3)
      yield* sys('close', -1)
      yield* sys('close', 100000)
    })
    expect(results.map((r) => r.ret)).toEqual([3, 0, -EBADF, -EBADF, -EBADF])
  })
})

describe('§13.7 POSIX locks versus OFD locks', () => {
  it('closing another open of the same file releases a POSIX lock (a note, not a violation)', () => {
    let held: number[] = []
    const { m } = runProcess(function* (sys, u) {
      yield* sys('open', '/tmp/l', O.CREAT | O.RDWR, 0o644)
      yield* sys('fcntl', 3, F_SETLK, lock())
      yield* sys('open', '/tmp/l', O.RDWR)
      held.push(locksOn(m2(u), '/tmp/l').length)
      yield* sys('close', 4)
      held.push(locksOn(m2(u), '/tmp/l').length)
    })
    expect(held).toEqual([1, 0])
    expect(m.violations.filter((v) => v.severity === 'violation')).toEqual([])
    expect(m.violations.map((v) => v.rule)).toContain('posix-lock-lost')
  })
  it('an OFD lock survives that close and goes at the last close; l_pid != 0 is EINVAL', () => {
    let held: number[] = []
    const { results } = runProcess(function* (sys, u) {
      yield* sys('open', '/tmp/l', O.CREAT | O.RDWR, 0o644)
      yield* sys('fcntl', 3, F_OFD_SETLK, lock())
      yield* sys('open', '/tmp/l', O.RDWR)
      yield* sys('close', 4)
      held.push(locksOn(m2(u), '/tmp/l').length)
      yield* sys('fcntl', 3, F_OFD_SETLK, { ...lock(), l_pid: 1234 })
      yield* sys('close', 3)
      held.push(locksOn(m2(u), '/tmp/l').length)
    })
    expect(held).toEqual([1, 0])
    expect(results[4]!.ret).toBe(-EINVAL)
  })
})

describe('§13.8 O_PATH', () => {
  it('read is EBADF, F_GETFL and F_SETFD work, F_SETLK is EBADF, dup works', () => {
    const { results } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/p', O.CREAT | O.RDWR, 0o644)
      const p = yield* sys('open', '/tmp/p', O_PATH)
      yield* sys('read', p, new Uint8Array(4))
      yield* sys('fcntl', p, F_GETFL)
      yield* sys('fcntl', p, F_SETFD, FD_CLOEXEC)
      yield* sys('fcntl', p, F_SETLK, lock())
      yield* sys('dup', p)
    })
    expect(results.map((r) => r.ret)).toEqual([3, 4, -EBADF, O_PATH, 0, -EBADF, 5])
  })
  it('closing an O_PATH fd does not drop POSIX locks held through another fd', () => {
    let held = -1
    runProcess(function* (sys, u) {
      yield* sys('open', '/tmp/p', O.CREAT | O.RDWR, 0o644)
      yield* sys('fcntl', 3, F_SETLK, lock())
      const p = yield* sys('open', '/tmp/p', O_PATH)
      yield* sys('close', p)
      held = locksOn(m2(u), '/tmp/p').length
    })
    expect(held).toBe(1)
  })
})

describe('§13.9-10 close_range', () => {
  it('checks its arguments and ignores unopened fds', () => {
    const { results } = runProcess(function* (sys) {
      yield* sys('close_range', 5, 4, 0)
      yield* sys('close_range', 3, 0xffffffff, 1)
      yield* sys('close_range', 100, 200, 0)
      yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      yield* sys('close_range', 3, 0xffffffff, 0)
      yield* sys('fcntl', 3, F_GETFD)
    })
    expect(results.map((r) => r.ret)).toEqual([-EINVAL, -EINVAL, 0, 3, 0, -EBADF])
  })
  it('CLOSE_RANGE_CLOEXEC marks open fds; a later open in the range starts with FD_CLOEXEC clear', () => {
    const { results } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      yield* sys('close_range', 3, 0xffffffff, CLOSE_RANGE_CLOEXEC)
      yield* sys('fcntl', 3, F_GETFD)
      yield* sys('open', '/tmp/f', O.RDWR)
      yield* sys('fcntl', 4, F_GETFD)
    })
    expect(results.map((r) => r.ret)).toEqual([3, 0, 1, 4, 0])
  })
  it('runs the deferred __fputs newest first (LIFO task work): fds 5, 4, 3', () => {
    const { m } = runProcess(function* (sys) {
      for (const p of ['/tmp/a', '/tmp/b', '/tmp/c']) yield* sys('open', p, O.CREAT | O.RDWR, 0o644)
      yield* sys('close_range', 3, 5, 0)
    })
    const freed = m.k.trace.events.filter((e) => e.e === 'enter' && e.fn === '__fput').map((e) => (e as unknown as { args: unknown[] }).args[0])
    const ids = [3, 4, 5].map((fd) => `file#${fd - 1}`)
    expect(freed.slice(0, 3)).toEqual([...ids].reverse())
  })
})

describe('close_range(CLOSE_RANGE_UNSHARE) copies only what it keeps', () => {
  // fds 0-2, 70 and 200 open, the table shared with a thread; close_range(100, ~0U, UNSHARE) keeps
  // 0-99. v6.5 caps the copy at max_unshare_fds = 100 (ALIGN(min(count, 100), 64) = 128) every
  // time dup_fd() sizes it, including after the retry that allocated the table; v6.13+ punches
  // the hole [100, ~0U] out of the size. Either way the copy has 128 slots, not the 256 that fd
  // 200 would need.
  for (const profile of ['6.5', '6.18']) {
    it(`${profile}: a 128-slot copy, fd 200 neither copied nor left open`, () => {
      const m = createMachine({ checkInvariants: true, profile })
      const fds = new Int32Array(2)
      const out: number[] = []
      m.spawnProcess({ comm: 'app', program: function* (u: UserApi) {
        yield* u.sys('pipe', fds)
        yield* u.sys('dup2', fds[0]!, 70)
        yield* u.sys('dup2', fds[0]!, 200)
        // a thread shares the table (blocked in read until the end), so UNSHARE copies it
        yield* u.sys('clone', { flags: THREAD, program: function* (t: UserApi) { out.push(yield* t.sys('read', fds[0]!, new Uint8Array(1))) } })
        for (let i = 0; i < 3; i++) yield* u.stmt('stmt', 'spin', 0, 0)
        out.push(yield* u.sys('close_range', 100, 0xffffffff, CLOSE_RANGE_UNSHARE))
        out.push(u.task.files!.fdt.max_fds)
        out.push(yield* u.sys('fcntl', 70, F_GETFD), yield* u.sys('fcntl', 200, F_GETFD))
        out.push(yield* u.sys('write', fds[1]!, new Uint8Array([120])))
        return 0
      } })
      expect(m.run({ policy: 'round-robin' }).status).toBe('done')
      expect(out).toEqual([0, 128, 0, -EBADF, 1, 1])
      expect(m.violations).toEqual([])
    })
  }
})

describe('§13.11 fork', () => {
  it('shares offsets, copies FD_CLOEXEC, and the child does not hold the parent\'s POSIX lock', () => {
    const out: number[] = []
    const { m } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      yield* sys('open', '/tmp/f', O.RDWR | O.CLOEXEC)
      yield* sys('fcntl', 3, F_SETLK, lock())
      yield* sys('fork', function* (u: UserApi) {
        out.push(yield* u.sys('fcntl', 4, F_GETFD))
        out.push(yield* u.sys('lseek', 3, 100, SEEK_SET))
        out.push(yield* u.sys('fcntl', 3, F_SETLK, lock()))
        out.push(yield* u.sys('close', 3))
      } as Program)
      yield* sys('wait4', -1, null)
      out.push(yield* sys('lseek', 3, 0, SEEK_CUR))
      out.push(yield* sys('fcntl', 3, F_GETFD))
    })
    expect(out).toEqual([1, 100, -EAGAIN, 0, 100, 0])
    expect(m.violations.filter((v) => v.severity === 'violation')).toEqual([])
  })
})

describe('§13.12-13 threads sharing a table', () => {
  it('T1 closes, T2 gets EBADF; a reused number refers to the new file', () => {
    const out: number[] = []
    runProcess(function* (sys) {
      yield* sys('open', '/tmp/a', O.CREAT | O.RDWR, 0o644)
      yield* sys('close', 3)
      yield* sys('clone', { flags: THREAD, program: function* (u: UserApi) { out.push(yield* u.sys('read', 3, new Uint8Array(1))) } })
    })
    expect(out).toEqual([-EBADF])
  })
  it('a reader blocked in read is not woken by close; it completes when data arrives', () => {
    const m = createMachine({ checkInvariants: true })
    const fds = new Int32Array(2)
    const out: number[] = []
    m.spawnProcess({ comm: 'app', program: function* (u: UserApi) {
      yield* u.sys('pipe', fds)
      yield* u.sys('clone', { flags: THREAD, program: function* (t: UserApi) { out.push(yield* t.sys('read', fds[0]!, new Uint8Array(1))) } })
      // let the reader block first
      for (let i = 0; i < 3; i++) yield* u.stmt('stmt', 'spin', 0, 0)
      out.push(yield* u.sys('close', fds[0]!))
      out.push(yield* u.sys('write', fds[1]!, new Uint8Array([120])))
      return 0
    } })
    // run the reader until it blocks, then the closer
    const r = m.run({ policy: 'round-robin' })
    expect(r.status).toBe('done')
    expect(out).toEqual([0, 1, 1])
  })
})

describe('§13.14 execve', () => {
  it('closes FD_CLOEXEC fds, keeps the others with FD_CLOEXEC clear, keeps POSIX locks', () => {
    const out: number[] = []
    const { m } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/l', O.CREAT | O.RDWR, 0o644)
      yield* sys('open', '/tmp/c', O.CREAT | O.RDWR | O.CLOEXEC, 0o644)
      yield* sys('fcntl', 3, F_SETLK, lock())
      yield* sys('execve', '/bin/true', function* (u: UserApi) {
        out.push(yield* u.sys('fcntl', 3, F_GETFD))
        out.push(yield* u.sys('fcntl', 4, F_GETFD))
        out.push(u.k.vfs.lookup('/tmp/l')!.i_flctx!.flc_posix.length)
      } as Program)
    })
    expect(out).toEqual([0, -EBADF, 1])
    expect(m.violations.filter((v) => v.severity === 'violation')).toEqual([])
  })
  it('a failed exec closes nothing', () => {
    const { results } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/c', O.CREAT | O.RDWR | O.CLOEXEC, 0o644)
      yield* sys('execve', '/no/such')
      yield* sys('fcntl', 3, F_GETFD)
    })
    expect(results.map((r) => r.ret)).toEqual([3, -ENOENT, 1])
  })
  it('exec from a multi-threaded process keeps POSIX locks; the pre-5.11 variant loses them', () => {
    const run = (variant: boolean): number => {
      let held = -1
      runProcess(function* (sys) {
        yield* sys('open', '/tmp/l', O.CREAT | O.RDWR, 0o644)
        yield* sys('fcntl', 3, F_SETLK, lock())
        yield* sys('clone', { flags: THREAD, program: function* (t: UserApi) { for (;;) yield* t.stmt('stmt', 'loop', 0, 0) } })
        yield* sys('execve', '/bin/true', function* (u: UserApi) { held = u.k.vfs.lookup('/tmp/l')!.i_flctx!.flc_posix.length } as Program)
      }, { variants: { exec_unshare_before_de_thread: variant } })
      return held
    }
    expect(run(false)).toBe(1)
    expect(run(true)).toBe(0)
  })
})

describe('§13.15 epoll registrations belong to the open file description', () => {
  it('survive close of the registered fd while a dup lives; DEL through the old number is EBADF', () => {
    const { results, m } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/e', O.CREAT | O.RDWR, 0o644)
      const e = yield* sys('epoll_create1', 0)
      yield* sys('dup', 3)
      yield* sys('epoll_ctl', e, EPOLL_CTL_ADD, 3, 1, 3)
      yield* sys('close', 3)
      yield* sys('epoll_ctl', e, EPOLL_CTL_DEL, 3, 0, 0)
      yield* sys('epoll_ctl', e, EPOLL_CTL_DEL, 5, 0, 0)
    })
    expect(results.map((r) => r.ret)).toEqual([3, 4, 5, 0, 0, -EBADF, -ENOENT])
    void m
  })
})

describe('§4 task work and delayed fput', () => {
  it('dup2 in 6.18 defers the replaced file\'s __fput to task work at return to user', () => {
    const { m } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/a', O.CREAT | O.RDWR, 0o644)
      yield* sys('open', '/tmp/b', O.CREAT | O.RDWR, 0o644)
      yield* sys('dup2', 3, 4)
    })
    const ev = m.k.trace.events
    const sysExit = ev.findIndex((e) => e.e === 'sys_exit' && e.name === 'dup2')
    const fputAt = ev.findIndex((e) => e.e === 'enter' && e.fn === '__fput')
    const twAdd = ev.findIndex((e) => e.e === 'task_work' && e.op === 'add')
    expect(twAdd).toBeLessThan(sysExit)
    expect(fputAt).toBeGreaterThan(sysExit)
  })
  it('a kthread\'s last fput goes to the delayed list and runs in the kworker after a jiffy', () => {
    const m = createMachine({ checkInvariants: true })
    let file: ReturnType<typeof fileAt> = null
    m.spawnProcess({ comm: 'app', program: function* (u: UserApi) {
      yield* u.sys('open', '/tmp/k', O.CREAT | O.RDWR, 0o644)
      file = u.task.files!.fdt.fd[3]!
      const { get_file } = yield* importFileRef()
      yield* get_file(u.k, file) // hand a reference to the kthread
      return 0
    } })
    m.run()
    const { fput } = fileTable
    m.spawnKthread('kfree', function* (k) { yield* fput(k, file!) })
    m.run()
    const fns = calls(m)
    expect(fns).toContain('delayed_fput')
    const ev = m.k.trace.events
    const add = ev.findIndex((e) => e.e === 'delayed_fput' && e.op === 'add')
    const take = ev.findIndex((e) => e.e === 'delayed_fput' && e.op === 'take')
    expect(take).toBeGreaterThan(add)
    expect(ev[take]!.tid).toBe(11) // kworker/0:1
    expect(m.k.jiffies).toBe(1)
    expect(file!.mem).toBe('free')
  })
  it('task_work_add on a task past exit_task_work fails with -ESRCH and fput falls back to delayed_fput', () => {
    const m = createMachine()
    let ret = 0
    const t = m.spawnProcess({ comm: 'app', program: function* () { return 0 } })
    m.run()
    m.spawnKthread('probe', function* (k) {
      const { task_work_add } = taskWork
      ret = yield* task_work_add(k, t, { next: null, func: null, container: null }, 1)
    })
    m.run()
    expect(t.task_works).toBe(m.k.work_exited)
    expect(ret).toBe(-3)
  })
})

describe('§5 fdget: light when the table is not shared, counted when it is', () => {
  it('read(2) borrows in a single-threaded process and takes a reference with a second thread', () => {
    const seen: { light: boolean; refs: number }[] = []
    runProcess(function* (sys, u) {
      yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      const { fdget, fdput } = fileMod
      const f1 = yield* fdget(u.k, 3)
      seen.push({ light: (f1.flags & 1) === 0, refs: file_count(u.k, f1.file!) })
      yield* fdput(u.k, f1)
      yield* sys('clone', { flags: THREAD, program: function* (t: UserApi) { for (let i = 0; i < 2; i++) yield* t.stmt('stmt', 'x', 0, 0) } })
      const f2 = yield* fdget(u.k, 3)
      seen.push({ light: (f2.flags & 1) === 0, refs: file_count(u.k, f2.file!) })
      yield* fdput(u.k, f2)
    })
    expect(seen).toEqual([{ light: true, refs: 1 }, { light: false, refs: 2 }])
  })
})

describe('rlimits', () => {
  it('a lowered RLIMIT_NOFILE bounds new fds but leaves open ones usable', () => {
    const { results } = runProcess(function* (sys) {
      yield* sys('dup2', 0, 50)
      yield* sys('setrlimit', RLIMIT_NOFILE, { rlim_cur: 10, rlim_max: 4096 })
      yield* sys('fcntl', 50, F_GETFD)
      yield* sys('dup2', 0, 10)
      for (let i = 3; i < 10; i++) yield* sys('dup', 0)
      yield* sys('dup', 0)
      yield* sys('close', 50)
    })
    const r = results.map((x) => x.ret)
    expect(r.slice(0, 4)).toEqual([50, 0, 0, -EBADF])
    expect(r.slice(-2)).toEqual([-EMFILE, 0])
  })
})

describe('reserved fds', () => {
  it('while a thread is blocked in open(FIFO) with fd 3 reserved: close(3) is EBADF, dup2 onto 3 is EBUSY, a fork child sees 3 free', () => {
    const m = createMachine({ checkInvariants: true })
    const out: Record<string, number> = {}
    m.spawnProcess({ comm: 'app', program: function* (u: UserApi) {
      yield* u.sys('mkfifo', '/tmp/fifo', 0o644)
      yield* u.sys('clone', { flags: THREAD, program: function* (t: UserApi) { out.reader = yield* t.sys('open', '/tmp/fifo', O.RDONLY) } })
      for (let i = 0; i < 200 && !(u.task.files!.fdt.open_fds.test(3) && !u.task.files!.fdt.fd[3]); i++) yield* u.stmt('stmt', 'wait', 0, 0)
      out.close = yield* u.sys('close', 3)
      out.dup2 = yield* u.sys('dup2', 0, 3)
      out.open = yield* u.sys('open', '/tmp/x', O.CREAT | O.RDWR, 0o644)
      yield* u.sys('fork', function* (c: UserApi) { out.child = yield* c.sys('open', '/tmp/x', O.RDWR) } as Program)
      out.writer = yield* u.sys('open', '/tmp/fifo', O.WRONLY)
      return 0
    } })
    expect(m.run({ policy: 'round-robin' }).status).toBe('done')
    expect(out).toEqual({ close: -EBADF, dup2: -EBUSY, open: 4, child: 3, writer: 5, reader: 3 })
  })
})

import * as fileMod from '../../../main/engine/kernel/fs/file'
import * as fileTable from '../../../main/engine/kernel/fs/file_table'
import * as taskWork from '../../../main/engine/kernel/kernel/task_work'
import * as fileRef from '../../../main/engine/kernel/include/file_ref'
function* importFileRef(): Generator<never, typeof fileRef, void> { return fileRef }
void F_GETLK; void F_UNLCK

describe('§15.4 measured on 6.18: fs.nr_open caps the table, rounded down to 64 slots', () => {
  it('nr_open 1000: dup2 to 900 gives a 960-slot table, dup2 to 970 is EBADF, F_DUPFD to 970 is EMFILE', () => {
    let max = 0
    const { results } = runProcess(function* (sys, u) {
      yield* sys('dup2', 0, 900)
      max = u.task.files!.fdt.max_fds
      yield* sys('dup2', 0, 959)
      yield* sys('dup2', 0, 970)
      yield* sys('fcntl', 0, F_DUPFD, 970)
    }, { nr_open: 1000, nofile: { cur: 2000, max: 2000 } })
    expect(max).toBe(960)
    expect(results.map((r) => r.ret)).toEqual([900, 959, -EBADF, -EMFILE])
  })
  it('pidfd_open returns a close-on-exec fd', () => {
    const { results } = runProcess(function* (sys, u) {
      const p = yield* sys('pidfd_open', u.pid, 0)
      yield* sys('fcntl', p, F_GETFD)
    })
    expect(results.map((r) => r.ret)).toEqual([3, FD_CLOEXEC])
  })
})

describe('F_GETFL', () => {
  it('does not report the open-time flags O_CREAT, O_EXCL, O_TRUNC (do_dentry_open clears them)', () => {
    const { results } = runProcess(function* (sys) {
      yield* sys('open', '/tmp/g', O.CREAT | O.RDWR | 0o200 | 0o1000, 0o644)
      yield* sys('fcntl', 3, F_GETFL)
    })
    expect(results.map((r) => r.ret)).toEqual([3, O.RDWR])
  })
})

/**
 * Facts recorded on 6.18 with the probes of scripts/strace-corpus/probes (issue 10); the replay of
 * each probe's log is tested in test/engine/strace/facts.test.ts. Here: the model alone, in both profiles.
 */
describe('recorded on 6.18 (scripts/strace-corpus/probes)', () => {
  const F_RDLCK = 0
  const F_OFD_GETLK = 36
  const F_DUPFD_QUERY = 1027
  const F_CREATED_QUERY = 1028
  const FIOCLEX = 0x5451
  const FIONCLEX = 0x5450
  const FIONBIO = 0x5421
  for (const profile of ['6.5', '6.18']) {
    it(`locks.c: a write lock needs FMODE_WRITE, a read lock FMODE_READ, an unlock neither (EBADF) [${profile}]`, () => {
      const { results } = runProcess(function* (sys) {
        yield* sys('open', '/tmp/lk', O.CREAT | O.RDWR, 0o644)
        yield* sys('open', '/tmp/lk', O.RDONLY)
        yield* sys('open', '/tmp/lk', O.WRONLY)
        yield* sys('fcntl', 4, F_SETLK, lock(F_WRLCK))
        yield* sys('fcntl', 5, F_SETLK, lock(F_RDLCK))
        yield* sys('fcntl', 4, F_OFD_SETLK, lock(F_WRLCK))
        yield* sys('fcntl', 5, F_OFD_SETLK, lock(F_RDLCK))
        yield* sys('fcntl', 4, F_SETLK, lock(F_UNLCK))
        yield* sys('fcntl', 3, F_SETLK, lock(F_WRLCK))
        // an OFD lock's owner is the open file: the process's own POSIX lock conflicts with it
        yield* sys('fcntl', 4, F_OFD_SETLK, lock(F_RDLCK, 0, 5))
      }, { profile })
      expect(results.map((r) => r.ret)).toEqual([3, 4, 5, -EBADF, -EBADF, -EBADF, -EBADF, 0, 0, -EAGAIN])
    })
    it(`locks.c: F_OFD_GETLK reports a conflicting POSIX lock with its pid [${profile}]`, () => {
      const fl = lock(F_RDLCK, 0, 5)
      let pid = 0
      runProcess(function* (sys, u) {
        pid = u.pid
        yield* sys('open', '/tmp/lk', O.CREAT | O.RDWR, 0o644)
        yield* sys('open', '/tmp/lk', O.RDONLY)
        yield* sys('fcntl', 3, F_SETLK, lock(F_WRLCK))
        yield* sys('fcntl', 4, F_OFD_GETLK, fl)
      }, { profile })
      expect(fl).toMatchObject({ l_type: F_WRLCK, l_start: 0, l_len: 10, l_pid: pid })
    })
    it(`cloexec_all.c: FIOCLEX and FIONCLEX work on any open fd, not on O_PATH (fdget) [${profile}]`, () => {
      const { results } = runProcess(function* (sys) {
        yield* sys('pipe2', new Int32Array(2), 0)
        yield* sys('ioctl', 3, FIOCLEX, 0)
        yield* sys('fcntl', 3, F_GETFD)
        yield* sys('ioctl', 3, FIONCLEX, 0)
        yield* sys('fcntl', 3, F_GETFD)
        yield* sys('open', '/tmp/p', O.CREAT | O.RDWR, 0o644)
        yield* sys('open', '/tmp/p', O.PATH)
        yield* sys('ioctl', 6, FIOCLEX, 0)
        yield* sys('ioctl', 200, FIOCLEX, 0)
      }, { profile })
      expect(results.map((r) => r.ret)).toEqual([0, 0, FD_CLOEXEC, 0, 0, 5, 6, -EBADF, -EBADF])
    })
    it(`FIONBIO sets and clears O_NONBLOCK in f_flags (do_vfs_ioctl) [${profile}]`, () => {
      const { results } = runProcess(function* (sys) {
        yield* sys('pipe2', new Int32Array(2), 0)
        yield* sys('ioctl', 4, FIONBIO, 1)
        yield* sys('fcntl', 4, F_GETFL)
        yield* sys('ioctl', 4, FIONBIO, 0)
        yield* sys('fcntl', 4, F_GETFL)
      }, { profile })
      expect(results.map((r) => r.ret)).toEqual([0, 0, O.WRONLY | O_NONBLOCK, 0, O.WRONLY])
    })
    it(`fcntl_query.c: F_DUPFD_QUERY (v6.10) and F_CREATED_QUERY (v6.12), EINVAL before [${profile}]`, () => {
      const { results } = runProcess(function* (sys) {
        yield* sys('open', '/tmp/q', O.CREAT | O.RDWR | 0o200, 0o644) // O_EXCL: created
        yield* sys('open', '/tmp/q', O.RDONLY)
        yield* sys('dup', 3)
        yield* sys('fcntl', 3, F_CREATED_QUERY)
        yield* sys('fcntl', 4, F_CREATED_QUERY)
        yield* sys('fcntl', 5, F_CREATED_QUERY)
        yield* sys('fcntl', 3, F_DUPFD_QUERY, 5)
        yield* sys('fcntl', 3, F_DUPFD_QUERY, 4)
        yield* sys('fcntl', 3, F_DUPFD_QUERY, 99)
        yield* sys('open', '/tmp/q', O.PATH)
        yield* sys('fcntl', 6, F_DUPFD_QUERY, 6) // O_PATH: allowed where the command exists, else EBADF
      }, { profile })
      const r = results.map((x) => x.ret)
      if (profile === '6.18') expect(r).toEqual([3, 4, 5, 1, 0, 1, 1, 0, -EBADF, 6, 1])
      else expect(r).toEqual([3, 4, 5, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, 6, -EBADF])
    })
    it(`pidfd_open(PIDFD_THREAD) is known from v6.9 [${profile}]`, () => {
      const { results } = runProcess(function* (sys, u) {
        yield* sys('pidfd_open', u.pid, 0o200 /* PIDFD_THREAD = O_EXCL */)
      }, { profile })
      expect(results[0]!.ret).toBe(profile === '6.18' ? 3 : -EINVAL)
    })
  }
})
