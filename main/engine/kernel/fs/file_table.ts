/**
 * The struct file life cycle: allocation, reference drops, deferred and synchronous teardown.
 * @kernel fs/file_table.c (alloc_empty_file, init_file, fput, __fput_deferred, ____fput, __fput,
 *         delayed_fput, flush_delayed_fput, __fput_sync, fput_close, fput_close_sync, file_free,
 *         file_free_rcu)
 * Profiles: v6.5 fput() routes the last put itself and file_free() ends in call_rcu(); v6.18 has
 * __fput_deferred(), the close variants, and frees at once into a SLAB_TYPESAFE_BY_RCU cache.
 * Left out: percpu nr_files batching, backing files' user path, f_cred contents.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc, tracedStub, simNote, tracepoint } from '../../sim/kfunc'
import type { CallbackHead, File, FileOperations, Inode } from '../include/types'
import { ENFILE } from '../include/errno'
import {
  FASYNC, FMODE_BACKING, FMODE_NEED_UNMOUNT, FMODE_NOACCOUNT, FMODE_OPENED, FMODE_PATH, FMODE_READ,
  FMODE_WRITE, FMODE_WRITER, O_ACCMODE, PF_KTHREAD, TWA_RESUME,
} from '../include/flags'
import { file_ref_init, file_ref_put, checkFileMem } from '../include/file_ref'
import { in_interrupt, might_sleep, newMutex } from '../kernel/locking'
import { init_task_work, task_work_add } from '../kernel/task_work'
import { schedule_delayed_work, flush_delayed_work } from '../kernel/workqueue'
import { call_rcu } from '../kernel/rcupdate'
import { eventpoll_release } from './eventpoll'
import { locks_remove_file } from './locks'
import { RULE } from '../../sim/rules'

export const empty_fops: FileOperations = { name: 'empty_fops' }

/**
 * alloc_empty_file - allocate a struct file with one reference
 * @kernel fs/file_table.c alloc_empty_file(), init_file()
 * Returns: the file, or -ENFILE when fs.file-max is reached.
 * SIM: the filp cache hands out the most recently freed slot first (slab LIFO); in 6.18 that can
 * be a file freed a moment ago, which is what SLAB_TYPESAFE_BY_RCU readers must re-check for.
 */
export const alloc_empty_file = kfunc('alloc_empty_file', function* (k: Kernel, flags: number): KGen<File | number> {
  yield { obj: 'filp_cache', w: true, what: 'kmem_cache_zalloc(filp_cachep)' }
  if (k.files_stat.nr_files >= k.files_stat.max_files) {
    simNote(k, 'SIM: no task has CAP_SYS_ADMIN, so fs.file-max applies to all')
    return -ENFILE
  }
  const cache = k.filp_cache
  let f = cache.free.pop()
  if (f) {
    f.gen++
  } else {
    const id = `file#${cache.all.length + 1}`
    const dummy = null as unknown as Inode
    f = {
      id, gen: 1, f_ref: { refcnt: 0 }, f_count: { counter: 0 }, f_mode: 0, f_flags: 0, f_pos: 0,
      f_pos_lock: newMutex(`${id}.f_pos_lock`), f_op: empty_fops, f_path: { mnt: '', dentry: dummy }, f_inode: dummy,
      private_data: null, f_ep: null, f_task_work: { next: null, func: null, container: null }, f_llist: null,
      mem: 'live', pins: [],
    }
    f.f_task_work.container = f
    cache.all.push(f)
  }
  f.mem = 'live'
  f.f_flags = flags
  f.f_mode = ((flags + 1) & O_ACCMODE) // OPEN_FMODE(flags)
  f.f_pos = 0
  f.f_op = empty_fops
  f.private_data = null
  f.f_ep = null
  f.f_task_work.next = null
  f.f_task_work.func = null
  f.f_llist = null
  f.pins = []
  f.f_pos_lock.owner = null
  file_ref_init(k, f)
  k.files_stat.nr_files++
  tracedStub(k, 'security_file_alloc', [f.id], 'LSM hook: no security state is modelled')
  return f
})

