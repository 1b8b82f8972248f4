/** The top bar: lab name, profile selector, Run / Step back / Step / Reset / Explore, and app actions. */
import { useAppState, useShownAfter, store, BUSY_SHOWN_AFTER_MS } from '../state/store'
import { actions } from '../state/actions'
import type { ProfileName } from '../../../preload/contract'

export function Toolbar() {
  const title = useAppState((s) => s.session.title)
  const lab = useAppState((s) => s.session.lab)
  const kind = useAppState((s) => s.session.kind)
  const profile = useAppState((s) => s.session.profile)
  const run = useAppState((s) => s.session.run)
  const busy = useAppState((s) => s.ui.busy)
  const shownBusy = useShownAfter(busy, BUSY_SHOWN_AFTER_MS)
  const theme = useAppState((s) => s.ui.settings.theme)
  const dirty = useAppState((s) => s.ui.dirty)
  const loaded = kind !== 'none'
  const canStep = loaded || !!run
  const atStart = !run || run.cursor === 0
  const atEnd = !!run && (run.status === 'done' || run.status === 'blocked' || run.status === 'error' || run.status === 'budget')
  return (
    <header className="toolbar" role="toolbar" aria-label="fdlab">
      <span className="logo" aria-hidden="true">fd</span>
      <span className="app-name">fdlab</span>
      <button className="crumb-btn" onClick={() => store.ui({ labsOpen: true })} title="Course labs (Ctrl+L)">Labs</button>
      <span className="lab-title" title={title}>{loaded ? <> / {lab?.title ?? title}{dirty ? ' •' : ''}</> : null}</span>
      <label className="profile">
        <span>kernel</span>
        <select value={profile} disabled={!loaded || !!busy} onChange={(e) => void actions.profile(e.target.value as ProfileName)} aria-label="kernel profile">
          <option value="6.18">6.18 (mainline)</option>
          <option value="6.5">6.5 (slides)</option>
        </select>
      </label>
      <span className="spacer" />
      <div className="run-buttons">
        <button className="primary" disabled={!loaded || !!busy} onClick={() => void actions.run()} title="Run to the end (F5)">▶ Run <kbd>F5</kbd></button>
        <button disabled={!canStep || !!busy || atStart} onClick={() => void actions.back(1)} title="Step back (Shift+F10)">◂ Step back <kbd>⇧F10</kbd></button>
        <button disabled={!canStep || !!busy || atEnd} onClick={() => void actions.step('over')} title="Step over: next lab C statement (F10)">Step ▸ <kbd>F10</kbd></button>
        <button disabled={!canStep || !!busy || atEnd} onClick={() => void actions.step('into')} title="Step into the next kernel function (F11)">Into</button>
        <button disabled={!canStep || !!busy || atEnd} onClick={() => void actions.step('micro')} title="One micro-step (Alt+F10)">µ</button>
        <button disabled={!canStep || !!busy} onClick={() => void actions.reset()} title="Back to step 0">↺ Reset</button>
        <button disabled={!loaded || !!busy} onClick={() => void actions.explore()} title="Explore every interleaving">Explore ⚡</button>
        {shownBusy ? <button className="danger" onClick={() => void actions.cancel()} title="Cancel (Ctrl+.)">■ Cancel {shownBusy}</button> : null}
      </div>
      <span className="spacer" />
      <button onClick={() => void actions.open('lab')} title="Open a lab file (Ctrl+O)">Open</button>
      <button disabled={!loaded} onClick={() => void actions.save(false)} title="Save the lab (Ctrl+S)">Save</button>
      <button disabled={!run || run.cursor === 0 || !!busy} onClick={() => void actions.exportPerfetto()} title="Export the run as a Chrome/Perfetto trace (JSON trace events)">Export trace</button>
      <button onClick={() => store.ui({ gradeOpen: true })} title="Grade a class: submissions against the instructor's lab">Grade…</button>
      <button disabled={!loaded} onClick={() => actions.presenter(true)} title="Presenter mode (Ctrl+Shift+P)">▣ Present</button>
      <button onClick={() => void actions.setTheme(theme === 'light' ? 'dark' : 'light')} aria-label={`switch to ${theme === 'light' ? 'dark' : 'light'} theme`} title="Theme">{theme === 'light' ? '☾' : '☀'}</button>
    </header>
  )
}
