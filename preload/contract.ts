/**
 * The one contract between the renderer and its host (Electron main through the preload, or the
 * browser host in main/host/browser/). Every command is a named function with one channel and
 * runtime argument checks; main runs those checks on every call, the preload runs them before
 * sending, and the web host runs them too. The preload's API object is generated from this
 * table (preload/bridge.ts), so adding a command here is the only edit needed on that side.
 *
 * Pure: no Electron, Node or DOM. Imports engine *types* only.
 */
import type { Snapshot, FileView, FilesView, HolderView, ProfileName, TraceEvent, SpanChange } from '../main/engine'
import type { GradeReport } from '../main/grading/report'
import { arrayOf, bool, int, nullable, obj, oneOf, str, type Check } from './checks'

export type { Snapshot, FileView, FilesView, HolderView, ProfileName, TraceEvent, SpanChange, GradeReport }

// ---------------------------------------------------------------------------------------------
// Data shapes
// ---------------------------------------------------------------------------------------------

export const MAX_TEXT = 8 * 1024 * 1024 // a lab or an strace log, as text
export const MAX_NAME = 255
export const MAX_LINE = 4096

export type HostKind = 'electron' | 'web'
export interface AppInfo { readonly host: HostKind; readonly version: string; readonly platform: string }

export type Theme = 'dark' | 'light' | 'system'
export interface Settings {
  readonly theme: Theme
  readonly panes: { readonly left: boolean; readonly right: boolean; readonly bottom: boolean }
  readonly fontSize: number
  readonly traceOn: boolean
}
export interface SettingsPatch {
  theme?: Theme
  panes?: { left: boolean; right: boolean; bottom: boolean }
  fontSize?: number
  traceOn?: boolean
}
export const DEFAULT_SETTINGS: Settings = {
  theme: 'dark', panes: { left: true, right: true, bottom: true }, fontSize: 13, traceOn: true,
}

/** A text file the user opened (or a bundled lab). `handle` lets the host save it back in place. */
export interface FileText { name: string; text: string; handle?: string }
export interface SaveRequest { suggestedName: string; text: string; handle?: string }
export interface SaveResult { readonly saved: boolean; readonly name: string | null; readonly handle: string | null }
export interface LabEntry { readonly file: string; readonly title: string; readonly id: string }
export interface RecentEntry { readonly id: string; readonly name: string }

export type OpenKind = 'lab' | 'strace' | 'any'
export type StepKind = 'micro' | 'over' | 'into'

export interface Diagnostic {
  readonly line: number
  readonly col: number
  readonly endLine: number
  readonly endCol: number
  readonly severity: 'error' | 'warning' | 'info'
  readonly message: string
}

/** A problem of a file other than the editor's text (the lab file itself), at FILE:LINE:COL. */
export interface FileProblem {
  readonly file: string
  readonly line: number
  readonly col: number
  readonly severity: 'error' | 'warning'
  readonly code: string
  readonly message: string
}

export interface SourceSpan { readonly line: number; readonly col: number; readonly endLine?: number; readonly endCol?: number }

export interface TimelineMark {
  readonly step: number
  readonly kind: 'violation' | 'note' | 'syscall' | 'label'
  readonly label: string
}

export interface ExerciseView {
  readonly id: string
  readonly kind: string
  readonly points: number
  readonly title: string
  readonly prompt: string
  readonly hasStarter: boolean
  /** predict: the offered answers, if the lab gives them. */
  readonly choices: readonly string[]
  /** The names of the public tests (hidden ones run only when graded). */
  readonly tests: readonly string[]
  readonly hiddenTests: number
  /** The libs the answer runs with (starter's and public test's `uses=`). */
  readonly uses?: readonly string[]
  readonly results: readonly TestFeedback[] | null
  /** What the last answer's wrong choice or failing test suggests (labs that name misconceptions). */
  readonly misconceptions?: readonly { readonly id: string; readonly explain: string }[]
}

