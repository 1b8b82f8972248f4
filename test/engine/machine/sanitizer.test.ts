/**
 * Each sanitizer rule fires on a scenario that breaks it and stays silent on one that does not.
 */
import { describe, it, expect } from 'vitest'
import { createMachine, type Machine, type Program } from '../../../main/engine'
import type { KGen } from '../../../main/engine/sim/context'
import type { Kernel } from '../../../main/engine/kernel/include/kernel'
import type { File, FileOperations, FilesStruct } from '../../../main/engine/kernel/include/types'
import { binder_fops, BINDER_CLOSE_NAIVE, BINDER_FREE_FD, BINDER_SET_CONTEXT_MGR, BINDER_SEND_FD, BINDER_RECV_FD } from '../../../main/engine/kernel/drivers/android/binder'
import { fdget, fdput, close_fd, file_close_fd } from '../../../main/engine/kernel/fs/file'
import { fput, __fput_sync, __fput, alloc_empty_file } from '../../../main/engine/kernel/fs/file_table'
import { get_file } from '../../../main/engine/kernel/include/file_ref'
import { spin_lock, spin_unlock, mutex_lock, mutex_unlock, newSpinLock, newMutex } from '../../../main/engine/kernel/kernel/locking'
import { task_work_add } from '../../../main/engine/kernel/kernel/task_work'
import { CLONE_FILES, CLONE_THREAD, CLONE_SIGHAND, CLONE_VM, O_RDWR, O_CREAT, O_CLOEXEC } from '../../../main/engine/kernel/include/flags'

const THREAD = CLONE_VM | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD
const rules = (m: Machine) => m.violations.filter((v) => v.severity === 'violation').map((v) => v.rule)

function withDriver(profile: string, ops: FileOperations, program: Program): Machine {
  const m = createMachine({ profile, checkInvariants: true })
  m.registerDriver('drv', ops)
  m.spawnProcess({ comm: 'app', program })
  m.run()
  return m
}

describe('V2: filp_close under a light fdget (Binder)', () => {
  for (const profile of ['6.5', '6.18']) {
    it(`${profile}: the naive close of the ioctl's own fd is a violation`, () => {
      const m = withDriver(profile, binder_fops, function* (u) {
        const b = yield* u.sys('open', '/dev/drv', O_RDWR)
        yield* u.sys('ioctl', b, BINDER_CLOSE_NAIVE, b)
      })
      expect(rules(m)).toContain('V2')
    })
    it(`${profile}: binder_deferred_fd_close on the same fd is clean`, () => {
      const m = withDriver(profile, binder_fops, function* (u) {
        const b = yield* u.sys('open', '/dev/drv', O_RDWR)
        yield* u.sys('ioctl', b, BINDER_FREE_FD, b)
        const again = yield* u.sys('fcntl', b, 1)
        if (again !== -9) throw new Error('fd should be closed')
      })
      expect(rules(m)).toEqual([])
      expect(m.k.trace.events.some((e) => e.e === 'enter' && e.fn === 'binder_do_fd_close')).toBe(true)
    })
  }
  it('fds sent in a transaction are installed close-on-exec in the receiver', () => {
    let got = 0, flags = 0
    const m = createMachine({ checkInvariants: true })
    m.registerDriver('binder', binder_fops)
    m.spawnProcess({ comm: 'mgr', program: function* (u) {
      const b = yield* u.sys('open', '/dev/binder', O_RDWR)
      yield* u.sys('ioctl', b, BINDER_SET_CONTEXT_MGR, 0)
      for (let i = 0; i < 50 && got <= 0; i++) { got = yield* u.sys('ioctl', b, BINDER_RECV_FD, 0) }
      flags = yield* u.sys('fcntl', got, 1)
    } })
    m.spawnProcess({ comm: 'client', program: function* (u) {
      const b = yield* u.sys('open', '/dev/binder', O_RDWR)
      const f = yield* u.sys('open', '/tmp/shared', O_RDWR | O_CREAT, 0o644)
      yield* u.sys('ioctl', b, BINDER_SEND_FD, f)
    } })
    expect(m.run({ policy: 'round-robin' }).status).toBe('done')
    expect(got).toBe(4)
    expect(flags).toBe(1)
    expect(rules(m)).toEqual([])
    void O_CLOEXEC
  })
})

