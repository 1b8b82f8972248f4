/**
 * Sanitizer checks that need the whole run: what is left when every task is gone.
 * (Per-event rules are reported where they happen, in kernel code, through k.report.)
 */
import type { Machine } from './Machine'
import { file_count } from '../kernel/include/file_ref'

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
