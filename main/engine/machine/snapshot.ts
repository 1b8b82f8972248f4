/**
 * Snapshots: on-demand, frozen, JSON-safe views of the machine for what the UI shows.
 * Tables of any size stay cheap: only the requested window of fds is listed, and the holders
 * of the listed files are found by walking the open bits, not every slot.
 */
import type { Machine } from './Machine'
import type {
  ChangedView, FileView, FilesView, HolderView, LockView, Snapshot, TaskView, ThreadView,
} from './snapshotTypes'
import type { File, FilesStruct } from '../kernel/include/types'
import { FL_FLOCK, FL_OFDLCK, OFFSET_MAX } from '../kernel/include/types'
import { BITS_PER_LONG } from '../kernel/include/bitmap'
import { file_count, fileRefHex } from '../kernel/include/file_ref'
import { readField, type FieldValue } from '../kernel/api'
import { ChangedSet } from './changes'
import {
  FDPUT_FPUT, FDPUT_POS_UNLOCK, FMODE_ATOMIC_POS, FMODE_OPENED, FMODE_PATH, FMODE_READ, FMODE_STREAM, FMODE_WRITE,
  FMODE_WRITER, F_WRLCK, PF_EXITING, PF_KTHREAD, formatOpenFlags,
} from '../kernel/include/flags'

export interface SnapshotOptions {
  /** fds [from, to) listed per table (default [0, 256)). */
  window?: readonly [number, number]
  /**
   * Table slots listed as holders of one file (default 256); the rest are counted in the file's
   * `omittedFdHolders`. A file dup'ed into 10,000 slots would otherwise make every snapshot
   * (sent to the renderer at each step) hundreds of kilobytes.
   */
  fdHolders?: number
  /** Deep-freeze the result (dev and tests). */
  freeze?: boolean
}

const FMODE_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['FMODE_READ', FMODE_READ], ['FMODE_WRITE', FMODE_WRITE], ['FMODE_PATH', FMODE_PATH], ['FMODE_ATOMIC_POS', FMODE_ATOMIC_POS],
  ['FMODE_WRITER', FMODE_WRITER], ['FMODE_OPENED', FMODE_OPENED], ['FMODE_STREAM', FMODE_STREAM],
]

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o)) deepFreeze(v)
  }
  return o
}

function changedSince(m: Machine): ChangedView {
  const trace = m.k.trace
  const touched = new ChangedSet()
  // Only this step's events are built (the compact trace is read from the end).
  for (let i = trace.length - 1; i >= 0; i--) {
    if (trace.stepAt(i) !== m.stepNo) break
    touched.add(trace.at(i))
  }
  return touched.view()
}

const num = (v: FieldValue): number => (typeof v === 'number' ? v : Number(v))

function tableView(m: Machine, files: FilesStruct, from: number, to: number): FilesView {
  const fdt = files.fdt
  // The readable fields come from their one declaration (kernel/api.ts), as lab C reads them.
  const field = (st: string, name: string, o: object): number => num(readField(st, name, o, m.k))
  const end = Math.min(to, fdt.max_fds)
  const slots: FilesView['slots'][number][] = []
  for (let fd = fdt.open_fds.findNextSet(end, from); fd < end; fd = fdt.open_fds.findNextSet(end, fd + 1)) {
    const f = fdt.fd[fd] ?? null
    slots.push({ fd, file: f ? f.id : null, cloexec: fdt.close_on_exec.test(fd), reserved: f === null })
  }
  for (let fd = from; fd < end; fd++) {
    if (fdt.fd[fd] && !fdt.open_fds.test(fd)) slots.push({ fd, file: fdt.fd[fd]!.id, cloexec: fdt.close_on_exec.test(fd), reserved: false })
  }
  slots.sort((a, b) => a.fd - b.fd)
  const w0 = Math.floor(from / BITS_PER_LONG)
  const w1 = Math.max(w0 + 1, Math.ceil(end / BITS_PER_LONG))
  const words = (b: typeof fdt.open_fds): string[] => {
    const out: string[] = []
    for (let w = w0; w < w1; w++) out.push(b.wordHex(w))
    return out
  }
  const full: string[] = []
  const fw0 = Math.floor(w0 / BITS_PER_LONG)
  const fw1 = Math.max(fw0 + 1, Math.ceil(w1 / BITS_PER_LONG))
  for (let w = fw0; w < fw1; w++) full.push(fdt.full_fds_bits.wordHex(w))
  const users: number[] = []
  for (const t of m.k.tasks.values()) if (t.files === files && t.state === 'running') users.push(t.pid)
  return {
    id: files.id, count: field('files_struct', 'count', files), next_fd: field('files_struct', 'next_fd', files),
    max_fds: field('fdtable', 'max_fds', fdt), embedded: fdt.embedded,
    resize_in_progress: readField('files_struct', 'resize_in_progress', files, m.k) === true, lockOwner: files.file_lock.owner?.pid ?? null, users,
    slots, openCount: fdt.open_fds.weight(fdt.max_fds), window: { from, to: end },
    open_fds: words(fdt.open_fds), close_on_exec: words(fdt.close_on_exec), full_fds_bits: full,
  }
}

