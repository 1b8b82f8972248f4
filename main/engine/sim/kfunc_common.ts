/**
 * Helpers shared by both forms of kfunc (sim/kfunc.ts and the fast path's sim/kfunc.fast.ts):
 * trace arguments, SIM notes, traced stubs and tracepoints.
 */
import type { TraceArg, TraceLog } from './trace'

/** What the helpers below need of the context `k`. */
interface Traced { readonly trace: TraceLog }

/** A tracepoint's probe: the context `k` and the tracepoint's arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TracepointProbe = (k: any, ...args: any[]) => void

/**
 * SIM: a tracepoint: a named point inside a kernel function where an observer (the sanitizer) is
 * told what happens, as the kernel's own tracepoints (`trace_sys_exit()`) tell tracers. It traces
 * nothing and changes nothing. Kernel code fires it as `trace_x.probe?.(k, ...args)`: each site
 * then calls its own probe (the JIT can inline it), and an unprobed one costs one test.
 */
export interface Tracepoint<K, A extends unknown[]> {
  readonly name: string
  probe: ((k: K, ...args: A) => void) | null
}

const TRACEPOINTS = new Map<string, Tracepoint<never, never[]>>()

/** The tracepoint @name (one object per name, made by whichever of kernel and probe comes first). */
export function tracepoint<K, A extends unknown[]>(name: string): Tracepoint<K, A> {
  let t = TRACEPOINTS.get(name)
  if (!t) TRACEPOINTS.set(name, (t = { name, probe: null }))
  return t as unknown as Tracepoint<K, A>
}

/** Register @fn as the probe of the tracepoint @name (one per name). */
export function probe(name: string, fn: TracepointProbe): void {
  tracepoint<unknown, unknown[]>(name).probe = fn
}

export function traceArg(v: unknown): TraceArg {
  if (v === null || v === undefined) return null
  switch (typeof v) {
    case 'number': case 'string': case 'boolean': return v
    case 'bigint': return Number(v)
    case 'function': return (v as { kname?: string }).kname ?? (v.name || 'fn')
    case 'object': {
      const o = v as { id?: unknown; file?: { id?: unknown } | null; length?: number }
      if (typeof o.id === 'string') return o.id
      if (v instanceof Uint8Array) return `buf[${v.length}]`
      if (v instanceof Int32Array) return `int[${v.length}]`
      const any = v as { func?: { kname?: string; name?: string } | null; l_type?: number; l_start?: number; l_len?: number; flags?: number; rlim_cur?: number; rlim_max?: number }
      if ('func' in any && 'next' in any) {
        // A callback_head embedded in its container: name it as the field (file#2.f_task_work).
        const c = (v as { container?: Record<string, unknown> & { id?: unknown } }).container
        const field = c && typeof c.id === 'string' ? Object.keys(c).find((key) => c[key] === v) : undefined
        return field ? `${c!.id as string}.${field}` : `callback_head(${any.func?.kname ?? any.func?.name ?? 'NULL'})`
      }
      if (typeof any.l_type === 'number') return `{l_type=${['F_RDLCK', 'F_WRLCK', 'F_UNLCK'][any.l_type] ?? any.l_type}, l_start=${any.l_start}, l_len=${any.l_len}}`
      if (typeof any.rlim_cur === 'number') return `{rlim_cur=${any.rlim_cur}, rlim_max=${any.rlim_max}}`
      if (typeof any.flags === 'number') return `{flags=0x${any.flags.toString(16)}}`
      return 'obj'
    }
    default: return null
  }
}

/** A scheduling point before an access to shared object `obj`. */
export function at(obj: string, w: boolean, what: string): { obj: string; w: boolean; what: string } {
  return { obj, w, what }
}

/** A SIM note: a step fdlab traces but does not model as state. */
export function simNote(k: Traced, text: string): void {
  if (k.trace.on) k.trace.note(text)
}

/** `SIM: ${note}` made once per note (the notes are the stubs' constants; a bounded cache). */
const SIM_TEXT = new Map<string, string>()
function simText(note: string): string {
  let text = SIM_TEXT.get(note)
  if (text === undefined) {
    text = `SIM: ${note}`
    if (SIM_TEXT.size < 256) SIM_TEXT.set(note, text)
  }
  return text
}

/** A traced call to a kernel function whose state fdlab does not model (LSM, IMA, fsnotify...). */
export function tracedStub(k: Traced, fn: string, args: readonly TraceArg[], note: string): void {
  const t = k.trace
  if (!t.on) return
  t.enterArgs(fn, args)
  t.noteOf(note, simText)
  t.exitRet(fn, null)
}
