/**
 * The terminal's line discipline, without a DOM: turns keystroke data from xterm.js into edits of
 * one input line, history, and requests (submit a line, complete it, cancel). It never interprets
 * a command: submitted lines go to the session, which answers.
 */
export type LineEvent =
  | { readonly kind: 'submit'; readonly line: string }
  | { readonly kind: 'complete'; readonly line: string }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'clear' }

export const PROMPT = '\x1b[1;32mfdlab>\x1b[0m '
export const PROMPT_WIDTH = 7

export class LineEditor {
  buffer = ''
  cursor = 0
  readonly history: string[] = []
  private histIndex = -1
  private stash = ''

  constructor(private readonly maxHistory = 500) {}

  /** Feed raw input; returns the events it produced, in order. */
  feed(data: string): LineEvent[] {
    const out: LineEvent[] = []
    let i = 0
    while (i < data.length) {
      const rest = data.slice(i)
      const esc = /^\x1b(?:\[(?:[0-9;]*)([A-Za-z~])|O([A-Za-z]))/.exec(rest)
      if (esc) {
        const seq = esc[0]
        const code = esc[1] ?? esc[2]
        if (code === 'A') this.historyMove(1)
        else if (code === 'B') this.historyMove(-1)
        else if (code === 'C') this.cursor = Math.min(this.buffer.length, this.cursor + 1)
        else if (code === 'D') this.cursor = Math.max(0, this.cursor - 1)
        else if (code === 'H' || seq === '\x1b[1~') this.cursor = 0
        else if (code === 'F' || seq === '\x1b[4~') this.cursor = this.buffer.length
        else if (seq === '\x1b[3~') this.buffer = this.buffer.slice(0, this.cursor) + this.buffer.slice(this.cursor + 1)
        i += seq.length
        continue
      }
      const ch = data[i]!
      i++
      if (ch === '\r' || ch === '\n') {
        if (ch === '\n' && data[i - 2] === '\r') continue
        const line = this.buffer
        if (line.trim() && this.history[0] !== line) {
          this.history.unshift(line)
          if (this.history.length > this.maxHistory) this.history.pop()
        }
        this.buffer = ''
        this.cursor = 0
        this.histIndex = -1
        out.push({ kind: 'submit', line })
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.cursor > 0) {
          this.buffer = this.buffer.slice(0, this.cursor - 1) + this.buffer.slice(this.cursor)
          this.cursor--
        }
      } else if (ch === '\t') out.push({ kind: 'complete', line: this.buffer.slice(0, this.cursor) })
      else if (ch === '\x03') {
        this.buffer = ''
        this.cursor = 0
        this.histIndex = -1
        out.push({ kind: 'cancel' })
      } else if (ch === '\x0c') out.push({ kind: 'clear' })
      else if (ch === '\x15') {
        this.buffer = this.buffer.slice(this.cursor)
        this.cursor = 0
      } else if (ch === '\x01') this.cursor = 0
      else if (ch === '\x05') this.cursor = this.buffer.length
      else if (ch >= ' ' && ch !== '\x1b') {
        this.buffer = this.buffer.slice(0, this.cursor) + ch + this.buffer.slice(this.cursor)
        this.cursor++
      }
    }
    return out
  }

  private historyMove(dir: 1 | -1): void {
    if (this.histIndex === -1) this.stash = this.buffer
    const next = Math.max(-1, Math.min(this.history.length - 1, this.histIndex + dir))
    this.histIndex = next
    this.buffer = next === -1 ? this.stash : this.history[next]!
    this.cursor = this.buffer.length
  }

  /** Apply a completion: replace the text from `start` to the cursor with `text`. */
  complete(start: number, text: string): void {
    this.buffer = this.buffer.slice(0, start) + text + this.buffer.slice(this.cursor)
    this.cursor = start + text.length
  }

  /** The escape sequence that redraws the prompt and the line with the cursor in place. */
  render(): string {
    const back = this.buffer.length - this.cursor
    return `\r\x1b[2K${PROMPT}${this.buffer}${back ? `\x1b[${back}D` : ''}`
  }
}

/** Longest common prefix of completion candidates. */
export function commonPrefix(words: readonly string[]): string {
  if (!words.length) return ''
  let p = words[0]!
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1)
  return p
}
