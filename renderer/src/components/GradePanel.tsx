/**
 * Grading a class (instructors): the open lab (the instructor's, with solutions and hidden
 * tests), submission files picked or dropped (a folder is read recursively), graded in the
 * engine worker with progress (Cancel stops it), then the class table, each student's feedback,
 * a failed test's schedule opened as a run, and the outputs of `fdlab grade` saved as files.
 * Everything shown comes from the grader's report (main/grading, run by the host): nothing is
 * computed here.
 */
import { useEffect, useRef, useState } from 'react'
import type { GradeReport, TestFeedback } from '../../../preload/contract'
import { store, useAppState } from '../state/store'
import { actions } from '../state/actions'
import { trapTab } from '../shortcuts'
import { Markdown } from './Markdown'
import { TestResult } from '../panes/ExercisesPane'

type Entry = GradeReport['submissions'][number]
const fmt = (x: number) => String(Math.round(x * 100) / 100)

export function GradePanel() {
  const lab = useAppState((s) => s.session.lab)
  const files = useAppState((s) => s.ui.gradeFiles)
  const grade = useAppState((s) => s.ui.grade)
  const shown = useAppState((s) => s.ui.gradeShown)
  const busy = useAppState((s) => s.ui.busy)
  const progress = useAppState((s) => s.ui.progress)
  const [over, setOver] = useState(false)
  const dialog = useRef<HTMLDivElement>(null)
  useEffect(() => { dialog.current?.querySelector<HTMLElement>('button')?.focus() }, [])
  const close = () => store.ui({ gradeOpen: false })
  const report = grade?.report ?? null
  const entry = report?.submissions.find((s) => s.name === shown) ?? null
  const grading = busy === 'grade'
  return (
    <div className="modal-backdrop" onClick={close}>
      <div className="modal grade" role="dialog" aria-modal="true" aria-labelledby="grade-title" ref={dialog}
        onClick={(e) => e.stopPropagation()} onKeyDown={(e) => { if (e.key === 'Escape') close(); else trapTab(e, dialog.current) }}>
        <header className="card-head"><h2 id="grade-title">Grade a class</h2><button onClick={close} aria-label="close">✕</button></header>
        <p className="small">
          {lab ? <>Graded against the open lab: <b>{lab.title}</b> <span className="muted">({lab.id}, version {lab.version})</span>. </> : <>Open the instructor's lab first. </>}
          <span className="muted">Use the instructor's edition (with solutions and hidden tests); every exercise is judged from it alone.</span>{' '}
          <button onClick={() => void actions.open('lab')}>Open a lab file…</button>
        </p>
        <div className={over ? 'drop over' : 'drop'} data-testid="grade-drop"
          onDragOver={(e) => { e.preventDefault(); e.stopPropagation(); e.dataTransfer.dropEffect = 'copy'; setOver(true) }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => { e.preventDefault(); e.stopPropagation(); setOver(false); void actions.dropSubmissions(e.dataTransfer) }}>
          <span>Drop submission files or a folder here, or</span>
          <button onClick={() => void actions.pickSubmissions('files')}>Choose files…</button>
          <button onClick={() => void actions.pickSubmissions('folder')}>Choose a folder…</button>
          <span className="muted small" data-testid="grade-files">{files.length ? `${files.length} file(s): ${files.slice(0, 4).map((f) => f.file).join(', ')}${files.length > 4 ? ', …' : ''}` : 'no submissions chosen'}</span>
        </div>
        <div className="grade-run">
          <button className="primary" disabled={!files.length || !lab || !!busy} onClick={() => void actions.gradeClass()}>Grade {files.length || ''} submission{files.length === 1 ? '' : 's'}</button>
          {grading ? (
            <>
              {' '}<progress max={progress?.total ?? files.length} value={progress?.done ?? 0} aria-label="grading progress" />
              <span className="small" data-testid="grade-progress"> graded {progress?.done ?? 0} of {progress?.total ?? files.length}</span>
              {' '}<button className="danger" onClick={() => void actions.cancel()}>■ Cancel</button>
            </>
          ) : null}
        </div>
        {grade?.error ? <p className="bad" role="alert">{grade.error}</p> : null}
        {grade?.warnings.length ? (
          <ul className="grade-warnings small" aria-label="grading warnings" data-testid="grade-warnings">
            {grade.warnings.map((w) => <li key={w} className="warn"><code>{w}</code></li>)}
          </ul>
        ) : null}
        {report ? <ClassTable report={report} shown={shown} /> : null}
        {report ? (
          <div className="outputs small">
            <span className="muted">Save:</span>
            {['grades.csv', 'report.json', 'canvas.csv', 'moodle.csv'].map((p) => <button key={p} onClick={() => void actions.saveOutput(p)}>{p}</button>)}
          </div>
        ) : null}
        {report && entry ? <Feedback report={report} entry={entry} answers={grade?.answers[entry.name] ?? {}} /> : null}
      </div>
    </div>
  )
}

function ClassTable({ report, shown }: { report: GradeReport; shown: string | null }) {
  const subs = report.submissions
  const graded = subs.filter((s) => s.status === 'graded')
  const mean = graded.length ? graded.reduce((n, s) => n + s.score, 0) / graded.length : 0
  return (
    <>
      <p className="small" data-testid="grade-summary">{graded.length} graded, {subs.length - graded.length} rejected{graded.length ? `; mean ${fmt(mean)} / ${fmt(report.lab.max_score)}` : ''}</p>
      <div style={{ overflowX: 'auto' }}>
        <table className="class" aria-label="class results">
          <thead>
            <tr>
              <th>Student</th><th>File</th><th>Status</th><th>Score</th>
              {report.lab.exercises.map((e) => <th key={e.id} title={e.title}>{e.id} <span className="muted">/{fmt(e.points)}</span></th>)}
              <th>Reason / warnings</th><th>Feedback</th>
            </tr>
          </thead>
          <tbody>
            {subs.map((s) => (
              <tr key={s.name} className={`${s.status}${s.name === shown ? ' shown' : ''}`} data-submission={s.name}>
                <td>{s.student || <span className="muted">—</span>}</td>
                <td><code>{s.file}</code></td>
                <td>{s.status}</td>
                <td className="num">{s.status === 'graded' ? `${fmt(s.score)} / ${fmt(s.max_score)}` : '—'}</td>
                {report.lab.exercises.map((e) => {
                  const x = s.exercises.find((y) => y.id === e.id)
                  return <td key={e.id} className="num" title={x?.status}>{x ? fmt(x.score) : '—'}</td>
                })}
                <td className="small">{s.reason ?? s.warnings.join('; ')}</td>
                <td><button onClick={() => store.ui({ gradeShown: s.name })} aria-label={`feedback for ${s.student || s.file}`}>Feedback</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}

/** A student's results, as the instructor sees them (every test, hidden ones included), and the student's feedback file. */
function Feedback({ report, entry, answers }: { report: GradeReport; entry: Entry; answers: Readonly<Record<string, string>> }) {
  const md = useAppState((s) => s.ui.grade?.outputs.find((o) => o.path === `feedback/${entry.name}.md`)?.text ?? '')
  return (
    <section className="feedback-view" aria-label={`feedback for ${entry.student || entry.file}`}>
      <header className="card-head">
        <h3>{entry.student || entry.file}: {entry.status === 'graded' ? `${fmt(entry.score)} / ${fmt(entry.max_score)}` : `rejected: ${entry.reason}`}</h3>
        <button onClick={() => void actions.saveOutput(`feedback/${entry.name}.md`)}>Save feedback/{entry.name}.md</button>
      </header>
      {entry.exercises.map((x) => (
        <div key={x.id} className="card" data-exercise={x.id}>
          <div className="card-head"><h4>{x.id} <span className="badge kind">{x.kind}</span> {x.title}</h4><span className="small">{fmt(x.score)} / {fmt(x.max_score)} · {x.status}</span></div>
          <ul className="results">
            {x.tests.map((t) => {
              const r: TestFeedback = {
                name: `${t.name}${t.visibility !== 'visible' ? ` (${t.visibility})` : ''}`, ok: t.status === 'passed', status: t.status, message: t.message,
                test: t.test, profile: t.profile, expected: t.expected, actual: t.actual, where: t.where, misconceptions: t.misconceptions, explored: t.explored,
                schedule: t.status === 'failed' && x.kind !== 'predict' ? t.schedule : null,
              }
              return <TestResult key={t.name} ex={x} r={r} answer={answers[x.id]} editing={false} />
            })}
          </ul>
        </div>
      ))}
      <details>
        <summary>What the student reads (feedback/{entry.name}.md)</summary>
        <Markdown source={md} />
      </details>
    </section>
  )
}
