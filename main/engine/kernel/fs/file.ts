/**
 * The descriptor table: allocation, install, detach, dup, lookups, fdget/fdput, fork copies,
 * close-on-exec, close_range and the exit-time close.
 * @kernel fs/file.c
 * Profiles: v6.5 names pick_file()/close_fd_get_file(), expand_files() returns 1 when it expanded,
 * find_next_fd() has no fast path, close_files() xchg()s slots, __range_close() locks per fd;
 * v6.18 names file_close_fd_locked()/file_close_fd() and has the v6.13+ fast paths. A function
 * whose body differs has one body per version (alloc_fd_v6_5, alloc_fd_v6_18), chosen by the
 * profile in the traced function of the kernel's name.
 * SIM: slot reads/writes made under file_lock are scheduling points only where another thread
 * could observe them without the lock (the lockless readers: fdget, fget, fd_install).
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { nextId } from '../../sim/context'
import { kfunc, kfuncSync, tracepoint } from '../../sim/kfunc'
import type { Fdtable, File, FilesStruct, StructFd, Task } from '../include/types'
import { Bitmap, BITS_PER_LONG } from '../include/bitmap'
import { EBADF, EBUSY, EINVAL, EMFILE } from '../include/errno'
import {
  CLOSE_RANGE_CLOEXEC, CLOSE_RANGE_UNSHARE, FDPUT_FPUT, FDPUT_POS_UNLOCK, FMODE_ATOMIC_POS, FMODE_BACKING,
  FMODE_PATH, NR_OPEN_DEFAULT, O_CLOEXEC,
} from '../include/flags'
import { FILE_REF_ONEREF, file_count, file_ref_get, get_file, checkFileMem } from '../include/file_ref'
import { spin_lock, spin_unlock, lockdep_assert_held, newSpinLock, newWaitQueue, wait_event, mutex_lock, mutex_unlock } from '../kernel/locking'
import { rcu_read_lock, rcu_read_unlock, synchronize_rcu, call_rcu } from '../kernel/rcupdate'
import { fput } from './file_table'
import { filp_close } from './open'
import { RULE } from '../../sim/rules'

// ---------------------------------------------------------------------------------------------
// Tables

function newFdtable(k: Kernel, nr: number, embedded: boolean): Fdtable {
  return {
    id: nextId(k, 'fdtable'), max_fds: nr, fd: new Array<File | null>(nr).fill(null),
    open_fds: new Bitmap(nr), close_on_exec: new Bitmap(nr), full_fds_bits: new Bitmap(Math.max(1, nr / BITS_PER_LONG)), embedded,
  }
}

/** A new files_struct with the embedded 64-slot table (init_files / dup_fd's starting point). */
export function newFilesStruct(k: Kernel): FilesStruct {
  const id = nextId(k, 'files')
  const fdtab = newFdtable(k, NR_OPEN_DEFAULT, true)
  const files: FilesStruct = {
    id, count: 1, resize_in_progress: false, resize_wait: newWaitQueue(`${id}.resize_wait`), fdt: fdtab, fdtab,
    file_lock: newSpinLock(`${id}.file_lock`), next_fd: 0, freed: false,
    obj: { fd: `${id}.fd`, fdt: `${id}.fdt`, open_fds: `${id}.open_fds`, resize: `${id}.resize`, count: `${id}.count` },
  }
  k.all_files_structs.add(files)
  return files
}

const roundup_pow_of_two = (n: number): number => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)))

/**
 * alloc_fdtable - allocate a table big enough for @nr slots (v6.18) / for fd @nr (v6.5)
 * @kernel fs/file.c alloc_fdtable()
 * Returns: the table, or -EMFILE when fs.nr_open caps it below what is needed.
 */
export const alloc_fdtable = kfuncSync('alloc_fdtable', (k: Kernel, nr: number): Fdtable | number => {
  return k.profile.find_next_fd_fast_path ? alloc_fdtable_v6_18(k, nr) : alloc_fdtable_v6_5(k, nr)
})

/** alloc_fdtable (v6.5): units of 1024 bytes of pointers (128 slots), capped by nr_open rounded *up*. */
function alloc_fdtable_v6_5(k: Kernel, nr: number): Fdtable {
  let size = roundup_pow_of_two(Math.floor(nr / 128) + 1) * 128
  if (size > k.sysctl_nr_open) size = (((k.sysctl_nr_open - 1) | (BITS_PER_LONG - 1)) + 1)
  return newFdtable(k, Math.max(size, BITS_PER_LONG), false)
}

/** alloc_fdtable (v6.13+): @nr slots wanted; smallest power of two, capped by nr_open rounded *down*. */
function alloc_fdtable_v6_18(k: Kernel, nr: number): Fdtable | number {
  let size = roundup_pow_of_two(nr)
  if (size > k.sysctl_nr_open) {
    size = Math.floor(k.sysctl_nr_open / BITS_PER_LONG) * BITS_PER_LONG
    if (size < nr) return -EMFILE
  }
  return newFdtable(k, Math.max(size, BITS_PER_LONG), false)
}

/** copy_fd_bitmaps + slot copy (copy_fdtable). */
function copy_fdtable(nfdt: Fdtable, ofdt: Fdtable, count: number): void {
  for (let i = 0; i < count; i++) nfdt.fd[i] = ofdt.fd[i] ?? null
  const words = count / BITS_PER_LONG
  nfdt.open_fds.u32.set(ofdt.open_fds.u32.subarray(0, words * 2))
  nfdt.close_on_exec.u32.set(ofdt.close_on_exec.u32.subarray(0, words * 2))
  for (let w = 0; w < words; w++) if (ofdt.full_fds_bits.test(w)) nfdt.full_fds_bits.set(w)
}

/**
 * expand_fdtable - replace the table with a bigger one
 * @kernel fs/file.c expand_fdtable()
 * Context: called with file_lock held; drops it, may sleep, retakes it.
 * Returns: v6.18: 0 or -errno; v6.5: 1 (expanded) or -errno.
 */
export const expand_fdtable = kfunc('expand_fdtable', (k: Kernel, files: FilesStruct, nr: number): KGen<number> => {
  return k.profile.find_next_fd_fast_path ? expand_fdtable_v6_18(k, files, nr) : expand_fdtable_v6_5(k, files, nr)
})

/** expand_fdtable (v6.5): a table for fd @nr; returns 1 when it expanded. */
function* expand_fdtable_v6_5(k: Kernel, files: FilesStruct, nr: number): KGen<number> {
  yield spin_unlock(k, files.file_lock)
  const new_fdt = alloc_fdtable(k, nr)
  // Make sure every fd_install() has seen resize_in_progress or left its RCU-sched section.
  if (files.count > 1) yield* synchronize_rcu(k)
  yield spin_lock(k, files.file_lock)
  if (typeof new_fdt === 'number') return new_fdt
  // Extremely unlikely race: sysctl_nr_open decreased between the check in the caller and alloc_fdtable().
  if (new_fdt.max_fds <= nr) return -EMFILE
  const cur_fdt = files.fdt
  copy_fdtable(new_fdt, cur_fdt, cur_fdt.max_fds)
  yield { obj: files.obj.fdt, w: true, what: `rcu_assign_pointer ${files.id}->fdt = ${new_fdt.id}` }
  files.fdt = new_fdt
  if (k.trace.on) k.trace.bit(files.id, 'max_fds', 0, new_fdt.max_fds)
  if (!cur_fdt.embedded) yield* call_rcu(k, { next: null, func: null, container: cur_fdt }, free_fdtable_rcu, cur_fdt.id)
  return 1
}

