/**
 * The sanitizer: rules about struct fd borrows and files_struct counts, checked by observing the
 * kernel (observers of kernel functions and tracepoints, sim/kfunc_common.ts) instead of inside
 * its functions, and the checks that need the whole run (what is left when every task is gone).
 * The kernel's own checks (WARN_ON, BUG_ON, CHECK_DATA_CORRUPTION, lockdep, might_sleep) stay in
 * the kernel functions that have them.
 *
 * Its state is the kernel's shadow (per machine): `k.live_fds` and each task's `fds_live`, every
 * struct fd taken (__fget_light, BORROWED_FD, CLONED_FD) and not yet released by fdput.
 * Each observer runs where the check used to run inside the kernel function, so findings land
 * at the same step and place in the trace.
 */
import type { Machine } from './Machine'
import type { Kernel } from '../kernel/include/kernel'
import type { FilesStruct, StructFd, Task } from '../kernel/include/types'
import { CLONE_FILES, CLONE_SIGHAND, CLONE_THREAD, CLONE_VM } from '../kernel/include/flags'
import type { CloneArgs } from '../kernel/kernel/fork'
import { file_count } from '../kernel/include/file_ref'
import { RULE } from '../sim/rules'
import { observe, type KfuncObserver } from '../sim/kfunc'
import { observe as observeFast } from '../fast/sim/kfunc'

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
  const t = k.current
  if (t.fds_live.length === 0) return
  for (const f of t.fds_live) {
    const light = (f.flags & 1) === 0
    k.report(light ? RULE.V2 : RULE.V3, 'violation',
      `${t.comm}/${t.pid} returns to user space from ${what} with ${f.kind}(${f.fd}) not released (${light ? 'a borrowed reference outlives the syscall' : 'a counted reference leaks'})`,
      [f.file?.id ?? '', t.id])
  }
  for (const f of t.fds_live) k.live_fds.delete(f)
  t.fds_live.length = 0 // reported once: a borrow is dead in user space, a leaked clone stays counted
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
function check_files_count(k: Kernel, files: FilesStruct, pending: number, where: string): void {
  const users = files_users(k, files) + pending
  // Under the hypothetical variant files_count_too_low the sharers clone(CLONE_FILES) did not
  // count are invisible to the kernel's readers: the count they trust is the short one.
  const count = k.profile.variants.files_count_too_low ? files.count - (files.count_hidden ?? 0) : files.count
  if (count >= users) return
  const names: string[] = []
  for (const t of k.tasks.values()) if (t.files === files) names.push(`${t.comm}/${t.pid}`)
  k.report(RULE.V14, 'violation',
    `${where}: ${files.id}->count is ${count} but ${users} task(s) use the table (${names.join(', ')}${pending ? ` and ${pending} being attached` : ''}): files_struct.count must be exact (the light fdget trusts count == 1)`,
    [files.id])
}

// ---------------------------------------------------------------------------------------------
// The observers. `a` is the call's arguments with k first.

const OBSERVERS: Record<string, KfuncObserver> = {
  __fget_light: { exit: (a, ret) => track(a[0] as Kernel, ret as StructFd) },
  /** BORROWED_FD, CLONED_FD (tracepoint in fs/file.ts makeFd). */
  'tracepoint:struct_fd': { enter: (a) => track(a[0] as Kernel, a[1] as StructFd) },
  /** fdput, fdput_pos (tracepoint in fs/file.ts fdputCommon). */
  'tracepoint:fdput_release': { enter: (a) => fdputRelease(a[0] as Kernel, a[1] as StructFd, a[2] as 'fdput' | 'fdput_pos') },
  /** Return to user space (tracepoint in kernel/entry.ts do_syscall). */
  'tracepoint:sys_exit': { enter: (a) => sysExit(a[0] as Kernel, a[1] as string) },
  /** do_exit calls exit_files right after exit_signals: a struct fd still held is V3. */
  exit_files: {
    before: (a) => {
      const k = a[0] as Kernel, tsk = a[1] as Task
      if (tsk.fds_live.length) {
        k.report(RULE.V3, 'violation', `${tsk.comm}/${tsk.pid} exits with ${tsk.fds_live.length} struct fd not released (${tsk.fds_live.map((f) => `${f.kind}(${f.fd})`).join(', ')})`, tsk.fds_live.map((f) => f.file?.id ?? ''))
      }
    },
  },
  /** V2: clone(CLONE_FILES) while holding a light borrow (a clone that passes the flag checks). */
  kernel_clone: {
    enter: (a) => {
      const k = a[0] as Kernel, flags = (a[1] as CloneArgs).flags, parent = k.current
      if (flags & CLONE_THREAD && !(flags & CLONE_SIGHAND)) return // -EINVAL
      if (flags & CLONE_SIGHAND && !(flags & CLONE_VM)) return // -EINVAL
      if (flags & CLONE_FILES && parent.fds_live.some((f) => (f.flags & 1) === 0)) {
        k.report(RULE.V2, 'violation', `clone(CLONE_FILES) by ${parent.comm}/${parent.pid} while it holds a light fdget borrow: the table becomes shared under it`, [parent.id])
      }
    },
  },
  /** V5: __put_unused_fd on a slot that is still installed (put_unused_fd after fd_install). */
  __put_unused_fd: {
    before: (a) => {
      const k = a[0] as Kernel, files = a[1] as FilesStruct, fd = a[2] as number
      if (files.fdt.fd[fd]) k.report(RULE.V5, 'violation', `put_unused_fd(${fd}) on an installed fd of ${files.id}: undo after fd_install (stale entry)`, [files.id])
    },
  },
  /** V14 where __fget_light trusts count == 1 (tracepoint in fs/file.ts). */
  'tracepoint:fget_light_trusts_count': {
    enter: (a) => {
      const k = a[0] as Kernel, task = k.current
      check_files_count(k, a[1] as FilesStruct, 0, `${a[3] as string}(${(a[2] as number) >>> 0}) by ${task.comm}/${task.pid} takes the light path`)
    },
  },
  /** V14 in copy_files(CLONE_FILES), once the new task shares the table. */
  copy_files: {
    exit: (a, ret) => {
      const k = a[0] as Kernel, flags = a[1] as number, tsk = a[2] as Task, oldf = k.current.files
      if (!oldf || !(flags & CLONE_FILES) || ret !== 0) return
      check_files_count(k, oldf, tsk.files === oldf && !k.tasks.has(tsk.pid) ? 1 : 0, `copy_files(CLONE_FILES) for ${tsk.pid}`)
    },
  },
  /** V14 in put_files_struct, when the last count goes (it calls close_files then). */
  close_files: {
    before: (a) => {
      const files = a[1] as FilesStruct
      if (files.count === 0) check_files_count(a[0] as Kernel, files, 0, `put_files_struct frees ${files.id}`)
    },
  },
}

// Both forms of the kernel (the stepped one and the generated fast path) are observed.
for (const [name, o] of Object.entries(OBSERVERS)) {
  observe(name, o)
  observeFast(name, o)
}

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
