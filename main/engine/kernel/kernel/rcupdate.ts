/**
 * RCU: read-side sections, call_rcu and synchronize_rcu. Grace periods are ended by the
 * schedulable `rcu_gp` system thread (machine/), so the explorer can order them against readers.
 * @kernel kernel/rcu/update.c, kernel/rcu/tree.c, include/linux/rcupdate.h
 * SIM: one grace period at a time; a grace period ends once every task that was inside a read
 * section when it started has left that section.
 */
import type { KGen, Kernel } from '../../sim/context'
import { kfunc } from '../../sim/kfunc'
import type { CallbackFn, CallbackHead } from '../include/types'
import { newWaitQueue, might_sleep, wait_event } from './locking'

/**
 * rcu_read_lock - enter an RCU read-side critical section
 * @kernel include/linux/rcupdate.h rcu_read_lock()
 */
export function* rcu_read_lock(k: Kernel): KGen<void> {
  // A reader touches only its own nesting count; grace periods (global steps) order against it.
  yield { obj: `rcu:${k.current.pid}`, w: true, what: 'rcu_read_lock' }
  const t = k.current
  t.rcu_read_lock_nesting++
  if (t.rcu_read_lock_nesting === 1) t.rcu_sections++
  if (k.trace.on) k.trace.emit({ e: 'rcu', op: 'read_lock', what: `${t.comm}/${t.pid}` })
}

/**
 * rcu_read_unlock - leave an RCU read-side critical section
 * @kernel include/linux/rcupdate.h rcu_read_unlock()
 */
export function* rcu_read_unlock(k: Kernel): KGen<void> {
  yield { obj: `rcu:${k.current.pid}`, w: true, what: 'rcu_read_unlock' }
  const t = k.current
  if (t.rcu_read_lock_nesting === 0) {
    k.report('rcu', 'violation', `rcu_read_unlock() without rcu_read_lock() in ${t.comm}/${t.pid}`, [t.id])
    return
  }
  t.rcu_read_lock_nesting--
  if (k.trace.on) k.trace.emit({ e: 'rcu', op: 'read_unlock', what: `${t.comm}/${t.pid}` })
}


/**
 * call_rcu - queue @func to run after a grace period
 * @kernel kernel/rcu/tree.c call_rcu()
 * Context: any; the callback runs later in softirq context.
 */
export function* call_rcu(k: Kernel, head: CallbackHead, func: CallbackFn, what: string): KGen<void> {
  yield { obj: 'rcu', w: true, what: 'call_rcu' }
  head.func = func
  const rcu = k.rcu
  const gp = rcu.gp ? rcu.gp.seq + 1 : rcu.completed + 1
  rcu.callbacks.push({ head, what, gp })
  if (k.trace.on) k.trace.emit({ e: 'rcu', op: 'call_rcu', what: `${func.kname ?? func.name}(${what})` })
}

/**
 * synchronize_rcu - wait for a full grace period
 * @kernel kernel/rcu/tree.c synchronize_rcu()
 * Context: may sleep.
 */
export const synchronize_rcu = kfunc('synchronize_rcu', function* (k: Kernel): KGen<void> {
  might_sleep(k, 'synchronize_rcu()')
  const rcu = k.rcu
  const target = rcu.gp ? rcu.gp.seq + 1 : rcu.completed + 1
  const wq = newWaitQueue(`rcu.gp${target}`)
  rcu.syncWaiters.push({ task: k.current, gp: target, wq })
  yield* wait_event(k, wq, () => rcu.completed >= target, `synchronize_rcu (grace period ${target})`)
})
