/** Threads and what each will do at its next micro-step (the scheduler's choices). */
import type { Snapshot } from '../../../preload/contract'

export function ThreadsPane({ snap }: { snap: Snapshot }) {
  return (
    <section className="card threads" aria-label="threads">
      <header className="card-head"><h3>THREADS</h3><span className="muted small">jiffies {snap.jiffies}</span></header>
      <table className="plain">
        <caption className="sr-only">threads and their next micro-step</caption>
        <thead><tr><th scope="col">tid</th><th scope="col">comm</th><th scope="col">status</th><th scope="col">next</th></tr></thead>
        <tbody>
          {snap.threads.map((t) => (
            <tr key={t.tid} className={t.current ? 'current' : undefined}>
              <td className="num">{t.current ? '▸ ' : ''}{t.tid}</td>
              <td>{t.comm}{t.kind !== 'user' ? <span className="muted small"> ({t.kind})</span> : null}</td>
              <td className={t.status === 'blocked' ? 'warn' : t.status === 'done' ? 'muted' : undefined}>{t.status}</td>
              <td><code className="small">{t.next}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
