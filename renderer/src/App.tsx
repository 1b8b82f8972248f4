/** The main window: toolbar, timeline, instructions | editor | state panes, terminal, status bar. */
import { useEffect, useState } from 'react'
import { useAppState } from './state/store'
import { Toolbar } from './components/Toolbar'
import { Timeline } from './components/Timeline'
import { StatusBar } from './components/StatusBar'
import { LabBrowser } from './components/LabBrowser'
import { Presenter } from './components/Presenter'
import { GradePanel } from './components/GradePanel'
import { InstructionsPane } from './panes/InstructionsPane'
import { EditorPane } from './panes/EditorPane'
import { StatePanes } from './panes/StatePanes'
import { BottomPanel } from './panes/BottomPanel'

function useDark(): boolean {
  const theme = useAppState((s) => s.ui.settings.theme)
  const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: light)') : null
  const [systemLight, setSystemLight] = useState(query?.matches ?? false)
  useEffect(() => {
    if (!query) return
    const on = () => setSystemLight(query.matches)
    query.addEventListener('change', on)
    return () => query.removeEventListener('change', on)
  }, [query])
  return theme === 'dark' || (theme === 'system' && !systemLight)
}

export function App() {
  const panes = useAppState((s) => s.ui.settings.panes)
  const fontSize = useAppState((s) => s.ui.settings.fontSize)
  const presenter = useAppState((s) => s.ui.presenter)
  const labsOpen = useAppState((s) => s.ui.labsOpen)
  const gradeOpen = useAppState((s) => s.ui.gradeOpen)
  const dark = useDark()
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light'
  }, [dark])
  const cls = `app${panes.left ? '' : ' no-left'}${panes.right ? '' : ' no-right'}${panes.bottom ? '' : ' no-bottom'}`
  return (
    <>
      <div className={cls} hidden={presenter}>
        <Toolbar />
        <Timeline />
        {panes.left ? <aside className="area-left" aria-label="lab"><InstructionsPane /></aside> : null}
        <main className="area-editor" aria-label="scenario"><EditorPane fontSize={fontSize} /></main>
        {panes.right ? <aside className="area-state" aria-label="kernel state"><StatePanes /></aside> : null}
        <section className="area-terminal" aria-label="terminal" hidden={!panes.bottom}><BottomPanel fontSize={fontSize} dark={dark} /></section>
        <StatusBar />
      </div>
      {presenter ? <Presenter /> : null}
      {labsOpen ? <LabBrowser /> : null}
      {gradeOpen ? <GradePanel /> : null}
    </>
  )
}
