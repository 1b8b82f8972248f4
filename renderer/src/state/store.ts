/**
 * The renderer's state: the session as the host last described it (merged updates), plus local
 * view state. An external store read with useSyncExternalStore; no simulation logic here.
 */
import { useEffect, useState, useSyncExternalStore } from 'react'
import type {
  AppInfo, CompareView, Diagnostic, ExploreView, FileProblem, GradeView, LabView, ProfileName, RunView, SessionUpdate, Settings, SubmissionFile, TimelineMark,
} from '../../../preload/contract'
import { DEFAULT_SETTINGS } from '../../../preload/contract'

export interface SessionState {
  readonly rev: number
  readonly kind: 'none' | 'lab' | 'strace'
  readonly title: string
  readonly lab: LabView | null
  readonly scenario: string | null
  readonly source: string
  readonly sourceName: string
  readonly diagnostics: readonly Diagnostic[]
  readonly fileProblems: readonly FileProblem[]
  readonly profile: ProfileName
  readonly run: RunView | null
  readonly marks: readonly TimelineMark[]
  readonly explore: ExploreView | null
  readonly error: string | null
}

export type LeftTab = 'instructions' | 'exercises'
export type RightTab = 'state' | 'graph' | 'locks' | 'rcu'

export interface UiState {
  readonly settings: Settings
  readonly presenter: boolean
  readonly leftTab: LeftTab
  readonly rightTab: RightTab
  readonly labsOpen: boolean
  /** What the host is doing now ("run", "explore"...), or null when idle. */
  readonly busy: string | null
  readonly progress: { readonly done: number; readonly total: number | null } | null
  readonly dirty: boolean
  readonly file: { readonly name: string; readonly handle: string | null } | null
  readonly status: string
  /** The student's name or id for the submission (kept per lab across reloads). */
  readonly student: string
  /** Answers as typed, by exercise id (predictions, and implement/provoke answers from the editor or a draft). */
  readonly answers: Readonly<Record<string, string>>
  /** The last test run of each exercise: the answer it judged and the results (kept across reloads). */
  readonly lastRun: Readonly<Record<string, { readonly answer: string; readonly results: NonNullable<ExerciseResults> }>>
  /** The scenario run under another profile or without its variants (the compare control). */
  readonly compare: CompareView | null
  /** Grading a class (instructors): the dialog, the submission files picked or dropped, the last result, the submission shown. */
  readonly gradeOpen: boolean
  readonly gradeFiles: readonly SubmissionFile[]
  readonly grade: GradeView | null
  readonly gradeShown: string | null
}

export type ExerciseResults = LabView['exercises'][number]['results']

export interface AppState {
  readonly info: AppInfo | null
  readonly session: SessionState
  readonly ui: UiState
}

export const EMPTY_SESSION: SessionState = {
  rev: 0, kind: 'none', title: '', lab: null, scenario: null, source: '', sourceName: 'scenario.c', diagnostics: [], fileProblems: [],
  profile: '6.18', run: null, marks: [], explore: null, error: null,
}

let state: AppState = {
  info: null,
  session: EMPTY_SESSION,
  ui: {
    settings: DEFAULT_SETTINGS, presenter: false, leftTab: 'instructions', rightTab: 'state', labsOpen: false,
    busy: null, progress: null, dirty: false, file: null, status: '', student: '', answers: {}, lastRun: {}, compare: null,
    gradeOpen: false, gradeFiles: [], grade: null, gradeShown: null,
  },
}
/**
 * `next` with every part that equals the same part of `prev` replaced by `prev`'s object, so
 * that a pane given an unchanged part (the files list, a table's window, a bitmap) sees the same
 * object as before and can skip its render. Values are the host's as sent: only identities change.
 * Nothing is allocated for a part that is unchanged (most of a step's update): a new object or
 * array is made only on the path to a change, copied from `next` once its first shared part is
 * found (a step's update used to be copied whole, several hundred kilobytes of garbage a step).
 */
export function share<T>(prev: unknown, next: T): T {
  if (prev === next || typeof next !== 'object' || next === null || typeof prev !== 'object' || prev === null) return next
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next
    const n = next as unknown[]
    let same = prev.length === n.length
    let out: unknown[] | null = null
    for (let i = 0; i < n.length; i++) {
      const v = n[i]
      const w = i < prev.length ? share(prev[i], v) : v
      if (w !== prev[i]) same = false
      if (w !== v) (out ??= n.slice())[i] = w
    }
    return (same ? prev : out ?? next) as T
  }
  if (Array.isArray(prev)) return next
  const p = prev as Record<string, unknown>
  const o = next as Record<string, unknown>
  let same = true
  let keys = 0
  let out: Record<string, unknown> | null = null
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue
    keys++
    const v = o[k]
    const w = share(p[k], v)
    if (w !== p[k] || !(k in p)) same = false
    if (w !== v) (out ??= { ...o })[k] = w
  }
  if (same && keys !== Object.keys(p).length) same = false
  return (same ? prev : out ?? next) as T
}

