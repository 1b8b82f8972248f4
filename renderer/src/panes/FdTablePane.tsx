/**
 * fd tables: one per files_struct, with its slots inside the visible window, the three bitmaps,
 * next_fd (with its value before the step) and max_fds. Slots changed in the step just taken are
 * highlighted ("this step"; a statement step is many micro-steps), those changed earlier in the
 * current system call more faintly ("this syscall"); a slot emptied in the step is drawn as an
 * empty row with the file it held struck through. Big tables: go to an fd, or to the changed one.
 */
import { memo, useState } from 'react'
import type { FileView, FilesView, RunView, Snapshot, SpanChange } from '../../../preload/contract'
import { Bitmap } from '../components/Bitmap'
import { actions } from '../state/actions'

const PAGE = 64

export function FdTablePane({ snap, change }: { snap: Snapshot; change?: RunView['change'] | null }) {
  const files = new Map(snap.files.map((f) => [f.id, f]))
  if (!snap.tables.length) return <p className="empty">No fd tables yet.</p>
  return <>{snap.tables.map((t) => <FdTable key={t.id} table={t} files={files} snap={snap} change={change ?? null} />)}</>
}

const fdsOf = (keys: readonly string[], table: string) => keys.filter((k) => k.startsWith(table + ':')).map((k) => Number(k.slice(table.length + 1)))

/** One slot of the window: drawn again only when what it shows changes (a step changes one or two slots). */
const SlotRow = memo(function SlotRow({ fd, file, path, flags, cloexec, reserved, ghost, was, wasPath, at, mark }: {
  fd: number; file: string | null; path: string; flags: string; cloexec: boolean; reserved: boolean; ghost: boolean
  was: string | null; wasPath: string; at: number | null; mark: 'step' | 'syscall' | null
}) {
  return (
    <tr className={mark === 'step' ? 'changed' : mark === 'syscall' ? 'changed-syscall' : undefined} data-fd={fd}
      aria-label={mark === 'step' ? `fd ${fd}, changed this step` : undefined}>
      <td className="num">{fd}</td>
      <td>
        {ghost ? (
          <span className="ghost">∅ empty {was ? <s className="was" title="the file this slot held before the step">{was} {wasPath}</s> : null}
            {' '}<span className="badge step">{at ? `step ${at}` : 'this step'}</span></span>
        )
          : reserved ? <span className="muted">reserved (alloc_fd, not installed)</span>
          : <><span className="id">{file}</span> <span className="path">{path}</span></>}
      </td>
      <td className="muted">{ghost || reserved ? '—' : flags}</td>
      <td className="muted">{ghost || reserved ? '—' : cloexec ? 'yes' : 'no'}</td>
    </tr>
  )
})

