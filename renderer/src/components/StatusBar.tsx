/** The bottom status line (also an aria-live region for what just happened). */
import { useAppState } from '../state/store'

export function StatusBar() {
  const run = useAppState((s) => s.session.run)
  const profile = useAppState((s) => s.session.profile)
  const status = useAppState((s) => s.ui.status)
  const busy = useAppState((s) => s.ui.busy)
  const progress = useAppState((s) => s.ui.progress)
  const info = useAppState((s) => s.info)
  const current = run?.snapshot.threads.find((t) => t.current)
  const violations = run?.snapshot.violations.filter((v) => v.severity === 'violation').length ?? 0
  return (
    <footer className="statusbar" role="status" aria-live="polite">
      <span className="seg strong">{run ? `◆ step ${run.cursor}/${run.total}` : 'idle'}</span>
      {current ? <span className="seg">{current.comm}:{current.tid} {current.status}</span> : null}
      {run ? <span className={violations ? 'seg bad' : 'seg'}>{violations ? `✖ ${violations} violation(s)` : '✓ 0 violations'}</span> : null}
      {busy ? <span className="seg">{busy}…{progress ? ` ${progress.done}${progress.total ? `/${progress.total}` : ''}` : ''}</span> : null}
      <span className="seg msg">{status}</span>
      <span className="spacer" />
      <span className="seg">deterministic</span>
      <span className="seg">kernel {profile}</span>
      <span className="seg">{info ? (info.host === 'web' ? 'browser host' : 'desktop') : ''}</span>
    </footer>
  )
}
