/**
 * The timeline: a scrubber over the whole run in micro-steps (a native range input, so it is
 * keyboard- and screen-reader-accessible), with violations, labels and syscall boundaries marked.
 */
import { useEffect, useRef, useState } from 'react'
import { useAppState } from '../state/store'
import { actions } from '../state/actions'

const MAX_TICKS = 400

export function Timeline() {
  const run = useAppState((s) => s.session.run)
  const marks = useAppState((s) => s.session.marks)
  const busy = useAppState((s) => s.ui.busy)
  const [drag, setDrag] = useState<number | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => setDrag(null), [run?.cursor])
  const total = Math.max(1, run?.total ?? 0)
  const cursor = drag ?? run?.cursor ?? 0
  const pct = (step: number) => `${(100 * step) / total}%`
  const violations = marks.filter((m) => m.kind === 'violation' || m.kind === 'note')
  const labels = marks.filter((m) => m.kind === 'label')
  const syscalls = marks.filter((m) => m.kind === 'syscall')
  const ticks = syscalls.length > MAX_TICKS ? syscalls.filter((_, i) => i % Math.ceil(syscalls.length / MAX_TICKS) === 0) : syscalls
  return (
    <div className="timeline" aria-label="timeline">
      <div className="counter" aria-live="polite">
        <b data-testid="cursor">{run ? cursor : '–'}</b> <span className="muted">/ <span data-testid="total">{run?.total ?? '–'}</span></span>
        <div className="muted small" title={run?.next ?? undefined}>{run ? `${run.status}${run.next ? ` · next: ${run.next}` : ''}` : 'not started'}</div>
      </div>
      <div className="track">
        <div className="marks" aria-hidden="true">
          {ticks.map((m, i) => <span key={`s${i}`} className="tick" style={{ left: pct(m.step) }} title={`${m.step}: ${m.label}`} />)}
          {labels.map((m, i) => <span key={`l${i}`} className="label-mark" style={{ left: pct(m.step) }}>{m.label}</span>)}
        </div>
        <input type="range" min={0} max={run?.total ?? 0} value={cursor} disabled={!run || !!busy}
          aria-label="micro-step" aria-valuetext={`step ${cursor} of ${run?.total ?? 0}`}
          onChange={(e) => {
            const v = Number(e.target.value)
            setDrag(v)
            if (timer.current) clearTimeout(timer.current)
            timer.current = setTimeout(() => void actions.goto(v), 60)
          }} />
        <div className="vmarks">
          {violations.map((m, i) => (
            <button key={i} className={`vmark ${m.kind}`} style={{ left: pct(m.step) }} onClick={() => void actions.goto(m.step)}
              title={`step ${m.step}: ${m.label}`} aria-label={`${m.kind} at step ${m.step}: ${m.label}`}>◆</button>
          ))}
        </div>
      </div>
    </div>
  )
}
