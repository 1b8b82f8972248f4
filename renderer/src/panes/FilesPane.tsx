/**
 * struct files: the refcount as file_count(f) and as the profile's raw field, every holder of a
 * reference (fd slots, counted fdget, pins, transactions, queued work) as a solid segment, and
 * light fdget borrows as dashed segments that are drawn but not counted. A refcount change at
 * this micro-step shows its from→to from the step's trace events.
 */
import { memo } from 'react'
import type { FileView, HolderView, RunView, Snapshot, TraceEvent } from '../../../preload/contract'

export function holderLabel(h: HolderView): string {
  switch (h.kind) {
    case 'fd': return `fd ${h.fd} · ${h.files} slot`
    case 'fdget': return `fdget${h.light ? ' (light)' : ''} · task ${h.task} on fd ${h.fd}`
    case 'pin': {
      const m = /^lab:(\w+)@(\d+)$/.exec(h.label)
      return m ? `${m[1]} · pin (line ${m[2]})` : `pin · ${h.label}`
    }
    case 'transaction': return `transaction · ${h.label}`
    case 'other': return `${h.count === 1 ? 'a reference' : `${h.count} references`} held by the running code (no table slot)`
  }
}

/** A short name of a holder, for the captions under large segments. */
export function holderShort(h: HolderView): string {
  switch (h.kind) {
    case 'fd': return `fd ${h.fd}`
    case 'fdget': return h.light ? 'borrow' : 'fdget'
    case 'pin': return /^lab:(\w+)@/.exec(h.label)?.[1] ?? 'pin'
    case 'transaction': return 'transaction'
    case 'other': return 'the caller'
  }
}

/** What each holder will do with its reference. */
export function holderFate(h: HolderView): string {
  switch (h.kind) {
    case 'fd': return 'dropped by close (filp_close → fput)'
    case 'fdget': return h.light ? 'borrowed · fdput ends it, nothing to put' : 'counted · fdput puts it'
    case 'pin': return 'counted · put by its fput'
    case 'transaction': return 'counted · put when the transaction is freed'
    case 'other': return 'counted · its fput drops it'
  }
}

/** Whether a holder is one of the references file_count(f) counts. */
export const counted = (h: HolderView) => !(h.kind === 'fdget' && h.light)

export function FilesPane({ snap, events, change, large = false }: { snap: Snapshot; events: readonly TraceEvent[]; change?: RunView['change'] | null; large?: boolean }) {
  const stepFiles = new Set(change?.step.changed.files ?? snap.changed.files)
  // The files the step is about first: changed in it, then those in no table, then the rest.
  const rank = (f: FileView) => (stepFiles.has(f.id) ? 0 : f.mem !== 'live' || !f.holders.some((h) => h.kind === 'fd') ? 1 : 2)
  const live = snap.files.filter((f) => f.mem !== 'free').map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map((x) => x.f)
  const refsOf = (id: string): { from: number; to: number } | null => {
    const r = change?.step.refs.find((x) => x.file === id)
    if (r) return r
    const evs = events.filter((e): e is Extract<TraceEvent, { e: 'ref' }> => e.e === 'ref' && e.file === id)
    return evs.length ? { from: evs[0]!.from, to: evs[evs.length - 1]!.to } : null
  }
  return (
    <section className="files" aria-label="open files">
      <header className="section-head">
        <h3>FILES</h3>
        <span className="muted small">{live.filter((f) => f.mem === 'live').length} live · {snap.delayedFput.files.length} on delayed_fput</span>
      </header>
      {live.length === 0 ? <p className="empty">No struct file allocated.</p> : null}
      {live.map((f) => <FileCard key={f.id} f={f} changed={stepFiles.has(f.id)} delta={refsOf(f.id)} large={large}
        dropped={(change?.step.slots ?? []).filter((x) => x.from === f.id && x.to !== f.id)} />)}
    </section>
  )
}

/** Holders and segments drawn per file; a file held by thousands of fds is summarised beyond this. */
const MAX_DRAWN = 12

interface FileCardProps {
  f: FileView; changed: boolean; delta: { from: number; to: number } | null; large: boolean
  dropped: readonly { files: string; fd: number; step: number }[]
}

/** A file's card is drawn again only when the file (kept as the same object while unchanged) or what the step did to it changes. */
const FileCard = memo(FileCardView, (a: FileCardProps, b: FileCardProps) => a.f === b.f && a.changed === b.changed && a.large === b.large
  && a.delta?.from === b.delta?.from && a.delta?.to === b.delta?.to
  && a.dropped.length === b.dropped.length && a.dropped.every((x, i) => x.files === b.dropped[i]!.files && x.fd === b.dropped[i]!.fd && x.step === b.dropped[i]!.step))

