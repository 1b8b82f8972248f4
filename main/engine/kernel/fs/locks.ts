/**
 * POSIX record locks, OFD locks and flocks, reduced to ownership, ranges and conflicts.
 * @kernel fs/locks.c (locks_remove_posix, locks_remove_file, fcntl_setlk, fcntl_getlk, flock_lock_inode)
 * A POSIX lock's owner is the files_struct; an OFD lock's and a flock's owner is the struct file.
 * SIM: no deadlock detection for F_SETLKW, no leases beyond removal at __fput, no mandatory locks.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc } from '../../sim/kfunc'
import { nextId } from '../../sim/context'
import type { File, FileLock, FileLockContext, FilesStruct, FlOwner, Inode } from '../include/types'
import { FL_FLOCK, FL_OFDLCK, FL_POSIX, OFFSET_MAX } from '../include/types'
import { EAGAIN, EBADF, EINVAL, EWOULDBLOCK } from '../include/errno'
import {
  F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_RDLCK, F_SETLKW, F_UNLCK, F_WRLCK, FMODE_READ, FMODE_WRITE,
  SEEK_CUR, SEEK_END, SEEK_SET,
} from '../include/flags'
import { newWaitQueue, wait_event, spin_lock, spin_unlock } from '../kernel/locking'
import { RULE } from '../../sim/rules'

/** struct flock as user space passes it. */
export interface Flock {
  l_type: number
  l_whence: number
  l_start: number
  l_len: number
  l_pid: number
}

function ctxOf(k: Kernel, inode: Inode, create: boolean): FileLockContext | null {
  if (!inode.i_flctx && create) inode.i_flctx = { flc_posix: [], flc_flock: [], flc_wait: newWaitQueue(`${inode.id}.flc_wait`) }
  return inode.i_flctx
}

function ownerName(o: FlOwner): string {
  return o.id
}

const overlaps = (a: { fl_start: number; fl_end: number }, s: number, e: number): boolean => a.fl_start <= e && s <= a.fl_end

/** Remove or trim @owner's locks of @kind in [s, e]. */
function unlockRange(list: FileLock[], owner: FlOwner, s: number, e: number, onRemove?: (l: FileLock) => void): FileLock[] {
  const out: FileLock[] = []
  for (const l of list) {
    if (l.fl_owner !== owner || !overlaps(l, s, e)) { out.push(l); continue }
    if (onRemove) onRemove(l)
    if (l.fl_start < s) out.push({ ...l, fl_end: s - 1 })
    if (l.fl_end > e) out.push({ ...l, id: `${l.id}'`, fl_start: e + 1 })
  }
  return out
}

/**
 * locks_remove_posix - drop every POSIX lock of @owner on @filp's inode
 * @kernel fs/locks.c locks_remove_posix()
 * The file only selects the inode: locks taken through *other* files of the same inode go too.
 */
export const locks_remove_posix = kfunc('locks_remove_posix', function* (k: Kernel, filp: File, owner: FlOwner): KGen<void> {
  const ctx = filp.f_inode.i_flctx
  if (!ctx || ctx.flc_posix.length === 0) return // fast path: no lock context or no POSIX locks
  yield { obj: `${filp.f_inode.id}.flc_lock`, w: true, what: `locks_remove_posix ${filp.f_inode.path}` }
  ctx.flc_posix = unlockRange(ctx.flc_posix, owner, 0, OFFSET_MAX, (l) => {
    if (k.trace.on) k.trace.emit({ e: 'note', text: `lock ${l.id} (${l.fl_flags & FL_OFDLCK ? 'OFD' : 'POSIX'} ${l.fl_start}-${l.fl_end === OFFSET_MAX ? 'EOF' : l.fl_end}) released, owner ${ownerName(owner)}` })
    if (l.fl_file !== filp && !(l.fl_flags & FL_OFDLCK) && 'fdt' in owner) {
      const files = owner as FilesStruct
      const still = files.fdt.fd.some((f) => f === l.fl_file)
      if (still) {
        k.report(RULE.posix_lock_lost, 'note',
          `POSIX lock on ${filp.f_inode.path} taken through ${l.fl_file.id} was released by closing ${filp.id}, another file of the same inode, while ${files.id} still holds an fd for ${l.fl_file.id}`,
          [l.fl_file.id, filp.id, files.id])
      }
    }
  })
  wakeLockWaiters(ctx)
})

