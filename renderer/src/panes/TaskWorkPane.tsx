/** Per-task task_works (head first: the order task_work_run runs them) and the delayed-fput list. */
import type { Snapshot } from '../../../preload/contract'

export function TaskWorkPane({ snap }: { snap: Snapshot }) {
  const tasks = snap.tasks.filter((t) => t.taskWorks.length > 0 || t.workExited || !t.flags.includes('PF_KTHREAD'))
  const d = snap.delayedFput
  return (
    <section className={`card taskwork${snap.changed.taskWork.length || snap.changed.delayedFput ? ' changed' : ''}`} aria-label="task work and delayed fput">
      <header className="card-head"><h3>TASK WORK</h3></header>
      {tasks.map((t) => t.taskWorks.length === 0 && !snap.changed.taskWork.includes(t.pid) ? (
        <div key={t.pid} className="task compact">
          <b>{t.comm}</b> <span className="muted">(pid {t.pid})</span> <span className="queue-empty muted">queue empty</span>
          <span className="right muted small">TIF_NOTIFY_RESUME {t.notifyResume ? 1 : 0}{t.workExited ? ' · work_exited' : ''}</span>
        </div>
      ) : (
        <div key={t.pid} className={`task${snap.changed.taskWork.includes(t.pid) ? ' changed' : ''}`}>
          <div className="task-head">
            <b>{t.comm}</b> <span className="muted">(pid {t.pid})</span>
            <span className="right muted small">TIF_NOTIFY_RESUME {t.notifyResume ? 1 : 0}{t.workExited ? ' · work_exited' : ''}</span>
          </div>
          {t.taskWorks.length ? (
            <ol className="queue">{t.taskWorks.map((w, i) => <li key={i}><code>{w.fn}({w.obj ?? ''})</code></li>)}</ol>
          ) : <div className="queue-empty muted">queue empty</div>}
        </div>
      ))}
      <div className={`delayed${snap.changed.delayedFput ? ' changed' : ''}`}>
        <span>delayed_fput list: </span>
        {d.files.length ? d.files.map((f) => <code key={f} className="id">{f} </code>) : <span className="muted">empty</span>}
        <span className="muted small"> · work {d.workPending ? `pending${d.due !== null ? `, due at jiffy ${d.due}` : ''}` : 'idle'} · jiffies {snap.jiffies}</span>
      </div>
    </section>
  )
}