/** How long a request runs before its busy state is drawn (one frame at 60 Hz). */
const BUSY_DRAWN_AFTER_MS = 16

const listeners = new Set<() => void>()
/** Terminal text listeners; one may answer with a promise that settles when the text is on its screen (other answers are ignored). */
type OutputListener = (lines: readonly string[]) => unknown
const outputListeners = new Set<OutputListener>()
/** Updates whose merge waits for their terminal text (or for such an update before them), in order. */
let merging: Promise<void> | null = null

function emit(): void {
  for (const l of listeners) l()
}

export const store = {
  get: (): AppState => state,
  subscribe(l: () => void): () => void {
    listeners.add(l)
    return () => void listeners.delete(l)
  },
  setInfo(info: AppInfo): void {
    state = { ...state, info }
    emit()
  },
  ui(patch: Partial<UiState>): void {
    // Nothing new (the busy flag cleared twice): no render.
    if (Object.entries(patch).every(([k, v]) => state.ui[k as keyof UiState] === v)) return
    state = { ...state, ui: { ...state.ui, ...patch } }
    emit()
  },
  /**
   * A request starts: busy with @what from now for whoever reads the state, drawn (buttons
   * disabled) only once it has run for a 60 Hz frame. A step answers sooner: its answer is then
   * the next thing drawn, rather than a frame of disabled buttons first (a render and a frame of
   * work before the answer, and a flicker of the toolbar at every step).
   */
  busy(what: string): void {
    state = { ...state, ui: { ...state.ui, busy: what, progress: null } }
    const shown = state
    setTimeout(() => { if (state === shown) emit() }, BUSY_DRAWN_AFTER_MS)
  },
  /**
   * Merge a host update; older revisions than what we have are ignored. Its terminal text is
   * written first, and the panes change once the terminal has taken it in (at once for a
   * step's text, see writeAnswer; xterm.js can take text in a later task, behind text written
   * before it): the terminal's lines and the panes of a step are then drawn in the same frame,
   * rather than the panes in one and the terminal in the next. Updates
   * merge in the order they came; the promise settles when this one is merged. @ui: local view
   * state changed with it (the request is over), in the same render.
   */
  apply(u: SessionUpdate, ui: Partial<UiState> = {}): Promise<void> {
    const writes = u.output?.length ? [...outputListeners].map((l) => l(u.output!)).filter((w): w is Promise<void> => w instanceof Promise) : []
    if (!writes.length && !merging) {
      merge(u, ui)
      return Promise.resolve()
    }
    const done: Promise<void> = Promise.all([merging, ...writes]).catch(() => undefined).then(() => {
      if (merging === done) merging = null
      merge(u, ui)
    })
    merging = done
    return done
  },
  /** A restarted engine worker numbers its updates from 1 again: accept them. */
  resetRev(): void {
    state = { ...state, session: { ...state.session, rev: 0 } }
    emit()
  },
  resetSession(): void {
    state = { ...state, session: EMPTY_SESSION }
    emit()
  },
  /** Terminal text produced by the host (the terminal pane writes it). */
  onOutput(l: OutputListener): () => void {
    outputListeners.add(l)
    return () => void outputListeners.delete(l)
  },
  print(lines: readonly string[]): void {
    for (const l of outputListeners) l(lines)
  },
}

function merge(u: SessionUpdate, ui: Partial<UiState>): void {
  if (u.rev < state.session.rev) {
    store.ui(ui)
    return
  }
  const { output: _o, ...rest } = u
  const prev = state.session as unknown as Record<string, unknown>
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined).map(([k, v]) => [k, share(prev[k], v)])) as Partial<SessionState>
  // A comparison belongs to the scenario, source and profile it was run for.
  const stale = u.scenario !== undefined || u.profile !== undefined || u.diagnostics !== undefined || u.kind !== undefined
  state = { ...state, session: { ...state.session, ...defined }, ui: { ...state.ui, ...ui, ...(stale && state.ui.compare ? { compare: null } : {}) } }
  emit()
}

export function useAppState<T>(select: (s: AppState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.get()))
}

/**
 * @value once it has stayed non-null for @ms (null at once when it goes back): what the app is
 * busy with, shown (the Cancel button, the status segment) only for requests that take a while,
 * so a quick step does not shift the toolbar and the status line back and forth.
 */
/** How long a request runs before the app shows it is busy (the Cancel button, the status segment; the buttons are disabled after BUSY_DRAWN_AFTER_MS). */
export const BUSY_SHOWN_AFTER_MS = 150

export function useShownAfter<T>(value: T | null, ms: number): T | null {
  const [shown, setShown] = useState<T | null>(null)
  useEffect(() => {
    if (value === null) {
      setShown(null)
      return
    }
    const t = setTimeout(() => setShown(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return value === null ? null : shown
}
