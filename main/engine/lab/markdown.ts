/**
 * The little Markdown a lab file needs: YAML front matter and fenced code blocks (CommonMark
 * fences: ``` or ~~~, up to three spaces of indentation, an info string, a closing fence at
 * least as long). Everything else is prose and passes through untouched.
 */

export interface Fence {
  /** 1-based line of the opening fence. */
  readonly openLine: number
  /** 1-based line of the closing fence (the last line of the file when unclosed). */
  readonly closeLine: number
  readonly closed: boolean
  readonly info: string
  /** Column (1-based) where the info string starts. */
  readonly infoCol: number
  /** The block's content, with the fence's indentation removed. */
  readonly content: string
}

export interface FrontMatter {
  /** The YAML text between the two `---` lines. */
  readonly yaml: string
  /** 1-based line of the opening `---`. The YAML starts on the next line. */
  readonly startLine: number
  /** 1-based line of the closing `---`. */
  readonly endLine: number
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/)
}

export function frontMatter(lines: readonly string[]): FrontMatter | null | 'unclosed' {
  // A byte-order mark (editors on Windows write one) does not hide the front matter.
  if (lines[0]?.replace(/^\uFEFF/, '').trimEnd() !== '---') return null
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!.trimEnd()
    if (l === '---' || l === '...') return { yaml: lines.slice(1, i).join('\n'), startLine: 1, endLine: i + 1 }
  }
  return 'unclosed'
}

const OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/

/** Every fenced block after line `fromLine` (1-based). */
export function fences(lines: readonly string[], fromLine: number): Fence[] {
  const out: Fence[] = []
  for (let i = fromLine - 1; i < lines.length; i++) {
    const m = OPEN.exec(lines[i]!)
    if (!m) continue
    const indent = m[1]!.length
    const marker = m[2]!
    const info = m[3]!
    // A backtick fence's info string may not contain backticks (CommonMark).
    if (marker[0] === '`' && info.includes('`')) continue
    const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`)
    let j = i + 1
    while (j < lines.length && !close.test(lines[j]!)) j++
    const closed = j < lines.length
    const body = lines.slice(i + 1, j).map((l) => {
      let k = 0
      while (k < indent && l[k] === ' ') k++
      return l.slice(k)
    })
    const lead = info.length - info.trimStart().length
    out.push({
      openLine: i + 1,
      closeLine: closed ? j + 1 : lines.length,
      closed,
      info: info.trim(),
      infoCol: indent + marker.length + lead + 1,
      content: body.join('\n'),
    })
    i = j
  }
  return out
}

export interface InfoAttr { readonly key: string; readonly value: string | null; readonly col: number }

/**
 * Split an info string: the first word is the language, the rest `key=value`, `key="a b"` or
 * bare flags. Returns null and a message on a malformed string.
 */
export function parseInfo(info: string, col: number): { lang: string; attrs: InfoAttr[] } | { error: string; col: number } {
  const attrs: InfoAttr[] = []
  let i = 0
  const word = (): string => {
    const s = i
    while (i < info.length && !/[\s=]/.test(info[i]!)) i++
    return info.slice(s, i)
  }
  const lang = word()
  while (i < info.length) {
    while (i < info.length && /\s/.test(info[i]!)) i++
    if (i >= info.length) break
    const at = col + i
    const key = word()
    if (!key) return { error: `unexpected '${info[i]}' in the info string`, col: at }
    if (info[i] !== '=') { attrs.push({ key, value: null, col: at }); continue }
    i++
    let value: string
    if (info[i] === '"') {
      const end = info.indexOf('"', i + 1)
      if (end < 0) return { error: `unterminated quoted value for '${key}'`, col: at }
      value = info.slice(i + 1, end)
      i = end + 1
    } else {
      const s = i
      while (i < info.length && !/\s/.test(info[i]!)) i++
      value = info.slice(s, i)
    }
    attrs.push({ key, value, col: at })
  }
  return { lang, attrs }
}