/** expand_fdtable (v6.13+): a table for @nr + 1 slots; returns 0. */
function* expand_fdtable_v6_18(k: Kernel, files: FilesStruct, nr: number): KGen<number> {
  yield spin_unlock(k, files.file_lock)
  const new_fdt = alloc_fdtable(k, nr + 1)
  // Make sure every fd_install() has seen resize_in_progress or left its RCU-sched section.
  if (files.count > 1) yield* synchronize_rcu(k)
  yield spin_lock(k, files.file_lock)
  if (typeof new_fdt === 'number') return new_fdt
  const cur_fdt = files.fdt
  copy_fdtable(new_fdt, cur_fdt, cur_fdt.max_fds)
  yield { obj: files.obj.fdt, w: true, what: `rcu_assign_pointer ${files.id}->fdt = ${new_fdt.id}` }
  files.fdt = new_fdt
  if (k.trace.on) k.trace.bit(files.id, 'max_fds', 0, new_fdt.max_fds)
  if (!cur_fdt.embedded) yield* call_rcu(k, { next: null, func: null, container: cur_fdt }, free_fdtable_rcu, cur_fdt.id)
  return 0
}

/**
 * free_fdtable_rcu - RCU callback freeing a replaced table
 * @kernel fs/file.c free_fdtable_rcu()
 */
export const free_fdtable_rcu = kfunc('free_fdtable_rcu', function* (_k: Kernel, head: { container: unknown }): KGen<void> {
  const fdt = head.container as Fdtable
  fdt.fd = []
})

/**
 * expand_files - make sure slot @nr exists
 * @kernel fs/file.c expand_files()
 * Context: file_lock held; may drop and retake it.
 * Returns: v6.18: 0 or -errno; v6.5: 0 (nothing done), 1 (expanded: re-scan) or -errno.
 */
export const expand_files = kfunc('expand_files', (k: Kernel, files: FilesStruct, nr: number): KGen<number> => {
  return k.profile.find_next_fd_fast_path ? expand_files_v6_18(k, files, nr) : expand_files_v6_5(k, files, nr)
})

/** expand_files (v6.5): the nr_open check comes first; 1 tells the caller the lock was dropped. */
function* expand_files_v6_5(k: Kernel, files: FilesStruct, nr: number): KGen<number> {
  let expanded = 0
  for (;;) {
    const fdt = files.fdt
    // Do we need to expand?
    if (nr < fdt.max_fds) return expanded
    // Can we expand?
    if (nr >= k.sysctl_nr_open) return -EMFILE
    if (files.resize_in_progress) {
      yield spin_unlock(k, files.file_lock)
      expanded = 1
      yield* wait_event(k, files.resize_wait, () => !files.resize_in_progress, `resize of ${files.id}`)
      yield spin_lock(k, files.file_lock)
      continue
    }
    // All good, so we try.
    yield { obj: files.obj.resize, w: true, what: `${files.id}->resize_in_progress = true` }
    files.resize_in_progress = true
    const error = yield* expand_fdtable(k, files, nr)
    yield { obj: files.obj.resize, w: true, what: `${files.id}->resize_in_progress = false` }
    files.resize_in_progress = false
    return error
  }
}

/** expand_files (v6.13+): waits for a resize in progress before the nr_open check; 0 or -errno. */
function* expand_files_v6_18(k: Kernel, files: FilesStruct, nr: number): KGen<number> {
  for (;;) {
    const fdt = files.fdt
    // Do we need to expand?
    if (nr < fdt.max_fds) return 0
    if (files.resize_in_progress) {
      yield spin_unlock(k, files.file_lock)
      yield* wait_event(k, files.resize_wait, () => !files.resize_in_progress, `resize of ${files.id}`)
      yield spin_lock(k, files.file_lock)
      continue
    }
    // Can we expand?
    if (nr >= k.sysctl_nr_open) return -EMFILE
    // All good, so we try.
    yield { obj: files.obj.resize, w: true, what: `${files.id}->resize_in_progress = true` }
    files.resize_in_progress = true
    const error = yield* expand_fdtable(k, files, nr)
    yield { obj: files.obj.resize, w: true, what: `${files.id}->resize_in_progress = false` }
    files.resize_in_progress = false
    return error
  }
}

// ---------------------------------------------------------------------------------------------
// Allocation

/**
 * __set_close_on_exec: set @fd's close-on-exec bit, or clear it only if it is set (the bit is almost
 * always clear already, and the kernel does not write, so dirty, its cache line then: commit
 * fc90888d07b8, "vfs: conditionally clear close-on-exec flag"). The trace shows the writes made.
 */
function __set_close_on_exec(k: Kernel, files: FilesStruct, fd: number, fdt: Fdtable, set: boolean): void {
  if (set) fdt.close_on_exec.set(fd)
  else if (fdt.close_on_exec.test(fd)) fdt.close_on_exec.clear(fd)
  else return
  if (k.trace.on) k.trace.bit(files.id, 'close_on_exec', fd, set ? 1 : 0)
}

function __set_open_fd(k: Kernel, files: FilesStruct, fd: number, fdt: Fdtable, cloexec: boolean): void {
  fdt.open_fds.set(fd)
  if (k.trace.on) k.trace.bit(files.id, 'open_fds', fd, 1)
  __set_close_on_exec(k, files, fd, fdt, cloexec)
  const w = Math.floor(fd / BITS_PER_LONG)
  if (fdt.open_fds.wordFull(w)) {
    fdt.full_fds_bits.set(w)
    if (k.trace.on) k.trace.bit(files.id, 'full_fds_bits', w, 1)
  }
}

function __clear_open_fd(k: Kernel, files: FilesStruct, fd: number, fdt: Fdtable): void {
  fdt.open_fds.clear(fd)
  const w = Math.floor(fd / BITS_PER_LONG)
  const was = fdt.full_fds_bits.test(w)
  if (was) fdt.full_fds_bits.clear(w)
  if (k.trace.on) {
    k.trace.bit(files.id, 'open_fds', fd, 0)
    if (was) k.trace.bit(files.id, 'full_fds_bits', w, 0)
  }
}

function setNextFd(k: Kernel, files: FilesStruct, v: number): void {
  files.next_fd = v
  if (k.trace.on) k.trace.bit(files.id, 'next_fd', 0, v)
}

/**
 * find_next_fd - lowest free fd >= @start: two-level bitmap search
 * @kernel fs/file.c find_next_fd()
 */
export const find_next_fd = kfuncSync('find_next_fd', (k: Kernel, fdt: Fdtable, start: number): number => {
  return k.profile.find_next_fd_fast_path ? find_next_fd_v6_18(fdt, start) : find_next_fd_v6_5(fdt, start)
})

/** find_next_fd (v6.5): full_fds_bits first. */
function find_next_fd_v6_5(fdt: Fdtable, start: number): number {
  const maxfd = fdt.max_fds
  const maxbit = maxfd / BITS_PER_LONG
  let bitbit = Math.floor(start / BITS_PER_LONG)
  bitbit = fdt.full_fds_bits.findNextZero(maxbit, bitbit) * BITS_PER_LONG
  if (bitbit > maxfd) return maxfd
  if (bitbit > start) start = bitbit
  return fdt.open_fds.findNextZero(maxfd, start)
}

