/**
 * fcntl(2).
 * @kernel fs/fcntl.c (SYSCALL_DEFINE3(fcntl), do_fcntl, check_fcntl_cmd, setfl)
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc, tracedStub } from '../../sim/kfunc'
import type { File } from '../include/types'
import { EBADF, EFAULT, EINVAL, EPERM } from '../include/errno'
import {
  F_CREATED_QUERY, F_DUPFD, F_DUPFD_CLOEXEC, F_DUPFD_QUERY, F_GETFD, F_GETFL, F_GETLK, F_GETOWN, F_OFD_GETLK,
  F_OFD_SETLK, F_OFD_SETLKW, F_SETFD, F_SETFL, F_SETLK, F_SETLKW, F_SETOWN, FD_CLOEXEC, FMODE_CREATED, FMODE_PATH, O_APPEND,
  O_CLOEXEC, O_NOATIME, SETFL_MASK, FASYNC,
} from '../include/flags'
import { f_dupfd, fdget_raw, fdput, get_close_on_exec, set_close_on_exec, fget_raw } from './file'
import { fput } from './file_table'
import { fcntl_getlk, fcntl_setlk, type Flock } from './locks'

/** check_fcntl_cmd: the commands allowed on O_PATH files (those the profile's kernel knows). */
function check_fcntl_cmd(k: Kernel, cmd: number): boolean {
  if (cmd === F_DUPFD_QUERY && !k.profile.fcntl_dupfd_query) return false
  if (cmd === F_CREATED_QUERY && !k.profile.fcntl_created_query) return false
  return cmd === F_DUPFD || cmd === F_DUPFD_CLOEXEC || cmd === F_GETFD || cmd === F_SETFD || cmd === F_GETFL ||
    cmd === F_DUPFD_QUERY || cmd === F_CREATED_QUERY
}

/**
 * setfl - F_SETFL: change the status flags SETFL_MASK allows
 * @kernel fs/fcntl.c setfl()
 */
const setfl = kfunc('setfl', function* (k: Kernel, fd: number, filp: File, arg: number): KGen<number> {
  // O_APPEND cannot be cleared if the file is marked as append-only (SIM: no inode flags).
  if (arg & O_NOATIME && !(filp.f_flags & O_NOATIME)) tracedStub(k, 'inode_owner_or_capable', [filp.id], 'owner check passes')
  void fd
  yield { obj: filp.id, w: true, what: `${filp.id}->f_flags` }
  if ((arg ^ filp.f_flags) & FASYNC && filp.f_op.fasync) {
    const err = yield* filp.f_op.fasync(k, fd, filp, arg & FASYNC ? 1 : 0)
    if (err < 0) return err
  }
  filp.f_flags = (arg & SETFL_MASK) | (filp.f_flags & ~SETFL_MASK)
  void O_APPEND
  return 0
})

/**
 * do_fcntl
 * @kernel fs/fcntl.c do_fcntl()
 */
export const do_fcntl = kfunc('do_fcntl', function* (k: Kernel, fd: number, cmd: number, arg: number | Flock, filp: File): KGen<number> {
  const argl = typeof arg === 'number' ? arg : 0
  switch (cmd) {
    case F_DUPFD: return yield* f_dupfd(k, argl >>> 0, filp, 0)
    case F_DUPFD_CLOEXEC: return yield* f_dupfd(k, argl >>> 0, filp, O_CLOEXEC)
    case F_DUPFD_QUERY: {
      if (!k.profile.fcntl_dupfd_query) return -EINVAL // added in v6.10
      const other = yield* fget_raw(k, argl)
      if (!other) return -EBADF
      const same = other === filp ? 1 : 0
      yield* fput(k, other)
      return same
    }
    case F_CREATED_QUERY:
      if (!k.profile.fcntl_created_query) return -EINVAL // added in v6.12
      return filp.f_mode & FMODE_CREATED ? 1 : 0
    case F_GETFD: return get_close_on_exec(k, fd) ? FD_CLOEXEC : 0
    case F_SETFD:
      yield* set_close_on_exec(k, fd, (argl & FD_CLOEXEC) !== 0)
      return 0
    case F_GETFL: return filp.f_flags
    case F_SETFL: return yield* setfl(k, fd, filp, argl)
    case F_GETLK: case F_OFD_GETLK:
      if (typeof arg !== 'object') return -EFAULT
      return yield* fcntl_getlk(k, filp, cmd, arg)
    case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW:
      if (typeof arg !== 'object') return -EFAULT
      return yield* fcntl_setlk(k, fd, filp, cmd, arg)
    case F_GETOWN: return 0
    case F_SETOWN: return argl < 0 ? -EPERM : 0
    default: return -EINVAL
  }
})

/**
 * sys_fcntl - fcntl(2)
 * @kernel fs/fcntl.c SYSCALL_DEFINE3(fcntl)
 */
export const sys_fcntl = kfunc('sys_fcntl', function* (k: Kernel, fd: number, cmd: number, arg: number | Flock): KGen<number> {
  const f = yield* fdget_raw(k, fd)
  if (!f.file) return -EBADF
  let err: number
  if (f.file.f_mode & FMODE_PATH && !check_fcntl_cmd(k, cmd)) err = -EBADF
  else {
    tracedStub(k, 'security_file_fcntl', [f.file.id, cmd], 'LSM hook')
    err = yield* do_fcntl(k, fd, cmd, arg, f.file)
  }
  yield* fdput(k, f)
  return err
})