/** The grader's status of one test run (main/grading): budget and error are never a pass. */
export type TestStatus = 'passed' | 'failed' | 'budget' | 'error' | 'not_gradable'

/** One visible test's result as the grader reports it (the app's Run tests uses the grader). */
export interface TestFeedback {
  readonly name: string
  readonly ok: boolean
  /** For the student: never quotes hidden code. */
  readonly message: string
  readonly status?: TestStatus
  /** The lab's test name and the profile it ran under (to open its schedule as a run). */
  readonly test?: string
  readonly profile?: ProfileName | null
  readonly expected?: string | null
  readonly actual?: string | null
  readonly where?: { readonly line: number; readonly col: number } | null
  /** The misconceptions the lab keys to this failing test (several when the author named several). */
  readonly misconceptions?: readonly { readonly id: string; readonly explain: string }[]
  readonly explored?: { readonly runs: number; readonly complete: boolean } | null
  /** The failing interleaving (fdlab run --schedule format): open it as a run. */
  readonly schedule?: string | null
}

export interface LabView {
  readonly id: string
  readonly title: string
  readonly version: string
  readonly profiles: readonly string[]
  /** The lab's Markdown (rendered sanitized by the renderer). */
  readonly markdown: string
  readonly scenarios: readonly { readonly name: string; readonly title: string; readonly uses?: readonly string[] }[]
  readonly exercises: readonly ExerciseView[]
  /** The lab's lib blocks (code the scenarios use): shown read-only in editor tabs. `line`: lab-file line of the code's first line. */
  readonly libs?: readonly { readonly name: string; readonly code: string; readonly line: number }[]
  /** Presenter slides, when the lab's engine gives them (`<!-- slide scenario=NAME goto=LABEL -->`). */
  readonly slides?: readonly SlideView[]
}

export interface SlideView { readonly title: string; readonly markdown: string; readonly scenario?: string; readonly goto?: string; readonly line: number }

export interface RunView {
  readonly cursor: number
  readonly total: number
  readonly status: 'ready' | 'paused' | 'done' | 'blocked' | 'error' | 'budget'
  readonly snapshot: Snapshot
  /** The source position of the current thread's statement at the cursor, if any. */
  readonly location: SourceSpan | null
  /** Current thread's path: user statement, syscall, kernel functions (outermost first). */
  readonly stack: readonly string[]
  /** What the next micro-step will do. */
  readonly next: string
  /** The trace events of the micro-step just taken (refcount from→to, slot changes...). */
  readonly events: readonly TraceEvent[]
  /**
   * What changed in the step just taken (a statement or function step is many micro-steps) and
   * in the current thread's system call so far.
   */
  readonly change: { readonly step: SpanChange; readonly syscall: SpanChange | null }
  /**
   * The kernel path of the current system call so far (function_graph lines with their step),
   * the lines of the step just taken marked; nesting kept across steps. Capped (the latest lines).
   */
  readonly trace: readonly { readonly step: number; readonly text: string; readonly current: boolean }[]
  /** What the lab's programs printed so far (printf), the latest part. */
  readonly stdout: string
  /** What the last execution of each editor line did (system call results, fd slots, refcounts). */
  readonly inline: readonly { readonly line: number; readonly text: string }[]
  /** Where the current thread is when that is lab code the editor does not show (a lib of the lab). */
  readonly elsewhere: { readonly file: string; readonly line: number; readonly col: number; readonly text: string; readonly block: string } | null
}

export interface ExploreView {
  readonly explored: number
  readonly complete: boolean
  readonly outcomes: readonly { readonly index: number; readonly summary: string; readonly violations: number; readonly schedule: string }[]
}

/**
 * What a session request changed. Absent fields are unchanged; the renderer merges updates.
 * `output` is terminal text (ANSI colours) produced by this request.
 */