/**
 * fput - drop a reference to @file
 * @kernel fs/file_table.c fput()
 * The last put never runs __fput() inline: it goes to task work or to the delayed list.
 * Profiles: one body per version, chosen here: v6.5 routes the last put itself; v6.18 hands it
 * to __fput_deferred().
 */
export const fput = kfunc('fput', (k: Kernel, file: File): KGen<void> => {
  return k.profile.fput_deferred_free_unopened ? fput_v6_18(k, file) : fput_v6_5(k, file)
})

/** fput (v6.5): atomic_long_dec_and_test, then task work, or the delayed list. */
function* fput_v6_5(k: Kernel, file: File): KGen<void> {
  if (!(yield* file_ref_put(k, file))) return
  file.mem = 'dying'
  const task = k.current
  if (!in_interrupt(k) && !(task.flags & PF_KTHREAD)) {
    init_task_work(file.f_task_work, ____fput)
    if ((yield* task_work_add(k, task, file.f_task_work, TWA_RESUME)) === 0) return
    // After this task has run exit_task_work(), task_work_add() will fail: fall through to the
    // delayed fput to avoid leaking the file.
  }
  yield { obj: 'delayed_fput_list', w: true, what: `llist_add ${file.id} delayed_fput_list` }
  const wasEmpty = k.delayed_fput_list.first === null
  file.f_llist = k.delayed_fput_list.first
  k.delayed_fput_list.first = file
  if (k.trace.on) k.trace.emit({ e: 'delayed_fput', op: 'add', file: file.id })
  if (wasEmpty) yield* schedule_delayed_work(k, k.delayed_fput_work, 1)
}

/** fput (6.18 profile): file_ref_put (v6.13+), then __fput_deferred(). */
function* fput_v6_18(k: Kernel, file: File): KGen<void> {
  if (yield* file_ref_put(k, file)) {
    file.mem = 'dying'
    yield* __fput_deferred(k, file)
  }
}

/**
 * __fput_deferred - schedule the final __fput() of @file (the 6.18 profile); a never-opened file is freed at once
 * @kernel fs/file_table.c __fput_deferred()
 */
export const __fput_deferred = kfunc('__fput_deferred', function* (k: Kernel, file: File): KGen<void> {
  if (!(file.f_mode & (FMODE_BACKING | FMODE_OPENED))) {
    yield* file_free(k, file)
    return
  }
  const task = k.current
  if (!in_interrupt(k) && !(task.flags & PF_KTHREAD)) {
    init_task_work(file.f_task_work, ____fput)
    if ((yield* task_work_add(k, task, file.f_task_work, TWA_RESUME)) === 0) return
    // After this task has run exit_task_work(), task_work_add() will fail: fall through to the
    // delayed fput to avoid leaking the file.
  }
  yield { obj: 'delayed_fput_list', w: true, what: `llist_add ${file.id} delayed_fput_list` }
  const wasEmpty = k.delayed_fput_list.first === null
  file.f_llist = k.delayed_fput_list.first
  k.delayed_fput_list.first = file
  if (k.trace.on) k.trace.emit({ e: 'delayed_fput', op: 'add', file: file.id })
  if (wasEmpty) yield* schedule_delayed_work(k, k.delayed_fput_work, 1)
})

/**
 * ____fput - task work callback: run __fput() for the file that embeds @work
 * @kernel fs/file_table.c ____fput()
 */
export const ____fput = kfunc('____fput', function* (k: Kernel, work: CallbackHead): KGen<void> {
  yield* __fput(k, work.container as File)
})

/**
 * delayed_fput - the kworker's work: __fput() every file on the delayed list, newest first
 * @kernel fs/file_table.c delayed_fput()
 */