function FileCardView({ f, changed, delta: d, large, dropped }: FileCardProps) {
  const segs: { cls: string; label: string; short?: string }[] = []
  let countedSegs = 0
  let borrowed = 0
  for (const h of f.holders) {
    const n = h.kind === 'other' ? h.count : 1
    if (counted(h)) countedSegs += n
    else borrowed += n
    for (let i = 0; i < n && segs.length < MAX_DRAWN; i++) segs.push({ cls: counted(h) ? 'seg counted' : 'seg borrowed', label: holderLabel(h), short: holderShort(h) })
  }
  for (let i = countedSegs; i < f.count && segs.length < MAX_DRAWN; i++) segs.push({ cls: 'seg counted unattributed', label: 'reference (holder not named by the engine)' })
  const undrawn = Math.max(f.count, countedSegs) + borrowed - segs.length
  const shown = f.holders.slice(0, MAX_DRAWN)
  const omittedFds = f.omittedFdHolders ?? 0
  const hiddenHolders = f.holders.length - shown.length + omittedFds
  const delta = d && d.from !== d.to ? `${d.from}→${d.to}` : null
  // References dropped in this step (a table slot closed): drawn hatched after the live ones.
  const fell = d && d.to < d.from ? Math.min(d.from - d.to, 4) : 0
  for (let i = 0; i < fell && segs.length < MAX_DRAWN + 4; i++) segs.push({ cls: 'seg dropped', label: 'dropped this step' })
  const detached = f.mem === 'live' && !f.holders.some((h) => h.kind === 'fd')
  const borrowedOnly = f.count === 0 && f.holders.some((h) => !counted(h))
  // An unchanged file held only by table slots: one line (the files the step is about keep the room).
  if (!changed && !large && f.mem === 'live' && f.holders.length > 0 && f.holders.length <= 8 && !omittedFds && f.holders.every((h) => h.kind === 'fd')) {
    const fds = f.holders.map((h) => (h.kind === 'fd' ? `fd ${h.fd}` : '')).join(' · ')
    return (
      <article className={`card file compact mem-${f.mem}`} aria-label={`${f.id} ${f.path}, file_count ${f.count}, held by ${fds}`} data-file={f.id}>
        <h4><span className="id">{f.id}</span> <span className="path">{f.path}</span></h4>
        <span className="refcount" data-testid={`count-${f.id}`}><span className="muted">file_count</span> <b>{f.count}</b></span>
        <span className="raw muted small" title="the profile's raw field">{f.raw.field} = {f.raw.value}</span>
        <span className="segs" aria-hidden="true">{segs.map((s, i) => <span key={i} className={s.cls} title={s.label} />)}</span>
        <span className="muted small">{fds}</span>
      </article>
    )
  }
  return (
    <article className={`card file${changed ? ' changed' : ''}${large ? ' large' : ''} mem-${f.mem}`} aria-label={`${f.id} ${f.path}, file_count ${f.count}${detached ? ', in no fd table' : ''}`} data-file={f.id}>
      <header className="card-head">
        <h4><span className="id">{f.id}</span> <span className="path">{f.path}</span></h4>
        <span className="muted small">{f.f_flags} · f_pos {f.f_pos} · {f.ops}</span>
      </header>
      <div className="refline">
        <span className="refcount" data-testid={`count-${f.id}`}>
          <span className="muted">file_count</span> <b>{f.count}</b>
          {large && delta ? <span className="badge step big-delta">{delta}</span> : null}
        </span>
        <span className="raw muted" title="the profile's raw field">{f.raw.field} = {f.raw.value}</span>
        <span className="segs" role="img" aria-label={`${f.count} counted reference(s); ${borrowed} borrow(s) not counted${fell ? `; ${fell} dropped this step` : ''}`}>
          {segs.map((s, i) => (
            <span key={i} className="seg-box">
              <span className={s.cls} title={s.label} />
              {large ? <span className="seg-caption">{s.cls.includes('dropped') ? <><b className="warn">−1</b> dropped now</> : s.cls.includes('borrowed') ? <>borrow<br /><span className="muted">not counted</span></> : <>+1 {s.short ?? 'reference'}<br /><span className="muted">counted</span></>}</span> : null}
            </span>
          ))}
          {undrawn > 0 ? <span className="muted small">+{undrawn}</span> : null}
        </span>
        {delta && !large ? <span className="badge step">{delta} this step</span> : null}
      </div>
      {detached ? <p className="small detached-note">in no fd table: {f.count ? 'held by the references below' : 'no counted reference left'}</p> : null}
      <ul className="holders">
        {shown.map((h, i) => (
          <li key={i}>
            <span className={counted(h) ? 'key counted' : 'key borrowed'} aria-hidden="true" />
            {holderLabel(h)}
            <span className="muted right">{counted(h) ? (h.kind === 'other' ? `+${h.count} · ` : '+1 · ') : ''}{holderFate(h)}</span>
          </li>
        ))}
        {dropped.map((x) => (
          <li key={`d${x.files}:${x.fd}`} className="dropped-holder">
            <span className="key dropped" aria-hidden="true" />
            <s>fd {x.fd}</s> {x.files} table reference
            <span className="muted right">left the table at step {x.step}</span>
          </li>
        ))}
        {f.holders.length === 0 ? <li className="muted">no holders</li> : null}
        {hiddenHolders > 0 ? <li className="muted">… and {hiddenHolders} more holder(s) ({f.holders.slice(MAX_DRAWN).filter((h) => h.kind === 'fd').length + omittedFds} fd slots)</li> : null}
      </ul>
      {f.mem !== 'live' ? <p className="warn small">memory: {f.mem}{f.queued ? ` · __fput queued on ${f.queued}` : ''}</p> : null}
      {borrowedOnly ? <p className="violation-chip">⚠ no counted reference left while borrowed by a light fdget</p> : null}
    </article>
  )
}
