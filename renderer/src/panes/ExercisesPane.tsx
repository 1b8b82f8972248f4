/** Exercises: prompt, answer, public tests and their results; and exporting a submission. */
import { useState } from 'react'
import type { ExerciseView } from '../../../preload/contract'
import { useAppState } from '../state/store'
import { Markdown } from '../components/Markdown'
import { actions } from '../state/actions'

export function ExercisesPane() {
  const lab = useAppState((s) => s.session.lab)
  const [student, setStudent] = useState('')
  if (!lab) return null
  return (
    <div className="exercises">
      {lab.exercises.length === 0 ? <p className="muted">This lab has no exercises.</p> : null}
      {lab.exercises.map((ex, i) => <Exercise key={ex.id} ex={ex} n={i + 1} />)}
      <section className="card submit" aria-label="submission">
        <h3>Submission</h3>
        <label className="field">Your name or student id
          <input value={student} onChange={(e) => setStudent(e.target.value)} maxLength={200} autoComplete="name" />
        </label>
        <button disabled={!student.trim()} onClick={() => void actions.exportSubmission(student.trim())}>Export submission…</button>
        <p className="muted small">The file holds your answers, not a grade: the grader recomputes everything from the lab.</p>
      </section>
    </div>
  )
}

function Exercise({ ex, n }: { ex: ExerciseView; n: number }) {
  const source = useAppState((s) => s.session.source)
  const scenario = useAppState((s) => s.session.scenario)
  const [answer, setAnswer] = useState('')
  const passed = ex.results?.filter((r) => r.ok).length ?? 0
  const usesEditor = ex.kind !== 'predict'
  const editing = scenario === `exercise:${ex.id}`
  return (
    <section className="card exercise" aria-label={`exercise ${n}: ${ex.title}`}>
      <header className="card-head">
        <h3>Exercise {n} · <span className="badge kind">{ex.kind}</span> {ex.title}</h3>
        <span className="muted small">{ex.points} pts</span>
      </header>
      <Markdown source={ex.prompt} />
      {usesEditor ? (
        !editing
          ? <button onClick={() => void actions.scenario(`exercise:${ex.id}`)}>{ex.hasStarter ? 'Open the starter in the editor' : 'Write the answer in the editor'}</button>
          : <p className="muted small">Your answer is the code in the editor.</p>
      ) : (
        <label className="field">Your prediction
          <input value={answer} onChange={(e) => setAnswer(e.target.value)} maxLength={200} />
        </label>
      )}
      {ex.results ? (
        <>
          <div className="progress" aria-label={`${passed} of ${ex.results.length} tests pass`}>
            {ex.results.map((r, i) => <span key={i} className={r.ok ? 'pass' : 'fail'} />)}
          </div>
          <ul className="results">
            {ex.results.map((r, i) => <li key={i} className={r.ok ? 'ok' : 'bad'}>{r.ok ? '✓' : '✖'} {r.name}{r.ok ? '' : <span className="muted small"> · {r.message}</span>}</li>)}
          </ul>
        </>
      ) : null}
      <button className="primary" disabled={usesEditor && !editing} title={usesEditor && !editing ? 'open the exercise in the editor first' : undefined}
        onClick={() => void actions.answer(ex.id, usesEditor ? source : answer)}>▶ Run tests</button>
    </section>
  )
}
