/** Explorer results: every distinct outcome and violation, each opening its schedule as a run. */
import { useAppState, store } from '../state/store'
import { actions } from '../state/actions'

export function ExplorePane() {
  const ex = useAppState((s) => s.session.explore)
  if (!ex) return null
  return (
    <section className="card explore" aria-label="exploration results">
      <header className="card-head">
        <h3>EXPLORE</h3>
        <span className="muted small">{ex.explored} interleaving(s){ex.complete ? ' · complete' : ' · stopped early'}</span>
        <button className="link small" onClick={() => void store.apply({ rev: store.get().session.rev, explore: null })} aria-label="close exploration results">✕</button>
      </header>
      <ol className="outcomes" start={0}>
        {ex.outcomes.map((o) => (
          <li key={o.index} className={o.violations ? 'violation' : undefined}>
            <button className="link" onClick={() => void actions.openOutcome(o.index)}>open</button>
            <span className="msg">{o.summary}</span>
            <code className="small muted" title="schedule">{o.schedule.length > 60 ? o.schedule.slice(0, 60) + '…' : o.schedule}</code>
          </li>
        ))}
      </ol>
    </section>
  )
}
