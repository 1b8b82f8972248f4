/**
 * User space as the machine sees it: programs that make system calls, and the user-mode ABI the
 * machine gives them (UserApi: system calls and statement boundaries).
 * A Program is a generator: user code between system calls is one micro-step per `u.stmt()`.
 *
 * A program can end inside a system call (execve succeeded, exit, exit_group, SIGKILL noticed on
 * the way in or out). The call does not return then: it records how the program ended on its
 * thread (`UserThread.end`) and yields once more; the machine's thread driver (Machine.advance)
 * sees the record after that yield, drops the program's generator without resuming it, and runs
 * what follows (the new image, or do_exit). No exception travels through the program's frames.
 */
import type { KGen, Sched } from '../sim/context'
import type { Kernel } from '../kernel/include/kernel'
import { traceArg } from '../sim/kfunc'
import type { TraceArg } from '../sim/trace'
import type { Task } from '../kernel/include/types'
import { CLONE_VFORK, CLONE_VM } from '../kernel/include/flags'
import type { SysArg } from '../kernel/syscalls'
import type { KernelForm } from './kernelForm'
import { KFrame, CALLS, DONE, TAIL } from '../sim/kframe'

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

/** A user thread's program, for Machine.startThread (the machine runs its phases: see advance()). */
export class UserBody {
  constructor(readonly program: Program) {}
}

/** How a program ended inside a system call: replaced by execve's new image, or exited. */
export type ProgramEnd = { readonly exec: Program } | { readonly exit: number }

/** The machine's thread, as far as the user-mode ABI uses it. */
export interface UserThread {
  readonly task: Task
  /** Syscall results, in order (part of an explorer outcome). */
  readonly results: { name: string; ret: number }[]
  /** Set when the program ended inside a system call; the thread driver takes it. */
  end: ProgramEnd | null
}

/** What the ABI reads and does on the machine. */
export interface UserHost {
  readonly k: Kernel
  /** The kernel's form the machine runs (kernelForm.ts). */
  readonly form: KernelForm
  /** Micro-steps executed so far (a label's first arrival). */
  readonly stepNo: number
  readonly labels: Map<string, number>
  /** SIGKILL a task (exit_group kills the other threads of the group). */
  kill(task: Task): void
}

const KILLED: ProgramEnd = { exit: 137 }

/** The last yield of a program that ended (never returned to a scheduler: see the file header). */
const ENDED: Sched = { obj: 'user:ended', w: false, what: 'program ended' }

/** End @th's program with @end: record it, then yield to the thread driver for the last time. */
function* endProgram(th: UserThread, end: ProgramEnd): KGen<never> {
  th.end = end
  yield ENDED
  throw new Error(`internal: the program of thread ${th.task.pid} was resumed after it ended`)
}

/** The UserApi the program of thread @th sees. */
export function userApi(m: UserHost, th: UserThread): UserApi {
  const k = m.k
  const task = th.task
  const entries: SyscallEntries = { obj: `user:${task.pid}`, byName: new Map() }
  return {
    pid: task.tgid,
    tid: task.pid,
    task,
    k,
    sys(name, ...args) {
      return userSyscall(m, th, entries, name, args)
    },
    *stmt(what, text, line, col, obj) {
      if (task.sigkill) return yield* endProgram(th, KILLED)
      yield { obj: obj ?? entries.obj, w: obj !== undefined, what: `${what} ${text}` }
      if (what === 'label' && !m.labels.has(text)) m.labels.set(text, m.stepNo)
      if (k.trace.on) k.trace.emit({ e: 'user', what, text, line, col })
    },
  }
}

/**
 * A thread's scheduling points at the kernel boundary, one per system call name (made once:
 * a Sched record is never changed after it is yielded).
 */
interface SyscallEntries {
  /** The thread's user-mode state as its scheduling points name it (`user:PID`), made once. */
  readonly obj: string
  readonly byName: Map<string, Sched>
}

const NO_ARGS: readonly TraceArg[] = Object.freeze([])