/** find_next_fd (v6.13+): the word of @start first, then full_fds_bits. */
function find_next_fd_v6_18(fdt: Fdtable, start: number): number {
  const maxfd = fdt.max_fds
  const maxbit = maxfd / BITS_PER_LONG
  let bitbit = Math.floor(start / BITS_PER_LONG)
  // Try to avoid looking at the second level bitmap.
  const end = (bitbit + 1) * BITS_PER_LONG
  const bit = fdt.open_fds.findNextZero(end, start)
  if (bit < end) return bit
  bitbit = fdt.full_fds_bits.findNextZero(maxbit, bitbit) * BITS_PER_LONG
  if (bitbit >= maxfd) return maxfd
  if (bitbit > start) start = bitbit
  return fdt.open_fds.findNextZero(maxfd, start)
}

/**
 * alloc_fd - reserve the lowest free fd in [@start, @end)
 * @kernel fs/file.c alloc_fd()
 * Returns: the fd (reserved: open bit set, slot still NULL), or -EMFILE / -ENOMEM.
 */
export const alloc_fd = kfunc('alloc_fd', (k: Kernel, start: number, end: number, flags: number): KGen<number> => {
  return k.profile.find_next_fd_fast_path ? alloc_fd_v6_18(k, start, end, flags) : alloc_fd_v6_5(k, start, end, flags)
})

/** alloc_fd (v6.5): expand_files on every allocation; a non-NULL slot is printk'd and cleared. */
function* alloc_fd_v6_5(k: Kernel, start: number, end: number, flags: number): KGen<number> {
  const files = k.current.files!
  yield spin_lock(k, files.file_lock)
  let error: number
  for (;;) {
    const fdt = files.fdt
    let fd = start
    if (fd < files.next_fd) fd = files.next_fd
    if (fd < fdt.max_fds) fd = find_next_fd(k, fdt, fd)
    // N.B. for clone tasks sharing a files structure, this test limits the total number of files.
    error = -EMFILE
    if (fd >= end) break
    error = yield* expand_files(k, files, fd)
    if (error < 0) break
    // If we needed to expand the fs array we might have blocked: try again.
    if (error) continue
    yield { obj: files.obj.open_fds, w: true, what: `__set_open_fd ${fd}` }
    if (start <= files.next_fd) setNextFd(k, files, fd + 1)
    __set_open_fd(k, files, fd, fdt, (flags & O_CLOEXEC) !== 0)
    error = fd
    // Sanity check
    if (fdt.fd[fd] !== null) {
      k.printk.push(`alloc_fd: slot ${fd} not NULL!`)
      fdt.fd[fd] = null
      k.report(RULE.V6, 'violation', `alloc_fd: slot ${fd} of ${files.id} not NULL`, [files.id])
    }
    break
  }
  yield spin_unlock(k, files.file_lock)
  return error
}

/** alloc_fd (v6.13+): expand_files only when @fd is beyond the table; VFS_BUG_ON on a non-NULL slot. */
function* alloc_fd_v6_18(k: Kernel, start: number, end: number, flags: number): KGen<number> {
  const files = k.current.files!
  yield spin_lock(k, files.file_lock)
  let error: number
  for (;;) {
    const fdt = files.fdt
    let fd = start
    if (fd < files.next_fd) fd = files.next_fd
    if (fd < fdt.max_fds) fd = find_next_fd(k, fdt, fd)
    // N.B. for clone tasks sharing a files structure, this test limits the total number of files.
    error = -EMFILE
    if (fd >= end) break
    if (fd >= fdt.max_fds) {
      error = yield* expand_files(k, files, fd)
      if (error < 0) break
      continue // the table changed and the lock may have been dropped
    }
    yield { obj: files.obj.open_fds, w: true, what: `__set_open_fd ${fd}` }
    if (start <= files.next_fd) setNextFd(k, files, fd + 1)
    __set_open_fd(k, files, fd, fdt, (flags & O_CLOEXEC) !== 0)
    error = fd
    if (fdt.fd[fd] !== null) k.report(RULE.V6, 'violation', `alloc_fd: slot ${fd} of ${files.id} not NULL`, [files.id]) // VFS_BUG_ON
    break
  }
  yield spin_unlock(k, files.file_lock)
  return error
}

/**
 * rlimit(RLIMIT_NOFILE) - the current soft limit on fds: the bound for new allocations
 * @kernel include/linux/sched/signal.h rlimit()
 */
export function rlimit_nofile(k: Kernel): number {
  return k.current.signal.rlim_nofile.rlim_cur
}

/**
 * get_unused_fd_flags - reserve the lowest free fd below RLIMIT_NOFILE
 * @kernel fs/file.c get_unused_fd_flags()
 */
export const get_unused_fd_flags = kfunc('get_unused_fd_flags', function* (k: Kernel, flags: number): KGen<number> {
  return yield* alloc_fd(k, 0, rlimit_nofile(k), flags)
})

/**
 * __put_unused_fd - release a reserved or detached fd number
 * @kernel fs/file.c __put_unused_fd()
 * Context: file_lock held. The close_on_exec bit is left stale.
 */
export const __put_unused_fd = kfuncSync('__put_unused_fd', (k: Kernel, files: FilesStruct, fd: number): void => {
  const fdt = files.fdt
  __clear_open_fd(k, files, fd, fdt)
  if (fd < files.next_fd) setNextFd(k, files, fd)
})

/** SIM: tracepoint where put_unused_fd releases a reserved fd (the sanitizer checks V5 there). */
const trace_put_unused_fd = tracepoint<Kernel, [FilesStruct, number]>('put_unused_fd')

/**
 * put_unused_fd - cancel a reservation made by get_unused_fd_flags()
 * @kernel fs/file.c put_unused_fd()
 */
export const put_unused_fd = kfunc('put_unused_fd', function* (k: Kernel, fd: number): KGen<void> {
  const files = k.current.files!
  yield spin_lock(k, files.file_lock)
  trace_put_unused_fd.probe?.(k, files, fd)
  __put_unused_fd(k, files, fd)
  yield spin_unlock(k, files.file_lock)
})

function setSlot(k: Kernel, files: FilesStruct, fdt: Fdtable, fd: number, file: File | null): void {
  const from = fdt.fd[fd] ?? null
  fdt.fd[fd] = file
  if (k.trace.on) k.trace.fd(files.id, fd, from ? from.id : null, file ? file.id : null)
}

/**
 * fd_install - publish @file at the reserved slot @fd; consumes the caller's reference
 * @kernel fs/file.c fd_install()
 */
export const fd_install = kfunc('fd_install', function* (k: Kernel, fd: number, file: File): KGen<void> {
  const files = k.current.files!
  if (file.f_mode & FMODE_BACKING) {
    k.report(RULE.WARN_ON, 'violation', `fd_install of a backing file ${file.id}`, [file.id])
    return
  }
  // rcu_read_lock_sched()
  k.current.preempt_count++
  k.current.rcu_read_lock_nesting++
  k.current.rcu_sections++
  yield { obj: files.obj.resize, w: false, what: `fd_install: read ${files.id}->resize_in_progress` }
  if (files.resize_in_progress) {
    k.current.preempt_count--
    k.current.rcu_read_lock_nesting--
    yield spin_lock(k, files.file_lock)
    const fdt = files.fdt
    if (fdt.fd[fd] !== null || !fdt.open_fds.test(fd)) fdInstallBug(k, files, fd)
    setSlot(k, files, fdt, fd, file)
    yield spin_unlock(k, files.file_lock)
    return
  }
  yield { obj: files.obj.fd, w: true, what: `rcu_assign_pointer fd[${fd}] = ${file.id}` }
  const fdt = files.fdt
  if (fdt.fd[fd] !== null || !fdt.open_fds.test(fd)) fdInstallBug(k, files, fd)
  setSlot(k, files, fdt, fd, file)
  k.current.preempt_count--
  k.current.rcu_read_lock_nesting--
})

