/** The left column: the lab's instructions (sanitized Markdown) and its exercises. */
import { useEffect, useMemo, useRef } from 'react'
import { useAppState, store, type LeftTab } from '../state/store'
import { Tabs } from '../components/Tabs'
import { Markdown } from '../components/Markdown'
import { ExerciseCard, ExercisesPane } from './ExercisesPane'
import { actions } from '../state/actions'

export function InstructionsPane() {
  const lab = useAppState((s) => s.session.lab)
  const kind = useAppState((s) => s.session.kind)
  const title = useAppState((s) => s.session.title)
  const tab = useAppState((s) => s.ui.leftTab)
  const scenario = useAppState((s) => s.session.scenario)
  const heading = useRef<HTMLHeadingElement>(null)
  // A lab just opened (or came back after a reload): focus its title, where reading starts.
  const labId = lab ? `${lab.id}@${lab.version}` : null
  useEffect(() => {
    if (labId && !store.get().ui.labsOpen) heading.current?.focus()
  }, [labId])
  // Function names on the current thread's path, and the function called on the current line.
  const stack = useAppState((s) => s.session.run?.stack)
  const line = useAppState((s) => s.session.run?.location?.line ?? null)
  const source = useAppState((s) => s.session.source)
  const lastActive = useRef<ReadonlySet<string>>(new Set())
  const active = useMemo(() => {
    if (kind !== 'lab') return lastActive.current
    const names = new Set((stack ?? []).slice(1).map((f) => /^(\w+)/.exec(f)?.[1] ?? '').filter(Boolean))
    const text = line !== null ? lineOf(source, line) : ''
    for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) names.add(m[1]!)
    // The same names as at the last step: the same set, so the lab text is not drawn again.
    const prev = lastActive.current
    if (prev.size === names.size && [...names].every((n) => prev.has(n))) return prev
    lastActive.current = names
    return names
  }, [stack, line, source, kind])
  // The lab text is drawn again only when the lab, the scenario or the marked steps change, not at every step.
  const labText = useMemo(() => !lab ? null : (
    <Markdown source={lab.markdown} active={active} renderCode={(lang, code, key) => {
      if (lang === 'fdlab-exercise') {
        const i = lab.exercises.findIndex((x) => x.id === code.trim())
        return i >= 0 ? <ExerciseCard key={key} ex={lab.exercises[i]!} n={i + 1} /> : null
      }
      if (lang === 'fdlab-scenario') {
        const sc = lab.scenarios.find((x) => x.name === code.trim())
        if (!sc) return null
        return (
          <p key={key} className="scenario-link">
            <button className={sc.name === scenario ? 'chip active' : 'chip'} onClick={() => void actions.scenario(sc.name)} aria-pressed={sc.name === scenario}
              aria-label={`open scenario ${sc.name} in the editor`}>
              ▸ {sc.title || sc.name}
            </button>
          </p>
        )
      }
      return undefined
    }} />
  ), [lab, scenario, active])
  const done = lab?.exercises.filter((e) => e.results?.length && e.results.every((r) => r.ok)).length ?? 0
  const tabs: { id: LeftTab; title: React.ReactNode }[] = [
    { id: 'instructions', title: 'Instructions' },
    { id: 'exercises', title: <>Exercises <span className="count">{done}/{lab?.exercises.length ?? 0}</span></> },
  ]
  return (
    <div className="pane instructions">
      <Tabs label="lab" tabs={tabs} active={tab} onSelect={(leftTab) => store.ui({ leftTab })} />
      <div className="pane-body" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={0}>
        {kind === 'none' ? <Welcome /> : kind === 'strace' ? (
          <div className="lab-text">
            <h1>{title}</h1>
            <p>An <code>strace -f</code> log replayed through the model. Step through it, or scrub the timeline: every process's fd table is on the right, each syscall's real result is checked against the model's.</p>
          </div>
        ) : tab === 'instructions' && lab ? (
          <div className="lab-text">
            <div className="eyebrow">{lab.id} · v{lab.version} · kernel {lab.profiles.join(', ') || '6.18'}</div>
            <h1 ref={heading} tabIndex={-1}>{lab.title}</h1>
            {lab.scenarios.length ? (
              <nav className="scenarios" aria-label="scenarios">
                {lab.scenarios.map((s) => (
                  <button key={s.name} className={s.name === scenario ? 'chip active' : 'chip'} onClick={() => void actions.scenario(s.name)}
                    aria-pressed={s.name === scenario}>{s.title || s.name}</button>
                ))}
              </nav>
            ) : null}
            {labText}
          </div>
        ) : <ExercisesPane />}
      </div>
    </div>
  )
}

/** Line @n (1-based) of @text, without splitting all of it (an strace log has thousands of lines). */
export function lineOf(text: string, n: number): string {
  let start = 0
  for (let i = 1; i < n; i++) {
    const nl = text.indexOf('\n', start)
    if (nl < 0) return ''
    start = nl + 1
  }
  const end = text.indexOf('\n', start)
  return text.slice(start, end < 0 ? undefined : end)
}

function Welcome() {
  return (
    <div className="lab-text welcome">
      <h1>fdlab</h1>
      <p>A lab for the Linux kernel's file-descriptor machinery: open a lab, step through <code>close(2)</code> and watch the fd table, refcounts and task work change.</p>
      <p><button className="primary" onClick={() => store.ui({ labsOpen: true })}>Browse the course labs</button></p>
      <p><button onClick={() => void actions.open('lab')}>Open a lab file…</button> <button onClick={() => void actions.open('strace')}>Open an strace log…</button></p>
      <p className="muted small">You can also drop a <code>.lab.md</code> file or an strace log on the window.</p>
    </div>
  )
}
