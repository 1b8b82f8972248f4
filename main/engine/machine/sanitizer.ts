/**
 * Sanitizer checks that need the whole run: what is left when every task is gone.
 * (Per-event rules are reported where they happen, in kernel code, through k.report.)
 */
import type { Machine } from './Machine'
import { file_count } from '../kernel/include/file_ref'
import { files_users } from '../sim/context'

export function endOfRunChecks(m: Machine): void {
  const k = m.k
  for (const f of k.filp_cache.all) {
    if (f.mem === 'live' && file_count(k, f) > 0) {
      const inTable = m.tables().some((t) => t.fdt.fd.includes(f))
      if (!inTable) {
        k.report('leak', 'violation', `${f.id} (${f.f_inode?.path ?? '?'}) leaked: ${file_count(k, f)} reference(s) left when every task has exited`, [f.id])
      }
    } else if (f.mem === 'dying') {
      k.report('leak', 'violation', `${f.id} (${f.f_inode?.path ?? '?'}) leaked: its last reference is gone but __fput never ran (queued work lost)`, [f.id])
    }
  }
  // V14 (count exactness): a table whose count outlived the tasks that used it was counted by
  // something that is not a task (a held count instead of task_lock plus a lookup). The
  // in-flight checks (sim/context.ts check_files_count) catch counts that are too low.
  for (const files of k.all_files_structs) {
    if (files.freed) continue
    const users = files_users(k, files)
    if (files.count !== users) {
      k.report('V14', 'violation', `${files.id}->count is ${files.count} at the end of the run but ${users} task(s) use the table: a count that is not a task's`, [files.id])
    }
  }
  for (const t of k.tasks.values()) {
    if (t.state === 'dead' || t.state === 'zombie') {
      let w = t.task_works
      if (w && w !== k.work_exited) {
        const names: string[] = []
        for (; w && w !== k.work_exited; w = w.next) names.push(w.func?.kname ?? '?')
        k.report('leak', 'violation', `${t.comm}/${t.pid} exited with task work that never ran: ${names.join(', ')}`, [t.id])
      }
    }
  }
}
