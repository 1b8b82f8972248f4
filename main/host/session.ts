/**
 * The session: one open lab (or strace log) and its run, shared by both hosts (it runs inside the
 * engine worker). Interim version: it loads files and answers the terminal, and reports that the
 * engine is not wired yet; the engine-driven version replaces it once machine/ and lab/ land.
 */
import type {
  AnswerRequest, Completion, ExploreRequest, FileText, Progress, ProfileName, SessionCommands, SessionUpdate, StepKind, ViewRequest,
} from '../../preload/contract'
import { labEntryFromText } from './labCatalog'

export interface SessionDeps {
  readonly progress?: (p: Progress) => void
}

const NOT_YET = 'the engine is not available in this build yet'

export class Session implements SessionCommands {
  private rev = 0
  private file: FileText | null = null
  private profile: ProfileName = '6.18'

  constructor(private readonly deps: SessionDeps = {}) {}

  private up(u: Omit<SessionUpdate, 'rev'>): SessionUpdate {
    return { rev: ++this.rev, ...u }
  }

  sessionLoad(file: FileText): SessionUpdate {
    this.file = file
    const e = labEntryFromText(file.name, file.text)
    return this.up({ kind: 'lab', title: e.title, source: '', diagnostics: [], run: null, output: [`loaded ${file.name}`] })
  }
  sessionEdit(source: string): SessionUpdate { return this.up({ source }) }
  sessionScenario(_name: string): SessionUpdate { return this.up({ error: NOT_YET }) }
  sessionProfile(profile: ProfileName): SessionUpdate {
    this.profile = profile
    return this.up({ profile })
  }
  sessionRun(): SessionUpdate { return this.up({ error: NOT_YET }) }
  sessionStep(_kind: StepKind, _count: number): SessionUpdate { return this.up({ error: NOT_YET }) }
  sessionBack(_count: number): SessionUpdate { return this.up({ error: NOT_YET }) }
  sessionGoto(_step: number): SessionUpdate { return this.up({ error: NOT_YET }) }
  sessionReset(): SessionUpdate { return this.up({ error: NOT_YET }) }
  sessionExplore(_req: ExploreRequest): SessionUpdate {
    this.deps.progress?.({ what: 'explore', done: 0, total: null })
    return this.up({ error: NOT_YET })
  }
  sessionOpenOutcome(_index: number): SessionUpdate { return this.up({ error: NOT_YET }) }
  sessionTerminal(line: string): SessionUpdate { return this.up({ output: [`${line}: ${NOT_YET}`] }) }
  sessionComplete(_line: string): Completion { return { start: 0, candidates: [] } }
  sessionView(_req: ViewRequest): SessionUpdate { return this.up({}) }
  sessionAnswer(_req: AnswerRequest): SessionUpdate { return this.up({ error: NOT_YET }) }
  sessionSubmission(_student: string): FileText | null { return null }
  sessionLabFile(): FileText | null { return this.file }
}

export function createSession(deps: SessionDeps = {}): Session {
  return new Session(deps)
}