export const delayed_fput = kfunc('delayed_fput', function* (k: Kernel): KGen<void> {
  yield { obj: 'delayed_fput_list', w: true, what: 'llist_del_all delayed_fput_list' }
  let f = k.delayed_fput_list.first
  k.delayed_fput_list.first = null
  if (k.trace.on) k.trace.emit({ e: 'delayed_fput', op: 'take', file: f ? f.id : null })
  while (f) {
    const next: File | null = f.f_llist
    f.f_llist = null
    yield* __fput(k, f)
    f = next
  }
})

/**
 * flush_delayed_fput - run the delayed list in the caller, then wait for a queued worker
 * @kernel fs/file_table.c flush_delayed_fput()
 */
export const flush_delayed_fput = kfunc('flush_delayed_fput', function* (k: Kernel): KGen<void> {
  yield* delayed_fput(k)
  if (k.profile.fput_close) yield* flush_delayed_work(k, k.delayed_fput_work)
})

/**
 * __fput_sync - drop a reference and run __fput() inline if it was the last
 * @kernel fs/file_table.c __fput_sync()
 * v6.5: BUG_ON(!(current->flags & PF_KTHREAD)).
 */
export const __fput_sync = kfunc('__fput_sync', function* (k: Kernel, file: File): KGen<void> {
  if (yield* file_ref_put(k, file)) {
    if (!k.profile.fput_sync_any_task && !(k.current.flags & PF_KTHREAD)) {
      k.report(RULE.BUG_ON, 'violation', `__fput_sync from a user task (${k.current.comm}/${k.current.pid}): BUG_ON(!(current->flags & PF_KTHREAD)) in v6.5`, [file.id])
    }
    file.mem = 'dying'
    yield* __fput(k, file)
  }
})

/**
 * fput_close_sync - close(2)'s reference drop: the last one runs __fput() here (v6.15+)
 * @kernel fs/file_table.c fput_close_sync()
 */
export const fput_close_sync = kfunc('fput_close_sync', function* (k: Kernel, file: File): KGen<void> {
  if (yield* file_ref_put(k, file, true)) {
    file.mem = 'dying'
    yield* __fput(k, file)
  }
})

/**
 * fput_close - fput() for a reference that is likely the last (v6.15+)
 * @kernel fs/file_table.c fput_close()
 */
export const fput_close = kfunc('fput_close', function* (k: Kernel, file: File): KGen<void> {
  if (yield* file_ref_put(k, file, true)) {
    file.mem = 'dying'
    yield* __fput_deferred(k, file)
  }
})

/**
 * __fput - tear a file down: the cleanup steps in the kernel's order
 * @kernel fs/file_table.c __fput()
 * Context: may sleep.
 */
export const __fput = kfunc('__fput', function* (k: Kernel, file: File): KGen<void> {
  checkFileMem(k, file, '__fput')
  trace_fput.probe?.(k, file)
  const inode = file.f_inode
  const mode = file.f_mode
  if (mode & FMODE_OPENED) {
    might_sleep(k, '__fput')
    yield { obj: file.id, w: true, what: `__fput ${file.id}` }
    tracedStub(k, 'fsnotify_close', [file.id, mode & FMODE_PATH ? 'none' : mode & FMODE_WRITE ? 'FS_CLOSE_WRITE' : 'FS_CLOSE_NOWRITE'],
      'inotify/fanotify close event; no watches are modelled')
    yield* eventpoll_release(k, file)
    yield* locks_remove_file(k, file)
    if (k.profile.file_ref_t) tracedStub(k, 'security_file_release', [file.id], 'LSM hook (IMA is an LSM here)')
    else tracedStub(k, 'ima_file_free', [file.id], 'IMA: no measurement state')
    if (file.f_flags & FASYNC && file.f_op.fasync) yield* file.f_op.fasync(k, -1, file, 0)
    if (file.f_op.release) {
      if (k.trace.on) k.trace.emit({ e: 'enter', fn: `${file.f_op.name}.release`, args: [inode.id, file.id] })
      const r = yield* file.f_op.release(k, inode, file)
      if (k.trace.on) k.trace.emit({ e: 'exit', fn: `${file.f_op.name}.release`, ret: r })
    }
    if (inode.kind === 'chr' && inode.i_cdev !== null && !(mode & FMODE_PATH)) {
      tracedStub(k, 'cdev_put', [inode.i_cdev], 'character device and module reference')
    }
    tracedStub(k, 'fops_put', [file.f_op.name], 'module reference of f_op->owner')
    if (k.profile.file_ref_t) tracedStub(k, 'file_f_owner_release', [file.id], 'F_SETOWN owner struct')
    else tracedStub(k, 'put_pid', [file.id], 'f_owner.pid')
    put_file_access(k, file)
    tracedStub(k, 'dput', [inode.path], 'dentry reference')
    if (mode & FMODE_NEED_UNMOUNT) tracedStub(k, 'dissolve_on_fput', [file.f_path.mnt], 'detached mount tree')
    tracedStub(k, 'mntput', [file.f_path.mnt], 'mount reference')
  }
  yield* file_free(k, file)
})