export interface SessionUpdate {
  readonly rev: number
  readonly kind?: 'none' | 'lab' | 'strace'
  readonly title?: string
  readonly lab?: LabView | null
  readonly scenario?: string | null
  readonly source?: string
  readonly sourceName?: string
  readonly diagnostics?: readonly Diagnostic[]
  /** The open lab file's own problems (its front matter, blocks, limits), in file lines: set when a file is opened. */
  readonly fileProblems?: readonly FileProblem[]
  readonly profile?: ProfileName
  readonly run?: RunView | null
  readonly marks?: readonly TimelineMark[]
  readonly explore?: ExploreView | null
  readonly output?: readonly string[]
  readonly error?: string | null
}

/**
 * What the editor holds: a scenario of the lab, or the answer to one of its exercises. It crosses
 * the bridge as text (SessionUpdate.scenario, sessionScenario, RestoreRequest keys) and names the
 * autosaved drafts: the scenario's name, or `exercise:ID`. Drafts saved by earlier versions use
 * that spelling, so it stays; read and write it only through the functions below.
 */
export type EditorKey =
  | { readonly kind: 'scenario'; readonly name: string }
  | { readonly kind: 'exercise'; readonly id: string }

const EXERCISE_KEY = 'exercise:'

/** The text of an editor key, as it crosses the bridge and names drafts. */
export function editorKeyText(key: EditorKey): string {
  return key.kind === 'exercise' ? `${EXERCISE_KEY}${key.id}` : key.name
}

/** Read an editor key's text (any text is a scenario name unless it names an exercise). */
export function parseEditorKey(text: string): EditorKey {
  return text.startsWith(EXERCISE_KEY) ? { kind: 'exercise', id: text.slice(EXERCISE_KEY.length) } : { kind: 'scenario', name: text }
}

/** The text of the editor key of exercise @id's answer. */
export function exerciseKeyText(id: string): string {
  return editorKeyText({ kind: 'exercise', id })
}

/** The exercise whose answer the editor key @text names, or null (a scenario, or nothing open). */
export function exerciseIdOf(text: string | null | undefined): string | null {
  if (text == null) return null
  const k = parseEditorKey(text)
  return k.kind === 'exercise' ? k.id : null
}

export interface Completion { readonly start: number; readonly candidates: readonly string[] }
export interface ViewRequest { from: number; to: number }
export interface ExploreRequest { bound: number; maxRuns: number }
export interface AnswerRequest { exercise: string; answer: string }
/** Run the scenario in the editor under another kernel profile, or without its variants, for comparison. */
export interface CompareRequest { profile: ProfileName; variants: 'same' | 'none' }
export interface CompareView {
  readonly profile: ProfileName
  readonly variants: 'same' | 'none'
  readonly scenario: string | null
  readonly status: RunView['status']
  readonly steps: number
  readonly violations: readonly { readonly rule: string; readonly step: number; readonly message: string; readonly severity: 'violation' | 'note' }[]
  readonly error: string | null
}

/** Open an exercise's test with an answer as a run following a schedule (a failing interleaving). */
export interface OpenTestRequest { exercise: string; test: string; profile: ProfileName | null; schedule: string; answer: string }

/** A submission file as the host read it: its bytes (base64, at most the size limit + 1), its size and sha256. */
export interface SubmissionFile { file: string; data: string; size: number; sha256: string }
export interface GradeRequest { files: SubmissionFile[] }
/** A class graded against the open (instructor's) lab: the report, the output files, each submission's answers. */
export interface GradeView {
  readonly error: string | null
  readonly report: GradeReport | null
  /** report.json, grades.csv, canvas.csv, moodle.csv, results/NAME.json, feedback/NAME.md (as fdlab grade writes them). */
  readonly outputs: readonly { readonly path: string; readonly text: string }[]
  /** Answers by submission name (results/NAME.json's NAME), to open a failing test as a run. */
  readonly answers: Readonly<Record<string, Readonly<Record<string, string>>>>
  /**
   * What the instructor should know before using the outputs, as `FILE:LINE:COL: warning[code]:
   * message` lines (as `fdlab grade` prints them): the lab's own solutions failing under the
   * grading budget, one student's name on several graded files.
   */
  readonly warnings: readonly string[]
}
export const MAX_SUBMISSIONS = 5000
export const MAX_SUBMISSION_BYTES = 1 << 20

