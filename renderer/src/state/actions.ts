/**
 * What the toolbar, menus, shortcuts and panes ask for. Each action calls the host through the
 * bridge and merges the answer into the store; errors go to the terminal and the status bar.
 */
import type { FileText, MenuAction, OpenKind, ProfileName, SessionUpdate, StepKind, Theme } from '../../../preload/contract'
import { fdlab } from '../bridge/fdlab'
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
  store.ui({ busy: what, progress: null })
  try {
    const u = await call()
    store.apply(u)
    if (u.error) store.ui({ status: u.error })
    return u
  } catch (e) {
    fail(what, e)
    return null
  } finally {
    store.ui({ busy: null, progress: null })
  }
}

export const actions = {
  async loadFile(file: FileText): Promise<void> {
    store.ui({ file: { name: file.name, handle: file.handle ?? null }, dirty: false, labsOpen: false, status: `opened ${file.name}` })
    void fdlab().setDirty(false)
    const u = await session('load', () => fdlab().sessionLoad(file))
    if (u?.lab && u.lab.exercises.length === 0) store.ui({ leftTab: 'instructions' })
    await restoreDraft()
  },
  async openBuiltin(file: string): Promise<void> {
    try {
      await actions.loadFile(await fdlab().readLab(file))
    } catch (e) {
      fail('open lab', e)
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
  edit(source: string): Promise<SessionUpdate | null> {
    if (!store.get().ui.dirty) {
      store.ui({ dirty: true })
      void fdlab().setDirty(true)
    }
    const key = draftKey()
    if (key) void fdlab().draftSave(key, source).catch(() => undefined)
    return session('check', () => fdlab().sessionEdit(source))
  },
  run: () => session('run', () => fdlab().sessionRun()),
  step: (kind: StepKind = 'over', count = 1) => session('step', () => fdlab().sessionStep(kind, count)),
  back: (count = 1) => session('step back', () => fdlab().sessionBack(count)),
  goto: (step: number) => session('goto', () => fdlab().sessionGoto(Math.max(0, Math.floor(step)))),
  reset: () => session('reset', () => fdlab().sessionReset()),
  explore: () => session('explore', () => fdlab().sessionExplore({ bound: 2, maxRuns: 100_000 })),
  openOutcome: (i: number) => session('open schedule', () => fdlab().sessionOpenOutcome(i)),
  async scenario(name: string): Promise<SessionUpdate | null> {
    const u = await session('scenario', () => fdlab().sessionScenario(name))
    await restoreDraft()
    return u
  },
  profile: (p: ProfileName) => session('profile', () => fdlab().sessionProfile(p)),
  view: (from: number, to: number) => fdlab().sessionView({ from, to }).then((u) => store.apply(u), (e) => fail('view', e)),
  answer: (exercise: string, answer: string) => session('tests', () => fdlab().sessionAnswer({ exercise, answer })),
  terminal: (line: string) => session('terminal', () => fdlab().sessionTerminal(line)),
  async cancel(): Promise<void> {
    try {
      if (await fdlab().sessionCancel()) store.ui({ status: 'cancelled; the lab was reloaded at step 0' })
    } catch (e) {
      fail('cancel', e)
    }
  },
  async save(as: boolean): Promise<void> {
    const file = store.get().ui.file
    try {
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
  async exportSubmission(student: string): Promise<void> {
    try {
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

/** Autosave: a draft of the scenario in the editor, kept by the host, comes back when it is reopened. */
async function restoreDraft(): Promise<void> {
  const key = draftKey()
  if (!key) return
  const draft = await fdlab().draftLoad(key).catch(() => null)
  const s = store.get().session
  if (draft === null || draft === s.source) return
  const u = await fdlab().sessionEdit(draft)
  store.apply({ ...u, source: draft })
  store.ui({ dirty: true, status: 'restored your autosaved draft of this scenario' })
  store.print(['\x1b[2mrestored your autosaved draft of this scenario\x1b[0m'])
}

/** The autosave key of the open lab and scenario. */
export function draftKey(): string | null {
  const s = store.get().session
  if (s.kind !== 'lab' || !s.lab) return null
  return `${s.lab.id}@${s.lab.version}:${s.scenario ?? ''}`
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
