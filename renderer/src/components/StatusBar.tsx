/** The bottom status line (also an aria-live region for what just happened). */
import type { RunView } from '../../../preload/contract'
import { useAppState, useShownAfter, BUSY_SHOWN_AFTER_MS } from '../state/store'

/** What the step changed, in words, for screen readers (the panes show it in colour). */
export function stepSummary(run: RunView): string {
  const c = run.change.step
  const parts = [
    ...c.slots.map((x) => `${x.files} fd ${x.fd}: ${x.from ?? 'empty'} to ${x.to ?? 'empty'}`),
    ...c.refs.filter((r) => r.from !== r.to).map((r) => `${r.file} count ${r.from} to ${r.to}`),
    ...c.nextFd.map((n) => `${n.files} next_fd ${n.from ?? '?'} to ${n.to}`),
  ]
  const where = run.location ? `, at line ${run.location.line}` : ''
  return `step ${run.cursor}${where}: ${parts.length ? parts.slice(0, 6).join('; ') : 'no fd table or refcount change'}`
}

export function StatusBar() {
  const run = useAppState((s) => s.session.run)
  const profile = useAppState((s) => s.session.profile)
  const status = useAppState((s) => s.ui.status)
  const busy = useShownAfter(useAppState((s) => s.ui.busy), BUSY_SHOWN_AFTER_MS)
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
      {run ? <span className="sr-only" data-testid="step-summary">{stepSummary(run)}</span> : null}
      <span className="spacer" />
      <span className="seg">deterministic</span>
      <span className="seg">kernel {profile}</span>
      <span className="seg">{info ? (info.host === 'web' ? 'browser host' : 'desktop') : ''}</span>
    </footer>
  )
}
