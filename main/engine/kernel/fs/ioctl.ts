/**
 * ioctl(2): the fd-generic commands and dispatch to the driver's unlocked_ioctl.
 * @kernel fs/ioctl.c (SYSCALL_DEFINE3(ioctl), do_vfs_ioctl, vfs_ioctl)
 * The file is held through fdget(): in a single-threaded process that is a *borrowed*
 * reference, which is what makes closing the ioctl's own fd from inside a driver dangerous.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc, tracedStub } from '../../sim/kfunc'
import type { File } from '../include/types'
import { EBADF, ENOIOCTLCMD, ENOTTY } from '../include/errno'
import { FASYNC, FIOASYNC, FIOCLEX, FIONBIO, FIONCLEX, O_NONBLOCK } from '../include/flags'
import { fdget, fdput, set_close_on_exec } from './file'

/**
 * ioctl_fionbio / ioctl_fioasync - set or clear O_NONBLOCK / FASYNC in f_flags (the int at argp
 * is passed as @on)
 * @kernel fs/ioctl.c ioctl_fionbio(), ioctl_fioasync()
 * SIM: FASYNC is set without calling ->fasync (no signal delivery is modelled).
 */
function* ioctl_setfl(k: Kernel, filp: File, bit: number, on: number): KGen<number> {
  yield { obj: filp.id, w: true, what: `${filp.id}->f_flags` }
  if (on) filp.f_flags |= bit
  else filp.f_flags &= ~bit
  void k
  return 0
}

/**
 * vfs_ioctl - call the driver's unlocked_ioctl
 * @kernel fs/ioctl.c vfs_ioctl()
 */
export const vfs_ioctl = kfunc('vfs_ioctl', function* (k: Kernel, filp: File, cmd: number, arg: number): KGen<number> {
  if (!filp.f_op.unlocked_ioctl) return -ENOTTY
  if (k.trace.on) k.trace.emit({ e: 'enter', fn: `${filp.f_op.name}.unlocked_ioctl`, args: [filp.id, cmd, arg] })
  let error = yield* filp.f_op.unlocked_ioctl(k, filp, cmd, arg)
  if (k.trace.on) k.trace.emit({ e: 'exit', fn: `${filp.f_op.name}.unlocked_ioctl`, ret: error })
  if (error === -ENOIOCTLCMD) error = -ENOTTY
  return error
})

/**
 * do_vfs_ioctl - the commands every fd understands
 * @kernel fs/ioctl.c do_vfs_ioctl()
 * Returns: -ENOIOCTLCMD when the command is the driver's.
 */
const do_vfs_ioctl = kfunc('do_vfs_ioctl', function* (k: Kernel, filp: File, fd: number, cmd: number, arg: number): KGen<number> {
  if (cmd === FIOCLEX) { yield* set_close_on_exec(k, fd, true); return 0 }
  if (cmd === FIONCLEX) { yield* set_close_on_exec(k, fd, false); return 0 }
  if (cmd === FIONBIO) return yield* ioctl_setfl(k, filp, O_NONBLOCK, arg)
  if (cmd === FIOASYNC) return yield* ioctl_setfl(k, filp, FASYNC, arg)
  return -ENOIOCTLCMD
})

/**
 * sys_ioctl - ioctl(2)
 * @kernel fs/ioctl.c SYSCALL_DEFINE3(ioctl)
 */
export const sys_ioctl = kfunc('sys_ioctl', function* (k: Kernel, fd: number, cmd: number, arg: number): KGen<number> {
  const f = yield* fdget(k, fd)
  if (!f.file) return -EBADF
  const file = f.file
  tracedStub(k, 'security_file_ioctl', [file.id, cmd], 'LSM hook')
  let error = yield* do_vfs_ioctl(k, file, fd, cmd, arg)
  if (error === -ENOIOCTLCMD) {
    if (k.oracle) error = k.oracle.ret
    else error = yield* vfs_ioctl(k, file, cmd, arg)
  }
  yield* fdput(k, f)
  return error
})
