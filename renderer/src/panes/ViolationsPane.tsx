/** The sanitizer's findings up to the cursor, each linked to its micro-step. */
import type { Snapshot } from '../../../preload/contract'
import { actions } from '../state/actions'

export function ViolationsPane({ snap }: { snap: Snapshot }) {
  const vs = snap.violations
  return (
    <section className={`card violations${vs.some((v) => v.step === snap.step) ? ' changed' : ''}`} aria-label="sanitizer findings">
      <header className="card-head">
        <h3>SANITIZER</h3>
        <span className={vs.some((v) => v.severity === 'violation') ? 'bad small' : 'ok small'}>
          {vs.filter((v) => v.severity === 'violation').length} violation(s) · {vs.filter((v) => v.severity === 'note').length} note(s)
        </span>
      </header>
      {vs.length === 0 ? <p className="ok small">✓ no findings so far</p> : (
        <ul className="findings">
          {vs.map((v, i) => (
            <li key={i} className={v.severity}>
              <button className="link" onClick={() => void actions.goto(v.step)} aria-label={`go to step ${v.step}`}>step {v.step}</button>
              <span className="rule">{v.severity === 'violation' ? '✖' : 'ℹ'} {v.rule}</span>
              <span className="msg">{v.message}</span>
              <button className="link small" onClick={() => void actions.terminal(`why ${v.step}`)}>why?</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
