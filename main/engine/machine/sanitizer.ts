/**
 * The sanitizer: rules about struct fd borrows and files_struct counts, checked by probing the
 * kernel's tracepoints (sim/kfunc_common.ts `tracepoint`: named points the kernel functions fire,
 * as the kernel's own `trace_*()` calls) instead of inside its functions, and the checks that
 * need the whole run (what is left when every task is gone).
 * The kernel's own checks (WARN_ON, BUG_ON, CHECK_DATA_CORRUPTION, lockdep, might_sleep) stay in
 * the kernel functions that have them, and so does checkFileMem (the use of freed memory, as
 * KASAN instruments accesses).
 *
 * Its state is the kernel's shadow (per machine): `k.live_fds` and each task's `fds_live`, every
 * struct fd taken (__fget_light, BORROWED_FD, CLONED_FD) and not yet released by fdput.
 * Each tracepoint sits where the check used to run inside the kernel function, so findings land
 * at the same step and place in the trace.
 */
import type { Machine } from './Machine'
import type { Kernel } from '../kernel/include/kernel'
import type { File, FilesStruct, StructFd, Task } from '../kernel/include/types'
import { CLONE_FILES } from '../kernel/include/flags'
import { file_count } from '../kernel/include/file_ref'
import { task_work_pending } from '../kernel/kernel/task_work'
import { RULE } from '../sim/rules'
import { probe, type TracepointProbe } from '../sim/kfunc'

// ---------------------------------------------------------------------------------------------
// The borrow list (V2, V3): every struct fd with a file, from its fdget to its fdput

function track(k: Kernel, f: StructFd): void {
  if (!f.file) return
  f.owner.fds_live.push(f)
  k.live_fds.add(f)
}

function untrack(k: Kernel, f: StructFd): void {
  k.live_fds.delete(f)
  const live = f.owner.fds_live
  const i = live.indexOf(f)
  if (i >= 0) live.splice(i, 1)
}

function reportTwice(k: Kernel, f: StructFd, who: string): void {
  k.report(RULE.V3, 'violation', `${who} of ${f.kind}(${f.fd}) twice: the struct fd that ${f.kind}(${f.fd}) returned was already released`, [f.file!.id])
}

/** fdput/fdput_pos releasing @f (tracepoint in fs/file.ts fdputCommon, before the release). */
function fdputRelease(k: Kernel, f: StructFd, who: 'fdput' | 'fdput_pos'): void {
  if (!f.file) return
  if (f.released) {
    k.report(RULE.V3, 'violation', `${who} of ${f.kind}(${f.fd}) twice: the struct fd that ${f.kind}(${f.fd}) returned was already released`, [f.file.id])
    return
  }
  if ((f.kind === 'fdget_pos') !== (who === 'fdput_pos')) {
    k.report(RULE.V3, 'violation', `${who} does not match ${f.kind}(${f.fd}), which took the struct fd it releases`, [f.file.id])
  }
  untrack(k, f)
}

/** V2 rule 1, V3: no struct fd outlives the system call. */
function sysExit(k: Kernel, what: string): void {
  if (k.current.fds_live.length !== 0) sysExitWithFds(k, what)
}

function sysExitWithFds(k: Kernel, what: string): void {
  const t = k.current
  for (const f of t.fds_live) {
    const light = (f.flags & 1) === 0
    k.report(light ? RULE.V2 : RULE.V3, 'violation',
      `${t.comm}/${t.pid} returns to user space from ${what} with ${f.kind}(${f.fd}) not released (${light ? 'a borrowed reference outlives the syscall' : 'a counted reference leaks'})`,
      [f.file?.id ?? '', t.id])
  }
  for (const f of t.fds_live) k.live_fds.delete(f)
  t.fds_live.length = 0 // reported once: a borrow is dead in user space, a leaked clone stays counted
}

/** V2: the last reference of @f is gone while a light (borrowed, uncounted) fdget of it is live. */
function lastPut(k: Kernel, f: File): void {
  if (k.live_fds.size !== 0) lastPutWithFds(k, f)
}

function lastPutWithFds(k: Kernel, f: File): void {
  for (const sfd of k.live_fds) {
    if (sfd.file === f && !sfd.released && (sfd.flags & 1) === 0 && sfd.gen === f.gen) {
      const t = sfd.owner
      k.report(RULE.V2, 'violation',
        `last reference of ${f.id} dropped while ${t.comm}/${t.pid} holds a light fdget borrow of fd ${sfd.fd} (${sfd.kind}): filp_close under a light fdget, nothing pins the file until fdput`,
        [f.id, t.id])
    }
  }
}

