/**
 * Spinlocks, mutexes, wait queues and the atomic-context checks.
 * @kernel kernel/locking/spinlock.c, kernel/locking/mutex.c, kernel/sched/wait.c, include/linux/lockdep.h,
 *         kernel/sched/core.c (__might_sleep)
 * SIM: a spinlock is an owner field; a thread that finds it held is not runnable until it is
 * released (spinning is not simulated step by step). Other CPUs keep running meanwhile.
 */
import type { KGen, SchedPoint } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import type { Mutex, SpinLock, Task, WaitQueue } from '../include/types'
import { ERESTARTSYS } from '../include/errno'
import { RULE } from '../../sim/rules'

export function newSpinLock(id: string): SpinLock {
  return { id, owner: null }
}
export function newWaitQueue(id: string): WaitQueue {
  return { id, waiters: [] }
}
export function newMutex(id: string): Mutex {
  return { id, owner: null, wait: newWaitQueue(`${id}.wait`) }
}

/**
 * spin_lock - take @lock, spinning while another CPU holds it
 * @kernel include/linux/spinlock.h spin_lock()
 * Context: disables preemption: the holder is in atomic context until spin_unlock().
 * A one-point helper (sim/context.ts SchedPoint): callers write `yield spin_lock(k, lock)`.
 */
export function spin_lock(k: Kernel, lock: SpinLock): SchedPoint {
  const me = k.current
  if (lock.owner === me) {
    k.report(RULE.deadlock, 'violation', `spin_lock(${lock.id}): AA deadlock, ${me.comm}/${me.pid} already holds it`, [lock.id])
  }
  if (lock.owner !== null && k.trace.on) k.trace.lock(lock.id, 'block')
  return { obj: lock.id, w: true, what: `spin_lock ${lock.id}`, enabled: () => lock.owner === null, then: () => {
    lock.owner = me
    me.preempt_count++
    me.held.push(lock)
    if (k.trace.on) k.trace.lock(lock.id, 'acquire')
  } }
}

/**
 * spin_unlock - release @lock
 * @kernel include/linux/spinlock.h spin_unlock()
 */
export function spin_unlock(k: Kernel, lock: SpinLock): SchedPoint {
  return { obj: lock.id, w: true, what: `spin_unlock ${lock.id}`, then: () => {
    const me = release(k, lock, 'spin_unlock')
    if (me === null) return
    me.preempt_count--
    if (k.trace.on) k.trace.lock(lock.id, 'release')
  } }
}

/**
 * SIM: the current task lets go of @lock (@fn: the unlock function, for the report): the owner
 * cleared and the lock taken off the task's held list. A task that does not hold it is a
 * violation and changes nothing (null).
 */
function release(k: Kernel, lock: SpinLock | Mutex, fn: string): Task | null {
  const me = k.current
  if (lock.owner !== me) {
    k.report(RULE.bad_unlock, 'violation', `${fn}(${lock.id}) by ${me.comm}/${me.pid}, which does not hold it`, [lock.id])
    return null
  }
  lock.owner = null
  // Locks are mostly released in the reverse order of taking them.
  if (me.held[me.held.length - 1] === lock) me.held.pop()
  else {
    const i = me.held.lastIndexOf(lock)
    if (i >= 0) me.held.splice(i, 1)
  }
  return me
}

/**
 * lockdep_assert_held - the caller must hold @lock
 * @kernel include/linux/lockdep.h lockdep_assert_held()
 */
export function lockdep_assert_held(k: Kernel, lock: SpinLock | Mutex): void {
  if (lock.owner !== k.current) {
    k.report(RULE.lockdep, 'violation', `lockdep_assert_held(${lock.id}) failed in ${k.current.comm}/${k.current.pid}`, [lock.id])
  }
}

/**
 * in_atomic - preemption disabled (a spinlock held) or interrupt context
 * @kernel include/linux/preempt.h in_atomic()
 */
export function in_atomic(k: Kernel): boolean {
  return k.current.preempt_count > 0 || k.current.irq_count > 0
}