/** Texts kept by the renderer (autosaved drafts, predictions) given back to a fresh session. */
export interface RestoreRequest { edits: { key: string; text: string }[] }

/** Names the editor offers for completion and hover, for the session's kernel profile. */
export interface LanguageInfo {
  readonly profile: ProfileName
  /** From the lab C API's one declaration per name (engine lab/labc/api.ts editorNames). */
  readonly functions: readonly {
    readonly name: string; readonly kind: 'kernel' | 'syscall' | 'builtin'; readonly proto: string; readonly doc: string
    readonly source: string | null; readonly context: string | null; readonly profiles: readonly ProfileName[]
  }[]
  readonly constants: readonly { readonly name: string; readonly value: string; readonly doc?: string }[]
  readonly fields: readonly { readonly struct: string; readonly name: string; readonly doc: string; readonly type: string; readonly source: string; readonly profiles: readonly ProfileName[] }[]
}

export interface Progress { readonly what: string; readonly done: number; readonly total: number | null }

export type MenuAction =
  | 'open-lab' | 'open-strace' | 'save-lab' | 'save-lab-as' | 'export-submission' | 'show-labs'
  | 'toggle-left' | 'toggle-right' | 'toggle-bottom' | 'presenter'
  | 'theme-dark' | 'theme-light' | 'theme-system'
  | 'run' | 'step' | 'step-into' | 'step-micro' | 'step-back' | 'reset' | 'explore' | 'cancel'
export const MENU_ACTIONS: readonly MenuAction[] = [
  'open-lab', 'open-strace', 'save-lab', 'save-lab-as', 'export-submission', 'show-labs',
  'toggle-left', 'toggle-right', 'toggle-bottom', 'presenter',
  'theme-dark', 'theme-light', 'theme-system',
  'run', 'step', 'step-into', 'step-micro', 'step-back', 'reset', 'explore', 'cancel',
]

// ---------------------------------------------------------------------------------------------
// Commands (renderer -> host) and events (host -> renderer)
// ---------------------------------------------------------------------------------------------

/** The session part: implemented by main/host/common/session.ts in both hosts (in a worker). */
export interface SessionCommands {
  sessionLoad(file: FileText): SessionUpdate
  sessionEdit(source: string): SessionUpdate
  sessionScenario(name: string): SessionUpdate
  sessionProfile(profile: ProfileName): SessionUpdate
  sessionRun(): SessionUpdate
  sessionStep(kind: StepKind, count: number): SessionUpdate
  sessionBack(count: number): SessionUpdate
  sessionGoto(step: number): SessionUpdate
  sessionReset(): SessionUpdate
  sessionExplore(req: ExploreRequest): SessionUpdate
  sessionOpenOutcome(index: number): SessionUpdate
  sessionTerminal(line: string): SessionUpdate
  sessionComplete(line: string): Completion
  sessionView(req: ViewRequest): SessionUpdate
  sessionAnswer(req: AnswerRequest): SessionUpdate
  sessionSubmission(student: string): FileText | null
  /** The lab file with the current edits spliced in (Save Lab). */
  sessionLabFile(): FileText | null
  /** Give the session the texts of scenarios and exercises (keys as sessionScenario takes them) without switching. */
  sessionRestore(req: RestoreRequest): SessionUpdate
  /** The run so far as a Chrome/Perfetto trace (JSON trace events). */
  sessionPerfetto(): FileText | null
  /** The scenario run to its end under another profile or without its variants (the current run is kept). */
  sessionCompare(req: CompareRequest): CompareView
  /** Completion and hover data for the editor (the lab C API of the current profile). */
  sessionLanguage(): LanguageInfo
  /** Open an exercise's test (hidden ones too, in the instructor's lab) with an answer, following a schedule. */
  sessionOpenTest(req: OpenTestRequest): SessionUpdate
  /** Grade submissions against the open lab (the instructor's, with solutions and hidden tests), with progress. */
  sessionGrade(req: GradeRequest): GradeView
}

