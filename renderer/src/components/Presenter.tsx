/**
 * Presenter mode for workshops: large type, the editor and the files pane enlarged, stepping with
 * the arrow keys or a clicker's PageUp/PageDown, Esc to leave.
 */
import { useEffect } from 'react'
import { useAppState } from '../state/store'
import { actions } from '../state/actions'
import { EditorPane } from '../panes/EditorPane'
import { FilesPane } from '../panes/FilesPane'
import { FdTablePane } from '../panes/FdTablePane'

export function Presenter() {
  const run = useAppState((s) => s.session.run)
  const title = useAppState((s) => s.session.lab?.title ?? s.session.title)
  const busy = useAppState((s) => s.ui.busy)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLElement && e.target.closest('.monaco-editor')) return
      if (e.key === 'PageDown' || e.key === 'ArrowRight' || e.key === ' ') { e.preventDefault(); void actions.step('over') }
      else if (e.key === 'PageUp' || e.key === 'ArrowLeft') { e.preventDefault(); void actions.back(1) }
      else if (e.key === 'Escape') actions.presenter(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  const pct = run ? (100 * run.cursor) / Math.max(1, run.total) : 0
  return (
    <div className="presenter" data-testid="presenter">
      <header className="presenter-bar">
        <span className="logo" aria-hidden="true">fd</span>
        <span className="muted">fdlab · </span><span>{title}</span>
        <span className="spacer" />
        <button className="big" disabled={!!busy || !run || run.cursor === 0} onClick={() => void actions.back(1)}>◂ Step back</button>
        <span className="big-counter" aria-live="polite"><b>{run?.cursor ?? 0}</b> <span className="muted">/ {run?.total ?? 0}</span></span>
        <button className="big primary" disabled={!!busy} onClick={() => void actions.step('over')}>Step ▸</button>
        <span className="spacer" />
        <span className="muted small"><kbd>←</kbd> <kbd>→</kbd> step · <kbd>Esc</kbd> leave presenter mode</span>
      </header>
      <div className="presenter-progress"><span style={{ width: `${pct}%` }} /></div>
      <div className="presenter-body">
        <EditorPane fontSize={22} presenter />
        <div className="pane presenter-state">
          <div className="pane-body">
            {run ? <><FilesPane snap={run.snapshot} events={run.events} /><FdTablePane snap={run.snapshot} /></> : <p className="empty">Press Step to start.</p>}
          </div>
        </div>
      </div>
    </div>
  )
}
