/**
 * execve(2), the fd part: de_thread, unshare_files, do_close_on_exec.
 * @kernel fs/exec.c (do_execveat_common, bprm_execve, begin_new_exec, de_thread)
 * Variant `exec_unshare_before_de_thread` restores the pre-5.11 order: the table was unshared at
 * the start of exec, while the other threads still shared it, and the displaced table was put at
 * the end, closing every fd with the old owner: every POSIX lock of the process was lost.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc } from '../../sim/kfunc'
import type { FilesStruct } from '../include/types'
import { ENOENT, EACCES } from '../include/errno'
import { CLONE_FILES } from '../include/flags'
import { do_close_on_exec, put_files_struct } from './file'
import { unshare_files, unshare_fd } from '../kernel/fork'
import { wait_event, newWaitQueue } from '../kernel/locking'

/**
 * de_thread - kill the other threads of the group and wait for them to go
 * @kernel fs/exec.c de_thread()
 */
export const de_thread = kfunc('de_thread', function* (k: Kernel): KGen<number> {
  const me = k.current
  const others = [...k.tasks.values()].filter((t) => t !== me && t.tgid === me.tgid && t.state === 'running')
  if (others.length === 0) return 0
  yield { obj: '*', w: true, what: 'zap_other_threads' }
  for (const t of others) k.threads.kill(t)
  yield* wait_event(k, newWaitQueue(`${me.id}.de_thread`), () => others.every((t) => t.state !== 'running'), 'de_thread: wait for the other threads to exit', true)
  return 0
})

/**
 * sys_execve - execve(2) up to the new image's first instruction
 * @kernel fs/exec.c do_execveat_common(), bprm_execve(), begin_new_exec()
 * Returns: 0 (the new image runs), or -errno with nothing changed.
 */
export const sys_execve = kfunc('sys_execve', function* (k: Kernel, filename: string): KGen<number> {
  let displaced: FilesStruct | null = null
  if (k.profile.variants.exec_unshare_before_de_thread) {
    if (k.trace.on) k.trace.emit({ e: 'note', text: 'VARIANT exec_unshare_before_de_thread: unshare_files() before de_thread() (kernels before ~5.11)' })
    const copy = yield* unshare_fd(k, CLONE_FILES)
    if (typeof copy === 'number') return copy
    if (copy) {
      displaced = k.current.files
      k.current.files = copy
    }
  }
  yield { obj: 'vfs', w: false, what: `do_open_execat ${filename}` }
  if (k.oracle) {
    if (k.oracle.ret < 0) return k.oracle.ret
  } else {
    const inode = k.vfs.lookup(filename)
    if (!inode) return -ENOENT
    if (inode.kind !== 'reg') return -EACCES
  }
  // begin_new_exec: the point of no return
  yield* de_thread(k)
  if (!displaced) {
    const err = yield* unshare_files(k)
    if (err) return err
  }
  yield* do_close_on_exec(k, k.current.files!)
  const me = k.current
  me.comm = filename.slice(filename.lastIndexOf('/') + 1).slice(0, 15)
  if (me.vfork_done) me.vfork_done = null
  if (displaced) yield* put_files_struct(k, displaced)
  if (k.trace.on) k.trace.emit({ e: 'task', op: 'exec', task: me.pid, detail: filename })
  return 0
})