function fdInstallBug(k: Kernel, files: FilesStruct, fd: number): void {
  const fdt = files.fdt
  const why = fdt.fd[fd] ? `slot ${fd} is not NULL (holds ${fdt.fd[fd]!.id})` : `fd ${fd} is not reserved`
  k.report(RULE.V6, 'violation', `fd_install(${fd}) into ${files.id}: ${why}${k.profile.file_ref_t ? '' : ' (BUG_ON in v6.5)'}`, [files.id])
}

// ---------------------------------------------------------------------------------------------
// Detaching (v6.5: pick_file, close_fd_get_file; v6.8+: file_close_fd_locked, file_close_fd)

/**
 * pick_file - detach the file at @fd from @files (v6.5)
 * @kernel fs/file.c pick_file()
 * Context: file_lock must be held.
 * Returns: the file, still carrying the table's reference, or null.
 */
export const pick_file = kfunc('pick_file', function* (k: Kernel, files: FilesStruct, fd: number): KGen<File | null> {
  lockdep_assert_held(k, files.file_lock)
  const fdt = files.fdt
  fd = fd >>> 0 // the comparison is unsigned: negative fds land here
  if (fd >= fdt.max_fds) return null
  // array_index_nospec(fd, fdt->max_fds): a no-op on the value
  yield { obj: files.obj.fd, w: true, what: `read fd[${fd}]` }
  const file = fdt.fd[fd] ?? null
  if (file) {
    setSlot(k, files, fdt, fd, null)
    __put_unused_fd(k, files, fd)
  }
  return file
})

/**
 * file_close_fd_locked - detach the file at @fd from @files (v6.8+)
 * @kernel fs/file.c file_close_fd_locked()
 * Context: file_lock must be held.
 * Returns: the file, still carrying the table's reference, or null.
 */
export const file_close_fd_locked = kfunc('file_close_fd_locked', function* (k: Kernel, files: FilesStruct, fd: number): KGen<File | null> {
  lockdep_assert_held(k, files.file_lock)
  const fdt = files.fdt
  fd = fd >>> 0 // the comparison is unsigned: negative fds land here
  if (fd >= fdt.max_fds) return null
  // array_index_nospec(fd, fdt->max_fds): a no-op on the value
  yield { obj: files.obj.fd, w: true, what: `read fd[${fd}]` }
  const file = fdt.fd[fd] ?? null // rcu_dereference_raw
  if (file) {
    setSlot(k, files, fdt, fd, null)
    __put_unused_fd(k, files, fd)
  }
  return file
})

/**
 * close_fd_get_file - detach @fd from current->files and hand its reference to the caller (v6.5)
 * @kernel fs/file.c close_fd_get_file()
 * Returns: the file with the table's reference (the caller must filp_close it), or null.
 */
export const close_fd_get_file = kfunc('close_fd_get_file', function* (k: Kernel, fd: number): KGen<File | null> {
  const files = k.current.files!
  yield spin_lock(k, files.file_lock)
  const file = yield* pick_file(k, files, fd)
  yield spin_unlock(k, files.file_lock)
  return file
})

/**
 * file_close_fd - detach @fd from current->files and hand its reference to the caller (v6.8+)
 * @kernel fs/file.c file_close_fd()
 * Returns: the file with the table's reference (the caller must filp_close it), or null.
 */
export const file_close_fd = kfunc('file_close_fd', function* (k: Kernel, fd: number): KGen<File | null> {
  const files = k.current.files!
  yield spin_lock(k, files.file_lock)
  const file = yield* file_close_fd_locked(k, files, fd)
  yield spin_unlock(k, files.file_lock)
  return file
})

/**
 * close_fd - detach and close @fd in the current table
 * @kernel fs/file.c close_fd()
 * Returns: 0, a ->flush error, or -EBADF.
 */
export const close_fd = kfunc('close_fd', function* (k: Kernel, fd: number): KGen<number> {
  const files = k.current.files!
  yield spin_lock(k, files.file_lock)
  const file = k.profile.file_close_fd
    ? yield* file_close_fd_locked(k, files, fd) // v6.8+
    : yield* pick_file(k, files, fd) // v6.5
  yield spin_unlock(k, files.file_lock)
  if (!file) return -EBADF
  return yield* filp_close(k, file, files)
})

// ---------------------------------------------------------------------------------------------
// Lookups

/**
 * files_lookup_fd_raw - the file at @fd, without a reference
 * @kernel include/linux/fdtable.h files_lookup_fd_raw()
 * Context: file_lock, RCU, or a table nobody else can reach.
 */
export function files_lookup_fd_raw(files: FilesStruct, fd: number): File | null {
  const fdt = files.fdt
  fd = fd >>> 0
  if (fd < fdt.max_fds) return fdt.fd[fd] ?? null
  return null
}

/**
 * files_lookup_fd_locked
 * @kernel include/linux/fdtable.h files_lookup_fd_locked()
 * Context: file_lock held.
 */
export function files_lookup_fd_locked(k: Kernel, files: FilesStruct, fd: number): File | null {
  lockdep_assert_held(k, files.file_lock)
  return files_lookup_fd_raw(files, fd)
}

/**
 * __fget_files_rcu - lockless lookup that takes a reference, re-checking the slot afterwards
 * @kernel fs/file.c __fget_files_rcu()
 * Context: rcu_read_lock held.
 * Profiles: one body per version, chosen here: v6.5 tests f_mode before taking the reference;
 * v6.7+ (SLAB_TYPESAFE_BY_RCU files) only after the re-check, since the file may be recycled.
 */
export const __fget_files_rcu = kfunc('__fget_files_rcu', (k: Kernel, files: FilesStruct, fd: number, mask: number): KGen<File | null> => {
  return k.profile.slab_typesafe_by_rcu ? __fget_files_rcu_v6_18(k, files, fd, mask) : __fget_files_rcu_v6_5(k, files, fd, mask)
})

/** __fget_files_rcu (v6.5): get_file_rcu() on a file whose f_mode was already tested. */
function* __fget_files_rcu_v6_5(k: Kernel, files: FilesStruct, fd: number, mask: number): KGen<File | null> {
  fd = fd >>> 0
  for (;;) {
    yield { obj: files.obj.fd, w: false, what: `rcu_dereference fd[${fd}]` }
    const fdt = files.fdt
    if (fd >= fdt.max_fds) return null
    const file = fdt.fd[fd] ?? null
    if (!file) return null
    if (file.f_mode & mask) return null
    // (a) the file ref already went down to zero: try again.
    if (!(yield* file_ref_get(k, file))) continue
    // (b) the file table entry has changed under us: put our ref and try again.
    yield { obj: files.obj.fd, w: false, what: `re-check fd[${fd}]` }
    if (files.fdt !== fdt || (files.fdt.fd[fd] ?? null) !== file) {
      yield* fput(k, file) // may be the final put (spec §11.4 outcome 4)
      continue
    }
    return file
  }
}