export function buildSnapshot(m: Machine, opts: SnapshotOptions = {}): Snapshot {
  const k = m.k
  const [from, to] = opts.window ?? [0, 256]
  const tables = m.tables()
  const tableViews = tables.map((t) => tableView(m, t, from, to))

  // Which files to list: those in the windows, those in flight (no slot), and queued ones.
  const listed = new Set<File>()
  for (const t of tables) {
    const fdt = t.fdt
    const end = Math.min(to, fdt.max_fds)
    for (let fd = fdt.open_fds.findNextSet(end, from); fd < end; fd = fdt.open_fds.findNextSet(end, fd + 1)) {
      const f = fdt.fd[fd]
      if (f) listed.add(f)
    }
  }
  for (const f of k.filp_cache.all) if (f.mem === 'dying' || f.mem === 'rcu_free') listed.add(f)
  for (const t of k.tasks.values()) for (const sfd of t.fds_live) if (sfd.file) listed.add(sfd.file)
  // A live file in no table (detached by close, held by the caller, a pin or queued task work)
  // is still a file with references: it is listed with its holders until its count reaches 0.
  const unlisted = k.filp_cache.all.filter((f) => f.mem === 'live' && !listed.has(f) && file_count(k, f) > 0)
  if (unlisted.length) {
    // Only then: which of them are in a table outside the window (walking the open bits).
    const inTable = new Set<File>()
    for (const t of tables) {
      const fdt = t.fdt
      for (let fd = fdt.open_fds.findNextSet(fdt.max_fds, 0); fd < fdt.max_fds; fd = fdt.open_fds.findNextSet(fdt.max_fds, fd + 1)) {
        const f = fdt.fd[fd]
        if (f) inTable.add(f)
      }
    }
    for (const f of unlisted) if (!inTable.has(f)) listed.add(f)
  }

  // Holders: slots in every table (walking open bits), struct fds, pins.
  const slotHolders = new Map<File, HolderView[]>()
  const omitted = new Map<File, number>()
  const holderLimit = opts.fdHolders ?? 256
  for (const t of tables) {
    const fdt = t.fdt
    for (let fd = fdt.open_fds.findNextSet(fdt.max_fds, 0); fd < fdt.max_fds; fd = fdt.open_fds.findNextSet(fdt.max_fds, fd + 1)) {
      const f = fdt.fd[fd]
      if (f && listed.has(f)) {
        const h = slotHolders.get(f) ?? []
        if (h.length < holderLimit) h.push({ kind: 'fd', files: t.id, fd })
        else omitted.set(f, (omitted.get(f) ?? 0) + 1)
        slotHolders.set(f, h)
      }
    }
  }
  const queuedTw = new Set<File>()
  for (const t of k.tasks.values()) {
    for (let w = t.task_works; w && w !== k.work_exited; w = w.next) {
      const c = w.container as File | null
      if (c && listed.has(c)) queuedTw.add(c)
    }
  }
  const queuedDelayed = new Set<File>()
  for (let f = k.delayed_fput_list.first; f; f = f.f_llist) queuedDelayed.add(f)

  const fileViews: FileView[] = []
  for (const f of [...listed].sort((a, b) => fileOrder(a.id) - fileOrder(b.id))) {
    const holders: HolderView[] = [...(slotHolders.get(f) ?? [])]
    for (const t of k.tasks.values()) {
      for (const sfd of t.fds_live) {
        if (sfd.file === f) holders.push({ kind: 'fdget', task: t.pid, fd: sfd.fd, light: (sfd.flags & FDPUT_FPUT) === 0 })
      }
    }
    for (const p of f.pins) holders.push(p.startsWith('txn') ? { kind: 'transaction', label: p } : { kind: 'pin', label: p })
    const count = f.mem === 'free' ? 0 : file_count(k, f)
    const omittedFds = omitted.get(f) ?? 0
    const counted = omittedFds + holders.filter((h) => h.kind === 'fd' || (h.kind === 'fdget' && !h.light) || h.kind === 'pin' || h.kind === 'transaction').length
    if (count > counted) holders.push({ kind: 'other', count: count - counted })
    fileViews.push({
      id: f.id, gen: f.gen, path: f.f_inode ? f.f_inode.path : '?', kind: f.f_inode ? f.f_inode.kind : '?', ops: f.f_op.name, count,
      raw: k.profile.file_ref_t ? { field: 'f_ref', value: fileRefHex(num(readField('file', 'f_ref', f, k))) } : { field: 'f_count', value: String(readField('file', 'f_count', f, k)) },
      f_mode: FMODE_NAMES.filter(([, b]) => f.f_mode & b).map(([n]) => n), f_flags: formatOpenFlags(f.f_flags), f_pos: f.f_pos,
      mem: f.mem, holders, ...(omittedFds ? { omittedFdHolders: omittedFds } : {}), queued: queuedTw.has(f) ? 'task_work' : queuedDelayed.has(f) ? 'delayed_fput' : f.mem === 'rcu_free' ? 'rcu' : null,
    })
  }

  const taskViews: TaskView[] = []
  for (const t of [...k.tasks.values()].sort((a, b) => a.pid - b.pid)) {
    if (t.pid === 0) continue
    const works: { fn: string; obj: string | null }[] = []
    for (let w = t.task_works; w && w !== k.work_exited; w = w.next) {
      const c = w.container as { id?: string } | null
      works.push({ fn: w.func?.kname ?? '?', obj: c && typeof c.id === 'string' ? c.id : null })
    }
    const flags: string[] = []
    if (t.flags & PF_KTHREAD) flags.push('PF_KTHREAD')
    if (t.flags & PF_EXITING) flags.push('PF_EXITING')
    taskViews.push({
      pid: t.pid, tgid: t.tgid, comm: t.comm, flags, state: t.state, files: t.files ? t.files.id : null, inKernel: t.in_kernel,
      atomic: t.preempt_count > 0 || t.irq_count > 0, rcuReader: t.rcu_read_lock_nesting > 0, notifyResume: t.notify_resume,
      rlimitNofile: { cur: t.signal.rlim_nofile.rlim_cur, max: t.signal.rlim_nofile.rlim_max },
      taskWorks: works, workExited: t.task_works === k.work_exited,
      fdsLive: t.fds_live.map((f) => ({
        id: f.id, fd: f.fd, file: f.file ? f.file.id : null, light: (f.flags & FDPUT_FPUT) === 0, kind: f.kind, posLocked: (f.flags & FDPUT_POS_UNLOCK) !== 0,
        word: k.profile.fd_word ? `0x${num(readField('fd', 'word', f, k)).toString(16)}` : null,
      })),
    })
  }

  const threads: ThreadView[] = m.threads.map((th) => ({
    tid: th.tid, comm: th.task.comm, kind: th.kind,
    status: th.done ? 'done' : m.isEnabled(th) ? 'runnable' : 'blocked',
    next: th.pending ? th.pending.what : '', current: m.schedule[m.schedule.length - 1] === th.tid,
  }))

  const locks: LockView[] = []
  const seen = new Set<object>()
  for (const f of k.filp_cache.all) {
    const ctx = f.f_inode?.i_flctx
    if (!ctx || seen.has(ctx)) continue
    seen.add(ctx)
    for (const l of [...ctx.flc_posix, ...ctx.flc_flock]) {
      locks.push({
        id: l.id, kind: l.fl_flags & FL_FLOCK ? 'flock' : l.fl_flags & FL_OFDLCK ? 'ofd' : 'posix', owner: l.fl_owner.id,
        type: l.fl_type === F_WRLCK ? 'F_WRLCK' : 'F_RDLCK', start: l.fl_start, end: l.fl_end === OFFSET_MAX ? -1 : l.fl_end,
        inode: f.f_inode.path, file: l.fl_file.id,
      })
    }
  }

  const delayed: string[] = []
  for (let f = k.delayed_fput_list.first; f; f = f.f_llist) delayed.push(f.id)
  const readers: number[] = []
  for (const t of k.tasks.values()) if (t.rcu_read_lock_nesting > 0) readers.push(t.pid)

  const snap: Snapshot = {
    step: m.stepNo, profile: k.profile.name, jiffies: k.jiffies, threads, tasks: taskViews, tables: tableViews, files: fileViews,
    delayedFput: { files: delayed, workPending: k.delayed_fput_work.pending, due: k.delayed_fput_work.pending ? k.delayed_fput_work.due : null },
    rcu: { completed: k.rcu.completed, gp: k.rcu.gp ? { seq: k.rcu.gp.seq, waitFor: [...k.rcu.gp.waitFor].map((t) => t.pid) } : null, callbacks: k.rcu.callbacks.map((c) => ({ what: c.what, gp: c.gp })), readers },
    locks, violations: [...k.violations], changed: changedSince(m),
  }
  return opts.freeze ? deepFreeze(snap) : snap
}

function fileOrder(id: string): number {
  return Number(id.slice(id.indexOf('#') + 1)) || 0
}
