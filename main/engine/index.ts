/**
 * The engine's public surface: the one module that code outside main/engine imports (the hosts
 * in main/host, the CLI in main/cli, the grader in main/grading, and the contract's types in
 * preload/contract.ts). Everything else under main/engine is internal to the engine. Hosts read a
 * machine's trace through `Machine.trace`, never through its kernel (`m.k`).
 */

// Machine: boot, scheduler, user programs, the replay driver.
export { createMachine, Machine, SCHEDULE_FORMAT } from './machine/Machine'
export type { MachineOptions, RunOptions, RunResult, RunStatus, Thread, SchedulePolicy } from './machine/Machine'
export type { Program, UserApi, CloneRequest } from './machine/user'
export type { Violation, KGen, Sched } from './sim/context'
export type { Kernel, Oracle } from './kernel/include/kernel'
// The shell language of `fdlab sh` and the app's terminal.
export { parseCommand, shellProgram } from './machine/shell'

// Snapshots (what the panes show) and what a step changed.
export type * from './machine/snapshotTypes'
export { changesBetween, firstAfter, syscallStart, asTrace, type TraceReader } from './machine/changes'
export type { SpanChange } from './machine/changes'

// Trace and its formats: strace lines, the function graph, Perfetto.
export type { TraceEvent, TraceArg, TraceLog } from './sim/trace'
export { formatFunctionGraph, formatStrace, straceArgs } from './machine/format'
export { perfettoTrace, mergeTraces } from './machine/perfetto'
export type { PerfettoTrace } from './machine/perfetto'

// Kernel profiles (6.5, 6.18) and their variants.
export { getProfile, resolveProfileName, UnknownProfileError, PROFILE_NAMES, DEFAULT_PROFILE, VARIANT_NAMES } from './sim/profile'
export type { ProfileName, Profile, Variants } from './sim/profile'

// Kernel constants and the syscall table.
export * as flags from './kernel/include/flags'
export * as errno from './kernel/include/errno'
export { ERRNO_NAMES, ERRNO_TEXT } from './kernel/include/errno'
export { SYSCALLS } from './kernel/syscalls'
export type { SysArg } from './kernel/syscalls'

// Explorer: every interleaving up to a preemption bound, schedules as data.
export { explore, encodeSchedule } from './machine/explorer'
export type { ExploreProgress, ExploreResult } from './machine/explorer'

// Labs: the *.lab.md format, courses, releases, running and judging scenarios and exercises.
export { MAX_LAB_BYTES, parseLab } from './lab/labFile'
export type { Lab, LabBlock, Exercise } from './lab/labFile'
export { fences, parseInfo, splitLines } from './lab/markdown'
export { COURSE_INDEX, checkCourseLabs, parseCourse } from './lab/course'
export { release, releasedLineMap } from './lab/release'
export { formatDiagnostic, sortDiagnostics } from './lab/diagnostics'
export type { Diagnostic } from './lab/diagnostics'
export { formatSchedule, parseSchedule } from './lab/schedule'
export { describeFinding, load, runInstance, runSources } from './lab/run'
export type { RunOutcome, RunSpec } from './lab/run'
export {
  blockSources, checkLab, compileLab, composeTest, judge, judgeExercise, normalizeAnswer, profilesOf, runBlock, skippedUnder, verdict,
} from './lab/labRun'
export type { BlockResult, BlockRunOptions, ExerciseResult, Explorer, TestResult, Verdict } from './lab/labRun'
export { exploreSpec, labExplorer, searchProgram } from './lab/explore'

// Lab C, the scenario language: front end, interpreter types, the kernel API it offers.
export { frontEnd } from './lab/labc'
export type { Source } from './lab/labc'
export type { Program as LabCProgram } from './lab/labc/checker'
export type { Interp } from './lab/labc/rt/interp'
export { LabCError } from './lab/labc/rt/values'
export { describeName, editorNames, getApi, suggestNames, KERNEL_STRUCTS, PRELUDE } from './lab/labc/api'
export type { NameDoc } from './lab/labc/api'

// strace replay: parsing a log and replaying it against the model.
export { StraceReader, findCallClose, parseAll, parseLine, printable } from './strace/parse'
export type { StraceEvent } from './strace/parse'
export { Replayer } from './strace/replay'
export type { ReplayRecord } from './strace/replay'
export { EngineModel } from './strace/engineModel'