/** __fget_files_rcu (v6.7+): file_ref_get(), the re-check, and only then the f_mode test. */
function* __fget_files_rcu_v6_18(k: Kernel, files: FilesStruct, fd: number, mask: number): KGen<File | null> {
  fd = fd >>> 0
  for (;;) {
    yield { obj: files.obj.fd, w: false, what: `rcu_dereference fd[${fd}]` }
    const fdt = files.fdt
    if (fd >= fdt.max_fds) return null
    const file = fdt.fd[fd] ?? null
    if (!file) return null
    // (a) the file ref already went down to zero: try again.
    if (!(yield* file_ref_get(k, file))) continue
    // (b) the file table entry has changed under us (the file may even have been recycled).
    yield { obj: files.obj.fd, w: false, what: `re-check fd[${fd}]` }
    if (files.fdt !== fdt || (files.fdt.fd[fd] ?? null) !== file) {
      yield* fput(k, file) // may be the final put (spec §11.4 outcome 4)
      continue
    }
    // This isn't the file we're looking for, or we are not allowed to get a reference to it.
    if (file.f_mode & mask) {
      yield* fput(k, file)
      return null
    }
    return file
  }
}

/**
 * __fget_files - rcu_read_lock + __fget_files_rcu
 * @kernel fs/file.c __fget_files()
 */
export const __fget_files = kfunc('__fget_files', function* (k: Kernel, files: FilesStruct, fd: number, mask: number): KGen<File | null> {
  yield rcu_read_lock(k)
  const f = yield* __fget_files_rcu(k, files, fd, mask)
  yield rcu_read_unlock(k)
  return f
})

/**
 * fget - take a reference to the file at @fd (O_PATH files count as absent)
 * @kernel fs/file.c fget()
 */
export const fget = kfunc('fget', function* (k: Kernel, fd: number): KGen<File | null> {
  return yield* __fget_files(k, k.current.files!, fd, FMODE_PATH)
})

/**
 * fget_raw - like fget, but O_PATH files are found too
 * @kernel fs/file.c fget_raw()
 */
export const fget_raw = kfunc('fget_raw', function* (k: Kernel, fd: number): KGen<File | null> {
  return yield* __fget_files(k, k.current.files!, fd, 0)
})

/** SIM: tracepoint where a struct fd is made (the sanitizer tracks it until fdput: V2, V3). */
const trace_struct_fd = tracepoint<Kernel, [StructFd]>('struct_fd')

/** SIM: tracepoint where __fget_light trusts files->count == 1 (the sanitizer checks V14 there). */
const trace_fget_light_trusts_count = tracepoint<Kernel, [FilesStruct, number, StructFd['kind']]>('fget_light_trusts_count')

/**
 * __fget_light - borrow the file when the table is not shared, else take a reference
 * @kernel fs/file.c __fget_light()
 */
export const __fget_light = kfunc('__fget_light', function* (k: Kernel, fd: number, mask: number, kind: StructFd['kind']): KGen<StructFd> {
  const task = k.current
  const files = task.files!
  yield { obj: files.obj.count, w: false, what: `atomic_read_acquire ${files.id}->count` }
  let file: File | null
  let flags = 0
  // Variant files_count_too_low: the sharers clone(CLONE_FILES) "forgot" to count are not seen.
  const count = k.profile.variants.files_count_too_low ? files.count - (files.count_hidden ?? 0) : files.count
  if (count === 1) {
    trace_fget_light_trusts_count.probe?.(k, files, fd, kind)
    yield { obj: files.obj.fd, w: false, what: `files_lookup_fd_raw fd[${fd >>> 0}]` }
    file = files_lookup_fd_raw(files, fd)
    if (file && file.f_mode & mask) file = null
  } else {
    file = yield* __fget_files(k, files, fd, mask)
    if (file) flags = FDPUT_FPUT
  }
  const f: StructFd = { id: nextId(k, 'fd'), file, gen: file ? file.gen : 0, flags, fd, kind, owner: task, released: false }
  trace_struct_fd.probe?.(k, f)
  return f
})

/**
 * BORROWED_FD - a struct fd that borrows @file (no reference: the caller guarantees it stays)
 * @kernel include/linux/file.h BORROWED_FD() (v6.12+)
 * SIM: tracked like a light fdget borrow, so the sanitizer's borrow rules (V2, V3) apply.
 */
export function BORROWED_FD(k: Kernel, file: File | null): StructFd {
  return makeFd(k, file, 0)
}

/**
 * CLONED_FD - a struct fd that owns a reference the caller already took (fdput will fput it)
 * @kernel include/linux/file.h CLONED_FD() (v6.12+)
 */
export function CLONED_FD(k: Kernel, file: File | null): StructFd {
  return makeFd(k, file, file ? FDPUT_FPUT : 0)
}

function makeFd(k: Kernel, file: File | null, flags: number): StructFd {
  const f: StructFd = { id: nextId(k, 'fd'), file, gen: file ? file.gen : 0, flags, fd: -1, kind: 'fdget', owner: k.current, released: false }
  trace_struct_fd.probe?.(k, f)
  return f
}

/**
 * fdget - light lookup for a syscall's duration
 * @kernel fs/file.c fdget()
 */
export const fdget = kfunc('fdget', function* (k: Kernel, fd: number): KGen<StructFd> {
  return yield* __fget_light(k, fd, FMODE_PATH, 'fdget')
})

/**
 * fdget_raw - fdget that also finds O_PATH files
 * @kernel fs/file.c fdget_raw()
 */
export const fdget_raw = kfunc('fdget_raw', function* (k: Kernel, fd: number): KGen<StructFd> {
  return yield* __fget_light(k, fd, 0, 'fdget_raw')
})

function file_needs_f_pos_lock(k: Kernel, file: File): boolean {
  if (!(file.f_mode & FMODE_ATOMIC_POS)) return false
  if (k.profile.fdget_pos_oneref) {
    if (file.f_ref.refcnt !== FILE_REF_ONEREF) return true
  } else if (file_count(k, file) > 1) return true
  return file.f_op.iterate_shared === true
}

/**
 * fdget_pos - fdget, plus f_pos_lock when the position may be shared
 * @kernel fs/file.c fdget_pos()
 */
export const fdget_pos = kfunc('fdget_pos', function* (k: Kernel, fd: number): KGen<StructFd> {
  const f = yield* __fget_light(k, fd, FMODE_PATH, 'fdget_pos')
  const file = f.file
  if (file) {
    yield { obj: file.id, w: false, what: `file_needs_f_pos_lock ${file.id}` }
    if (file_needs_f_pos_lock(k, file)) {
      f.flags |= FDPUT_POS_UNLOCK
      yield mutex_lock(k, file.f_pos_lock)
    }
  }
  return f
})

/**
 * fdput - end a struct fd: fput only if fdget took a reference
 * @kernel include/linux/file.h fdput()
 */
export const fdput = kfunc('fdput', function* (k: Kernel, f: StructFd): KGen<void> {
  yield* fdputCommon(k, f, 'fdput')
})

/**
 * fdput_pos - unlock f_pos_lock if fdget_pos took it, then fdput
 * @kernel fs/file.c fdput_pos()
 */
export const fdput_pos = kfunc('fdput_pos', function* (k: Kernel, f: StructFd): KGen<void> {
  if (f.file && f.flags & FDPUT_POS_UNLOCK) {
    checkFileMem(k, f.file, 'fdput_pos', f.gen)
    yield mutex_unlock(k, f.file.f_pos_lock)
  }
  yield* fdputCommon(k, f, 'fdput_pos')
})