/**
 * A system call from user mode: the boundary step, the kernel entry, and what ends the program.
 * Run at every system call, it is written as a resumable frame (sim/kframe.ts), not a generator:
 * the thread driver runs it as it runs the compiled kernel's frames, and a program's `yield*`
 * delegates to it as to any KFrame. Its steps, in order (the generator it replaces, in words):
 *   0: a killed task ends its program; else the boundary step (the user-mode instruction that
 *      enters the kernel, a scheduling point)
 *   1: a task killed meanwhile ends its program; else the kernel entry (do_syscall, or
 *      processSyscall for the calls that make, replace or end a program)
 *   2: the result recorded; a task killed meanwhile ends its program; else the result returned
 */
function userSyscall(m: UserHost, th: UserThread, entries: SyscallEntries, name: string, args: (SysArg | Program | CloneRequest)[]): KGen<number> {
  const k = m.k
  const task = th.task
  let targs: readonly TraceArg[] = NO_ARGS
  return new KFrame((f, input) => {
    switch (f.pc) {
      case 0: {
        if (task.sigkill) return endWith(f, th)
        if (k.trace.on) targs = args.map((a) => (typeof a === 'function' ? 'program' : traceArg(a)))
        let entry = entries.byName.get(name)
        if (entry === undefined) entries.byName.set(name, (entry = { obj: entries.obj, w: false, what: `syscall ${name}` }))
        f.pc = 1
        return entry
      }
      case 1:
        if (task.sigkill) return endWith(f, th)
        f.pc = 2
        switch (name) {
          case 'fork': case 'vfork': case 'clone': case 'clone3': case 'execve': case 'exit': case 'exit_group':
            // In a generator of their own: this frame, run at every system call, stays small.
            f.callee = processSyscall(m, th, name, args, targs)
            break
          default: {
            const { do_syscall, sys_call } = m.form
            f.callee = do_syscall(k, name, targs, () => sys_call(k, name, args as SysArg[]))
          }
        }
        return CALLS
      default: {
        const ret = input as number
        th.results.push({ name, ret })
        if (task.sigkill) return endWith(f, th)
        f.ret = ret
        return DONE
      }
    }
  }) as unknown as KGen<number>
}

/** A killed task's program ends (endProgram) in the place of frame @f (a tail call). */
function endWith(f: KFrame, th: UserThread): typeof TAIL {
  f.callee = endProgram(th, KILLED)
  return TAIL
}

/** The kernel half of the calls that make, replace or end a program (userSyscall): its result, unless the program ended. */
function* processSyscall(m: UserHost, th: UserThread, name: string, args: (SysArg | Program | CloneRequest)[], targs: readonly TraceArg[]): KGen<number> {
  const k = m.k
  const task = th.task
  switch (name) {
    case 'execve': {
      const { do_syscall, sys_execve } = m.form
      const ret = yield* do_syscall(k, name, targs.slice(0, 1), () => sys_execve(k, String(args[0])))
      if (ret === 0) {
        th.results.push({ name, ret })
        const next = (args.find((a) => typeof a === 'function') as Program | undefined) ?? (function* () { return 0 })
        return yield* endProgram(th, { exec: next })
      }
      return ret
    }
    case 'exit': case 'exit_group': {
      const code = typeof args[0] === 'number' ? args[0] : 0
      if (k.trace.on) k.trace.emit({ e: 'sys_enter', name, args: targs })
      if (name === 'exit_group') {
        for (const t of k.tasks.values()) if (t !== task && t.tgid === task.tgid && t.state === 'running') m.kill(t)
      }
      return yield* endProgram(th, { exit: code })
    }
    default: {
      // fork, vfork, clone, clone3
      const req: CloneRequest = name === 'fork' ? { flags: 17, program: args[0] as Program }
        : name === 'vfork' ? { flags: CLONE_VM | CLONE_VFORK | 17, program: args[0] as Program }
        : (args[0] as CloneRequest)
      // The child's body starts at its first micro-step, with k.current = the child.
      const body = new UserBody(req.program) as unknown as (kk: Kernel) => KGen<void>
      const { do_syscall, kernel_clone } = m.form
      return yield* do_syscall(k, name, targs, () => kernel_clone(k, { flags: req.flags, pidfd: req.pidfd, body }))
    }
  }
}
