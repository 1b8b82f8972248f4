/**
 * RCU: read-side sections, call_rcu and synchronize_rcu, and the thread that ends grace periods
 * and invokes their callbacks.
 * @kernel kernel/rcu/update.c, kernel/rcu/tree.c, include/linux/rcupdate.h
 * SIM: the guarantee, not the machinery: a callback (or a synchronize_rcu caller) waits exactly
 * for the readers that were inside a read-side section when it was queued. Callbacks run in the
 * schedulable `rcu_preempt` system thread (rcu_gp_kthread below), in softirq context, at any point
 * after that, so the explorer orders them against readers; a real grace period may only end later,
 * which the schedule covers.
 */
import type { KGen, SchedPoint } from '../../sim/context'
import type { Kernel, RcuCallback } from '../include/kernel'
import { kfunc, resolveKfunc } from '../../sim/kfunc'
import type { CallbackFn, CallbackHead, Task } from '../include/types'
import { newWaitQueue, might_sleep, wait_event } from './locking'
import { RULE } from '../../sim/rules'

/** `comm/pid` of a reader, for the trace (the last one kept: one task takes and drops the lock). */
let lastComm = ''
let lastPid = -1
let lastName = ''
function readerName(t: Task): string {
  if (t.comm !== lastComm || t.pid !== lastPid) {
    lastComm = t.comm
    lastPid = t.pid
    lastName = `${t.comm}/${t.pid}`
  }
  return lastName
}

/**
 * rcu_read_lock - enter an RCU read-side critical section
 * @kernel include/linux/rcupdate.h rcu_read_lock()
 */
export function rcu_read_lock(k: Kernel): SchedPoint {
  // A reader touches only its own nesting count; grace periods (global steps) order against it.
  return { obj: k.current.rcu_obj, w: true, what: 'rcu_read_lock', then: () => {
    const t = k.current
    t.rcu_read_lock_nesting++
    if (t.rcu_read_lock_nesting === 1) t.rcu_sections++
    if (k.trace.on) k.trace.rcu('read_lock', readerName(t))
  } }
}

/**
 * rcu_read_unlock - leave an RCU read-side critical section
 * @kernel include/linux/rcupdate.h rcu_read_unlock()
 */
export function rcu_read_unlock(k: Kernel): SchedPoint {
  return { obj: k.current.rcu_obj, w: true, what: 'rcu_read_unlock', then: () => {
    const t = k.current
    if (t.rcu_read_lock_nesting === 0) {
      k.report(RULE.rcu, 'violation', `rcu_read_unlock() without rcu_read_lock() in ${t.comm}/${t.pid}`, [t.id])
      return
    }
    t.rcu_read_lock_nesting--
    if (k.trace.on) k.trace.rcu('read_unlock', readerName(t))
  } }
}

/** The tasks inside a read-side section now (and which section), except @except. */
export function rcuReaders(k: Kernel, except: Task | null = null): [Task, number][] {
  const out: [Task, number][] = []
  for (const t of k.tasks.values()) if (t !== except && t.rcu_read_lock_nesting > 0) out.push([t, t.rcu_sections])
  return out
}

/** True once every reader of @waitFor has left the section it was in. */
export function gracePeriodOver(waitFor: ReadonlyArray<readonly [Task, number]>): boolean {
  for (const [t, s] of waitFor) if (t.rcu_read_lock_nesting > 0 && t.rcu_sections === s) return false
  return true
}

/**
 * rcu_gp_kthread - the rcu_preempt kthread: end grace periods and invoke their callbacks
 * @kernel kernel/rcu/tree.c rcu_gp_kthread()
 * SIM: one thread does what the grace-period kthread and RCU_SOFTIRQ (rcu_core() on each CPU) do
 * between them. Its step is enabled while a queued callback's readers have all left their
 * sections (otherwise it sleeps, as the kthread does in swait_event_idle_exclusive()); each step
 * ends one such callback's grace period and invokes it (rcu_core()).
 */
export function* rcu_gp_kthread(k: Kernel): KGen<void> {
  for (;;) {
    yield {
      obj: 'rcu.gp', w: true, what: 'rcu: invoke a callback whose grace period is over', idle: true,
      enabled: () => k.rcu.callbacks.some((c) => gracePeriodOver(c.waitFor)),
    }
    yield* rcu_core(k, false)
  }
}

/**
 * rcu_do_batch - invoke @cb, whose grace period is over, in softirq context
 * @kernel kernel/rcu/tree.c rcu_do_batch()
 * SIM: one callback per call (the kernel invokes a batch of them).
 */
export function* rcu_do_batch(k: Kernel, cb: RcuCallback, synchronous: boolean): KGen<void> {
  if (!synchronous && k.trace.on) k.trace.emit({ e: 'rcu', op: 'callback', what: cb.what })
  const t = k.current
  t.irq_count++ // RCU callbacks run in softirq context
  if (cb.head.func) yield* resolveKfunc(cb.head.func)(k, cb.head)
  t.irq_count--
}

/**
 * rcu_core - end the grace period of the first queued callback whose readers have all left, and
 * invoke it
 * @kernel kernel/rcu/tree.c rcu_core()
 * Returns: false when no callback was ready.
 * SIM: @synchronous is the machine's synchronous driver (boot-time setup, strace replay, the fast
 * path), where no other thread runs: the trace says so, and the invocation is not traced apart.
 */
export function* rcu_core(k: Kernel, synchronous: boolean): KGen<boolean> {
  const rcu = k.rcu
  const i = rcu.callbacks.findIndex((c) => gracePeriodOver(c.waitFor))
  if (i < 0) return false
  const cb = rcu.callbacks.splice(i, 1)[0]!
  rcu.completed++
  if (k.trace.on) {
    const why = synchronous ? ' (synchronous)' : cb.waitFor.length ? ` (waited for ${cb.waitFor.map(([t]) => t.pid).join(', ')})` : ''
    k.trace.emit({ e: 'rcu', op: 'gp_end', what: `grace period for ${cb.what}${why}` })
  }
  yield* rcu_do_batch(k, cb, synchronous)
  return true
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
  rcu.callbacks.push({ head, what, gp: rcu.completed + 1, waitFor: rcuReaders(k) })
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
  const waitFor = rcuReaders(k, k.current)
  const wq = newWaitQueue(`rcu.sync.${k.current.pid}`)
  yield* wait_event(k, wq, () => gracePeriodOver(waitFor), `synchronize_rcu: wait for ${waitFor.map(([t]) => t.pid).join(', ') || 'no reader'}`)
  rcu.completed++
  if (k.trace.on) k.trace.emit({ e: 'rcu', op: 'gp_end', what: `grace period for synchronize_rcu in ${k.current.comm}/${k.current.pid}` })
})
