/**
 * Per-task deferred work run on the way back to user space or at exit.
 * @kernel kernel/task_work.c, include/linux/task_work.h
 * The list is a LIFO stack: task_work_add pushes at the head and task_work_run runs from the
 * head with no reversal, so a batch runs newest first.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc, resolveKfunc } from '../../sim/kfunc'
import type { CallbackFn, CallbackHead, Task } from '../include/types'
import { EINVAL, ESRCH } from '../include/errno'
import { TWA_NMI_CURRENT, TWA_RESUME, TWA_SIGNAL, TWA_SIGNAL_NO_IPI, PF_EXITING } from '../include/flags'
import { RULE } from '../../sim/rules'

/**
 * init_task_work - set the callback of @twork
 * @kernel include/linux/task_work.h init_task_work()
 */
export function init_task_work(twork: CallbackHead, func: CallbackFn): void {
  twork.func = func
}

function workName(k: Kernel, w: CallbackHead): { fn: string; obj: string | null } {
  const fn = w.func ? (w.func.kname ?? w.func.name) : '?'
  const c = w.container as { id?: string } | null
  return { fn, obj: c && typeof c.id === 'string' ? c.id : null }
}

/**
 * task_work_add - ask @task to run @work
 * @kernel kernel/task_work.c task_work_add()
 * Returns: 0, or -ESRCH once @task has run exit_task_work() (the work is not queued),
 * or -EINVAL for TWA_NMI_CURRENT on another task.
 */
export const task_work_add = kfunc('task_work_add', function* (k: Kernel, task: Task, work: CallbackHead, notify: number): KGen<number> {
  if (notify === TWA_NMI_CURRENT && task !== k.current) return -EINVAL
  yield { obj: `${task.id}.task_works`, w: true, what: `task_work_add ${task.comm}/${task.pid}` }
  const head = task.task_works
  const { fn, obj } = workName(k, work)
  if (head === k.work_exited) {
    if (k.trace.on) k.trace.emit({ e: 'task_work', task: task.pid, op: 'fail', fn, obj })
    return -ESRCH
  }
  for (let w = head; w && w !== k.work_exited; w = w.next) {
    if (w === work) {
      // Queuing a callback_head that is already queued corrupts the list (a cycle): a bug in the caller.
      k.report(RULE.task_work, 'violation', `task_work_add: ${fn}${obj ? `(${obj})` : ''} is already queued on ${task.comm}/${task.pid}; queuing it again corrupts the list`, [task.id])
      return 0 // SIM: the list is left intact instead of corrupted
    }
  }
  work.next = head
  task.task_works = work
  if (k.trace.on) k.trace.emit({ e: 'task_work', task: task.pid, op: 'add', fn, obj })
  switch (notify) {
    case TWA_RESUME: case TWA_NMI_CURRENT: task.notify_resume = true; break
    case TWA_SIGNAL: case TWA_SIGNAL_NO_IPI: task.notify_signal = true; break
    default: break // TWA_NONE: runs whenever task_work_run next happens to be called
  }
  return 0
})

/**
 * task_work_cancel_match - remove the most recent queued work that @match accepts
 * @kernel kernel/task_work.c task_work_cancel_match()
 */
export const task_work_cancel_match = kfunc('task_work_cancel_match',
  function* (k: Kernel, task: Task, match: (w: CallbackHead) => boolean): KGen<CallbackHead | null> {
    yield { obj: `${task.id}.task_works`, w: true, what: `task_work_cancel ${task.comm}/${task.pid}` }
    let prev: CallbackHead | null = null
    for (let w = task.task_works; w && w !== k.work_exited; prev = w, w = w.next) {
      if (match(w)) {
        if (prev) prev.next = w.next
        else task.task_works = w.next
        const { fn, obj } = workName(k, w)
        if (k.trace.on) k.trace.emit({ e: 'task_work', task: task.pid, op: 'cancel', fn, obj })
        return w
      }
    }
    return null
  })

/**
 * task_work_run - run every queued work of the current task
 * @kernel kernel/task_work.c task_work_run()
 * Items added while running land on the emptied list and are taken by the next loop; at exit
 * (PF_EXITING) an empty list is replaced by the work_exited sentinel.
 */
export const task_work_run = kfunc('task_work_run', function* (k: Kernel): KGen<void> {
  const task = k.current
  for (;;) {
    yield { obj: `${task.id}.task_works`, w: true, what: `task_work_run: take ${task.comm}/${task.pid} works` }
    let work = task.task_works
    if (!work || work === k.work_exited) {
      if (task.flags & PF_EXITING && work !== k.work_exited) {
        task.task_works = k.work_exited
        if (k.trace.on) k.trace.emit({ e: 'task_work', task: task.pid, op: 'exited', fn: 'work_exited', obj: null })
      }
      if (!work || work === k.work_exited) return
    }
    task.task_works = null
    // raw_spin_lock_irq(&task->pi_lock); raw_spin_unlock_irq(&task->pi_lock): synchronise with a cancel.
    yield { obj: `${task.id}.pi_lock`, w: true, what: 'pi_lock/unlock' }
    while (work) {
      const next: CallbackHead | null = work.next
      const { fn, obj } = workName(k, work)
      if (k.trace.on) k.trace.emit({ e: 'task_work', task: task.pid, op: 'run', fn, obj })
      if (work.func) yield* resolveKfunc(work.func)(k, work)
      work = next
    }
  }
})

/**
 * exit_task_work - run the remaining works and close the list
 * @kernel include/linux/task_work.h exit_task_work()
 */
export const exit_task_work = kfunc('exit_task_work', function* (k: Kernel, _task: Task): KGen<void> {
  yield* task_work_run(k)
})

/**
 * task_work_pending - does @task have task work queued?
 * @kernel include/linux/task_work.h task_work_pending()
 */
export function task_work_pending(k: Kernel, task: Task): boolean {
  return task.task_works !== null && task.task_works !== k.work_exited
}
