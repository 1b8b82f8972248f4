/**
 * What the toolbar, menus, shortcuts and panes ask for. Each action calls the host through the
 * bridge and merges the answer into the store; errors go to the terminal and the status bar.
 */
import { exerciseIdOf, exerciseKeyText, type ExerciseView, type FileText, type MenuAction, type OpenKind, type ProfileName, type SessionUpdate, type StepKind, type TestFeedback, type Theme } from '../../../preload/contract'
import { fdlab } from '../bridge/fdlab'
import { readSubmissionFiles } from '../../../preload/submissionFiles'
import { droppedFiles } from '../bridge/droppedFiles'
import { store } from './store'

const RED = '\x1b[31m'
const RESET = '\x1b[0m'

function fail(what: string, e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e)
  if (/cancel/i.test(msg)) {
    store.print([`${RED}^C ${what} cancelled${RESET}`])
    store.ui({ status: `${what} cancelled` })
    return
  }
  store.print([`${RED}${what}: ${msg}${RESET}`])
  store.ui({ status: `${what} failed: ${msg}` })
}

/** Run one session request, marking the app busy while it runs. */
async function session(what: string, call: () => Promise<SessionUpdate>): Promise<SessionUpdate | null> {
  // A scrub of the timeline still waiting for the thumb to rest goes first: a Step pressed just
  // after a drag steps from where the thumb was left, and that scrub cannot land after it.
  flushScrub()
  store.busy(what)
  try {
    const u = await call()
    // The answer and the end of the request in one render.
    await store.apply(u, { busy: null, progress: null, ...(u.error ? { status: u.error } : {}) })
    return u
  } catch (e) {
    fail(what, e)
    return null
  } finally {
    store.ui({ busy: null, progress: null })
  }
}

/** The timeline's scrub waiting for the thumb to rest (scrubSoon), and scrubs sent but not yet applied. */
let scrubTimer: ReturnType<typeof setTimeout> | null = null
let scrubStep = 0
let scrubsInFlight = 0

function flushScrub(): void {
  if (scrubTimer === null) return
  clearTimeout(scrubTimer)
  scrubTimer = null
  void actions.scrub(scrubStep)
}

/** The editor's text as it is now (set by the editor pane; the store's source is what was last loaded into it). */
let readEditor: (() => string) | null = null
export function setEditorReader(r: (() => string) | null): void {
  readEditor = r
}
/** Show a line of the editor (Problems links); set by the editor pane. */
let revealer: ((line: number, col: number) => void) | null = null
export function setRevealer(r: ((line: number, col: number) => void) | null): void {
  revealer = r
}
export function revealLine(line: number, col: number): void {
  revealer?.(line, col)
}
/** An edit typed but not yet sent to the session (debounced), and its timer. */
let pendingEdit: string | null = null
let editTimer: ReturnType<typeof setTimeout> | null = null
let inFlightEdit: Promise<unknown> | null = null

function setUrl(params: Record<string, string | null>): void {
  try {
    const u = new URL(location.href)
    for (const [k, v] of Object.entries(params)) {
      if (v === null) u.searchParams.delete(k)
      else u.searchParams.set(k, v)
    }
    history.replaceState(history.state, '', u)
  } catch {
    // A page without a URL to rewrite (tests): nothing to remember.
  }
}

