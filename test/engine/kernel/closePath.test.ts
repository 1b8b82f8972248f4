/**
 * The close(2) path, step by step, in both profiles (spec §3, §4.1; decisions.md on 6.18 names).
 */
import { describe, it, expect } from 'vitest'
import { runProcess, calls, O } from '../../helpers/kernel'
import { formatFunctionGraph } from '../../../main/engine/machine/format'

function closeTrace(profile: string): { fns: string[]; graph: string[] } {
  let mark = 0
  const { m } = runProcess(function* (sys, u) {
    const fd = yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
    mark = u.k.trace.length
    yield* sys('close', fd)
  }, { profile })
  const ev = m.k.trace.events.slice(mark)
  const end = ev.findIndex((e) => e.e === 'task' && e.op === 'exit')
  const closeEv = ev.slice(0, ev.findIndex((e, i) => i > 0 && e.e === 'enter' && e.fn === 'do_exit'))
  void end
  return { fns: closeEv.filter((e) => e.e === 'enter').map((e) => (e as { fn: string }).fn), graph: formatFunctionGraph(closeEv) }
}

describe('close(2) in 6.18: file_close_fd, filp_flush, fput_close_sync, __fput inside close', () => {
  it('calls the kernel functions in the kernel order', () => {
    const { fns } = closeTrace('6.18')
    expect(fns).toEqual([
      'sys_close', 'file_close_fd', 'file_close_fd_locked', '__put_unused_fd',
      'filp_flush', 'dnotify_flush', 'locks_remove_posix',
      'fput_close_sync', '__fput', 'fsnotify_close', 'eventpoll_release', 'locks_remove_file', 'security_file_release',
      'fops_put', 'file_f_owner_release', 'dput', 'mntput', 'file_free', 'security_file_free', 'put_cred',
    ])
  })
  it('returns to user space without the exit-to-user loop: nothing is pending (exit_to_user_mode_prepare enters the loop only on EXIT_TO_USER_MODE_WORK)', () => {
    expect(closeTrace('6.18').fns).not.toContain('exit_to_user_mode_loop')
    // 6.5 queues ____fput as TWA_RESUME task work: TIF_NOTIFY_RESUME is set, the loop runs it
    expect(closeTrace('6.5').fns).toContain('exit_to_user_mode_loop')
  })
  it('runs __fput before close returns (sys_exit comes after it)', () => {
    const { graph } = closeTrace('6.18')
    const fputLine = graph.findIndex((l) => l.includes('__fput('))
    const exitLine = graph.findIndex((l) => l.includes('<= close('))
    expect(fputLine).toBeGreaterThan(0)
    expect(exitLine).toBeGreaterThan(fputLine)
  })
})

describe('close(2) in 6.5: close_fd, pick_file, filp_close, fput deferred to task work', () => {
  it('calls the kernel functions in the kernel order, __fput at return to user', () => {
    const { fns } = closeTrace('6.5')
    expect(fns).toEqual([
      'sys_close', 'close_fd', 'pick_file', '__put_unused_fd',
      'filp_close', 'dnotify_flush', 'locks_remove_posix', 'fput', 'task_work_add',
      'exit_to_user_mode_loop', 'task_work_run', '____fput', '__fput', 'fsnotify_close', 'eventpoll_release',
      'locks_remove_file', 'ima_file_free', 'fops_put', 'put_pid', 'dput', 'mntput', 'file_free', 'security_file_free', 'call_rcu',
    ].filter((f) => f !== 'call_rcu'))
  })
  it('frees the memory only after an RCU grace period (file_free_rcu runs in the rcu thread)', () => {
    const { m } = runProcess(function* (sys) {
      const fd = yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      yield* sys('close', fd)
    }, { profile: '6.5' })
    const fns = calls(m)
    expect(fns.indexOf('file_free_rcu')).toBeGreaterThan(fns.indexOf('file_free'))
    const gpEnd = m.k.trace.events.findIndex((e) => e.e === 'rcu' && e.op === 'gp_end')
    const rcuFree = m.k.trace.events.findIndex((e) => e.e === 'enter' && e.fn === 'file_free_rcu')
    expect(gpEnd).toBeGreaterThan(0)
    expect(rcuFree).toBeGreaterThan(gpEnd)
  })
})
