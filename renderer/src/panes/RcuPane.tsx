/** RCU: readers inside rcu_read_lock, the grace period in progress, and queued callbacks. */
import type { Snapshot } from '../../../preload/contract'

export function RcuPane({ snap }: { snap: Snapshot }) {
  const r = snap.rcu
  return (
    <section className={`card rcu${snap.changed.rcu ? ' changed' : ''}`} aria-label="RCU">
      <header className="card-head"><h3>RCU</h3><span className="muted small">{r.completed} grace period(s) completed · profile {snap.profile}</span></header>
      <dl className="kvlist">
        <dt>readers</dt><dd>{r.readers.length ? r.readers.map((p) => `pid ${p}`).join(', ') : <span className="muted">none</span>}</dd>
        <dt>grace period</dt><dd>{r.gp ? <>#{r.gp.seq} waiting for {r.gp.waitFor.length ? r.gp.waitFor.map((p) => `pid ${p}`).join(', ') : 'no reader'}</> : <span className="muted">idle</span>}</dd>
      </dl>
      <table className="plain">
        <caption className="sr-only">RCU callbacks</caption>
        <thead><tr><th scope="col">callback</th><th scope="col">runs after grace period</th></tr></thead>
        <tbody>
          {r.callbacks.map((c, i) => <tr key={i}><td><code>{c.what}</code></td><td className="num">#{c.gp}</td></tr>)}
          {r.callbacks.length === 0 ? <tr><td colSpan={2} className="muted">no callbacks pending</td></tr> : null}
        </tbody>
      </table>
    </section>
  )
}