describe('V2/V3: a struct fd must be released before returning to user space', () => {
  const leaky = (release: boolean): FileOperations => ({
    name: 'leaky_fops',
    *unlocked_ioctl(k, _file, _cmd, arg): KGen<number> {
      const f = yield* fdget(k, arg)
      if (release) yield* fdput(k, f)
      return 0
    },
  })
  it('fires when the driver forgets fdput', () => {
    const m = withDriver('6.18', leaky(false), function* (u) {
      const d = yield* u.sys('open', '/dev/drv', O_RDWR)
      yield* u.sys('ioctl', d, 0, 0)
    })
    expect(rules(m)).toContain('V2')
  })
  it('is silent when it pairs fdget with fdput', () => {
    const m = withDriver('6.18', leaky(true), function* (u) {
      const d = yield* u.sys('open', '/dev/drv', O_RDWR)
      yield* u.sys('ioctl', d, 0, 0)
    })
    expect(rules(m)).toEqual([])
  })
})

describe('refcount underflow and use-after-free', () => {
  const putter = (extra: boolean): FileOperations => ({
    name: 'putter_fops',
    *unlocked_ioctl(k, _file, _cmd, arg): KGen<number> {
      const f = yield* file_close_fd(k, arg)
      if (!f) return -9
      yield* fput(k, f)
      if (extra) yield* fput(k, f)
      return 0
    },
  })
  it('an extra fput underflows (or touches freed memory) and is reported', () => {
    for (const profile of ['6.5', '6.18']) {
      const m = withDriver(profile, putter(true), function* (u) {
        const d = yield* u.sys('open', '/dev/drv', O_RDWR)
        yield* u.sys('open', '/tmp/x', O_RDWR | O_CREAT, 0o644)
        yield* u.sys('ioctl', d, 0, 4)
      })
      const r = rules(m)
      expect(r.some((x) => x === 'refcount' || x === 'use-after-free')).toBe(true)
    }
  })
  it('a balanced put is silent', () => {
    const m = withDriver('6.18', putter(false), function* (u) {
      const d = yield* u.sys('open', '/dev/drv', O_RDWR)
      yield* u.sys('open', '/tmp/x', O_RDWR | O_CREAT, 0o644)
      yield* u.sys('ioctl', d, 0, 4)
    })
    expect(rules(m)).toEqual([])
  })
  it('the kworker freeing the file while the ioctl still uses it is a use-after-free', () => {
    // The driver hands the final put to a kthread (as a workqueue would) and keeps using the file.
    let shared: File | null = null
    const ops: FileOperations = {
      name: 'wq_fops',
      *unlocked_ioctl(k, file, _cmd, arg): KGen<number> {
        const f = yield* file_close_fd(k, arg) // the ioctl's own fd: the table's reference
        if (!f) return -9
        shared = f
        for (let i = 0; i < 3; i++) yield { obj: 'spin', w: false, what: 'driver work' }
        const { checkFileMem } = yield* fileRef()
        checkFileMem(k, file, 'wq_ioctl: file->private_data')
        return 0
      },
    }
    const m = createMachine()
    m.registerDriver('drv', ops)
    m.spawnProcess({ comm: 'app', program: function* (u) {
      const d = yield* u.sys('open', '/dev/drv', O_RDWR)
      yield* u.sys('ioctl', d, 0, d)
    } })
    const kw = m.spawnKthread('kworker/u:2', function* (k: Kernel) {
      while (!shared) yield { obj: 'wq', w: false, what: 'wait for work', enabled: () => shared !== null }
      yield* __fput_sync(k, shared) // a kthread may put synchronously: the file is freed now
    })
    // The interleaving the explorer finds: the worker runs while the ioctl is still inside.
    const app = m.threads.find((t) => t.task.comm === 'app')!
    while (!shared) m.step(app.tid)
    while (m.isEnabled(m.thread(kw.pid)!)) m.step(kw.pid)
    m.run()
    expect(rules(m)).toContain('use-after-free')
    expect(rules(m)).toContain('V2')
    // The free itself is reported, where it happens (the file_free tracepoint), besides the later access.
    expect(m.violations.some((v) => v.rule === 'use-after-free' && / freed while app\/\d+ still holds a light \(borrowed\) fdget reference/.test(v.message))).toBe(true)
  })
})