function wakeLockWaiters(_ctx: FileLockContext): void {
  // SIM: waiters in F_SETLKW re-check their conflict condition (wait_event), nothing to do here.
}

/**
 * locks_remove_file - drop the OFD locks, flocks and leases held through @filp (in __fput)
 * @kernel fs/locks.c locks_remove_file()
 */
export const locks_remove_file = kfunc('locks_remove_file', function* (k: Kernel, filp: File): KGen<void> {
  const ctx = filp.f_inode.i_flctx
  if (!ctx) return
  yield* locks_remove_posix(k, filp, filp) // OFD locks are owned by the file
  if (ctx.flc_flock.some((l) => l.fl_file === filp)) {
    yield { obj: `${filp.f_inode.id}.flc_lock`, w: true, what: `locks_remove_flock ${filp.f_inode.path}` }
    ctx.flc_flock = ctx.flc_flock.filter((l) => l.fl_file !== filp)
    if (k.trace.on) k.trace.emit({ e: 'note', text: `flock on ${filp.f_inode.path} through ${filp.id} released` })
  }
  const left = ctx.flc_posix.filter((l) => l.fl_file === filp && l.fl_owner === filp)
  if (left.length) k.report(RULE.locks, 'violation', `locks_remove_file: lock still names ${filp.id}`, [filp.id])
})

function flockToRange(k: Kernel, filp: File, fl: Flock): { s: number; e: number } | number {
  let base = 0
  if (fl.l_whence === SEEK_CUR) base = filp.f_pos
  else if (fl.l_whence === SEEK_END) base = filp.f_inode.i_size
  else if (fl.l_whence !== SEEK_SET) return -EINVAL
  let s = base + fl.l_start
  let e: number
  if (fl.l_len > 0) e = s + fl.l_len - 1
  else if (fl.l_len < 0) { e = s - 1; s = s + fl.l_len }
  else e = OFFSET_MAX
  if (s < 0) return -EINVAL
  void k
  return { s, e }
}

function conflicting(ctx: FileLockContext, owner: FlOwner, type: number, s: number, e: number): FileLock | null {
  for (const l of ctx.flc_posix) {
    if (l.fl_owner === owner || !overlaps(l, s, e)) continue
    if (type === F_WRLCK || l.fl_type === F_WRLCK) return l
  }
  return null
}

/**
 * fcntl_getlk - report the first lock that would conflict with @fl
 * @kernel fs/locks.c fcntl_getlk()
 */
export const fcntl_getlk = kfunc('fcntl_getlk', function* (k: Kernel, filp: File, cmd: number, fl: Flock): KGen<number> {
  const ofd = cmd === F_OFD_GETLK
  if (ofd && fl.l_pid !== 0) return -EINVAL
  if (fl.l_type !== F_RDLCK && fl.l_type !== F_WRLCK) return -EINVAL
  const r = flockToRange(k, filp, fl)
  if (typeof r === 'number') return r
  yield { obj: `${filp.f_inode.id}.flc_lock`, w: false, what: `fcntl_getlk ${filp.f_inode.path}` }
  const owner: FlOwner = ofd ? filp : k.current.files!
  const ctx = filp.f_inode.i_flctx
  const c = ctx ? conflicting(ctx, owner, fl.l_type, r.s, r.e) : null
  if (!c) { fl.l_type = F_UNLCK; return 0 }
  fl.l_type = c.fl_type
  fl.l_whence = SEEK_SET
  fl.l_start = c.fl_start
  fl.l_len = c.fl_end === OFFSET_MAX ? 0 : c.fl_end - c.fl_start + 1
  fl.l_pid = c.fl_flags & FL_OFDLCK ? -1 : c.fl_pid
  return 0
})

/**
 * fcntl_setlk - take or release a POSIX or OFD lock
 * @kernel fs/locks.c fcntl_setlk()
 * After a successful POSIX (not OFD) lock, re-check that @fd still refers to @filp; if a racing
 * close or dup2 replaced it, undo the lock and return -EBADF.
 */
