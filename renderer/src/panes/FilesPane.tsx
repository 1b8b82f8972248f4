/**
 * struct files: the refcount as file_count(f) and as the profile's raw field, every holder of a
 * reference (fd slots, counted fdget, pins, transactions, queued work) as a solid segment, and
 * light fdget borrows as dashed segments that are drawn but not counted. A refcount change at
 * this micro-step shows its from→to from the step's trace events.
 */
import type { FileView, HolderView, Snapshot, TraceEvent } from '../../../preload/contract'

export function holderLabel(h: HolderView): string {
  switch (h.kind) {
    case 'fd': return `fd ${h.fd} · ${h.files} slot`
    case 'fdget': return `fdget${h.light ? ' (light)' : ''} · task ${h.task} on fd ${h.fd}`
    case 'pin': return h.label
    case 'transaction': return `transaction · ${h.label}`
    case 'other': return `${h.count} other reference${h.count === 1 ? '' : 's'}`
  }
}

/** Whether a holder is one of the references file_count(f) counts. */
export const counted = (h: HolderView) => !(h.kind === 'fdget' && h.light)

export function FilesPane({ snap, events }: { snap: Snapshot; events: readonly TraceEvent[] }) {
  const live = snap.files.filter((f) => f.mem !== 'free')
  return (
    <section className="files" aria-label="open files">
      <header className="section-head">
        <h3>FILES</h3>
        <span className="muted small">{live.filter((f) => f.mem === 'live').length} live · {snap.delayedFput.files.length} on delayed_fput</span>
      </header>
      {live.length === 0 ? <p className="empty">No struct file allocated.</p> : null}
      {live.map((f) => <FileCard key={f.id} f={f} changed={snap.changed.files.includes(f.id)} refs={events.filter((e): e is Extract<TraceEvent, { e: 'ref' }> => e.e === 'ref' && e.file === f.id)} />)}
    </section>
  )
}

/** Holders and segments drawn per file; a file held by thousands of fds is summarised beyond this. */
const MAX_DRAWN = 12

function FileCard({ f, changed, refs }: { f: FileView; changed: boolean; refs: Extract<TraceEvent, { e: 'ref' }>[] }) {
  const segs: { cls: string; label: string }[] = []
  let countedSegs = 0
  let borrowed = 0
  for (const h of f.holders) {
    const n = h.kind === 'other' ? h.count : 1
    if (counted(h)) countedSegs += n
    else borrowed += n
    for (let i = 0; i < n && segs.length < MAX_DRAWN; i++) segs.push({ cls: counted(h) ? 'seg counted' : 'seg borrowed', label: holderLabel(h) })
  }
  for (let i = countedSegs; i < f.count && segs.length < MAX_DRAWN; i++) segs.push({ cls: 'seg counted unattributed', label: 'reference (holder not named by the engine)' })
  const undrawn = Math.max(f.count, countedSegs) + borrowed - segs.length
  const shown = f.holders.slice(0, MAX_DRAWN)
  const hiddenHolders = f.holders.length - shown.length
  const delta = refs.length ? `${refs[0]!.from}→${refs[refs.length - 1]!.to}` : null
  const borrowedOnly = f.count === 0 && f.holders.some((h) => !counted(h))
  return (
    <article className={`card file${changed ? ' changed' : ''} mem-${f.mem}`} aria-label={`${f.id} ${f.path}, file_count ${f.count}`} data-file={f.id}>
      <header className="card-head">
        <h4><span className="id">{f.id}</span> <span className="path">{f.path}</span></h4>
        <span className="muted small">{f.f_flags} · f_pos {f.f_pos} · {f.ops}</span>
      </header>
      <div className="refline">
        <span className="refcount" data-testid={`count-${f.id}`}>
          <span className="muted">file_count</span> <b>{f.count}</b>
        </span>
        <span className="raw muted" title="the profile's raw field">{f.raw.field} = {f.raw.value}</span>
        <span className="segs" role="img" aria-label={`${f.count} counted reference(s); ${borrowed} borrow(s) not counted`}>
          {segs.map((s, i) => <span key={i} className={s.cls} title={s.label} />)}
          {undrawn > 0 ? <span className="muted small">+{undrawn}</span> : null}
        </span>
        {delta ? <span className="badge step">{delta} this step</span> : null}
      </div>
      <ul className="holders">
        {shown.map((h, i) => (
          <li key={i}>
            <span className={counted(h) ? 'key counted' : 'key borrowed'} aria-hidden="true" />
            {holderLabel(h)}
            <span className="muted right">{counted(h) ? (h.kind === 'other' ? `+${h.count}` : '+1 · counted') : 'borrowed · not counted'}</span>
          </li>
        ))}
        {f.holders.length === 0 ? <li className="muted">no holders</li> : null}
        {hiddenHolders > 0 ? <li className="muted">… and {hiddenHolders} more holder(s) ({f.holders.slice(MAX_DRAWN).filter((h) => h.kind === 'fd').length} fd slots)</li> : null}
      </ul>
      {f.mem !== 'live' ? <p className="warn small">memory: {f.mem}{f.queued ? ` · __fput queued on ${f.queued}` : ''}</p> : null}
      {borrowedOnly ? <p className="violation-chip">⚠ no counted reference left while borrowed by a light fdget</p> : null}
    </article>
  )
}
