/**
 * Task exit, in the kernel's order: PF_EXITING, exit_files, exit_task_work.
 * @kernel kernel/exit.c do_exit(), kernel/signal.c exit_signals()
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc, tracepoint } from '../../sim/kfunc'
import type { Task } from '../include/types'
import { PF_EXITING } from '../include/flags'
import { ECHILD } from '../include/errno'
import { newWaitQueue, wait_event } from './locking'
import { exit_files } from '../fs/file'
import { exit_task_work } from './task_work'

/**
 * exit_signals - mark the task exiting
 * @kernel kernel/signal.c exit_signals()
 */
export const exit_signals = kfunc('exit_signals', function* (k: Kernel, tsk: Task): KGen<void> {
  yield { obj: tsk.id, w: true, what: 'PF_EXITING' }
  tsk.flags |= PF_EXITING
})

/**
 * The tracepoint of a task's exit, before its files go (the sanitizer checks that no struct fd
 * is still held: V3).
 * @kernel include/trace/events/sched.h trace_sched_process_exit()
 */
const trace_sched_process_exit = tracepoint<Kernel, [Task]>('sched_process_exit')

/** SIM: tracepoint after exit_task_work ran the exiting task's last work (the sanitizer checks none is left). */
const trace_exit_task_work = tracepoint<Kernel, [Task]>('exit_task_work')

/**
 * do_exit - the end of a task
 * @kernel kernel/exit.c do_exit()
 */
export const do_exit = kfunc('do_exit', function* (k: Kernel, code: number): KGen<void> {
  const tsk = k.current
  tsk.in_kernel = true
  yield* exit_signals(k, tsk)
  trace_sched_process_exit.probe?.(k, tsk)
  yield* exit_files(k, tsk)
  yield* exit_task_work(k, tsk)
  trace_exit_task_work.probe?.(k, tsk)
  tsk.exit_code = code
  tsk.signal.nr_threads--
  tsk.state = 'zombie'
  if (tsk.vfork_done) tsk.vfork_done = null // mm_release: wake the vfork parent
  if (k.trace.on) k.trace.emit({ e: 'task', op: 'exit', task: tsk.pid, detail: `exit code ${code}` })
})

/**
 * kernel_wait4 - wait for a child to exit and reap it (wait4(2), waitpid(3))
 * @kernel kernel/exit.c kernel_wait4()
 * Returns: the child's pid, -ECHILD when there is no such child.
 */
export const kernel_wait4 = kfunc('kernel_wait4', function* (k: Kernel, upid: number, status: Int32Array | null): KGen<number> {
  const me = k.current
  const mine = (t: Task): boolean => t.real_parent !== null && t.real_parent.tgid === me.tgid && t.tgid === t.pid && (upid === -1 || t.pid === upid)
  const children = [...k.tasks.values()].filter((t) => mine(t) && t.state !== 'dead')
  if (children.length === 0) return -ECHILD
  const zombie = (): Task | undefined => children.find((t) => t.state === 'zombie' && t.signal.nr_threads === 0)
  const err = yield* wait_event(k, newWaitQueue(`${me.id}.wait_chldexit`), () => zombie() !== undefined, 'wait4: wait for a child', true)
  if (err) return err
  yield { obj: '*', w: true, what: 'release_task' }
  const child = zombie()!
  child.state = 'dead'
  if (status) status[0] = (child.exit_code & 0xff) << 8
  if (k.trace.on) k.trace.emit({ e: 'task', op: 'reap', task: child.pid, detail: `reaped by ${me.pid}` })
  return child.pid
})