/** SIM: tracepoint where fdput/fdput_pos release a struct fd (the sanitizer ends the borrow: V3). */
const trace_fdput = tracepoint<Kernel, [StructFd, 'fdput' | 'fdput_pos']>('fdput_release')

function* fdputCommon(k: Kernel, f: StructFd, who: 'fdput' | 'fdput_pos'): KGen<void> {
  trace_fdput.probe?.(k, f, who)
  if (!f.file) return // fdput of an empty value does nothing
  // SIM: a struct fd is a C value; `released` marks it consumed, so a second fdput of the same
  // value does not fput twice (the sanitizer reports it: V3).
  if (f.released) return
  f.released = true
  if (f.flags & FDPUT_FPUT) {
    checkFileMem(k, f.file, who, f.gen)
    yield* fput(k, f.file)
  }
}

// ---------------------------------------------------------------------------------------------
// close-on-exec bits

/**
 * set_close_on_exec
 * @kernel fs/file.c set_close_on_exec()
 */
export const set_close_on_exec = kfunc('set_close_on_exec', function* (k: Kernel, fd: number, flag: boolean): KGen<void> {
  const files = k.current.files!
  yield spin_lock(k, files.file_lock)
  const fdt = files.fdt
  __set_close_on_exec(k, files, fd, fdt, flag)
  yield spin_unlock(k, files.file_lock)
})

/**
 * get_close_on_exec - is @fd close-on-exec? (F_GETFD)
 * @kernel fs/file.c get_close_on_exec()
 * SIM: the kernel reads the bit under rcu_read_lock; here it is one atomic read.
 */
export function get_close_on_exec(k: Kernel, fd: number): boolean {
  return k.current.files!.fdt.close_on_exec.test(fd)
}

// ---------------------------------------------------------------------------------------------
// dup family

/**
 * do_dup2 - install @file at @fd, closing what was there
 * @kernel fs/file.c do_dup2()
 * Context: called with file_lock held; releases it.
 */
export const do_dup2 = kfunc('do_dup2', function* (k: Kernel, files: FilesStruct, file: File, fd: number, flags: number): KGen<number> {
  const fdt = files.fdt
  yield { obj: files.obj.fd, w: true, what: `read fd[${fd}]` }
  const tofree = fdt.fd[fd] ?? null
  if (!tofree && fdt.open_fds.test(fd)) {
    yield spin_unlock(k, files.file_lock)
    return -EBUSY // reserved by an allocation in flight
  }
  yield* get_file(k, file)
  yield { obj: files.obj.fd, w: true, what: `rcu_assign_pointer fd[${fd}] = ${file.id}` }
  setSlot(k, files, fdt, fd, file)
  __set_open_fd(k, files, fd, fdt, (flags & O_CLOEXEC) !== 0)
  yield spin_unlock(k, files.file_lock)
  if (tofree) yield* filp_close(k, tofree, files) // its return value is discarded
  return fd
})

/**
 * ksys_dup3
 * @kernel fs/file.c ksys_dup3()
 */
export const ksys_dup3 = kfunc('ksys_dup3', function* (k: Kernel, oldfd: number, newfd: number, flags: number): KGen<number> {
  const files = k.current.files!
  oldfd = oldfd >>> 0
  newfd = newfd >>> 0
  if ((flags & ~O_CLOEXEC) !== 0) return -EINVAL
  if (oldfd === newfd) return -EINVAL
  if (newfd >= rlimit_nofile(k)) return -EBADF
  yield spin_lock(k, files.file_lock)
  const err = yield* expand_files(k, files, newfd)
  const file = files_lookup_fd_locked(k, files, oldfd)
  if (!file || (err < 0 && err === -EMFILE)) {
    yield spin_unlock(k, files.file_lock)
    return -EBADF
  }
  if (err < 0) {
    yield spin_unlock(k, files.file_lock)
    return err
  }
  return yield* do_dup2(k, files, file, newfd, flags)
})

/**
 * sys_dup2
 * @kernel fs/file.c SYSCALL_DEFINE2(dup2)
 * Profiles: one body per version, chosen here: for newfd == oldfd, v6.5 only looks the fd up
 * under RCU; v6.13+ takes a real reference and drops it again.
 */
export const sys_dup2 = kfunc('sys_dup2', (k: Kernel, oldfd: number, newfd: number): KGen<number> => {
  return k.profile.file_ref_t ? sys_dup2_v6_18(k, oldfd, newfd) : sys_dup2_v6_5(k, oldfd, newfd)
})

/** SYSCALL_DEFINE2(dup2) (v6.5). */
function* sys_dup2_v6_5(k: Kernel, oldfd: number, newfd: number): KGen<number> {
  if ((newfd >>> 0) === (oldfd >>> 0)) {
    const files = k.current.files!
    let retval = oldfd >>> 0
    yield rcu_read_lock(k)
    yield { obj: files.obj.fd, w: false, what: `files_lookup_fd_rcu fd[${oldfd >>> 0}]` }
    if (!files_lookup_fd_raw(files, oldfd)) retval = -EBADF
    yield rcu_read_unlock(k)
    return retval
  }
  return yield* ksys_dup3(k, oldfd, newfd, 0)
}

/** SYSCALL_DEFINE2(dup2) (v6.13+). */
function* sys_dup2_v6_18(k: Kernel, oldfd: number, newfd: number): KGen<number> {
  if ((newfd >>> 0) === (oldfd >>> 0)) {
    const files = k.current.files!
    let retval = oldfd >>> 0
    yield rcu_read_lock(k)
    const f = yield* __fget_files_rcu(k, files, oldfd, 0)
    if (!f) retval = -EBADF
    yield rcu_read_unlock(k)
    if (f) yield* fput(k, f)
    return retval
  }
  return yield* ksys_dup3(k, oldfd, newfd, 0)
}

/**
 * sys_dup3
 * @kernel fs/file.c SYSCALL_DEFINE3(dup3)
 */
export const sys_dup3 = kfunc('sys_dup3', function* (k: Kernel, oldfd: number, newfd: number, flags: number): KGen<number> {
  return yield* ksys_dup3(k, oldfd, newfd, flags)
})

/**
 * sys_dup
 * @kernel fs/file.c SYSCALL_DEFINE1(dup)
 */
export const sys_dup = kfunc('sys_dup', function* (k: Kernel, fildes: number): KGen<number> {
  let ret = -EBADF
  const file = yield* fget_raw(k, fildes)
  if (file) {
    ret = yield* get_unused_fd_flags(k, 0)
    if (ret >= 0) yield* fd_install(k, ret, file)
    else yield* fput(k, file)
  }
  return ret
})

/**
 * f_dupfd - F_DUPFD: lowest free fd >= @from
 * @kernel fs/file.c f_dupfd()
 */
export const f_dupfd = kfunc('f_dupfd', function* (k: Kernel, from: number, file: File, flags: number): KGen<number> {
  const nofile = rlimit_nofile(k)
  if (from >= nofile) return -EINVAL
  const err = yield* alloc_fd(k, from, nofile, flags)
  if (err >= 0) {
    yield* get_file(k, file)
    yield* fd_install(k, err, file)
  }
  return err
})

// ---------------------------------------------------------------------------------------------
// Copies (fork, unshare, close_range) and teardown