describe('clone(CLONE_FILES) while holding a light reference', () => {
  it('fires when a kernel path clones a table sharer with a borrow live (the ioctl\'s own fdget)', () => {
    const m = withDriver('6.18', {
      name: 'cloner_fops',
      *unlocked_ioctl(k): KGen<number> {
        const { kernel_clone } = yield* forkMod()
        yield* kernel_clone(k, { flags: THREAD, body: function* () { /* idle */ } })
        return 0
      },
    }, function* (u) {
      const d = yield* u.sys('open', '/dev/drv', O_RDWR)
      yield* u.sys('ioctl', d, 0, 0)
    })
    expect(rules(m)).toContain('V2')
  })
  it('is silent for clone(CLONE_FILES) from user space', () => {
    const m = createMachine()
    m.spawnProcess({ comm: 'app', program: function* (u) {
      yield* u.sys('clone', { flags: THREAD, program: function* () { /* idle */ } })
    } })
    m.run()
    expect(rules(m)).toEqual([])
  })
})

describe('sleeping in atomic context', () => {
  const body = (atomic: boolean) => function* (k: Kernel): KGen<void> {
    const l = newSpinLock('demo_lock')
    const mu = newMutex('demo_mutex')
    if (atomic) yield spin_lock(k, l)
    yield mutex_lock(k, mu)
    yield mutex_unlock(k, mu)
    if (atomic) yield spin_unlock(k, l)
  }
  it('mutex_lock under a spinlock is a violation; without it, silent', () => {
    for (const atomic of [true, false]) {
      const m = createMachine()
      m.spawnKthread('demo', body(atomic))
      m.run()
      expect(rules(m).includes('might_sleep')).toBe(atomic)
    }
  })
})

describe('unlocking a lock the task does not hold', () => {
  it('spin_unlock and mutex_unlock by a non-holder are violations that change nothing; paired, silent and nothing left held', () => {
    const held: number[] = []
    const run = (wrong: boolean) => {
      const m = createMachine()
      const l = newSpinLock('demo_lock')
      const mu = newMutex('demo_mutex')
      m.spawnKthread('holder', function* (k: Kernel): KGen<void> {
        yield mutex_lock(k, mu)
        yield spin_lock(k, l)
        yield { obj: 'x', w: false, what: 'wait for the other thread', enabled: () => !wrong || done }
        yield spin_unlock(k, l)
        yield mutex_unlock(k, mu)
        held.push(k.current.held.length, k.current.preempt_count)
      })
      let done = false
      if (wrong) m.spawnKthread('other', function* (k: Kernel): KGen<void> {
        yield { obj: 'x', w: false, what: 'wait for the locks to be taken', enabled: () => l.owner !== null && mu.owner !== null }
        yield mutex_unlock(k, mu)
        yield spin_unlock(k, l)
        // the holder still holds both
        held.push(l.owner === null ? 0 : 1, mu.owner === null ? 0 : 1)
        done = true
      })
      m.run()
      return m.violations.filter((v) => v.severity === 'violation')
    }
    const bad = run(true)
    expect(bad.map((v) => v.rule)).toEqual(['bad-unlock', 'bad-unlock'])
    expect(bad.map((v) => v.message.replace(/ by .*/, ''))).toEqual(['mutex_unlock(demo_mutex)', 'spin_unlock(demo_lock)'])
    expect(held).toEqual([1, 1, 0, 0])
    held.length = 0
    expect(run(false)).toEqual([])
    expect(held).toEqual([0, 0])
  })
})

describe('task_work_add on an exiting task, and leaks at exit', () => {
  it('a pinned file whose task work can never run leaks; handing it to fput instead is clean', () => {
    const run = (checkFailure: boolean) => {
      const m = createMachine()
      let file: File | null = null
      const t = m.spawnProcess({ comm: 'app', program: function* (u) {
        yield* u.sys('open', '/tmp/p', O_RDWR | O_CREAT, 0o644)
        file = u.task.files!.fdt.fd[3]!
        yield* get_file(u.k, file) // a pin, to be dropped by task work
      } })
      m.spawnKthread('late', function* (k) {
        yield { obj: t.id, w: false, what: 'wait for app to exit', enabled: () => t.state !== 'running' }
        const work = { next: null, func: function* (kk: Kernel) { yield* fput(kk, file!) }, container: null }
        const r = yield* task_work_add(k, t, work, 1)
        if (r < 0 && checkFailure) yield* fput(k, file!) // the failure handled: drop the pin here
      })
      m.run()
      return rules(m)
    }
    expect(run(false)).toContain('leak')
    expect(run(true)).toEqual([])
  })
})

