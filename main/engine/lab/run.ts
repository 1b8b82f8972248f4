/**
 * Running lab C: compile sources for a profile, load them into a fresh machine, run it, and
 * collect what happened (status, expectations, violations, observations, trace). Pure: the
 * caller supplies the text; nothing touches the host.
 */
import type { Diagnostic } from './diagnostics'
import { createMachine, type Machine, type RunOptions, type RunStatus, type SchedulePolicy } from '../machine/Machine'
import type { TraceEvent } from '../sim/trace'
import type { Violation } from '../sim/context'
import type { ProfileName, Variants } from '../sim/profile'
import { frontEnd, type Source } from './labc'
import type { Program } from './labc/checker'
import type { Interp, InterpOptions } from './labc/rt/interp'
import { loadProgram } from './labc/rt/load'
import { isLimitError, LabCError } from './labc/rt/values'

/** Micro-steps a run may take (all threads together): the machine's budget. */
export const MAX_MICRO_STEPS = 200_000

export interface RunSpec {
  readonly sources: readonly Source[]
  readonly profile: ProfileName
  readonly variants?: Partial<Variants>
  readonly schedule?: readonly number[]
  readonly policy?: SchedulePolicy
  /** Micro-step budget of the machine (default MAX_MICRO_STEPS). */
  readonly maxSteps?: number
  readonly limits?: Partial<InterpOptions>
  readonly trace?: boolean
  readonly checkInvariants?: boolean
}

export interface RunOutcome {
  /** Front-end diagnostics (errors mean nothing ran). */
  readonly diagnostics: readonly Diagnostic[]
  readonly ran: boolean
  /**
   * The machine's status; 'budget' when the run stopped at a limit (micro-steps, statements,
   * recursion, memory, output), 'error' when kernel-side lab C or the engine stopped it.
   */
  readonly status: RunStatus | 'error' | 'not-run'
  /** The limit the run stopped at (status 'budget'), as a diagnostic naming it and where. */
  readonly limit: Diagnostic | null
  /** The engine itself failed (a simulator bug): the run proves nothing either way. */
  readonly internalError: Diagnostic | null
  readonly steps: number
  readonly schedule: readonly number[]
  readonly violations: readonly Violation[]
  readonly expectFailures: readonly Diagnostic[]
  /** Lab C run-time errors (user crashes, kernel oopses, budgets) as diagnostics. */
  readonly runtimeErrors: readonly Diagnostic[]
  readonly observations: ReadonlyMap<string, readonly (bigint | string)[]>
  readonly output: string
  readonly printk: readonly string[]
  readonly events: readonly TraceEvent[]
  readonly labels: ReadonlyMap<string, number>
  readonly machine: Machine | null
  /**
   * Where each finding happened, in lab C terms: the reporting thread's last lab C statement,
   * and that of a thread holding the light fdget borrow it is about ("pid 100 at t.c:12:3").
   */
  readonly sites: ReadonlyMap<Violation, string>
}

/** "violation V2 at step 20 (pid 100 at t.c:12:3): message" */
export function describeFinding(o: RunOutcome, v: Violation): string {
  const site = o.sites.get(v)
  return `${v.severity} ${v.rule} at step ${v.step} (${site ?? `thread ${v.tid}`}): ${v.message}`
}

/** Source line lookup for statement traces: lab-file line numbers → text. */
export function lineIndex(sources: readonly Source[]): (file: string, line: number) => string {
  const m = new Map<string, Map<number, string>>()
  for (const s of sources) {
    const lines = m.get(s.file) ?? new Map<number, string>()
    s.code.split('\n').forEach((l, i) => lines.set((s.lineOffset ?? 0) + i + 1, l))
    m.set(s.file, lines)
  }
  return (file, line) => (m.get(file)?.get(line) ?? '').trim()
}

export interface Instance { readonly machine: Machine; readonly rt: Interp; readonly program: Program; readonly sites?: Map<Violation, string> }

/**
 * A fresh machine with the program loaded and not yet run: what an explorer re-creates for
 * every schedule. Returns the diagnostics instead when the sources do not compile.
 */
export function instantiate(spec: RunSpec): { instance: Instance | null; diagnostics: readonly Diagnostic[] } {
  const fe = frontEnd(spec.sources, spec.profile)
  if (!fe.ok) return { instance: null, diagnostics: fe.diagnostics }
  return { instance: load(fe.program, spec), diagnostics: fe.diagnostics }
}