/**
 * put_file_access - release the inode's read or write access
 * @kernel fs/file_table.c put_file_access()
 */
function put_file_access(k: Kernel, file: File): void {
  const inode = file.f_inode
  if ((file.f_mode & (FMODE_READ | FMODE_WRITE)) === FMODE_READ) inode.i_readcount--
  else if (file.f_mode & FMODE_WRITER) inode.i_writecount--
  if (k.trace.on) k.trace.note(`put_file_access(${file.id}): i_readcount=${inode.i_readcount} i_writecount=${inode.i_writecount}`)
}

/**
 * file_free - release the struct file's memory
 * @kernel fs/file_table.c file_free()
 * v6.5: call_rcu(file_free_rcu): the memory stays a dead struct file for a grace period.
 * v6.18: kmem_cache_free() at once into a SLAB_TYPESAFE_BY_RCU cache: reusable at once.
 */
export const file_free = kfunc('file_free', function* (k: Kernel, file: File): KGen<void> {
  tracedStub(k, 'security_file_free', [file.id], 'LSM hook')
  // 6.5 touches only the count here (the memory goes in the RCU callback): a part of the cache.
  yield { obj: k.profile.slab_typesafe_by_rcu ? 'filp_cache' : 'filp_cache:nr_files', w: true, what: `file_free ${file.id}` }
  if (!(file.f_mode & FMODE_NOACCOUNT)) k.files_stat.nr_files--
  trace_file_free.probe?.(k, file)
  if (k.profile.slab_typesafe_by_rcu) {
    tracedStub(k, 'put_cred', [file.id], 'f_cred')
    file.mem = 'free'
    k.filp_cache.free.push(file)
    if (k.trace.on) k.trace.note(`kmem_cache_free(filp_cachep, ${file.id}): SLAB_TYPESAFE_BY_RCU, reusable now`)
  } else {
    file.mem = 'rcu_free'
    yield* call_rcu(k, file.f_task_work, file_free_rcu, file.id)
  }
})

/**
 * file_free_rcu - RCU callback: free the memory of a v6.5 struct file
 * @kernel fs/file_table.c file_free_rcu() (v6.5)
 */
export const file_free_rcu = kfunc('file_free_rcu', function* (k: Kernel, head: CallbackHead): KGen<void> {
  const f = head.container as File
  yield { obj: 'filp_cache:free', w: true, what: `kmem_cache_free ${f.id}` }
  tracedStub(k, 'put_cred', [f.id], 'f_cred')
  f.mem = 'free'
  k.filp_cache.free.push(f)
})

/** SIM: tracepoint where __fput starts tearing a file down (the sanitizer counts the runs per generation: V16). */
const trace_fput = tracepoint<Kernel, [File]>('fput')

/** SIM: tracepoint where file_free releases a struct file (the sanitizer checks V1 there). */
const trace_file_free = tracepoint<Kernel, [File]>('file_free')