export const actions = {
  async loadFile(file: FileText, builtin = false): Promise<void> {
    await actions.flushEdit()
    store.ui({ file: { name: file.name, handle: file.handle ?? null }, dirty: false, labsOpen: false, status: `opened ${file.name}`, answers: {}, lastRun: {}, student: '' })
    void fdlab().setDirty(false)
    const u = await session('load', () => fdlab().sessionLoad(file))
    if (u?.lab && u.lab.exercises.length === 0) store.ui({ leftTab: 'instructions' })
    setUrl({ lab: builtin && u?.kind === 'lab' ? file.name : null, scenario: builtin && u?.scenario ? u.scenario : null })
    await restoreAll()
  },
  async openBuiltin(file: string): Promise<void> {
    try {
      await actions.loadFile(await fdlab().readLab(file), true)
    } catch (e) {
      fail('open lab', e)
    }
  },
  /** Every change in the editor: saved as a draft at once (a reload keeps the last keystrokes), checked by the session shortly after. */
  typed(text: string): void {
    if (!store.get().ui.dirty) {
      store.ui({ dirty: true })
      void fdlab().setDirty(true)
    }
    const key = draftKey()
    if (key) saveDraft(key, text)
    const exercise = exerciseIdOf(store.get().session.scenario)
    if (exercise !== null) store.ui({ answers: { ...store.get().ui.answers, [exercise]: text } })
    pendingEdit = text
    if (editTimer) clearTimeout(editTimer)
    editTimer = setTimeout(() => void actions.flushEdit(), 250)
  },
  /** Send a pending edit now (before switching scenario, running tests or exporting). */
  async flushEdit(): Promise<void> {
    if (editTimer) clearTimeout(editTimer)
    editTimer = null
    if (inFlightEdit) await inFlightEdit
    if (pendingEdit === null) return
    const text = pendingEdit
    pendingEdit = null
    const p = session('check', () => fdlab().sessionEdit(text))
    inFlightEdit = p
    try {
      await p
    } finally {
      if (inFlightEdit === p) inFlightEdit = null
    }
  },
  /** A prediction typed or chosen: kept (draft) and given to the session for the submission. */
  predict(exercise: string, text: string): void {
    store.ui({ answers: { ...store.get().ui.answers, [exercise]: text } })
    const lk = labKey()
    if (lk) saveDraft(`${lk}:${exerciseKeyText(exercise)}`, text)
  },
  setStudent(student: string): void {
    store.ui({ student })
    saveMeta()
  },
  /** Run an exercise's tests on the answer as it is now: the editor's text (never the starter), or the prediction. */
  async runTests(ex: ExerciseView): Promise<void> {
    const s = store.get()
    const editing = s.session.scenario === exerciseKeyText(ex.id)
    let answer: string | undefined
    if (ex.kind === 'predict') answer = s.ui.answers[ex.id] ?? ''
    else if (editing) {
      answer = readEditor?.() ?? s.ui.answers[ex.id] ?? s.session.source
      await actions.flushEdit()
    } else answer = s.ui.answers[ex.id]
    if (answer === undefined) {
      store.ui({ status: 'open the exercise in the editor first' })
      return
    }
    const u = await actions.answer(ex.id, answer)
    const results = u?.lab?.exercises.find((e) => e.id === ex.id)?.results
    if (results) {
      store.ui({ lastRun: { ...store.get().ui.lastRun, [ex.id]: { answer, results } }, answers: { ...store.get().ui.answers, [ex.id]: answer } })
      const lk = labKey()
      if (lk) saveDraft(`${lk}:${exerciseKeyText(ex.id)}`, answer)
      saveMeta()
    }
  },
  async open(kind: OpenKind): Promise<void> {
    try {
      const f = await fdlab().openFile(kind)
      if (f) await actions.loadFile(f)
    } catch (e) {
      fail('open', e)
    }
  },
  async openRecent(id: string): Promise<void> {
    try {
      const f = await fdlab().openRecent(id)
      if (f) await actions.loadFile(f)
    } catch (e) {
      fail('open recent', e)
    }
  },
  // Run, step and explore use the text in the editor: a pending edit is sent first.
  run: async () => { await actions.flushEdit(); return session('run', () => fdlab().sessionRun()) },
  step: async (kind: StepKind = 'over', count = 1) => { await actions.flushEdit(); return session('step', () => fdlab().sessionStep(kind, count)) },
  back: (count = 1) => session('step back', () => fdlab().sessionBack(count)),
  /** Scrubbing the timeline: no busy state (the thumb stays usable), answers merged in order. */
  scrub: (step: number) => {
    scrubsInFlight++
    return fdlab().sessionGoto(Math.max(0, Math.floor(step))).then((u) => store.apply(u), (e) => fail('goto', e))
      .finally(() => { scrubsInFlight-- })
  },
  /** Scrub to @step once the thumb rests for @ms (a newer position replaces it; any other move of the run sends it first). */
  scrubSoon(step: number, ms = 60): void {
    if (scrubTimer !== null) clearTimeout(scrubTimer)
    scrubStep = step
    scrubTimer = setTimeout(() => { scrubTimer = null; void actions.scrub(step) }, ms)
  },
  /** The thumb was let go: its position is sent now. */
  scrubNow: (): void => flushScrub(),
  /** Whether a scrub is waiting or on its way (the timeline shows the thumb's position until none is). */
  scrubbing: (): boolean => scrubTimer !== null || scrubsInFlight > 0,
  goto: (step: number) => session('goto', () => fdlab().sessionGoto(Math.max(0, Math.floor(step)))),
  reset: () => session('reset', () => fdlab().sessionReset()),
  explore: async () => { await actions.flushEdit(); return session('explore', () => fdlab().sessionExplore({ bound: 2, maxRuns: 100_000 })) },
  openOutcome: (i: number) => session('open schedule', () => fdlab().sessionOpenOutcome(i)),
  async scenario(name: string): Promise<SessionUpdate | null> {
    await actions.flushEdit()
    const u = await session('scenario', () => fdlab().sessionScenario(name))
    if (u?.scenario && new URL(location.href).searchParams.has('lab')) setUrl({ scenario: u.scenario })
    return u
  },
  profile: (p: ProfileName) => session('profile', () => fdlab().sessionProfile(p)),
  view: (from: number, to: number) => fdlab().sessionView({ from, to }).then((u) => store.apply(u), (e) => fail('view', e)),
  answer: (exercise: string, answer: string) => session('tests', () => fdlab().sessionAnswer({ exercise, answer })),
  terminal: (line: string) => session('terminal', () => fdlab().sessionTerminal(line)),
  async cancel(): Promise<void> {
    try {
      if (await fdlab().sessionCancel()) {
        // The engine worker was restarted: its updates are numbered from 1 again.
        store.resetRev()
        await store.apply({ rev: 0, run: null, marks: [], explore: null })
        await actions.syncAnswers()
        await resyncEditor()
        store.ui({ status: 'cancelled; the lab was reloaded at step 0' })
      }
    } catch (e) {
      fail('cancel', e)
    }
  },
  async save(as: boolean): Promise<void> {
    const file = store.get().ui.file
    try {
      // The last keystrokes (not yet sent to the session) belong in the saved file.
      await actions.flushEdit()
      const lab = await fdlab().sessionLabFile()
      if (!lab) {
        store.ui({ status: 'nothing to save: open a lab first' })
        return
      }
      const r = await fdlab().saveFile({
        suggestedName: file?.name ?? lab.name, text: lab.text,
        ...(!as && file?.handle ? { handle: file.handle } : {}),
      })
      if (r.saved) {
        store.ui({ dirty: false, file: { name: r.name ?? file?.name ?? 'lab', handle: r.handle }, status: `saved ${r.name ?? ''}` })
        void fdlab().setDirty(false)
      }
    } catch (e) {
      fail('save', e)
    }
  },
  /** Give the session every answer kept here (predictions, drafts), e.g. after its worker restarted. */
  async syncAnswers(): Promise<void> {
    const answers = store.get().ui.answers
    const cur = store.get().session.scenario
    const edits = Object.entries(answers).map(([id, text]) => ({ key: exerciseKeyText(id), text }))
      .filter((e) => e.key !== cur)
    if (edits.length) await store.apply(await fdlab().sessionRestore({ edits }))
  },
  async exportSubmission(student: string): Promise<void> {
    try {
      await actions.flushEdit()
      await actions.syncAnswers()
      const sub = await fdlab().sessionSubmission(student)
      if (!sub) {
        store.ui({ status: 'nothing to submit: open a lab with exercises first' })
        return
      }
      const r = await fdlab().saveFile({ suggestedName: sub.name, text: sub.text })
      if (r.saved) store.ui({ status: `submission saved as ${r.name ?? sub.name}` })
    } catch (e) {
      fail('export submission', e)
    }
  },
  /** A failing test's interleaving as a run (Run tests' results, or a graded student's): the exercise, that test, the answer, step 0. */
  async openTest(exercise: string, t: Pick<TestFeedback, 'test' | 'profile' | 'schedule'>, answer: string): Promise<void> {
    if (!t.test || !t.schedule) return
    await actions.flushEdit()
    const u = await session('open schedule', () => fdlab().sessionOpenTest({ exercise, test: t.test!, profile: t.profile ?? null, schedule: t.schedule!, answer }))
    if (u && !u.error) store.ui({ gradeOpen: false, status: `the failing interleaving of ${t.test}: step through it, or scrub the timeline` })
  },
  /** Submissions for grading: picked (files or a folder) through the host, or dropped on the grading dialog. */
  async pickSubmissions(mode: 'files' | 'folder'): Promise<void> {
    try {
      const files = await fdlab().openSubmissions(mode)
      if (files.length) store.ui({ gradeFiles: files, grade: null, gradeShown: null, status: `${files.length} submission file(s) to grade` })
    } catch (e) {
      fail('open submissions', e)
    }
  },
  async dropSubmissions(dt: DataTransfer): Promise<void> {
    try {
      const files = await readSubmissionFiles(await droppedFiles(dt))
      if (files.length) store.ui({ gradeFiles: files, grade: null, gradeShown: null, status: `${files.length} submission file(s) to grade` })
    } catch (e) {
      fail('drop submissions', e)
    }
  },
  /** Grade the picked files against the open lab in the engine worker (progress; Cancel stops it). */
  async gradeClass(): Promise<void> {
    const files = store.get().ui.gradeFiles
    if (!files.length) return
    store.ui({ busy: 'grade', progress: { done: 0, total: files.length }, grade: null, gradeShown: null })
    try {
      const v = await fdlab().sessionGrade({ files: [...files] })
      store.ui({ grade: v, status: v.error ?? `graded ${v.report?.submissions.length ?? 0} submission(s)` })
    } catch (e) {
      fail('grade', e)
    } finally {
      store.ui({ busy: null, progress: null })
    }
  },
  /** One of the grading outputs (report.json, grades.csv, feedback/NAME.md...) saved as a file. */
  async saveOutput(path: string): Promise<void> {
    const o = store.get().ui.grade?.outputs.find((x) => x.path === path)
    if (!o) return
    try {
      const r = await fdlab().saveFile({ suggestedName: path.replace(/\//g, '-'), text: o.text })
      if (r.saved) store.ui({ status: `saved ${r.name ?? path}` })
    } catch (e) {
      fail('save', e)
    }
  },
  async compare(profile: ProfileName, variants: 'same' | 'none'): Promise<void> {
    await actions.flushEdit()
    store.ui({ busy: 'compare', progress: null })
    try {
      const c = await fdlab().sessionCompare({ profile, variants })
      store.ui({ compare: c, status: c.error ? `compare: ${c.error}` : `compared with ${profile}${variants === 'none' ? ' without variants' : ''}` })
    } catch (e) {
      fail('compare', e)
    } finally {
      store.ui({ busy: null })
    }
  },
  /** The run so far as a Chrome/Perfetto trace file (opens in ui.perfetto.dev or chrome://tracing). */
  async exportPerfetto(): Promise<void> {
    try {
      const f = await fdlab().sessionPerfetto()
      if (!f) {
        store.ui({ status: 'nothing to export: run or step first' })
        return
      }
      const r = await fdlab().saveFile({ suggestedName: f.name, text: f.text })
      if (r.saved) store.ui({ status: `trace saved as ${r.name ?? f.name}` })
    } catch (e) {
      fail('export trace', e)
    }
  },
  async setTheme(theme: Theme): Promise<void> {
    store.ui({ settings: await fdlab().setSettings({ theme }) })
  },
  async togglePane(which: 'left' | 'right' | 'bottom'): Promise<void> {
    const panes = { ...store.get().ui.settings.panes, [which]: !store.get().ui.settings.panes[which] }
    store.ui({ settings: { ...store.get().ui.settings, panes } })
    store.ui({ settings: await fdlab().setSettings({ panes }) })
  },
  presenter(on?: boolean): void {
    store.ui({ presenter: on ?? !store.get().ui.presenter })
  },
}

/**
 * Autosave: drafts of every scenario and exercise of the lab, the predictions, the student's name
 * and the last test results are kept by the host (per lab and version) and come back when the lab
 * is opened again, reload included. The session gets the texts at once, so Run, Run tests and the
 * submission see them even for exercises not opened since.
 */
async function restoreAll(): Promise<void> {
  const s = store.get().session
  const lk = labKey()
  if (!lk || !s.lab) return
  const keys = [...s.lab.scenarios.map((x) => x.name), ...s.lab.exercises.map((e) => exerciseKeyText(e.id))]
  const texts = await Promise.all(keys.map((k) => fdlab().draftLoad(`${lk}:${k}`).catch(() => null)))
  const edits = keys.map((key, i) => ({ key, text: texts[i] ?? null })).filter((e): e is { key: string; text: string } => e.text !== null)
  const answers: Record<string, string> = {}
  for (const e of edits) {
    const exercise = exerciseIdOf(e.key)
    if (exercise !== null) answers[exercise] = e.text
  }
  let meta: { student?: unknown; lastRun?: unknown } = {}
  try {
    meta = JSON.parse((await fdlab().draftLoad(`${lk}:#meta`).catch(() => null)) ?? '{}') as typeof meta
  } catch {
    meta = {}
  }
  store.ui({
    answers, student: typeof meta.student === 'string' ? meta.student : '',
    lastRun: meta.lastRun && typeof meta.lastRun === 'object' ? meta.lastRun as UiLastRun : {},
  })
  if (!edits.length) return
  const current = edits.find((e) => e.key === s.scenario)
  const u = await fdlab().sessionRestore({ edits })
  await store.apply(u)
  if (current && u.source !== undefined && current.text !== s.source) {
    store.ui({ dirty: true, status: 'restored your autosaved draft of this scenario' })
    store.print(['\x1b[2mrestored your autosaved draft of this scenario\x1b[0m'])
  }
}
type UiLastRun = ReturnType<typeof store.get>['ui']['lastRun']

/** Autosave one text. A failure (storage full, a disk error) is said once, not swallowed: the work is then only in the editor. */
let draftFailed = false
function saveDraft(key: string, text: string): void {
  void fdlab().draftSave(key, text).then((ok) => ok, () => false).then((ok) => {
    if (ok) {
      draftFailed = false
      return
    }
    if (draftFailed) return
    draftFailed = true
    const msg = 'autosave failed (storage full or not writable): Save Lab or Export submission keeps your work'
    store.ui({ status: msg })
    store.print([`${RED}${msg}\x1b[0m`])
  })
}

function saveMeta(): void {
  const lk = labKey()
  if (!lk) return
  const { student, lastRun } = store.get().ui
  saveDraft(`${lk}:#meta`, JSON.stringify({ student, lastRun }))
}

/**
 * After the engine worker restarted: it replays the calls that set the session up, not a failing
 * test opened from Run tests (its scenario, answer and profile). Bring it back to what the editor
 * shows: that scenario or exercise, with the editor's text, under the profile on screen.
 */
async function resyncEditor(): Promise<void> {
  const s = store.get().session
  const text = readEditor?.()
  if (s.kind !== 'lab' || s.scenario === null || text === undefined) return
  await store.apply(await fdlab().sessionRestore({ edits: [{ key: s.scenario, text }] }))
  await store.apply(await fdlab().sessionScenario(s.scenario))
  const { output: _quiet, ...p } = await fdlab().sessionProfile(s.profile)
  await store.apply(p)
}

/** The open lab's identity for autosave keys. */
export function labKey(): string | null {
  const s = store.get().session
  if (s.kind !== 'lab' || !s.lab) return null
  return `${s.lab.id}@${s.lab.version}`
}

/** The autosave key of the open lab and scenario. */
export function draftKey(): string | null {
  const lk = labKey()
  return lk ? `${lk}:${store.get().session.scenario ?? ''}` : null
}

/** Menu actions (Electron menu, or the same shortcuts in the browser). */
export function onMenuAction(a: MenuAction): void {
  switch (a) {
    case 'open-lab': void actions.open('lab'); break
    case 'open-strace': void actions.open('strace'); break
    case 'show-labs': store.ui({ labsOpen: true }); break
    case 'save-lab': void actions.save(false); break
    case 'save-lab-as': void actions.save(true); break
    case 'export-submission': store.ui({ status: 'export: type your name in the Exercises tab and press Export' , leftTab: 'exercises' }); break
    case 'toggle-left': void actions.togglePane('left'); break
    case 'toggle-right': void actions.togglePane('right'); break
    case 'toggle-bottom': void actions.togglePane('bottom'); break
    case 'presenter': actions.presenter(); break
    case 'theme-dark': void actions.setTheme('dark'); break
    case 'theme-light': void actions.setTheme('light'); break
    case 'theme-system': void actions.setTheme('system'); break
    case 'run': void actions.run(); break
    case 'step': void actions.step('over'); break
    case 'step-into': void actions.step('into'); break
    case 'step-micro': void actions.step('micro'); break
    case 'step-back': void actions.back(1); break
    case 'reset': void actions.reset(); break
    case 'explore': void actions.explore(); break
    case 'cancel': void actions.cancel(); break
  }
}