import * as fileRefMod from '../../../main/engine/kernel/include/file_ref'
import * as forkModule from '../../../main/engine/kernel/kernel/fork'
function* fileRef(): KGen<typeof fileRefMod> { return fileRefMod }
function* forkMod(): KGen<typeof forkModule> { return forkModule }
void close_fd

describe('queuing a callback_head that is already queued', () => {
  it('is a violation, and the run still ends (no list cycle)', () => {
    const m = createMachine()
    m.spawnProcess({ comm: 'app', program: function* (u) {
      const work = { next: null, func: function* () { /* nothing */ }, container: null }
      yield* task_work_add(u.k, u.task, work, 1)
      yield* task_work_add(u.k, u.task, work, 1)
    } })
    expect(m.run().status).toBe('done')
    expect(rules(m)).toContain('task-work')
  })
})

describe('V16: __fput twice for one struct file', () => {
  // The sanitizer counts __fput per allocation generation of the file (machine/sanitizer.ts, the
  // kernel's `fput` tracepoint); the kernel body keeps no count of its own.
  const run = (twice: boolean) => {
    const m = createMachine({ trace: false })
    m.spawnKthread('k', function* (k: Kernel): KGen<void> {
      const f = yield* alloc_empty_file(k, O_RDWR)
      if (typeof f === 'number') throw new Error('no file')
      yield* __fput(k, f)
      if (twice) yield* __fput(k, f)
    })
    m.run()
    return m.violations.filter((v) => v.rule === 'double-fput').map((v) => v.message)
  }
  it('a second __fput of the same file is reported; one is not', () => {
    expect(run(false)).toEqual([])
    expect(run(true)).toEqual([expect.stringMatching(/^__fput ran 2 times for file#\d+ \(V16\)$/)])
  })
})

describe('a task that exits holding a struct fd (the sched_process_exit tracepoint)', () => {
  const run = (release: boolean) => {
    const m = createMachine()
    let files: FilesStruct | null = null
    m.spawnProcess({ comm: 'app', program: function* (u) {
      yield* u.sys('open', '/tmp/e', O_RDWR | O_CREAT, 0o644)
      files = u.task.files
      files!.count++ // a reference for the kernel thread below, as CLONE_FILES takes one
    } })
    // A kernel thread that uses the app's table and takes fd 3 from it.
    m.spawnKthread('user', function* (k: Kernel) {
      yield { obj: 'files', w: false, what: 'wait for the table', enabled: () => files !== null }
      k.current.files = files
      const f = yield* fdget(k, 3)
      if (release) yield* fdput(k, f)
    })
    m.run()
    return m.violations.filter((v) => v.severity === 'violation')
  }
  it('is V3 at its exit (no system call return checks a kernel thread); with fdput, silent', () => {
    expect(run(false).some((v) => v.rule === 'V3' && /^user\/\d+ exits with 1 struct fd not released \(fdget\(3\)\)/.test(v.message))).toBe(true)
    expect(run(true)).toEqual([])
  })
})

describe('V14 where the last count of a table goes (the files_struct_last_put tracepoint)', () => {
  const run = (counted: boolean) => {
    const m = createMachine()
    let files: FilesStruct | null = null
    let attached = false
    const app = m.spawnProcess({ comm: 'app', program: function* (u) {
      files = u.task.files
      yield { obj: 'files', w: false, what: 'wait for the kernel thread', enabled: () => attached }
    } })
    // A kernel thread that uses the app's table, counted (as CLONE_FILES does) or not.
    m.spawnKthread('user', function* (k: Kernel) {
      yield { obj: 'files', w: false, what: 'wait for the table', enabled: () => files !== null }
      k.current.files = files
      if (counted) files!.count++
      attached = true
      yield { obj: app.id, w: false, what: 'wait for the app to exit', enabled: () => app.state !== 'running' }
      if (!counted) k.current.files = null // the table is gone: nothing of it to put
    })
    m.run()
    return m.violations.filter((v) => v.severity === 'violation')
  }
  it('the table freed while a task still uses it is V14; counted, silent', () => {
    expect(run(false).some((v) => v.rule === 'V14' && /^put_files_struct frees /.test(v.message))).toBe(true)
    expect(run(true)).toEqual([])
  })
})
