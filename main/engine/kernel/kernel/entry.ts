/**
 * System call entry and the return to user space: where TWA_RESUME task work runs and where a
 * struct fd or a lock still held is a bug.
 * @kernel kernel/entry/common.c (syscall_exit_to_user_mode, exit_to_user_mode_loop),
 *         include/linux/resume_user_mode.h resume_user_mode_work()
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc, tracepoint } from '../../sim/kfunc'
import type { TraceArg } from '../../sim/trace'
import { task_work_run } from './task_work'
import { RULE } from '../../sim/rules'

/**
 * exit_to_user_mode_loop - run pending work before returning to user mode
 * @kernel kernel/entry/common.c exit_to_user_mode_loop()
 */
export const exit_to_user_mode_loop = kfunc('exit_to_user_mode_loop', function* (k: Kernel): KGen<void> {
  const t = k.current
  while (t.notify_signal || t.notify_resume) {
    if (t.notify_signal) {
      // arch_do_signal_or_restart → get_signal(): clears TIF_NOTIFY_SIGNAL and runs task work
      t.notify_signal = false
      yield* task_work_run(k)
    }
    if (t.notify_resume) {
      t.notify_resume = false // resume_user_mode_work: clear, barrier, run
      yield* task_work_run(k)
    }
  }
})

/**
 * The tracepoint of the return to user space (the sanitizer checks that no struct fd outlives
 * the syscall there: V2, V3).
 * @kernel include/trace/events/syscalls.h trace_sys_exit()
 */
const trace_sys_exit = tracepoint<Kernel, [string, number]>('sys_exit')

/**
 * The lockdep checks at the boundary: no lock held, no RCU read-side section.
 * @kernel kernel/locking/lockdep.c lockdep_sys_exit()
 */
function lockdep_sys_exit(k: Kernel, what: string): void {
  const t = k.current
  if (t.preempt_count > 0) k.report(RULE.atomic, 'violation', `${t.comm}/${t.pid} returns to user space from ${what} holding ${t.held.map((l) => l.id).join(', ') || 'preemption disabled'}`, [t.id])
  if (t.rcu_read_lock_nesting > 0) k.report(RULE.rcu, 'violation', `${t.comm}/${t.pid} returns to user space from ${what} inside an RCU read-side section`, [t.id])
}

/**
 * do_syscall - one system call from user space: enter, run, return to user mode
 * @kernel arch/x86/entry/syscall_64.c do_syscall_64(), kernel/entry/common.c syscall_exit_to_user_mode()
 */
export function* do_syscall(k: Kernel, name: string, args: readonly TraceArg[], body: () => KGen<number>): KGen<number> {
  const t = k.current
  t.in_kernel = true
  if (k.trace.on) k.trace.sysEnter(name, args)
  const ret = yield* body()
  trace_sys_exit.probe?.(k, name, ret)
  lockdep_sys_exit(k, name)
  if (k.trace.on) k.trace.sysExit(name, ret, args)
  // exit_to_user_mode_prepare(): the loop runs only when work is pending. SIM: a traced run calls
  // it at every return (its trace has always shown the call); untraced, the call that would find
  // nothing to do is skipped, as the kernel skips it.
  if (t.notify_signal || t.notify_resume || k.trace.on) yield* exit_to_user_mode_loop(k)
  t.in_kernel = false
  return ret
}
