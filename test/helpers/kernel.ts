/** Helpers for engine tests: boot a machine, run a program, read results. */
import { createMachine, type MachineOptions, type Program, type Machine } from '../../main/engine'
import type { KGen } from '../../main/engine/sim/context'

export type Sys = (name: string, ...args: unknown[]) => KGen<number>

/** Run one single-threaded process and return the machine and its syscall results. */
export function runProcess(body: (sys: Sys, u: Parameters<Program>[0]) => KGen<number | void>, opts: MachineOptions = {}): { m: Machine; results: { name: string; ret: number }[] } {
  const m = createMachine({ checkInvariants: true, ...opts })
  const task = m.spawnProcess({ comm: 'test', program: (u) => body((name, ...args) => u.sys(name, ...(args as never[])), u) })
  const r = m.run()
  if (r.status !== 'done') throw new Error(`run ended ${r.status}`)
  return { m, results: m.thread(task.pid)!.results }
}

/** The names of kernel functions entered, in order, from the trace (function_graph view). */
export function calls(m: Machine, from = 0): string[] {
  return m.k.trace.events.slice(from).filter((e) => e.e === 'enter').map((e) => (e as { fn: string }).fn)
}

export const O = { RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, CLOEXEC: 0o2000000, PATH: 0o10000000 }
