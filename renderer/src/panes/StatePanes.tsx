/** The right column: State (threads, fd tables, files, task work, findings), Object graph, Locks, RCU. */
import { useAppState, store, type RightTab } from '../state/store'
import { Tabs } from '../components/Tabs'
import { FdTablePane } from './FdTablePane'
import { FilesPane } from './FilesPane'
import { TaskWorkPane } from './TaskWorkPane'
import { ViolationsPane } from './ViolationsPane'
import { ThreadsPane } from './ThreadsPane'
import { GraphPane } from './GraphPane'
import { LocksPane } from './LocksPane'
import { RcuPane } from './RcuPane'
import { ExplorePane } from './ExplorePane'

const TABS: { id: RightTab; title: string }[] = [
  { id: 'state', title: 'State' }, { id: 'graph', title: 'Object graph' }, { id: 'locks', title: 'Locks' }, { id: 'rcu', title: 'RCU' },
]

export function StatePanes() {
  const run = useAppState((s) => s.session.run)
  const tab = useAppState((s) => s.ui.rightTab)
  const snap = run?.snapshot
  return (
    <div className="pane state-panes">
      <Tabs label="state panes" tabs={TABS} active={tab} onSelect={(rightTab) => store.ui({ rightTab })}
        extra={<span className="legend small"><span><span className="swatch step" /> this step</span> <span><span className="swatch syscall" /> this syscall</span></span>} />
      <div className="pane-body" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={0}>
        <ExplorePane />
        {!snap ? <p className="empty">Open a lab and press <kbd>Run</kbd> or <kbd>Step</kbd> to see the kernel objects.</p>
          : tab === 'state' ? (
            <>
              <FdTablePane snap={snap} change={run.change} />
              {/* Task work (small when its queues are empty) before the files: in view at 1600x1000. */}
              <TaskWorkPane snap={snap} />
              <FilesPane snap={snap} events={run.events} change={run.change} />
              <ViolationsPane snap={snap} />
              <ThreadsPane snap={snap} />
            </>
          ) : tab === 'graph' ? <GraphPane snap={snap} />
          : tab === 'locks' ? <LocksPane snap={snap} />
          : <RcuPane snap={snap} />}
      </div>
    </div>
  )
}
