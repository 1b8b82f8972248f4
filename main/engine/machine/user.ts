/**
 * User space as the machine sees it: programs that make system calls.
 * A Program is a generator: user code between system calls is one micro-step per `u.stmt()`.
 */
import type { KGen } from '../sim/context'
import type { Kernel } from '../kernel/include/kernel'
import type { Task } from '../kernel/include/types'
import type { SysArg } from '../kernel/syscalls'

/** What a process or thread runs. Its return value is the exit status. */
export type Program = (u: UserApi) => KGen<number | void>

export interface CloneRequest {
  flags: number
  program: Program
  /** clone3/CLONE_PIDFD: where the parent's pidfd is stored. */
  pidfd?: Int32Array
}

export interface UserApi {
  readonly pid: number
  readonly tid: number
  readonly task: Task
  readonly k: Kernel
  /**
   * A system call. Returns the raw kernel value (negative errno on failure).
   * fork/vfork take a child Program; clone/clone3 a CloneRequest; execve a path and the new
   * image's Program; exit/exit_group never return.
   */
  sys(name: string, ...args: (SysArg | Program | CloneRequest)[]): KGen<number>
  /** A user-mode statement boundary (a micro-step): lab C statements and labels. */
  stmt(what: 'stmt' | 'label' | 'expect', text: string, line: number, col: number, obj?: string): KGen<void>
}

/** Thrown through a program to replace it (execve succeeded). */
export class ExecSignal {
  constructor(readonly program: Program) {}
}

/** Thrown through a program to end the thread (exit, exit_group, SIGKILL). */
export class ExitSignal {
  constructor(readonly code: number) {}
}
