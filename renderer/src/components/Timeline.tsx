/**
 * The timeline: a scrubber over the whole run in micro-steps (a native range input, so it is
 * keyboard- and screen-reader-accessible), with syscall boundaries as ticks, the phases between
 * the lab's labels as named brackets, and labelled violation markers. Dragging scrubs: the thumb
 * stays where the pointer is, the panes follow, and the run lands where the thumb was released.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { useAppState } from '../state/store'
import { actions } from '../state/actions'
import type { ProfileName } from '../../../preload/contract'

const MAX_TICKS = 400

export function Timeline() {
  const run = useAppState((s) => s.session.run)
  const marks = useAppState((s) => s.session.marks)
  const profile = useAppState((s) => s.session.profile)
  const kind = useAppState((s) => s.session.kind)
  const compare = useAppState((s) => s.ui.compare)
  const busy = useAppState((s) => s.ui.busy)
  const [drag, setDrag] = useState<number | null>(null)
  const dragging = useRef(false)
  // The drag value is dropped once the host is there (not on the first answer of many), or once
  // no scrub is pending and another move of the run (a Step pressed just after a drag) has ended.
  useEffect(() => {
    if (dragging.current || drag === null) return
    if (run?.cursor === drag || (!actions.scrubbing() && !busy)) setDrag(null)
  }, [run?.cursor, drag, busy])
  const release = () => {
    dragging.current = false
    if (drag !== null) actions.scrubNow()
  }
  const total = Math.max(1, run?.total ?? 0)
  const cursor = drag ?? run?.cursor ?? 0
  const pct = (step: number) => `${(100 * step) / total}%`
  // What the marks give (phases, ticks, violations): computed when the marks or the run's length
  // change, not at every step (a long strace log has a mark per system call).
  const runTotal = run?.total ?? null
  const { violations, phases, tickMarks } = useMemo(() => {
    const violations = marks.filter((m) => m.kind === 'violation' || m.kind === 'note')
    const labels = marks.filter((m) => m.kind === 'label')
    const syscalls = marks.filter((m) => m.kind === 'syscall')
    const ticks = syscalls.length > MAX_TICKS ? syscalls.filter((_, i) => i % Math.ceil(syscalls.length / MAX_TICKS) === 0) : syscalls
    // Phases: from each label to the next (the lab's own names for the parts of the run).
    const sorted = [...labels].sort((a, b) => a.step - b.step)
    const phases = sorted.map((m, i) => ({ name: m.label, from: m.step, to: sorted[i + 1]?.step ?? (runTotal ?? m.step) }))
      .filter((p) => p.to > p.from)
    const tot = Math.max(1, runTotal ?? 0)
    const tickMarks = ticks.map((m, i) => <span key={`s${i}`} className="tick" style={{ left: `${(100 * m.step) / tot}%` }} title={`${m.step}: ${m.label}`} />)
    return { violations, phases, tickMarks }
  }, [marks, runTotal])
  return (
    <div className="timeline" aria-label="timeline">
      <div className="counter" aria-live="polite">
        <b data-testid="cursor">{run ? cursor : '–'}</b> <span className="muted">/ <span data-testid="total">{run?.total ?? '–'}</span></span>
        <div className="muted small" title={run?.next ?? undefined}>{run ? `${run.status}${run.next ? ` · next: ${run.next}` : ''}` : 'not started'}</div>
      </div>
      <div className="track">
        <div className="marks" aria-hidden="true">
          {phases.map((p, i) => (
            <span key={`p${i}`} className={`phase${cursor > p.from && cursor <= p.to ? ' current' : ''}`} style={{ left: pct(p.from), width: pct(p.to - p.from) }} title={`${p.name}: steps ${p.from}–${p.to}`}>
              <span className="phase-name">{p.name}</span>
            </span>
          ))}
          {tickMarks}
        </div>
        <input type="range" min={0} max={run?.total ?? 0} value={cursor} disabled={!run || (!!busy && !dragging.current && busy !== 'scrub')}
          aria-label="micro-step" aria-valuetext={`step ${cursor} of ${run?.total ?? 0}${phases.find((p) => cursor > p.from && cursor <= p.to) ? `, in ${phases.find((p) => cursor > p.from && cursor <= p.to)!.name}` : ''}`}
          onPointerDown={() => { dragging.current = true }}
          onPointerUp={release}
          onKeyUp={release}
          onChange={(e) => {
            const v = Number(e.target.value)
            setDrag(v)
            actions.scrubSoon(v)
          }} />
        <div className="vmarks">
          {violations.map((m, i) => (
            <button key={i} className={`vmark ${m.kind}`} style={{ left: pct(m.step) }} onClick={() => void actions.goto(m.step)}
              title={`step ${m.step}: ${m.label}`} aria-label={`${m.kind} at step ${m.step}: ${m.label}`}>◆{i < 3 ? <span className="vlabel">{m.label}</span> : null}</button>
          ))}
        </div>
      </div>
      {kind === 'lab' ? (
        <div className="compare" aria-label="compare runs">
          <div className="cmp-row"><span className="cmp-dot current" /> {profile} · {run ? <>{violations.filter((m) => m.kind === 'violation').length} violation(s){run.status !== 'paused' && run.status !== 'ready' ? ` · ${run.status} at ${run.total}` : ''}</> : 'not run'}</div>
          {compare ? (
            <div className="cmp-row" data-testid="compare-result" title={compare.violations.map((v) => `step ${v.step}: ${v.rule}: ${v.message}`).join('\n')}>
              <span className="cmp-dot other" /> {compare.profile}{compare.variants === 'none' ? ' · no variants' : ''} · {compare.error ? compare.error
                : <>{compare.violations.filter((v) => v.severity === 'violation').length} violation(s){compare.violations[0] ? ` (${compare.violations[0].rule} at ${compare.violations[0].step})` : ''} · {compare.status} at {compare.steps}</>}
            </div>
          ) : null}
          <select aria-label="compare with" value="" disabled={!!busy} onChange={(e) => {
            const [p, v] = e.target.value.split('|') as [ProfileName, 'same' | 'none']
            if (p) void actions.compare(p, v)
          }}>
            <option value="">compare ▾</option>
            <option value={`${profile === '6.18' ? '6.5' : '6.18'}|same`}>with kernel {profile === '6.18' ? '6.5' : '6.18'}</option>
            <option value={`${profile}|none`}>without the lab's variants</option>
          </select>
        </div>
      ) : null}
    </div>
  )
}