/** V1: the memory of @file goes while a struct fd still points at it. */
function freed(k: Kernel, file: File): void {
  if (k.live_fds.size !== 0) freedWithFds(k, file)
}

function freedWithFds(k: Kernel, file: File): void {
  for (const fd of k.live_fds) {
    if (fd.file === file && !fd.released && fd.gen === file.gen) {
      const t = fd.owner
      k.report(RULE.use_after_free, 'violation',
        `${file.id} freed while ${t.comm}/${t.pid} still holds a ${fd.flags & 1 ? 'cloned' : 'light (borrowed)'} ${fd.kind} reference from fd ${fd.fd} (V1)`, [file.id, t.id])
    }
  }
}

// ---------------------------------------------------------------------------------------------
// V14: files_struct.count is exact

/** How many tasks use @files (task->files == files), counting at most @limit. */
export function files_users(k: Kernel, files: FilesStruct, limit = Infinity): number {
  let n = 0
  for (const t of k.tasks.values()) if (t.files === files && ++n >= limit) break
  return n
}

/**
 * Sanitizer rule V14 (count exactness, spec §10.3): files_struct.count equals the number of tasks
 * whose files points to it. While a task is being attached or detached the count may exceed the
 * registered users by the ones in flight (@pending); it may never be lower, since the light
 * fdget trusts count == 1 to mean "no other task can touch this table". Checked where the count
 * changes or is trusted (copy_files, put_files_struct, __fget_light); endOfRunChecks looks for
 * counts that outlive their users.
 */
function check_files_count(k: Kernel, files: FilesStruct, pending: number, where: string | (() => string)): void {
  const users = files_users(k, files) + pending
  // Under the hypothetical variant files_count_too_low the sharers clone(CLONE_FILES) did not
  // count are invisible to the kernel's readers: the count they trust is the short one.
  const count = k.profile.variants.files_count_too_low ? files.count - (files.count_hidden ?? 0) : files.count
  if (count >= users) return
  const names: string[] = []
  for (const t of k.tasks.values()) if (t.files === files) names.push(`${t.comm}/${t.pid}`)
  k.report(RULE.V14, 'violation',
    `${typeof where === 'string' ? where : where()}: ${files.id}->count is ${count} but ${users} task(s) use the table (${names.join(', ')}${pending ? ` and ${pending} being attached` : ''}): files_struct.count must be exact (the light fdget trusts count == 1)`,
    [files.id])
}

// ---------------------------------------------------------------------------------------------
// The probes of the kernel's tracepoints (sim/kfunc_common.ts tracepoint()).

/** How many times __fput ran for each struct file, per allocation generation (V16). A file belongs to one machine. */
const FPUT_RUNS = new WeakMap<File, { gen: number; n: number }>()

