/**
 * The bottom panel: Terminal (always mounted: xterm keeps its history), Trace (the kernel path of
 * the current system call, the step just taken highlighted), Problems (the lab file's own problems
 * at FILE:LINE:COL, then the editor's diagnostics, each a link to its line) and Output (what the lab's programs printed).
 */
import { useEffect, useRef, useState } from 'react'
import { useAppState } from '../state/store'
import { Tabs } from '../components/Tabs'
import { TerminalPane } from './TerminalPane'
import { revealLine } from '../state/actions'

type BottomTab = 'terminal' | 'trace' | 'problems' | 'output'

export function BottomPanel({ fontSize, dark }: { fontSize: number; dark: boolean }) {
  const [tab, setTab] = useState<BottomTab>('terminal')
  const diagnostics = useAppState((s) => s.session.diagnostics)
  const fileProblems = useAppState((s) => s.session.fileProblems)
  const run = useAppState((s) => s.session.run)
  const errors = diagnostics.filter((d) => d.severity === 'error').length + fileProblems.filter((d) => d.severity === 'error').length
  const problems = diagnostics.length + fileProblems.length
  const tabs: { id: BottomTab; title: React.ReactNode }[] = [
    { id: 'terminal', title: 'Terminal' },
    { id: 'trace', title: 'Trace' },
    { id: 'problems', title: <>Problems <span className="count">{problems}</span></> },
    { id: 'output', title: 'Output' },
  ]
  return (
    <div className="pane bottom-panel">
      <Tabs label="bottom panel" tabs={tabs} active={tab} onSelect={setTab}
        extra={tab === 'terminal' ? 'fdlab shell · strace + function_graph' : tab === 'trace' ? (run ? `step ${run.cursor} · function_graph of the current system call` : '') : tab === 'problems' ? `${errors} error(s)` : 'printf output of the lab\'s programs'} />
      <div className="bottom-body" hidden={tab !== 'terminal'} role="tabpanel" id="panel-terminal" aria-labelledby="tab-terminal">
        <TerminalPane fontSize={fontSize} dark={dark} />
      </div>
      {tab === 'trace' ? <TraceTab /> : null}
      {tab === 'problems' ? (
        <div className="bottom-body list" role="tabpanel" id="panel-problems" aria-labelledby="tab-problems" tabIndex={0}>
          {problems === 0 ? <p className="ok small">✓ no problems in the lab file or the editor</p> : (
            <ul className="problems">
              {fileProblems.map((d, i) => (
                <li key={`f${i}`} className={d.severity} data-testid="file-problem">
                  <span className="muted">{d.file}:{d.line}:{d.col}</span> <span className={d.severity === 'error' ? 'bad' : 'warn'}>{d.severity}[{d.code}]</span> {d.message}
                </li>
              ))}
              {diagnostics.map((d, i) => (
                <li key={i} className={d.severity}>
                  <button className="link" onClick={() => revealLine(d.line, d.col)}>{d.line}:{d.col}</button> <span className={d.severity === 'error' ? 'bad' : 'warn'}>{d.severity}</span> {d.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
      {tab === 'output' ? (
        <div className="bottom-body list" role="tabpanel" id="panel-output" aria-labelledby="tab-output" tabIndex={0}>
          {run?.stdout ? <pre className="output">{run.stdout}</pre> : <p className="muted small">The lab's programs printed nothing (yet).</p>}
        </div>
      ) : null}
    </div>
  )
}

function TraceTab() {
  const run = useAppState((s) => s.session.run)
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    box.current?.querySelector('.current')?.scrollIntoView({ block: 'nearest' })
  }, [run?.cursor])
  return (
    <div className="bottom-body list trace" ref={box} role="tabpanel" id="panel-trace" aria-labelledby="tab-trace" tabIndex={0}>
      {!run || run.trace.length === 0 ? <p className="muted small">Step into a system call to see its kernel path.</p> : (
        <ol className="trace-lines" aria-label="kernel path of the current system call">
          {run.trace.map((l, i) => <li key={i} className={l.current ? 'current' : undefined}>{l.text}</li>)}
        </ol>
      )}
    </div>
  )
}