/** Load an already checked program into a new machine (the fast path for repeated runs). */
export function load(program: Program, spec: RunSpec): Instance {
  const machine = createMachine({ profile: spec.profile, variants: spec.variants, trace: spec.trace ?? true, checkInvariants: spec.checkInvariants })
  const rt = loadProgram(machine, program, lineIndex(spec.sources), spec.limits)
  const sites = new Map<Violation, string>()
  const report = machine.k.report.bind(machine.k)
  machine.k.report = (rule, severity, message, objects) => {
    report(rule, severity, message, objects)
    const v = machine.k.violations[machine.k.violations.length - 1]
    if (!v) return
    const at = (tid: number): string | null => {
      const p = rt.posByTid.get(tid)
      return p ? `pid ${tid} at ${p.file}:${p.pos.line}:${p.pos.col}` : null
    }
    const parts = [at(v.tid)]
    // A light fdget is named by its fd and the line of the system call that took it.
    const holder = /\/(\d+) holds a light fdget borrow of fd (\d+) \((\w+)\)/.exec(message)
    if (holder) {
      const p = rt.userPosByTid.get(Number(holder[1]))
      if (p) parts.push(`${holder[3]}(${holder[2]}) by pid ${holder[1]}'s system call at ${p.file}:${p.pos.line}:${p.pos.col}`)
    }
    const text = parts.filter((x): x is string => !!x).join('; ')
    if (text) sites.set(v, text)
  }
  return { machine, rt, program, sites }
}

/** Compile and run once. */
export function runSources(spec: RunSpec): RunOutcome {
  const { instance, diagnostics } = instantiate(spec)
  if (!instance) return notRun(diagnostics)
  return runInstance(instance, spec, diagnostics)
}

export function runInstance(inst: Instance, spec: RunSpec, diagnostics: readonly Diagnostic[] = []): RunOutcome {
  const { machine, rt } = inst
  const opts: RunOptions = { schedule: spec.schedule, policy: spec.policy, maxSteps: spec.maxSteps ?? MAX_MICRO_STEPS }
  let status: RunOutcome['status']
  const runtimeErrors: Diagnostic[] = []
  let limit: Diagnostic | null = null
  let internalError: Diagnostic | null = null
  try {
    status = machine.run(opts).status
  } catch (e) {
    status = 'error'
    if (e instanceof LabCError && isLimitError(e)) {
      status = 'budget'
      limit = errorDiag(e)
      if (machine.k.trace.on) machine.k.trace.emit({ e: 'note', text: `the run stopped at a limit at ${e.pos.line}:${e.pos.col}: ${e.message}` })
    } else if (e instanceof LabCError) {
      runtimeErrors.push(errorDiag(e))
      if (machine.k.trace.on) machine.k.trace.emit({ e: 'note', text: `lab C ${e.kernel ? 'kernel ' : ''}error at ${e.pos.line}:${e.pos.col}: ${e.message}` })
    } else {
      // The model itself failed (a simulator bug, or lab C reaching a state the model does not
      // cover): report it at the last lab C statement instead of crashing the host.
      // The JavaScript message is not shown: it says nothing to a lab author.
      const at = rt.lastPos
      internalError = {
        file: at?.file ?? '', line: at?.pos.line ?? 1, col: at?.pos.col ?? 1, severity: 'error', code: 'engine',
        message: `internal error: the simulator failed after micro-step ${machine.stepNo} (last lab C statement here); this is a bug in fdlab, not in the lab${internalKind(e)}`,
      }
      runtimeErrors.push(internalError)
    }
  }
  for (const e of [...rt.userErrors, ...rt.kernelErrors]) runtimeErrors.push(errorDiag(e))
  if (status === 'budget' && !limit) {
    const at = rt.lastPos
    limit = {
      file: at?.file ?? '', line: at?.pos.line ?? 1, col: at?.pos.col ?? 1, severity: 'error', code: 'budget',
      message: `micro-step limit: the run took ${opts.maxSteps} micro-steps without ending (last lab C statement here; a loop that never ends, or a thread spinning?)`,
    }
  }
  if (limit) runtimeErrors.push(limit)
  return {
    diagnostics, ran: true, status, limit, internalError, steps: machine.stepNo, schedule: [...machine.schedule], violations: [...machine.violations],
    expectFailures: rt.expectFailures.map((f) => ({
      file: f.file, line: f.pos.line, col: f.pos.col, severity: 'error' as const, code: 'expect' as const,
      message: `expect failed: ${f.message ? `${f.message} (${f.text})` : f.text} [step ${f.step}, thread ${f.tid}]`,
    })),
    runtimeErrors, observations: rt.observations, output: rt.output, printk: [...machine.k.printk],
    // Built from the compact trace only when read (most runs are judged, not printed).
    get events() { return machine.k.trace.events }, labels: machine.labels, machine, sites: inst.sites ?? new Map(),
  }
}

function errorDiag(e: LabCError): Diagnostic {
  const what = e.code === 'runtime' && e.kernel ? 'kernel oops: ' : ''
  return { file: e.file, line: e.pos.line, col: e.pos.col, severity: 'error', code: e.code, message: what + e.message }
}

/** What kind of internal failure, in words (never the JavaScript runtime's own message). */
function internalKind(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return ' (the simulator ran out of stack)'
  if (e instanceof RangeError) return ' (a value grew past what the simulator can hold)'
  return ''
}

function notRun(diagnostics: readonly Diagnostic[]): RunOutcome {
  return {
    diagnostics, ran: false, status: 'not-run', limit: null, internalError: null, steps: 0, schedule: [], violations: [], expectFailures: [], runtimeErrors: [],
    observations: new Map(), output: '', printk: [], events: [], labels: new Map(), machine: null, sites: new Map(),
  }
}