interface FdRange { from: number; to: number }

/**
 * sane_fdtable_size - how many slots a copy of @fdt needs: the last open fd rounded up to a
 * multiple of 64 (at least 64). v6.13+ leaves out a @punch_hole that holds the last open fds;
 * v6.5 caps the count at @max_fds_v65 (ALIGN(min(count_open_files(), max_fds), BITS_PER_LONG)).
 * dup_fd() calls it again after every retry, so the cap holds on the retry path too.
 */
function sane_fdtable_size(k: Kernel, fdt: Fdtable, punch_hole: FdRange | null, max_fds_v65?: number): number {
  let last = fdt.open_fds.findLastSet(fdt.max_fds)
  if (last === fdt.max_fds) return NR_OPEN_DEFAULT
  if (k.profile.find_next_fd_fast_path && punch_hole && punch_hole.to >= last && punch_hole.from <= last) {
    last = fdt.open_fds.findLastSet(punch_hole.from)
    if (last === punch_hole.from) return NR_OPEN_DEFAULT
  }
  const count = Math.ceil((last + 1) / BITS_PER_LONG) * BITS_PER_LONG
  if (max_fds_v65 === undefined) return count
  return Math.ceil(Math.min(count, Math.max(max_fds_v65, NR_OPEN_DEFAULT)) / BITS_PER_LONG) * BITS_PER_LONG
}

/**
 * dup_fd - copy @oldf into a new files_struct (fork without CLONE_FILES, unshare, close_range)
 * @kernel fs/file.c dup_fd()
 * Reserved-but-uninstalled fds become free in the copy; every copied file gains a reference.
 * Returns: the copy, or -EMFILE / -ENOMEM.
 */
export const dup_fd = kfunc('dup_fd', function* (k: Kernel, oldf: FilesStruct, punch_hole: FdRange | null, max_fds_v65?: number): KGen<FilesStruct | number> {
  const newf = newFilesStruct(k)
  let new_fdt = newf.fdtab
  yield spin_lock(k, oldf.file_lock)
  let old_fdt = oldf.fdt
  let open_files = sane_fdtable_size(k, old_fdt, punch_hole, max_fds_v65)
  while (open_files > new_fdt.max_fds) {
    yield spin_unlock(k, oldf.file_lock)
    const t = alloc_fdtable(k, k.profile.find_next_fd_fast_path ? open_files : open_files - 1)
    if (typeof t === 'number') {
      newf.freed = true
      k.all_files_structs.delete(newf)
      return t
    }
    new_fdt = t
    yield spin_lock(k, oldf.file_lock)
    old_fdt = oldf.fdt
    open_files = sane_fdtable_size(k, old_fdt, punch_hole, max_fds_v65)
  }
  const words = open_files / BITS_PER_LONG
  new_fdt.open_fds.u32.set(old_fdt.open_fds.u32.subarray(0, words * 2))
  new_fdt.close_on_exec.u32.set(old_fdt.close_on_exec.u32.subarray(0, words * 2))
  for (let w = 0; w < words; w++) if (old_fdt.full_fds_bits.test(w)) new_fdt.full_fds_bits.set(w)
  for (let i = 0; i < open_files; i++) {
    if (!old_fdt.open_fds.test(i) && !old_fdt.fd[i]) continue
    yield { obj: oldf.obj.fd, w: false, what: `dup_fd: read fd[${i}]` }
    const f = old_fdt.fd[i] ?? null
    if (f) yield* get_file(k, f)
    else __clear_open_fd(k, newf, i, new_fdt)
    new_fdt.fd[i] = f
  }
  yield spin_unlock(k, oldf.file_lock)
  newf.fdt = new_fdt
  return newf
})

/**
 * close_files - filp_close() every open fd, ascending (the last put of a files_struct)
 * @kernel fs/file.c close_files()
 */
export const close_files = kfunc('close_files', (k: Kernel, files: FilesStruct): KGen<Fdtable> => {
  return k.profile.file_ref_t ? close_files_v6_18(k, files) : close_files_v6_5(k, files)
})

/** close_files (v6.5): each slot is xchg()ed with NULL before filp_close. */
function* close_files_v6_5(k: Kernel, files: FilesStruct): KGen<Fdtable> {
  const fdt = files.fdt
  for (let i = fdt.open_fds.findNextSet(fdt.max_fds, 0); i < fdt.max_fds; i = fdt.open_fds.findNextSet(fdt.max_fds, i + 1)) {
    yield { obj: files.obj.fd, w: true, what: `close_files: fd[${i}]` }
    const file = fdt.fd[i] ?? null
    if (file) {
      setSlot(k, files, fdt, i, null) // xchg(&fdt->fd[i], NULL)
      yield* filp_close(k, file, files)
    }
  }
  return fdt
}

/** close_files (v6.13+, "close_files(): don't bother with xchg()"): nobody else can reach the table. */
function* close_files_v6_18(k: Kernel, files: FilesStruct): KGen<Fdtable> {
  const fdt = files.fdt
  for (let i = fdt.open_fds.findNextSet(fdt.max_fds, 0); i < fdt.max_fds; i = fdt.open_fds.findNextSet(fdt.max_fds, i + 1)) {
    yield { obj: files.obj.fd, w: false, what: `close_files: fd[${i}]` }
    const file = fdt.fd[i] ?? null
    if (file) yield* filp_close(k, file, files)
  }
  return fdt
}

/** SIM: tracepoint where put_files_struct drops the last count (the sanitizer checks V14 there). */
const trace_files_struct_last_put = tracepoint<Kernel, [FilesStruct]>('files_struct_last_put')

/**
 * put_files_struct - drop a task's share of @files; the last one closes everything
 * @kernel fs/file.c put_files_struct()
 */
export const put_files_struct = kfunc('put_files_struct', function* (k: Kernel, files: FilesStruct): KGen<void> {
  yield { obj: files.obj.count, w: true, what: `atomic_dec_and_test ${files.id}->count` }
  files.count--
  // Variant files_count_too_low: a hidden sharer leaving takes its hiding with it (at most count - 1).
  if (files.count_hidden) files.count_hidden = Math.min(files.count_hidden, Math.max(0, files.count - 1))
  if (files.count === 0) {
    trace_files_struct_last_put.probe?.(k, files)
    yield* close_files(k, files)
    files.freed = true
    k.all_files_structs.delete(files)
    if (k.trace.on) k.trace.emit({ e: 'note', text: `kmem_cache_free(files_cachep, ${files.id})` })
  }
})

/**
 * exit_files - detach the table from @tsk and drop its share
 * @kernel fs/file.c exit_files()
 */
export const exit_files = kfunc('exit_files', function* (k: Kernel, tsk: Task): KGen<void> {
  const files = tsk.files
  if (files) {
    yield { obj: `${tsk.id}.alloc_lock`, w: true, what: 'task_lock; tsk->files = NULL' }
    tsk.files = null
    yield* put_files_struct(k, files)
  }
})

/**
 * do_close_on_exec - close every FD_CLOEXEC fd, word by word
 * @kernel fs/file.c do_close_on_exec()
 */
