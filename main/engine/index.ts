/**
 * The engine's public surface: what hosts (CLI, worker, browser host) import.
 */
export { createMachine, Machine, SCHEDULE_FORMAT } from './machine/Machine'
export type { MachineOptions, RunOptions, RunResult, RunStatus, Thread, SchedulePolicy } from './machine/Machine'
export type { Program, UserApi, CloneRequest } from './machine/user'
export type { Snapshot } from './machine/snapshotTypes'
export type * from './machine/snapshotTypes'
export type { TraceEvent, TraceArg } from './sim/trace'
export type { Violation, KGen, Sched } from './sim/context'
export type { Kernel, Oracle } from './kernel/include/kernel'
export { getProfile, resolveProfileName, UnknownProfileError, PROFILE_NAMES, DEFAULT_PROFILE, VARIANT_NAMES } from './sim/profile'
export type { ProfileName, Profile, Variants } from './sim/profile'
export * as flags from './kernel/include/flags'
export * as errno from './kernel/include/errno'
export { ERRNO_NAMES, ERRNO_TEXT } from './kernel/include/errno'
