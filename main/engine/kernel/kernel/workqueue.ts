/**
 * Delayed work, reduced to what delayed_fput needs. A `kworker` system thread runs a work once
 * it is due; the `clock` system thread advances jiffies (both are scheduling choices).
 * @kernel kernel/workqueue.c schedule_delayed_work(), flush_delayed_work()
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