export const do_close_on_exec = kfunc('do_close_on_exec', function* (k: Kernel, files: FilesStruct): KGen<void> {
  yield spin_lock(k, files.file_lock)
  for (let i = 0; ; i++) {
    let fd = i * BITS_PER_LONG
    const fdt = files.fdt
    if (fd >= fdt.max_fds) break
    if (fdt.close_on_exec.wordZero(i)) continue
    const set: number[] = []
    for (let b = 0; b < BITS_PER_LONG; b++) if (fdt.close_on_exec.test(fd + b)) set.push(fd + b)
    fdt.close_on_exec.clearWord(i)
    if (k.trace.on) k.trace.bit(files.id, 'close_on_exec', fd, 0)
    for (fd of set) {
      const file = fdt.fd[fd] ?? null
      if (!file) continue
      yield { obj: files.obj.fd, w: true, what: `fd[${fd}] = NULL` }
      setSlot(k, files, fdt, fd, null)
      __put_unused_fd(k, files, fd)
      yield spin_unlock(k, files.file_lock)
      yield* filp_close(k, file, files)
      yield spin_lock(k, files.file_lock)
    }
  }
  yield spin_unlock(k, files.file_lock)
})

/**
 * __range_close - detach and filp_close every fd in [@fd, @max_fd], one lock round per fd (v6.5)
 * @kernel fs/file.c __range_close() (v6.5)
 */
function* __range_close_v6_5(k: Kernel, files: FilesStruct, fd: number, max_fd: number): KGen<void> {
  const n = last_fd(files.fdt)
  max_fd = Math.min(max_fd, n)
  while (fd <= max_fd) {
    const cur = fd++
    if (!files.fdt.open_fds.test(cur)) continue // SIM: empty slots need no scheduling point
    yield spin_lock(k, files.file_lock)
    const file = yield* pick_file(k, files, cur)
    yield spin_unlock(k, files.file_lock)
    if (file) yield* filp_close(k, file, files)
  }
}

/**
 * __range_close - detach and filp_close every fd in [@fd, @max_fd], the lock held across the loop (v6.18)
 * @kernel fs/file.c __range_close()
 */
function* __range_close_v6_18(k: Kernel, files: FilesStruct, fd: number, max_fd: number): KGen<void> {
  yield spin_lock(k, files.file_lock)
  max_fd = Math.min(max_fd, last_fd(files.fdt))
  for (; fd <= max_fd; fd++) {
    if (!files.fdt.open_fds.test(fd)) continue // SIM: empty slots need no scheduling point
    const file = yield* file_close_fd_locked(k, files, fd)
    if (file) {
      yield spin_unlock(k, files.file_lock)
      yield* filp_close(k, file, files)
      yield spin_lock(k, files.file_lock)
      max_fd = Math.min(max_fd, last_fd(files.fdt))
    }
  }
  yield spin_unlock(k, files.file_lock)
}

/**
 * __range_cloexec - mark every fd in [@fd, @max_fd] close-on-exec
 * @kernel fs/file.c __range_cloexec()
 */
function* __range_cloexec(k: Kernel, files: FilesStruct, fd: number, max_fd: number): KGen<void> {
  yield spin_lock(k, files.file_lock)
  const fdt = files.fdt
  max_fd = Math.min(fdt.max_fds - 1, max_fd)
  for (let i = fd; i <= max_fd; i++) fdt.close_on_exec.set(i)
  if (k.trace.on && fd <= max_fd) k.trace.bit(files.id, 'close_on_exec', fd, 1)
  yield spin_unlock(k, files.file_lock)
}

/**
 * sys_close_range - close (or mark close-on-exec) every fd in [@fd, @max_fd]
 * @kernel fs/file.c SYSCALL_DEFINE3(close_range) (v6.5: fs/open.c wrapper around __close_range())
 * Profiles: one body per version, chosen here: v6.5 unshares a copy of the fds below @fd when
 * the range reaches the end of the table and closes with a lock round per fd; v6.13+ copies
 * the table around a punched hole and holds the lock across the close loop.
 */
export const sys_close_range = kfunc('sys_close_range', (k: Kernel, fd: number, max_fd: number, flags: number): KGen<number> => {
  return k.profile.find_next_fd_fast_path ? sys_close_range_v6_18(k, fd, max_fd, flags) : __close_range_v6_5(k, fd, max_fd, flags)
})

/** __close_range (v6.5, fs/file.c; SYSCALL_DEFINE3(close_range) in fs/open.c only calls it). */
function* __close_range_v6_5(k: Kernel, fd: number, max_fd: number, flags: number): KGen<number> {
  const me = k.current
  fd = fd >>> 0
  max_fd = max_fd >>> 0
  flags = flags >>> 0
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) return -EINVAL
  if (fd > max_fd) return -EINVAL
  let cur_fds = me.files!
  let fds: FilesStruct | null = null
  yield { obj: cur_fds.obj.count, w: false, what: `atomic_read ${cur_fds.id}->count` } // unshare_fd()
  if (flags & CLOSE_RANGE_UNSHARE && cur_fds.count > 1) {
    // If the caller requested all fds to be made cloexec we always copy all of them, since they
    // still want to use them. If the range reaches the current maximum, we're closing
    // everything, so only copy the fds beneath the lowest one.
    const max_unshare_fds = !(flags & CLOSE_RANGE_CLOEXEC) && max_fd >= last_fd(cur_fds.fdt) ? fd : undefined
    const copy = yield* dup_fd(k, cur_fds, null, max_unshare_fds)
    if (typeof copy === 'number') return copy
    fds = cur_fds
    cur_fds = copy
  }
  if (flags & CLOSE_RANGE_CLOEXEC) yield* __range_cloexec(k, cur_fds, fd, max_fd)
  else yield* __range_close_v6_5(k, cur_fds, fd, max_fd)
  if (fds) {
    yield { obj: `${me.id}.alloc_lock`, w: true, what: 'task_lock; me->files = copy' }
    me.files = cur_fds
    yield* put_files_struct(k, fds)
  }
  return 0
}

/** SYSCALL_DEFINE3(close_range) (v6.13+, fs/file.c). */
function* sys_close_range_v6_18(k: Kernel, fd: number, max_fd: number, flags: number): KGen<number> {
  const me = k.current
  fd = fd >>> 0
  max_fd = max_fd >>> 0
  flags = flags >>> 0
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) return -EINVAL
  if (fd > max_fd) return -EINVAL
  let cur_fds = me.files!
  let fds: FilesStruct | null = null
  yield { obj: cur_fds.obj.count, w: false, what: `atomic_read ${cur_fds.id}->count` }
  if (flags & CLOSE_RANGE_UNSHARE && cur_fds.count > 1) {
    // If the caller requested all fds to be made cloexec we always copy all of them, since they
    // still want to use them.
    const punch_hole = flags & CLOSE_RANGE_CLOEXEC ? null : { from: fd, to: max_fd }
    const copy = yield* dup_fd(k, cur_fds, punch_hole)
    if (typeof copy === 'number') return copy
    fds = cur_fds
    cur_fds = copy
  }
  if (flags & CLOSE_RANGE_CLOEXEC) yield* __range_cloexec(k, cur_fds, fd, max_fd)
  else yield* __range_close_v6_18(k, cur_fds, fd, max_fd)
  if (fds) {
    yield { obj: `${me.id}.alloc_lock`, w: true, what: 'task_lock; me->files = copy' }
    me.files = cur_fds
    yield* put_files_struct(k, fds)
  }
  return 0
}

/**
 * last_fd - the highest fd the table has a slot for
 * @kernel include/linux/fdtable.h last_fd()
 */
export function last_fd(fdt: Fdtable): number {
  return fdt.max_fds - 1
}