const PROBES: Record<string, TracepointProbe> = {
  /** __fget_light, BORROWED_FD, CLONED_FD made a struct fd (fs/file.ts). */
  struct_fd: track,
  /** fdput, fdput_pos release one (fs/file.ts fdputCommon). */
  fdput_release: fdputRelease,
  /** The last reference of a file is gone (include/file_ref.ts file_ref_put). */
  file_last_put: lastPut,
  /** A struct file's memory is released (fs/file_table.ts file_free). */
  file_free: freed,
  /** Return to user space (kernel/entry.ts do_syscall). */
  sys_exit: sysExit,
  /** V5: put_unused_fd on a slot that is still installed (undo after fd_install). */
  put_unused_fd: (k: Kernel, files: FilesStruct, fd: number) => {
    if (files.fdt.fd[fd]) k.report(RULE.V5, 'violation', `put_unused_fd(${fd}) on an installed fd of ${files.id}: undo after fd_install (stale entry)`, [files.id])
  },
  /** do_exit, before exit_files: a struct fd still held is V3 (kernel/exit.ts). */
  sched_process_exit: (k: Kernel, tsk: Task) => {
    if (tsk.fds_live.length) {
      k.report(RULE.V3, 'violation', `${tsk.comm}/${tsk.pid} exits with ${tsk.fds_live.length} struct fd not released (${tsk.fds_live.map((f) => `${f.kind}(${f.fd})`).join(', ')})`, tsk.fds_live.map((f) => f.file?.id ?? ''))
    }
  },
  /** V16: __fput ran more than once for one generation of a struct file (fs/file_table.ts). */
  fput: (k: Kernel, file: File) => {
    const seen = FPUT_RUNS.get(file)
    const n = seen && seen.gen === file.gen ? seen.n + 1 : 1
    FPUT_RUNS.set(file, { gen: file.gen, n })
    if (n > 1) k.report(RULE.double_fput, 'violation', `__fput ran ${n} times for ${file.id} (V16)`, [file.id])
  },
  /** Task work queued after exit_task_work ran is never run: a leak (kernel/exit.ts). */
  exit_task_work: (k: Kernel, tsk: Task) => {
    if (task_work_pending(k, tsk)) k.report(RULE.leak, 'violation', `${tsk.comm}/${tsk.pid}: task work left after exit_task_work`, [tsk.id])
  },
  /** V2: clone(CLONE_FILES) while holding a light borrow, once the flags are checked (kernel/fork.ts). */
  kernel_clone: (k: Kernel, flags: number) => {
    const parent = k.current
    if (flags & CLONE_FILES && parent.fds_live.some((f) => (f.flags & 1) === 0)) {
      k.report(RULE.V2, 'violation', `clone(CLONE_FILES) by ${parent.comm}/${parent.pid} while it holds a light fdget borrow: the table becomes shared under it`, [parent.id])
    }
  },
  /** V14 in copy_files(CLONE_FILES), once the new task shares the table (kernel/fork.ts). */
  copy_files_shared: (k: Kernel, oldf: FilesStruct, tsk: Task) => {
    check_files_count(k, oldf, tsk.files === oldf && !k.tasks.has(tsk.pid) ? 1 : 0, `copy_files(CLONE_FILES) for ${tsk.pid}`)
  },
  /** V14 in put_files_struct, when the last count goes (fs/file.ts). */
  files_struct_last_put: (k: Kernel, files: FilesStruct) => check_files_count(k, files, 0, `put_files_struct frees ${files.id}`),
  /** V14 where __fget_light trusts count == 1 (fs/file.ts). */
  fget_light_trusts_count: (k: Kernel, files: FilesStruct, fd: number, kind: StructFd['kind']) => {
    // The message is built only for a finding: this runs on every light fdget.
    check_files_count(k, files, 0, () => `${kind}(${fd >>> 0}) by ${k.current.comm}/${k.current.pid} takes the light path`)
  },
}

// Both forms of the kernel (the stepped one and the generated fast path) fire the same
// tracepoint objects (sim/kfunc_common.ts is shared by both), so one probe serves both.
for (const [name, fn] of Object.entries(PROBES)) probe(name, fn)

export function endOfRunChecks(m: Machine): void {
  const k = m.k
  for (const f of k.filp_cache.all) {
    if (f.mem === 'live' && file_count(k, f) > 0) {
      const inTable = m.tables().some((t) => t.fdt.fd.includes(f))
      if (!inTable) {
        k.report(RULE.leak, 'violation', `${f.id} (${f.f_inode?.path ?? '?'}) leaked: ${file_count(k, f)} reference(s) left when every task has exited`, [f.id])
      }
    } else if (f.mem === 'dying') {
      k.report(RULE.leak, 'violation', `${f.id} (${f.f_inode?.path ?? '?'}) leaked: its last reference is gone but __fput never ran (queued work lost)`, [f.id])
    }
  }
  // V14 (count exactness): a table whose count outlived the tasks that used it was counted by
  // something that is not a task (a held count instead of task_lock plus a lookup). The
  // in-flight checks (check_files_count above) catch counts that are too low.
  for (const files of k.all_files_structs) {
    if (files.freed) continue
    const users = files_users(k, files)
    if (files.count !== users) {
      k.report(RULE.V14, 'violation', `${files.id}->count is ${files.count} at the end of the run but ${users} task(s) use the table: a count that is not a task's`, [files.id])
    }
  }
  for (const t of k.tasks.values()) {
    if (t.state === 'dead' || t.state === 'zombie') {
      let w = t.task_works
      if (w && w !== k.work_exited) {
        const names: string[] = []
        for (; w && w !== k.work_exited; w = w.next) names.push(w.func?.kname ?? '?')
        k.report(RULE.leak, 'violation', `${t.comm}/${t.pid} exited with task work that never ran: ${names.join(', ')}`, [t.id])
      }
    }
  }
}
