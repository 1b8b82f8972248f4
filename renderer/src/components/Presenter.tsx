/**
 * Presenter mode for workshops: large type, the editor and the objects the lab is about (files
 * with large refcount segments and captions, fd tables, task work, findings) with a legend;
 * statement steps, step into, micro-steps and step back from buttons, the keyboard or a clicker;
 * the lab's slides when it has them. Esc leaves from any focus (terminal and editor included), as
 * does the Exit button.
 */
import { useEffect, useRef, useState } from 'react'
import { useAppState } from '../state/store'
import { actions } from '../state/actions'
import { EditorPane } from '../panes/EditorPane'
import { FilesPane } from '../panes/FilesPane'
import { FdTablePane } from '../panes/FdTablePane'
import { TaskWorkPane } from '../panes/TaskWorkPane'
import { ViolationsPane } from '../panes/ViolationsPane'
import { Markdown } from './Markdown'
import { slidesFrom } from './slides'

export function Presenter() {
  const run = useAppState((s) => s.session.run)
  const title = useAppState((s) => s.session.lab?.title ?? s.session.title)
  const lab = useAppState((s) => s.session.lab)
  const busy = useAppState((s) => s.ui.busy)
  const root = useRef<HTMLDivElement>(null)
  const slides = lab ? slidesFrom(lab.slides, lab.markdown) : []
  const [showSlides, setShowSlides] = useState(!!lab?.slides?.length)
  const [slide, setSlide] = useState(0)
  const atEnd = !!run && run.status !== 'paused' && run.status !== 'ready' && run.cursor === run.total

  const goSlide = (i: number) => {
    const s = slides[i]
    if (!s) return
    setSlide(i)
    if (s.scenario) {
      void (async () => {
        await actions.scenario(s.scenario!)
        if (s.goto) await actions.terminal(`goto ${s.goto}`)
      })()
    }
  }

  useEffect(() => {
    root.current?.focus()
    // Capture phase: Esc leaves presenter mode even when the terminal or the editor has focus.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault()
        e.stopPropagation()
        actions.presenter(false)
        return
      }
      const t = e.target
      if (t instanceof HTMLElement && (t.closest('.monaco-editor') || t.closest('.xterm') || t.tagName === 'INPUT' || t.tagName === 'SELECT')) return
      const stepKey = e.key === 'PageDown' || e.key === 'ArrowRight' || e.key === ' '
      if (stepKey && e.altKey) { e.preventDefault(); void actions.step('micro') }
      else if ((stepKey && e.shiftKey) || e.key === 'ArrowDown') { e.preventDefault(); void actions.step('into') }
      else if (stepKey) { e.preventDefault(); void actions.step('over') }
      else if (e.key === 'PageUp' || e.key === 'ArrowLeft') { e.preventDefault(); void actions.back(1) }
      else if (e.key === '.') { e.preventDefault(); void actions.step('micro') }
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [])
  const pct = run ? (100 * run.cursor) / Math.max(1, run.total) : 0
  const current = slides[slide]
  return (
    <div className="presenter" data-testid="presenter" ref={root} tabIndex={-1} role="region" aria-label="presenter mode">
      <header className="presenter-bar">
        <span className="logo" aria-hidden="true">fd</span>
        <span className="muted">fdlab · </span><span>{title}</span>
        {slides.length ? <button onClick={() => setShowSlides((v) => !v)} aria-pressed={showSlides}>Slides</button> : null}
        <span className="spacer" />
        <button className="big" disabled={!!busy || !run || run.cursor === 0} onClick={() => void actions.back(1)}>◂ Step back</button>
        <span className="big-counter" aria-live="polite"><b>{run?.cursor ?? 0}</b> <span className="muted">/ {run?.total ?? 0}</span></span>
        <button className="big primary" disabled={!!busy || atEnd} onClick={() => void actions.step('over')}>Step ▸</button>
        <button className="big" disabled={!!busy || atEnd} onClick={() => void actions.step('into')} title="Step into the next kernel function (↓ or Shift+→)">Into ↘</button>
        <button className="big" disabled={!!busy || atEnd} onClick={() => void actions.step('micro')} title="One micro-step (. or Alt+→)">µ</button>
        <span className="spacer" />
        <span className="muted small keys"><kbd>←</kbd> <kbd>→</kbd> step · <kbd>↓</kbd> into · <kbd>.</kbd> micro · <kbd>Esc</kbd> leave</span>
        <button onClick={() => actions.presenter(false)} aria-label="leave presenter mode">✕ Exit</button>
      </header>
      <div className="presenter-progress"><span style={{ width: `${pct}%` }} /></div>
      <div className={`presenter-body${showSlides && current ? ' with-slides' : ''}`}>
        {showSlides && current ? (
          <aside className="pane presenter-slides" aria-label="slides">
            <div className="pane-body">
              <div className="muted small">slide {slide + 1} / {slides.length}{current.scenario ? ` · ${current.scenario}${current.goto ? ` → ${current.goto}` : ''}` : ''}</div>
              {/* A slide cut at a heading starts with that heading: its title is not repeated. */}
              {headingOf(current.markdown) === current.title ? null : <h2>{current.title}</h2>}
              <Markdown source={current.markdown} />
            </div>
            <nav className="slide-nav">
              <button disabled={slide === 0} onClick={() => goSlide(slide - 1)}>◂ slide</button>
              <button disabled={slide >= slides.length - 1} onClick={() => goSlide(slide + 1)}>slide ▸</button>
            </nav>
          </aside>
        ) : null}
        <EditorPane fontSize={22} presenter />
        <div className="pane presenter-state">
          <div className="pane-body">
            {run ? (
              <>
                <FilesPane snap={run.snapshot} events={run.events} change={run.change} large />
                <Legend />
                <TaskWorkPane snap={run.snapshot} />
                <FdTablePane snap={run.snapshot} change={run.change} />
                {run.snapshot.violations.length ? <ViolationsPane snap={run.snapshot} /> : null}
              </>
            ) : <p className="empty">Press Step to start.</p>}
          </div>
        </div>
      </div>
    </div>
  )
}

function Legend() {
  return (
    <div className="legend presenter-legend" aria-label="legend">
      <span><span className="seg counted mini" /> counted reference</span>
      <span><span className="seg borrowed mini" /> borrowed, not counted</span>
      <span><span className="seg dropped mini" /> dropped this step</span>
      <span><span className="swatch step" /> changed this step</span>
    </div>
  )
}

/** The text of the Markdown heading a slide starts with, if it starts with one. */
function headingOf(markdown: string): string | null {
  const m = /^\s*#{1,6}\s+(.+?)\s*#*\s*$/m.exec(markdown.trimStart().split('\n', 1)[0] ?? '')
  return m ? m[1]! : null
}