function FdTable({ table: t, files, snap, change }: { table: FilesView; files: Map<string, FileView>; snap: Snapshot; change: RunView['change'] | null }) {
  const step: SpanChange | null = change?.step ?? null
  const changed = new Set(fdsOf(step?.changed.fds ?? snap.changed.fds, t.id))
  const inSyscall = new Set(fdsOf(change?.syscall?.changed.fds ?? [], t.id).filter((fd) => !changed.has(fd)))
  const emptied = new Map((step?.slots ?? []).filter((x) => x.files === t.id && x.to === null).map((x) => [x.fd, x]))
  const nextFd = step?.nextFd.find((n) => n.files === t.id) ?? null
  const users = snap.tasks.filter((x) => t.users.includes(x.pid)).map((x) => `${x.comm}:${x.pid}`)
  const rows: { fd: number; file: string | null; cloexec: boolean; reserved: boolean; ghost: boolean; was?: string | null; at?: number }[] = t.slots.map((s) => ({ ...s, ghost: false }))
  for (const fd of changed) {
    if (fd >= t.window.from && fd < t.window.to && !rows.some((r) => r.fd === fd)) {
      const e = emptied.get(fd)
      rows.push({ fd, file: null, cloexec: false, reserved: false, ghost: true, was: e?.from ?? null, at: e?.step })
    }
  }
  const outside = [...changed].filter((fd) => fd < t.window.from || fd >= t.window.to)
  const [goto, setGoto] = useState('')
  const show = (fd: number) => {
    const from = Math.max(0, fd - (fd % PAGE))
    void actions.view(from, from + PAGE)
  }
  rows.sort((a, b) => a.fd - b.fd)
  const tableChanged = snap.changed.tables.includes(t.id)
  const bitsChanged = new Set([...changed])
  const span = t.window.to - t.window.from
  return (
    <section className={`card fdtable${tableChanged ? ' changed' : ''}`} aria-label={`fd table ${t.id}`} data-table={t.id}>
      <header className="card-head">
        <h3>FD TABLE <span className="id">{t.id}</span> <span className="muted">(count {t.count})</span></h3>
        <span className="kv">
          <span data-testid="next_fd" className={nextFd ? 'changed-text' : undefined}>next_fd <b>{t.next_fd}</b>{nextFd && nextFd.from !== null ? <span className="muted"> (was {nextFd.from})</span> : null}</span> · <span data-testid="max_fds">max_fds <b>{t.max_fds}</b></span>
          {t.embedded ? <span className="muted"> · embedded fdtab</span> : null}
          {t.lockOwner !== null ? <span className="warn"> · file_lock held by {t.lockOwner}</span> : null}
        </span>
      </header>
      <div className="muted small">used by {users.join(', ') || '—'} · {t.openCount} open</div>
      <table className="slots">
        <caption className="sr-only">fd slots {t.window.from} to {t.window.to - 1} of {t.id}</caption>
        <thead><tr><th scope="col">fd</th><th scope="col">file</th><th scope="col">flags</th><th scope="col">cloexec</th></tr></thead>
        <tbody>
          {rows.map((s) => {
            const f = s.file ? files.get(s.file) : undefined
            return <SlotRow key={s.fd} fd={s.fd} file={s.file} path={f?.path ?? ''} flags={f?.f_flags ?? ''} cloexec={s.cloexec} reserved={s.reserved}
              ghost={s.ghost} was={s.was ?? null} wasPath={s.was ? files.get(s.was)?.path ?? '' : ''} at={s.at ?? null}
              mark={changed.has(s.fd) ? 'step' : inSyscall.has(s.fd) ? 'syscall' : null} />
          })}
          {rows.length === 0 ? <tr><td colSpan={4} className="muted">no open fds in {t.window.from}–{t.window.to - 1}</td></tr> : null}
        </tbody>
      </table>
      <Bitmap name="open_fds" words={t.open_fds} base={t.window.from} bits={span} changed={bitsChanged} />
      <Bitmap name="close_on_exec" words={t.close_on_exec} base={t.window.from} bits={span} />
      <Bitmap name="full_fds_bits" words={t.full_fds_bits} base={Math.floor(t.window.from / 64)} bits={Math.max(1, Math.ceil(span / 64))} />
      {t.max_fds > PAGE ? (
        <nav className="pager" aria-label={`fd window of ${t.id}`}>
          <button disabled={t.window.from === 0} onClick={() => void actions.view(Math.max(0, t.window.from - PAGE), Math.max(PAGE, t.window.to - PAGE))}>◂ fds</button>
          <span className="muted">fds {t.window.from}–{t.window.to - 1} of {t.max_fds}</span>
          <button disabled={t.window.to >= t.max_fds} onClick={() => void actions.view(t.window.from + PAGE, t.window.to + PAGE)}>fds ▸</button>
          <form className="goto-fd" onSubmit={(e) => { e.preventDefault(); const n = Number(goto); if (Number.isInteger(n) && n >= 0 && n < t.max_fds) show(n) }}>
            <label>go to fd <input value={goto} onChange={(e) => setGoto(e.target.value)} inputMode="numeric" size={6} aria-label={`go to fd in ${t.id}`} /></label>
          </form>
          {outside.length ? <button onClick={() => show(outside[0]!)} title="the fd this step changed">changed fd {outside[0]} ▸</button> : null}
        </nav>
      ) : null}
    </section>
  )
}
