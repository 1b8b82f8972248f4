/**
 * The session's bridge to lab C: which sources make up what is in the editor (a scenario, or an
 * exercise answer with the test that exercises it), compiling them with the lab C front end, and
 * loading the program into a machine for the timeline. The editor's text is its own file, so
 * diagnostics and positions in it are in editor lines. Running and judging are the engine's
 * (engine/lab/run.ts, labRun.ts); this only assembles inputs.
 */
import {
  type Lab, type LabBlock, type ProfileName, type Variants, type Diagnostic, frontEnd, type Source,
  type LabCProgram as Program, load, composeTest, type Explorer, labExplorer as engineLabExplorer, type Machine,
  type Interp, LabCError,
} from '../../engine'
import type { Loaded } from './timeline'
import { parseEditorKey } from '../../../preload/contract'

export interface Compiled {
  readonly editorFile: string
  readonly sources: readonly Source[]
  /** Diagnostics in the editor's text. */
  readonly editor: readonly Diagnostic[]
  /** Errors elsewhere (a lib or test block of the lab) that keep it from running. */
  readonly elsewhere: readonly Diagnostic[]
  readonly program: Program | null
  readonly variants: Partial<Variants>
  /** What runs: a scenario, or the exercise test that the answer is run against. */
  readonly runs: LabBlock | null
}

/**
 * The sources for editor key @key (its text: see preload/contract.ts EditorKey) with @source as the editor's
 * text: composed by the engine's composeTest, exactly as check, run, explore and the grader do.
 */
export function sourcesFor(lab: Lab, key: string, source: string, editorFile: string, testName?: string): { sources: Source[]; runs: LabBlock | null } {
  const editor: Source = { code: source, file: editorFile, lineOffset: 0 }
  const k = parseEditorKey(key)
  if (k.kind === 'scenario') {
    const block = lab.scenarios.find((s) => s.name === k.name) ?? null
    // The editor holds the scenario's own code: its libs, then the editor's text.
    return { sources: block ? [...composeTest(lab, { ...block, code: '' }), editor] : [editor], runs: block }
  }
  const ex = lab.exercises.find((e) => e.id === k.id)
  if (!ex || ex.kind === 'predict') return { sources: [editor], runs: null }
  // A named test (a failing one opened from the grader's results, hidden ones included), else the first public one.
  const test = (testName !== undefined ? ex.tests.find((t) => t.testName === testName) : undefined) ?? ex.tests.find((t) => !t.hidden) ?? null
  if (!test) {
    const libs = (ex.starter?.uses ?? []).map((u) => lab.libs.get(u)).filter((b): b is LabBlock => !!b)
      .map((b) => ({ code: b.code, file: lab.file, lineOffset: b.fenceLine }))
    return { sources: [...libs, editor], runs: null }
  }
  return { sources: composeTest(lab, test, editor), runs: test }
}

export function compile(lab: Lab, key: string, source: string, editorFile: string, profile: ProfileName, testName?: string): Compiled {
  const { sources, runs } = sourcesFor(lab, key, source, editorFile, testName)
  const fe = frontEnd(sources, profile)
  return {
    editorFile, sources, runs,
    editor: fe.diagnostics.filter((d) => d.file === editorFile),
    elsewhere: fe.diagnostics.filter((d) => d.file !== editorFile && d.severity === 'error'),
    program: fe.ok ? fe.program : null,
    variants: { ...lab.meta.variants, ...(runs?.variants ?? {}) },
  }
}

/**
 * A machine factory for the timeline: a fresh machine with the compiled program loaded (nothing
 * is compiled again), and a probe that reports where lab C code is after each micro-step.
 */
export function createFor(c: Compiled, profile: ProfileName, onLoad?: (rt: Interp) => void): () => { machine: Machine; loaded: Loaded } {
  return () => {
    const { machine, rt } = load(c.program!, { sources: c.sources, profile, variants: c.variants, trace: true })
    onLoad?.(rt)
    let seen: Interp['lastPos'] = rt.lastPos
    // Every statement reached, with how many trace events there were then: the events before it
    // belong to the statement before (inline values attribute each event to its line).
    let marks: { at: number; file: string; line: number }[] = []
    let last = rt.lastPos
    Object.defineProperty(rt, 'lastPos', {
      configurable: true,
      get: () => last,
      set: (v: Interp['lastPos']) => {
        last = v
        if (v && marks.length < 10_000) marks.push({ at: machine.trace.length, file: v.file, line: v.pos.line })
      },
    })
    return {
      machine,
      loaded: {
        editorFile: c.editorFile,
        probe: () => {
          const p = rt.lastPos
          if (p === seen || !p) return null
          seen = p
          return { file: p.file, line: p.pos.line, col: p.pos.col }
        },
        takeMarks: () => {
          const m = marks
          marks = []
          return m
        },
      },
    }
  }
}

/** Fresh machines for the explorer (tracing off: it only needs outcomes). */
export function explorerFactory(c: Compiled, profile: ProfileName): () => Machine {
  return () => load(c.program!, { sources: c.sources, profile, variants: c.variants, trace: false }).machine
}

export const isLabStopError = (e: unknown): boolean => e instanceof LabCError

/**
 * An explorer for judging exercises with `explore` blocks: the engine's lab explorer (the same
 * one `fdlab check` and the grader use), so a limit or an internal error is never a verdict.
 */
export const labExplorer: Explorer = engineLabExplorer({ maxRuns: 20_000 })