/**
 * in_interrupt - hard IRQ, softirq or NMI context
 * @kernel include/linux/preempt.h in_interrupt()
 */
export function in_interrupt(k: Kernel): boolean {
  return k.current.irq_count > 0
}

/**
 * might_sleep - annotate a point that may sleep
 * @kernel include/linux/kernel.h might_sleep(), kernel/sched/core.c __might_sleep()
 * Sleeping in atomic context (spinlock held, RCU read side, interrupt) is a violation.
 */
export function might_sleep(k: Kernel, where: string): void {
  const t = k.current
  if (t.preempt_count > 0 || t.irq_count > 0 || t.rcu_read_lock_nesting > 0) {
    const why = t.irq_count > 0 ? 'in interrupt context' : t.preempt_count > 0
      ? `with ${t.held.filter((l) => !('wait' in l)).map((l) => l.id).join(', ') || 'preemption disabled'} held`
      : 'inside an RCU read-side critical section'
    k.report(RULE.might_sleep, 'violation', `BUG: sleeping function called from invalid context: ${where} ${why} (${t.comm}/${t.pid})`, [t.id])
  }
}

/**
 * mutex_lock - take a sleeping lock
 * @kernel kernel/locking/mutex.c mutex_lock()
 */
export function mutex_lock(k: Kernel, m: Mutex): SchedPoint {
  might_sleep(k, `mutex_lock(${m.id})`)
  const me = k.current
  if (m.owner === me) k.report(RULE.deadlock, 'violation', `mutex_lock(${m.id}): already held by ${me.comm}/${me.pid}`, [m.id])
  if (m.owner !== null && k.trace.on) k.trace.lock(m.id, 'block')
  return { obj: m.id, w: true, what: `mutex_lock ${m.id}`, enabled: () => m.owner === null, then: () => {
    m.owner = me
    me.held.push(m)
    if (k.trace.on) k.trace.lock(m.id, 'acquire')
  } }
}

/**
 * mutex_is_locked - whether some task holds the mutex (a racy snapshot, as in the kernel)
 * @kernel kernel/locking/mutex.c mutex_is_locked()
 */
export function* mutex_is_locked(_k: Kernel, m: Mutex): KGen<boolean> {
  yield { obj: m.id, w: false, what: `mutex_is_locked ${m.id}` }
  return m.owner !== null
}

/**
 * mutex_unlock
 * @kernel kernel/locking/mutex.c mutex_unlock()
 */
export function mutex_unlock(k: Kernel, m: Mutex): SchedPoint {
  return { obj: m.id, w: true, what: `mutex_unlock ${m.id}`, then: () => {
    if (release(k, m, 'mutex_unlock') !== null && k.trace.on) k.trace.lock(m.id, 'release')
  } }
}

/**
 * wait_event - sleep on @wq until @cond() holds
 * @kernel include/linux/wait.h wait_event(), wait_event_interruptible()
 * SIM: the waiter is runnable exactly when the condition holds (wake_up() plus re-check under
 * sequentially consistent memory); a closed fd does not wake it, as in the kernel. An
 * interruptible wait also ends on a pending SIGKILL and returns -ERESTARTSYS.
 */
export function* wait_event(k: Kernel, wq: WaitQueue, cond: () => boolean, what: string, interruptible = false): KGen<number> {
  if (cond()) return 0
  might_sleep(k, what)
  const me = k.current
  wq.waiters.push(me)
  me.blocked_on = wq
  if (k.trace.on) k.trace.emit({ e: 'task', op: 'block', task: me.pid, detail: what })
  const ready = interruptible ? () => cond() || me.sigkill : cond
  // The condition may read any object: for partial-order reduction this step conflicts with all.
  yield { obj: '*', w: true, what: `sleep: ${what}`, enabled: ready }
  me.blocked_on = null
  const i = wq.waiters.indexOf(me)
  if (i >= 0) wq.waiters.splice(i, 1)
  if (k.trace.on) k.trace.emit({ e: 'task', op: 'wake', task: me.pid, detail: what })
  return cond() ? 0 : -ERESTARTSYS
}
