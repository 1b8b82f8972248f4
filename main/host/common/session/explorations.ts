/**
 * The session's explorer results: every interleaving of the scenario in the editor up to a
 * preemption bound (engine/machine/explorer.ts), each outcome kept with its schedule so that it
 * can be opened as a run. They belong to the scenario, source and profile they were computed for.
 */
import type { ExploreRequest, ExploreView, Progress } from '../../../../preload/contract'
import { explore, encodeSchedule, type ProfileName } from '../../../engine'
import { explorerFactory, type Compiled } from '../labScenario'
import { C } from '../terminal'

export interface Outcome { readonly schedule: number[]; readonly summary: string }

export class Explorations {
  private outcomes: Outcome[] = []

  clear(): void {
    this.outcomes = []
  }

  get any(): boolean {
    return this.outcomes.length > 0
  }

  get(index: number): Outcome | undefined {
    return this.outcomes[index]
  }

  /** Explore @c under @profile; the view for the pane and the terminal lines. */
  explore(c: Compiled, profile: ProfileName, req: ExploreRequest, progress?: (p: Progress) => void): { view: ExploreView; output: string[] } {
    const r = explore(explorerFactory(c, profile), {
      bound: req.bound, maxRuns: req.maxRuns, progressEvery: 250,
      onProgress: (p) => progress?.({ what: 'explore', done: p.runs, total: null }),
    })
    this.outcomes = [
      ...r.violations.map((v) => ({ schedule: v.schedule, summary: `✖ ${v.rule}: ${v.message}` })),
      ...r.outcomes.map((o) => ({
        schedule: o.schedule,
        summary: `${o.status}: ${o.threads.map((t) => `${t.comm}/${t.tid} ${t.results.join(' ') || '—'}`).join(' · ')}${o.violations.length ? ` · ${o.violations.length} violation(s)` : ''}`,
      })),
    ]
    const view: ExploreView = {
      explored: r.runs, complete: r.complete,
      outcomes: this.outcomes.map((e, index) => ({ index, summary: e.summary, violations: e.summary.startsWith('✖') ? 1 : 0, schedule: encodeSchedule(e.schedule) })),
    }
    const output = [
      C.bold(`explored ${r.runs} interleaving(s)${r.complete ? '' : ` (stopped: ${r.stoppedBy})`} with preemption bound ${req.bound}: ${r.outcomes.length} outcome(s), ${r.violations.length} violation(s)`),
      ...this.outcomes.map((e, i) => `  [${i}] ${e.summary.startsWith('✖') ? C.red(e.summary) : e.summary}  ${C.dim(encodeSchedule(e.schedule))}`),
      C.dim('open one with: outcome N'),
    ]
    return { view, output }
  }
}