/** Everything the renderer can ask. Results arrive as promises. */
export interface Commands extends SessionCommands {
  getAppInfo(): AppInfo
  getSettings(): Settings
  setSettings(patch: SettingsPatch): Settings
  listLabs(): LabEntry[]
  readLab(file: string): FileText
  openFile(kind: OpenKind): FileText | null
  /** Pick submission files, or a folder of them (read recursively), for grading. */
  openSubmissions(mode: 'files' | 'folder'): SubmissionFile[]
  listRecent(): RecentEntry[]
  openRecent(id: string): FileText | null
  saveFile(req: SaveRequest): SaveResult
  setDirty(dirty: boolean): boolean
  draftSave(key: string, text: string): boolean
  draftLoad(key: string): string | null
  /** Stop a long request (run, explore): the engine worker is terminated and started again. */
  sessionCancel(): boolean
}

export interface Events {
  onMenu: MenuAction
  onProgress: Progress
  /** A file opened from outside the page (recent-labs menu, the OS). */
  onFileOpened: FileText
}

type Checks<P extends readonly unknown[]> = { readonly [I in keyof P]: Check<P[I]> }
interface CommandSpec<P extends readonly unknown[]> { readonly channel: string; readonly args: Checks<P> }
type Contract = { readonly [K in keyof Commands]: CommandSpec<Parameters<Commands[K]>> }
type EventContract = { readonly [K in keyof Events]: { readonly channel: string; readonly payload: Check<Events[K]> } }

const fileText = obj({ name: str(MAX_NAME), text: str(MAX_TEXT) }, { handle: str(64, /^[\w-]+$/) })
const profile = oneOf('6.5', '6.18')
const panes = obj({ left: bool, right: bool, bottom: bool })
const submissionFile = obj({
  file: str(1000), data: str(Math.ceil((MAX_SUBMISSION_BYTES + 1) / 3) * 4 + 4, /^[A-Za-z0-9+/]*={0,2}$/),
  size: int(0, Number.MAX_SAFE_INTEGER), sha256: str(64, /^[0-9a-f]{64}$/),
})

