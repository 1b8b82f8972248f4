/**
 * What the timeline reads from the trace as a run goes: each thread's call stack and statement
 * position (StackTracker), and the inline values the editor shows next to each lab C line
 * (InlineTracker). Both consume the trace incrementally and are rebuilt with the machine.
 */
import { straceArgs, ERRNO_NAMES, type TraceReader } from '../../engine'
import type { SourceSpan } from '../../../preload/contract'

/**
 * Inline values: each trace event is attributed to the editor line its thread's lab C code was
 * at, so a line shows what its last execution did (`= 3`, `fd 3: file#2→∅`, `file#2 1→0`).
 */
export class InlineTracker {
  private seen = 0
  private readonly editorPos = new Map<number, { line: number; step: number }>()
  /** line → the latest execution (the step the thread reached the line) and its parts. */
  private readonly lines = new Map<number, { exec: number; parts: string[]; refs: Map<string, [number, number]> }>()

  /**
   * Attribute new events. A micro-step that returned to user code and reached its next statement
   * did its work for the line the thread was at (@before), not the new one (@old is then true).
   */
  consume(events: TraceReader, editor: string | undefined, tid: number, step: number,
    marks: readonly { at: number; file: string; line: number }[]): void {
    if (!editor) { this.seen = events.length; return }
    // The last editor line of each thread: work done in a lib's code belongs to the editor line
    // that called it. The stepping thread's line changes at each statement mark, in trace order.
    let mi = 0
    const advance = (upto: number) => {
      for (; mi < marks.length && marks[mi]!.at <= upto; mi++) {
        const mk = marks[mi]!
        if (mk.file !== editor) continue
        const cur = this.editorPos.get(tid)
        // A new execution of a line starts when the thread arrives at it from another line.
        if (!cur || cur.line !== mk.line) this.editorPos.set(tid, { line: mk.line, step: step * 100_000 + mi })
      }
    }
    for (; this.seen < events.length; this.seen++) {
      advance(this.seen)
      const kind = events.kind(this.seen)
      if (kind !== 'ref' && kind !== 'fd' && kind !== 'sys_exit') continue
      const e = events.at(this.seen)
      if (e.e !== 'ref' && e.e !== 'fd' && e.e !== 'sys_exit') continue
      const pos = this.editorPos.get(e.tid)
      if (!pos) continue
      let cur = this.lines.get(pos.line)
      if (!cur || cur.exec !== pos.step) {
        cur = { exec: pos.step, parts: [], refs: new Map() }
        this.lines.set(pos.line, cur)
      }
      if (e.e === 'ref') {
        const r = cur.refs.get(e.file)
        cur.refs.set(e.file, [r ? r[0] : e.from, e.to])
      } else if (e.e === 'fd') cur.parts.push(`fd ${e.fd}: ${e.from ?? '∅'}→${e.to ?? '∅'}`)
      else cur.parts.push(`${e.name}() = ${e.ret < 0 && e.ret >= -4095 ? `-${ERRNO_NAMES[-e.ret] ?? -e.ret}` : e.ret}`)
    }
  }

  /** Marks after the last event (statements reached at the end of the step). */
  finish(n: number, marks: readonly { at: number; file: string; line: number }[], editor: string, tid: number, step: number): void {
    for (const [i, mk] of marks.entries()) {
      if (mk.at < n || mk.file !== editor) continue
      const cur = this.editorPos.get(tid)
      if (!cur || cur.line !== mk.line) this.editorPos.set(tid, { line: mk.line, step: step * 100_000 + i })
    }
  }

  view(): { line: number; text: string }[] {
    const out: { line: number; text: string }[] = []
    for (const [line, v] of this.lines) {
      const refs = [...v.refs].filter(([, [a, b]]) => a !== b).map(([f, [a, b]]) => `${f} ${a}→${b}`)
      const parts = [...new Set([...v.parts, ...refs])]
      if (parts.length) out.push({ line, text: parts.length > 3 ? `${parts.slice(0, 3).join(' · ')} · …` : parts.join(' · ') })
    }
    return out.sort((a, b) => a.line - b.line)
  }
}

/** Per-thread call stacks and statement positions, maintained from the trace incrementally. */
export class StackTracker {
  private seen = 0
  readonly stacks = new Map<number, string[]>()
  readonly where = new Map<number, SourceSpan | null>()
  /** Lab C positions from the probe: thread → file and position, and the step it moved at. */
  readonly lab = new Map<number, { file: string; line: number; col: number; step: number }>()

  at(step: number, tid: number, p: { file: string; line: number; col: number }): void {
    const cur = this.lab.get(tid)
    if (!cur || cur.file !== p.file || cur.line !== p.line || cur.col !== p.col) this.lab.set(tid, { ...p, step })
  }

  /** Whether @tid's lab C statement changed at micro-step @step (a kernel-side statement boundary). */
  movedAt(step: number, tid: number): boolean {
    return this.lab.get(tid)?.step === step
  }

  consume(events: TraceReader): void {
    for (; this.seen < events.length; this.seen++) {
      const kind = events.kind(this.seen)
      if (kind !== 'user' && kind !== 'sys_enter' && kind !== 'sys_exit' && kind !== 'enter' && kind !== 'exit') {
        // Nothing to read in it (no event built), but its thread has a stack from now on.
        const tid = events.tidAt(this.seen)
        if (!this.stacks.has(tid)) this.stacks.set(tid, [])
        continue
      }
      const e = events.at(this.seen)
      const st = this.stacks.get(e.tid) ?? []
      switch (e.e) {
        case 'user':
          st.length = 0
          this.where.set(e.tid, e.line > 0 ? { line: e.line, col: e.col } : null)
          break
        case 'sys_enter': st.push(`${e.name}(${straceArgs(e.name, e.args)})`); break
        case 'sys_exit': st.pop(); break
        case 'enter': st.push(e.fn); break
        case 'exit': st.pop(); break
        default: break
      }
      this.stacks.set(e.tid, st)
    }
  }
}
