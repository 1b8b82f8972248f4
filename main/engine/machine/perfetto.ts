/**
 * A run as a Chrome/Perfetto trace ("JSON trace event format"), so it opens in ui.perfetto.dev
 * or chrome://tracing: one track per thread (named comm:tid inside its process), system calls and
 * kernel functions as nested slices, lab C statements and findings as instant events, and each
 * file's reference count as a counter track. Time is the trace order: one microsecond per event
 * (the engine has no wall clock), so slices nest and order exactly as the run did.
 */
import type { TraceEvent } from '../sim/trace'

export interface PerfettoThread { readonly tid: number; readonly pid: number; readonly comm: string }

interface ChromeEvent {
  name: string
  ph: 'B' | 'E' | 'i' | 'C' | 'M'
  ts?: number
  pid: number
  tid?: number
  s?: 'g' | 'p' | 't'
  cat?: string
  args?: Record<string, unknown>
}

export interface PerfettoTrace { traceEvents: ChromeEvent[]; displayTimeUnit: 'ns'; metadata: Record<string, string> }

const argText = (a: unknown): string => (typeof a === 'string' ? JSON.stringify(a) : String(a))

/** The trace events of a run as a Chrome trace JSON object. */
export function perfettoTrace(events: readonly TraceEvent[], threads: readonly PerfettoThread[], meta: Record<string, string> = {},
  /** Added to every pid and tid, and a prefix for process names: several runs in one file. */
  run: { readonly idBase: number; readonly label: string } = { idBase: 0, label: '' }): PerfettoTrace {
  const out: ChromeEvent[] = []
  const byTid = new Map(threads.map((t) => [t.tid, t]))
  const pidOf = (tid: number) => (byTid.get(tid)?.pid ?? tid) + run.idBase
  const named = new Set<number>()
  const processes = new Set<number>()
  const nameThread = (tid: number) => {
    if (named.has(tid)) return
    named.add(tid)
    const t = byTid.get(tid)
    const pid = pidOf(tid)
    if (!processes.has(pid)) {
      processes.add(pid)
      const leader = byTid.get(pid - run.idBase)
      out.push({ name: 'process_name', ph: 'M', pid, args: { name: `${run.label}${leader?.comm ?? t?.comm ?? 'task'} (pid ${pid - run.idBase})` } })
    }
    out.push({ name: 'thread_name', ph: 'M', pid, tid: tid + run.idBase, args: { name: `${t?.comm ?? 'thread'}:${tid}` } })
  }
  const COUNTER_PID = run.idBase
  out.push({ name: 'process_name', ph: 'M', pid: COUNTER_PID, args: { name: `${run.label}struct file refcounts` } })
  // Slices still open per thread (a run that stops mid-call is closed at the end).
  const open = new Map<number, string[]>()
  let ts = 0
  for (const e of events) {
    ts++
    const pid = pidOf(e.tid)
    const tid = e.tid + run.idBase
    switch (e.e) {
      case 'sys_enter':
      case 'enter': {
        nameThread(e.tid)
        const name = e.e === 'sys_enter' ? `sys_${e.name}` : e.fn
        const st = open.get(tid) ?? []
        st.push(name)
        open.set(tid, st)
        out.push({ name, ph: 'B', ts, pid, tid, cat: e.e === 'sys_enter' ? 'syscall' : 'kernel', args: { step: e.step, args: e.args.map(argText).join(', ') } })
        break
      }
      case 'sys_exit':
      case 'exit': {
        const st = open.get(tid)
        if (!st?.length) break
        const name = st.pop()!
        out.push({ name, ph: 'E', ts, pid, tid, args: { step: e.step, ret: e.e === 'sys_exit' ? e.ret : argText(e.ret) } })
        break
      }
      case 'user':
        nameThread(e.tid)
        out.push({ name: e.text, ph: 'i', s: 't', ts, pid, tid, cat: 'lab C', args: { step: e.step, line: e.line, col: e.col, what: e.what } })
        break
      case 'ref':
        out.push({ name: `${e.file} refcount`, ph: 'C', ts, pid: COUNTER_PID, args: { file_count: e.to } })
        break
      case 'violation':
        nameThread(e.tid)
        out.push({ name: `${e.severity}: ${e.rule}`, ph: 'i', s: 'g', ts, pid, tid, cat: 'finding', args: { step: e.step, message: e.message } })
        break
      case 'fd':
        nameThread(e.tid)
        out.push({ name: `${e.files} fd ${e.fd}: ${e.from ?? '∅'} → ${e.to ?? '∅'}`, ph: 'i', s: 't', ts, pid, tid, cat: 'fdtable', args: { step: e.step } })
        break
      case 'task_work':
        nameThread(e.tid)
        out.push({ name: `task_work ${e.op} ${e.fn}(${e.obj ?? ''})`, ph: 'i', s: 't', ts, pid, tid, cat: 'task_work', args: { step: e.step, task: e.task } })
        break
      default:
        break
    }
  }
  ts++
  for (const [tid, st] of open) while (st.length) out.push({ name: st.pop()!, ph: 'E', ts, pid: pidOf(tid - run.idBase), tid, args: { unfinished: true } })
  return { traceEvents: out, displayTimeUnit: 'ns', metadata: { generator: 'fdlab', ...meta } }
}

/** Several runs in one trace file (each run's ids offset by its index). */
export function mergeTraces(traces: readonly PerfettoTrace[]): PerfettoTrace {
  return { traceEvents: traces.flatMap((t) => t.traceEvents), displayTimeUnit: 'ns', metadata: { generator: 'fdlab', runs: String(traces.length) } }
}
