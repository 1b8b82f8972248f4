/** POSIX, OFD and flock locks, with their owners (files_struct for POSIX, struct file for OFD). */
import type { Snapshot } from '../../../preload/contract'

export function LocksPane({ snap }: { snap: Snapshot }) {
  return (
    <section className={`card locks${snap.changed.locks ? ' changed' : ''}`} aria-label="file locks">
      <header className="card-head"><h3>LOCKS</h3><span className="muted small">{snap.locks.length} held</span></header>
      <table className="plain">
        <caption className="sr-only">file locks</caption>
        <thead><tr><th scope="col">kind</th><th scope="col">type</th><th scope="col">range</th><th scope="col">owner</th><th scope="col">file</th><th scope="col">inode</th></tr></thead>
        <tbody>
          {snap.locks.map((l) => (
            <tr key={l.id}>
              <td>{l.kind}</td><td>{l.type}</td>
              <td className="num">{l.start}–{l.end >= Number.MAX_SAFE_INTEGER ? 'EOF' : l.end}</td>
              <td className="id">{l.owner}</td><td className="id">{l.file}</td><td className="id">{l.inode}</td>
            </tr>
          ))}
          {snap.locks.length === 0 ? <tr><td colSpan={6} className="muted">no locks</td></tr> : null}
        </tbody>
      </table>
    </section>
  )
}