/** The table: one entry per command, channel names `area:verb`. */
export const CONTRACT = {
  getAppInfo: { channel: 'app:info', args: [] },
  getSettings: { channel: 'settings:get', args: [] },
  setSettings: {
    channel: 'settings:set',
    args: [obj({}, { theme: oneOf('dark', 'light', 'system'), panes, fontSize: int(8, 40), traceOn: bool })],
  },
  listLabs: { channel: 'lab:list', args: [] },
  readLab: { channel: 'lab:read', args: [str(MAX_NAME, /^[\w][\w.-]*\.(lab\.md|md)$/)] },
  openFile: { channel: 'file:open', args: [oneOf('lab', 'strace', 'any')] },
  listRecent: { channel: 'file:recent', args: [] },
  openRecent: { channel: 'file:open-recent', args: [str(64, /^[\w-]+$/)] },
  saveFile: {
    channel: 'file:save',
    args: [obj({ suggestedName: str(MAX_NAME), text: str(MAX_TEXT) }, { handle: str(64, /^[\w-]+$/) })],
  },
  setDirty: { channel: 'app:dirty', args: [bool] },
  draftSave: { channel: 'draft:save', args: [str(200), str(MAX_TEXT)] },
  draftLoad: { channel: 'draft:load', args: [str(200)] },
  sessionLoad: { channel: 'session:load', args: [fileText] },
  sessionEdit: { channel: 'session:edit', args: [str(MAX_TEXT)] },
  sessionScenario: { channel: 'session:scenario', args: [str(200)] },
  sessionProfile: { channel: 'session:profile', args: [profile] },
  sessionRun: { channel: 'session:run', args: [] },
  sessionStep: { channel: 'session:step', args: [oneOf('micro', 'over', 'into'), int(1, 1_000_000)] },
  sessionBack: { channel: 'session:back', args: [int(1, 1_000_000_000)] },
  sessionGoto: { channel: 'session:goto', args: [int(0, 1_000_000_000)] },
  sessionReset: { channel: 'session:reset', args: [] },
  sessionExplore: { channel: 'session:explore', args: [obj({ bound: int(0, 64), maxRuns: int(1, 10_000_000) })] },
  sessionOpenOutcome: { channel: 'session:open-outcome', args: [int(0, 1_000_000)] },
  sessionTerminal: { channel: 'session:terminal', args: [str(MAX_LINE)] },
  sessionComplete: { channel: 'session:complete', args: [str(MAX_LINE)] },
  sessionView: { channel: 'session:view', args: [obj({ from: int(0, 1 << 30), to: int(0, 1 << 30) })] },
  sessionAnswer: { channel: 'session:answer', args: [obj({ exercise: str(200), answer: str(MAX_TEXT) })] },
  sessionSubmission: { channel: 'session:submission', args: [str(200)] },
  sessionLabFile: { channel: 'session:lab-file', args: [] },
  sessionRestore: { channel: 'session:restore', args: [obj({ edits: arrayOf(obj({ key: str(200), text: str(MAX_TEXT) }), 500) })] },
  sessionPerfetto: { channel: 'session:perfetto', args: [] },
  sessionCompare: { channel: 'session:compare', args: [obj({ profile, variants: oneOf('same', 'none') })] },
  sessionLanguage: { channel: 'session:language', args: [] },
  sessionCancel: { channel: 'session:cancel', args: [] },
  openSubmissions: { channel: 'file:open-submissions', args: [oneOf('files', 'folder')] },
  sessionOpenTest: {
    channel: 'session:open-test',
    args: [obj({ exercise: str(200), test: str(200), profile: nullable(profile), schedule: str(1_000_000, /^[\w\s:,.\-*x]*$/), answer: str(MAX_TEXT) })],
  },
  sessionGrade: { channel: 'session:grade', args: [obj({ files: arrayOf(submissionFile, MAX_SUBMISSIONS) })] },
} as const satisfies Contract

export const EVENTS = {
  onMenu: { channel: 'menu:action', payload: oneOf(...MENU_ACTIONS) },
  onProgress: { channel: 'session:progress', payload: obj({ what: str(200), done: int(0, Number.MAX_SAFE_INTEGER), total: nullable(int(0, Number.MAX_SAFE_INTEGER)) }) },
  onFileOpened: { channel: 'file:opened', payload: fileText },
} as const satisfies EventContract

export type CommandName = keyof Commands
export type EventName = keyof Events
export const COMMAND_NAMES = Object.keys(CONTRACT) as CommandName[]
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[]
export const SESSION_COMMANDS = COMMAND_NAMES.filter((n) => n.startsWith('session') && n !== 'sessionCancel') as (keyof SessionCommands)[]

/** The API the renderer sees as `window.fdlab`: named functions, one per channel. */
export type FdlabApi =
  { readonly [K in CommandName]: (...args: Parameters<Commands[K]>) => Promise<Awaited<ReturnType<Commands[K]>>> } &
  { readonly [E in EventName]: (listener: (payload: Events[E]) => void) => () => void }

/** Implementations a host provides, one per command (sync or async). */
export type Handlers = { readonly [K in CommandName]: (...args: Parameters<Commands[K]>) => ReturnType<Commands[K]> | Promise<ReturnType<Commands[K]>> }

