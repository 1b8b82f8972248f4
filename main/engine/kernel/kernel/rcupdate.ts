/**
 * RCU: read-side sections, call_rcu and synchronize_rcu.
 * @kernel kernel/rcu/update.c, kernel/rcu/tree.c, include/linux/rcupdate.h
 * SIM: the guarantee, not the machinery: a callback (or a synchronize_rcu caller) waits exactly
 * for the readers that were inside a read-side section when it was queued. Callbacks run in the
 * schedulable `rcu` system thread (machine/), in softirq context, at any point after that, so the
 * explorer orders them against readers; a real grace period may only end later, which the
 * schedule covers.
 */
import type { KGen, Kernel } from '../../sim/context'
import { kfunc } from '../../sim/kfunc'
import type { CallbackFn, CallbackHead, Task } from '../include/types'
import { newWaitQueue, might_sleep, wait_event } from './locking'

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
export function* rcu_read_lock(k: Kernel): KGen<void> {
  // A reader touches only its own nesting count; grace periods (global steps) order against it.
  yield { obj: `rcu:${k.current.pid}`, w: true, what: 'rcu_read_lock' }
  const t = k.current
  t.rcu_read_lock_nesting++
  if (t.rcu_read_lock_nesting === 1) t.rcu_sections++
  if (k.trace.on) k.trace.rcu('read_lock', readerName(t))
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
  if (k.trace.on) k.trace.rcu('read_unlock', readerName(t))
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
