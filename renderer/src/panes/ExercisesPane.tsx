/**
 * Exercises: prompt, answer, public tests and their results; and exporting a submission. The
 * answers, the student's name and the last results live in the store (autosaved per lab), so
 * switching tabs or reloading loses nothing. An implement or provoke answer is the editor's text.
 */
import { exerciseKeyText, type ExerciseView, type TestFeedback } from '../../../preload/contract'
import { useAppState } from '../state/store'
import { Markdown } from '../components/Markdown'
import { actions, revealLine } from '../state/actions'

const STATUS_WORD: Record<string, string> = { passed: 'passed', failed: 'failed', budget: 'stopped at a limit (not a pass)', error: 'error', not_gradable: 'no answer' }

/**
 * One test's result as the grader reports it: status, message, expected versus actual, where in
 * the answer, the misconception the lab names, and the failing interleaving (open it as a run).
 */
export function TestResult({ ex, r, answer, editing }: { ex: Pick<ExerciseView, 'id'>; r: TestFeedback; answer: string | undefined; editing: boolean }) {
  const status = r.status ?? (r.ok ? 'passed' : 'failed')
  return (
    <li className={`test-result ${r.ok ? 'ok' : 'bad'}`} data-status={status} data-test={r.test ?? r.name}>
      <div>{r.ok ? '✓' : '✖'} {r.name}{r.ok ? null : <span className="badge status">{STATUS_WORD[status] ?? status}</span>}</div>
      {r.ok ? null : (
        <div className="feedback small">
          {r.message ? <div className="msg">{r.message}</div> : null}
          {r.expected ? <div><span className="muted">expected:</span> {r.expected}</div> : null}
          {r.actual ? <div><span className="muted">actual:</span> {r.actual}</div> : null}
          {r.where ? (
            <div><span className="muted">where:</span> {editing
              ? <button className="link" onClick={() => revealLine(r.where!.line, r.where!.col)}>your answer, line {r.where.line}, column {r.where.col}</button>
              : <>your answer, line {r.where.line}, column {r.where.col}</>}</div>
          ) : null}
          {(r.misconceptions ?? []).map((m) => <div key={m.id} className="warn" data-testid="misconception">? {m.explain}</div>)}
          {r.explored ? <div className="muted">interleavings: {r.explored.runs} explored{r.explored.complete ? ', every one covered' : ', the search stopped at its bound'}</div> : null}
          {r.schedule && answer !== undefined ? (
            <div className="schedule">
              <button onClick={() => void actions.openTest(ex.id, r, answer)} title={`schedule ${r.schedule}`}>▶ Open the failing run</button>
              <code className="muted" title="replay with fdlab run --schedule">{r.schedule.length > 40 ? `${r.schedule.slice(0, 40)}…` : r.schedule}</code>
            </div>
          ) : null}
        </div>
      )}
    </li>
  )
}

export function ExercisesPane() {
  const lab = useAppState((s) => s.session.lab)
  const student = useAppState((s) => s.ui.student)
  if (!lab) return null
  return (
    <div className="exercises">
      {lab.exercises.length === 0 ? <p className="muted">This lab has no exercises.</p> : null}
      {lab.exercises.map((ex, i) => <ExerciseCard key={ex.id} ex={ex} n={i + 1} />)}
      <section className="card submit" aria-label="submission">
        <h3>Submission</h3>
        <label className="field">Your name or student id
          <input value={student} onChange={(e) => actions.setStudent(e.target.value)} maxLength={200} autoComplete="name" data-testid="student" />
        </label>
        <button disabled={!student.trim()} onClick={() => void actions.exportSubmission(student.trim())}>Export submission…</button>
        <p className="muted small">The file holds your answers, not a grade: the grader recomputes everything from the lab.</p>
      </section>
    </div>
  )
}

export function ExerciseCard({ ex, n, compact = false }: { ex: ExerciseView; n: number; compact?: boolean }) {
  const scenario = useAppState((s) => s.session.scenario)
  const answer = useAppState((s) => s.ui.answers[ex.id])
  const last = useAppState((s) => s.ui.lastRun[ex.id])
  const busy = useAppState((s) => s.ui.busy)
  const results = ex.results ?? last?.results ?? null
  const passed = results?.filter((r) => r.ok).length ?? 0
  const usesEditor = ex.kind !== 'predict'
  const editing = scenario === exerciseKeyText(ex.id)
  const changed = !!last && answer !== undefined && answer !== last.answer
  const id = `ex-${ex.id}`
  return (
    <section className="card exercise" aria-label={`exercise ${n}: ${ex.title}`} data-exercise={ex.id}>
      <header className="card-head">
        <h3>Exercise {n} · <span className="badge kind">{ex.kind}</span> {ex.title}</h3>
        <span className="muted small">{ex.points} pts</span>
      </header>
      {compact ? null : <Markdown source={ex.prompt} />}
      {usesEditor ? (
        !editing
          ? <button onClick={() => void actions.scenario(exerciseKeyText(ex.id))}>{answer !== undefined ? 'Open your answer in the editor' : ex.hasStarter ? 'Open the starter in the editor' : 'Write the answer in the editor'}</button>
          : <p className="muted small">Your answer is the code in the editor.</p>
      ) : ex.choices.length ? (
        <fieldset className="choices">
          <legend>Your prediction</legend>
          {ex.choices.map((c) => (
            <label key={c} className="choice">
              <input type="radio" name={id} value={c} checked={answer === c} onChange={() => actions.predict(ex.id, c)} /> <code>{c}</code>
            </label>
          ))}
        </fieldset>
      ) : (
        <label className="field">Your prediction
          <input value={answer ?? ''} onChange={(e) => actions.predict(ex.id, e.target.value)} maxLength={200} data-testid={`predict-${ex.id}`} />
        </label>
      )}
      {ex.tests.length && ex.kind !== 'predict' ? (
        <div className="muted small">public tests: {ex.tests.map((t) => <code key={t}>{t} </code>)}</div>
      ) : null}
      {results ? (
        <>
          <div className="progress" aria-label={`${passed} of ${results.length} tests pass`}>
            {results.map((r, i) => <span key={i} className={r.ok ? 'pass' : 'fail'} />)}
          </div>
          <div className="small">
            <b>{passed} of {results.length}</b> {ex.kind === 'predict' ? 'correct' : 'public tests pass'}
            {changed ? <span className="warn" data-testid={`changed-${ex.id}`}> · your answer changed since this run</span> : null}
          </div>
          <ul className="results">
            {/* A failing run belongs to the answer it judged: once the answer changed, run the tests again to open it (the editor's text is never replaced). */}
            {results.map((r, i) => <TestResult key={i} ex={ex} r={r} answer={changed ? undefined : last?.answer ?? answer} editing={editing} />)}
          </ul>
          {ex.misconceptions?.length ? (
            <ul className="misconceptions">{ex.misconceptions.map((m) => <li key={m.id} className="warn small">? {m.explain}</li>)}</ul>
          ) : null}
        </>
      ) : null}
      <div className="exercise-foot">
        <button className="primary" disabled={!!busy || (usesEditor && !editing && answer === undefined)} title={usesEditor && !editing && answer === undefined ? 'open the exercise in the editor first' : undefined}
          onClick={() => void actions.runTests(ex)}>▶ Run tests</button>
        {ex.hiddenTests ? <span className="muted small"> + {ex.hiddenTests} hidden test{ex.hiddenTests > 1 ? 's' : ''} when graded</span> : null}
      </div>
    </section>
  )
}
