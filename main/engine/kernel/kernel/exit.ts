/**
 * Task exit, in the kernel's order: PF_EXITING, exit_files, exit_task_work.
 * @kernel kernel/exit.c do_exit(), kernel/signal.c exit_signals()
 */
import type { KGen, Kernel } from '../../sim/context'
import { kfunc } from '../../sim/kfunc'
import type { Task } from '../include/types'
import { PF_EXITING } from '../include/flags'
import { exit_files } from '../fs/file'
import { exit_task_work, task_work_pending } from './task_work'

/**
 * exit_signals - mark the task exiting
 * @kernel kernel/signal.c exit_signals()
 */
export const exit_signals = kfunc('exit_signals', function* (k: Kernel, tsk: Task): KGen<void> {
  yield { obj: tsk.id, w: true, what: 'PF_EXITING' }
  tsk.flags |= PF_EXITING
})

/**
 * do_exit - the end of a task
 * @kernel kernel/exit.c do_exit()
 */
export const do_exit = kfunc('do_exit', function* (k: Kernel, code: number): KGen<void> {
  const tsk = k.current
  tsk.in_kernel = true
  yield* exit_signals(k, tsk)
  if (tsk.fds_live.length) {
    k.report('V3', 'violation', `${tsk.comm}/${tsk.pid} exits with ${tsk.fds_live.length} struct fd not released (${tsk.fds_live.map((f) => `${f.kind}(${f.fd})`).join(', ')})`, tsk.fds_live.map((f) => f.file?.id ?? ''))
  }
  yield* exit_files(k, tsk)
  yield* exit_task_work(k, tsk)
  if (task_work_pending(k, tsk)) k.report('leak', 'violation', `${tsk.comm}/${tsk.pid}: task work left after exit_task_work`, [tsk.id])
  tsk.exit_code = code
  tsk.signal.nr_threads--
  tsk.state = 'zombie'
  if (tsk.vfork_done) tsk.vfork_done = null // mm_release: wake the vfork parent
  if (k.trace.on) k.trace.emit({ e: 'task', op: 'exit', task: tsk.pid, detail: `exit code ${code}` })
})