export const fcntl_setlk = kfunc('fcntl_setlk', function* (k: Kernel, fd: number, filp: File, cmd: number, fl: Flock): KGen<number> {
  const ofd = cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW
  if (ofd && fl.l_pid !== 0) return -EINVAL
  const wait = cmd === F_SETLKW || cmd === F_OFD_SETLKW
  if (fl.l_type === F_RDLCK && !(filp.f_mode & FMODE_READ)) return -EBADF
  if (fl.l_type === F_WRLCK && !(filp.f_mode & FMODE_WRITE)) return -EBADF
  if (fl.l_type !== F_RDLCK && fl.l_type !== F_WRLCK && fl.l_type !== F_UNLCK) return -EINVAL
  const r = flockToRange(k, filp, fl)
  if (typeof r === 'number') return r
  const files = k.current.files!
  const owner: FlOwner = ofd ? filp : files
  const ctx = ctxOf(k, filp.f_inode, true)!
  yield { obj: `${filp.f_inode.id}.flc_lock`, w: true, what: `posix_lock_file ${filp.f_inode.path}` }
  if (fl.l_type === F_UNLCK) {
    ctx.flc_posix = unlockRange(ctx.flc_posix, owner, r.s, r.e)
    return 0
  }
  let c = conflicting(ctx, owner, fl.l_type, r.s, r.e)
  if (c) {
    if (!wait) return -EAGAIN
    const err = yield* wait_event(k, ctx.flc_wait, () => conflicting(ctx, owner, fl.l_type, r.s, r.e) === null, `F_SETLKW on ${filp.f_inode.path}`, true)
    if (err) return err
    yield { obj: `${filp.f_inode.id}.flc_lock`, w: true, what: `posix_lock_file ${filp.f_inode.path}` }
    c = conflicting(ctx, owner, fl.l_type, r.s, r.e)
    if (c) return -EAGAIN
  }
  ctx.flc_posix = unlockRange(ctx.flc_posix, owner, r.s, r.e)
  const lock: FileLock = {
    id: nextId(k, 'lock'), fl_owner: owner, fl_flags: ofd ? FL_OFDLCK | FL_POSIX : FL_POSIX, fl_type: fl.l_type,
    fl_pid: k.current.tgid, fl_start: r.s, fl_end: r.e, fl_file: filp,
  }
  ctx.flc_posix.push(lock)
  if (k.trace.on) k.trace.emit({ e: 'note', text: `lock ${lock.id}: ${ofd ? 'OFD' : 'POSIX'} ${fl.l_type === F_WRLCK ? 'F_WRLCK' : 'F_RDLCK'} ${r.s}-${r.e === OFFSET_MAX ? 'EOF' : r.e} on ${filp.f_inode.path}, owner ${ownerName(owner)}` })
  if (!ofd) {
    // Close/fcntl race guard: a close that ran meanwhile would have missed this lock.
    yield spin_lock(k, files.file_lock)
    const now = files.fdt.fd[fd] ?? null
    yield spin_unlock(k, files.file_lock)
    if (now !== filp) {
      ctx.flc_posix = unlockRange(ctx.flc_posix, owner, r.s, r.e)
      return -EBADF
    }
  }
  return 0
})

/** flock(2) operations. */
export const LOCK_SH = 1
export const LOCK_EX = 2
export const LOCK_NB = 4
export const LOCK_UN = 8

/**
 * flock_lock_inode - take or release a whole-file flock owned by @filp
 * @kernel fs/locks.c flock_lock_inode()
 */
export const flock_lock_inode = kfunc('flock_lock_inode', function* (k: Kernel, filp: File, op: number): KGen<number> {
  const ctx = ctxOf(k, filp.f_inode, true)!
  const type = op & LOCK_UN ? F_UNLCK : op & LOCK_EX ? F_WRLCK : op & LOCK_SH ? F_RDLCK : -1
  if (type < 0) return -EINVAL
  yield { obj: `${filp.f_inode.id}.flc_lock`, w: true, what: `flock_lock_inode ${filp.f_inode.path}` }
  ctx.flc_flock = ctx.flc_flock.filter((l) => l.fl_file !== filp)
  if (type === F_UNLCK) return 0
  const busy = (): boolean => ctx.flc_flock.some((l) => l.fl_file !== filp && (type === F_WRLCK || l.fl_type === F_WRLCK))
  if (busy()) {
    if (op & LOCK_NB) return -EWOULDBLOCK
    const err = yield* wait_event(k, ctx.flc_wait, () => !busy(), `flock on ${filp.f_inode.path}`, true)
    if (err) return err
  }
  ctx.flc_flock.push({ id: nextId(k, 'lock'), fl_owner: filp, fl_flags: FL_FLOCK, fl_type: type, fl_pid: k.current.tgid, fl_start: 0, fl_end: OFFSET_MAX, fl_file: filp })
  return 0
})

