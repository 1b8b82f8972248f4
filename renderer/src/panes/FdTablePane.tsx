/**
 * fd tables: one per files_struct, with its slots inside the visible window, the three bitmaps,
 * next_fd and max_fds. Slots changed by the last micro-step are highlighted; a slot emptied at
 * this step is drawn as an empty row so the change stays visible.
 */
import type { FileView, FilesView, Snapshot } from '../../../preload/contract'
import { Bitmap } from '../components/Bitmap'
import { actions } from '../state/actions'

const PAGE = 64

export function FdTablePane({ snap }: { snap: Snapshot }) {
  const files = new Map(snap.files.map((f) => [f.id, f]))
  if (!snap.tables.length) return <p className="empty">No fd tables yet.</p>
  return <>{snap.tables.map((t) => <FdTable key={t.id} table={t} files={files} snap={snap} />)}</>
}

function FdTable({ table: t, files, snap }: { table: FilesView; files: Map<string, FileView>; snap: Snapshot }) {
  const changed = new Set(snap.changed.fds.filter((k) => k.startsWith(t.id + ':')).map((k) => Number(k.slice(t.id.length + 1))))
  const users = snap.tasks.filter((x) => t.users.includes(x.pid)).map((x) => `${x.comm}:${x.pid}`)
  const rows = t.slots.map((s) => ({ ...s, ghost: false }))
  for (const fd of changed) {
    if (fd >= t.window.from && fd < t.window.to && !rows.some((r) => r.fd === fd)) rows.push({ fd, file: null, cloexec: false, reserved: false, ghost: true })
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
          <span data-testid="next_fd">next_fd <b>{t.next_fd}</b></span> · <span data-testid="max_fds">max_fds <b>{t.max_fds}</b></span>
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
            return (
              <tr key={s.fd} className={changed.has(s.fd) ? 'changed' : undefined} data-fd={s.fd}>
                <td className="num">{s.fd}</td>
                <td>
                  {s.ghost ? <span className="ghost">∅ empty <span className="badge step">this step</span></span>
                    : s.reserved ? <span className="muted">reserved (alloc_fd, not installed)</span>
                    : <><span className="id">{s.file}</span> <span className="path">{f?.path ?? ''}</span></>}
                </td>
                <td className="muted">{s.ghost || s.reserved ? '—' : f?.f_flags ?? ''}</td>
                <td className="muted">{s.ghost || s.reserved ? '—' : s.cloexec ? 'yes' : 'no'}</td>
              </tr>
            )
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
        </nav>
      ) : null}
    </section>
  )
}
