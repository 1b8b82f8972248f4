/**
 * Delayed work, reduced to what delayed_fput needs, and the kworker that runs it. The `kworker/0:1`
 * system thread (worker_thread) runs a work once it is due; the `tick` system thread
 * (kernel/kernel/time.ts) advances jiffies (both are scheduling choices).
 * @kernel kernel/workqueue.c schedule_delayed_work(), process_one_work(), worker_thread(), flush_delayed_work()
 */
import type { KGen } from '../../sim/context'
import type { DelayedWork, Kernel } from '../include/kernel'
import { kfunc } from '../../sim/kfunc'
import { wait_event, newWaitQueue } from './locking'

/**
 * schedule_delayed_work - queue @dwork to run after @delay jiffies (no-op if already pending)
 * @kernel include/linux/workqueue.h schedule_delayed_work()
 */
export const schedule_delayed_work = kfunc('schedule_delayed_work', function* (k: Kernel, dwork: DelayedWork, delay: number): KGen<boolean> {
  yield { obj: 'workqueue', w: true, what: `schedule_delayed_work ${dwork.name}` }
  if (dwork.pending) return false
  dwork.pending = true
  dwork.due = k.jiffies + delay
  return true
})

/**
 * process_one_work - clear @work's pending bit and call its function
 * @kernel kernel/workqueue.c process_one_work()
 */
export function* process_one_work(k: Kernel, work: DelayedWork): KGen<void> {
  work.pending = false
  yield* work.func(k)
}

/**
 * worker_thread - the kworker: run each work once it is due
 * @kernel kernel/workqueue.c worker_thread()
 * SIM: one worker and one list, that of the delayed works (k.workqueue): a work is due when its
 * timer would have fired (its jiffy has come), so the timer's delayed_work_timer_fn() and the
 * queueing it does are folded into this test. The step is enabled only while a work is due.
 */
export function* worker_thread(k: Kernel): KGen<void> {
  for (;;) {
    yield { obj: 'workqueue', w: true, what: 'kworker: run due work', idle: true, enabled: () => k.workqueue.some((w) => w.pending && w.due <= k.jiffies) }
    const work = k.workqueue.find((x) => x.pending && x.due <= k.jiffies)!
    yield* process_one_work(k, work)
  }
}

/**
 * flush_delayed_work - run a pending delayed work now and wait for it
 * @kernel kernel/workqueue.c flush_delayed_work()
 * SIM: waits until the kworker has run it (the kworker runs it at once when flushed).
 */
export const flush_delayed_work = kfunc('flush_delayed_work', function* (k: Kernel, dwork: DelayedWork): KGen<boolean> {
  yield { obj: 'workqueue', w: true, what: `flush_delayed_work ${dwork.name}` }
  if (!dwork.pending) return false
  dwork.due = Math.min(dwork.due, k.jiffies)
  yield* wait_event(k, newWaitQueue(`${dwork.id}.flush`), () => !dwork.pending, `flush_delayed_work(${dwork.name})`)
  return true
})
