/**
 * Lab Markdown rendered as React elements from marked's token stream: no HTML string ever reaches
 * the DOM, so a shared lab file cannot inject script or markup. Raw HTML in the Markdown is shown
 * as text; links open only for https (in Electron, the main process hands them to the system
 * browser); images are not loaded (no remote content) and show their alt text.
 */
import { Lexer, type Token, type Tokens } from 'marked'
import { Fragment, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'

export function safeHref(href: string): string | null {
  try {
    const u = new URL(href)
    return u.protocol === 'https:' && !u.username && !u.password ? u.href : null
  } catch {
    return null
  }
}

function inline(tokens: readonly Token[] | undefined, key = ''): ReactNode[] {
  return (tokens ?? []).map((t, i) => inlineToken(t, `${key}${i}`))
}

function inlineToken(t: Token, key: string): ReactNode {
  switch (t.type) {
    case 'text': {
      const tt = t as Tokens.Text
      return tt.tokens ? <Fragment key={key}>{inline(tt.tokens, key)}</Fragment> : <Fragment key={key}>{decode(tt.text)}</Fragment>
    }
    case 'escape': return <Fragment key={key}>{(t as Tokens.Escape).text}</Fragment>
    case 'strong': return <strong key={key}>{inline((t as Tokens.Strong).tokens, key)}</strong>
    case 'em': return <em key={key}>{inline((t as Tokens.Em).tokens, key)}</em>
    case 'del': return <del key={key}>{inline((t as Tokens.Del).tokens, key)}</del>
    case 'codespan': return <code key={key}>{decode((t as Tokens.Codespan).text)}</code>
    case 'br': return <br key={key} />
    case 'link': {
      const l = t as Tokens.Link
      const href = safeHref(l.href)
      return href
        ? <a key={key} href={href} target="_blank" rel="noopener noreferrer">{inline(l.tokens, key)}</a>
        : <span key={key} className="md-link-disabled" title={`link not opened: ${l.href}`}>{inline(l.tokens, key)}</span>
    }
    case 'image': return <span key={key} className="md-image">[image: {(t as Tokens.Image).text}]</span>
    case 'html': return <Fragment key={key}>{(t as Tokens.HTML).text}</Fragment>
    default: return <Fragment key={key}>{'raw' in t ? String(t.raw) : ''}</Fragment>
  }
}

/** marked leaves entities in text tokens; turn the common ones back into characters. */
function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _)
}

function block(t: Token, key: string, renderCode?: (lang: string, code: string, key: string) => ReactNode): ReactNode {
  switch (t.type) {
    case 'heading': {
      const h = t as Tokens.Heading
      const level = Math.min(6, Math.max(1, h.depth + 1)) // the pane's title is the h1
      const Tag = `h${level}` as 'h2'
      return <Tag key={key}>{inline(h.tokens, key)}</Tag>
    }
    case 'paragraph': return <p key={key}>{inline((t as Tokens.Paragraph).tokens, key)}</p>
    case 'text': {
      const tt = t as Tokens.Text
      return <p key={key}>{tt.tokens ? inline(tt.tokens, key) : tt.text}</p>
    }
    case 'code': {
      const c = t as Tokens.Code
      const custom = renderCode?.(c.lang ?? '', c.text, key)
      if (custom !== undefined) return custom
      return <pre key={key} className="md-code"><code>{c.text}</code></pre>
    }
    case 'blockquote': return <blockquote key={key}>{blocks((t as Tokens.Blockquote).tokens, key, renderCode)}</blockquote>
    case 'list': {
      const l = t as Tokens.List
      const items = l.items.map((it, i) => (
        <li key={`${key}-${i}`} className={l.ordered && activeItem(it) ? 'step-active' : undefined} aria-current={l.ordered && activeItem(it) ? 'step' : undefined}>
          {it.task ? <input type="checkbox" checked={!!it.checked} readOnly aria-label={it.checked ? 'done' : 'not done'} /> : null}
          {it.loose ? blocks(it.tokens, `${key}-${i}`, renderCode) : it.tokens.map((x, j) =>
            x.type === 'text' ? <Fragment key={j}>{inline((x as Tokens.Text).tokens, `${key}-${i}-${j}`)}</Fragment> : block(x, `${key}-${i}-${j}`, renderCode))}
        </li>
      ))
      return l.ordered ? <ol key={key} start={typeof l.start === 'number' ? l.start : undefined}>{items}</ol> : <ul key={key}>{items}</ul>
    }
    case 'table': {
      const tb = t as Tokens.Table
      return (
        <table key={key} className="md-table">
          <thead><tr>{tb.header.map((c, i) => <th key={i}>{inline(c.tokens, `${key}h${i}`)}</th>)}</tr></thead>
          <tbody>{tb.rows.map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j}>{inline(c.tokens, `${key}r${i}${j}`)}</td>)}</tr>)}</tbody>
        </table>
      )
    }
    case 'hr': return <hr key={key} />
    case 'html': return <pre key={key} className="md-html">{(t as Tokens.HTML).text}</pre>
    case 'space': return null
    default: return <p key={key}>{'raw' in t ? String(t.raw) : ''}</p>
  }
}

/**
 * Numbered steps that follow the execution: an ordered-list item whose first code span names a
 * function (`get_file(f)`) is marked while that function is on the current thread's path.
 */
let ACTIVE: ReadonlySet<string> = new Set()
function activeItem(it: Tokens.ListItem): boolean {
  if (!ACTIVE.size) return false
  const m = /`([A-Za-z_]\w*)\(/.exec(it.raw)
  return !!m && ACTIVE.has(m[1]!)
}

function blocks(tokens: readonly Token[], key: string, renderCode?: (lang: string, code: string, key: string) => ReactNode): ReactNode[] {
  return tokens.map((t, i) => block(t, `${key}.${i}`, renderCode))
}

export interface MarkdownProps {
  readonly source: string
  /** Render a fenced block specially (scenario blocks as "open in editor" cards); undefined = default. */
  readonly renderCode?: (lang: string, code: string, key: string) => ReactNode
  /** Function names on the current thread's path: numbered steps naming one are marked. */
  readonly active?: ReadonlySet<string>
}

/**
 * A large source is lexed in parts cut at headings outside fenced code, each part when it is
 * first shown: a 5 MB lab opens at once. Lexed parts are kept (most recent sources last), so
 * returning to a tab does not lex again.
 */
const PART = 64 * 1024
const LEXED = new Map<string, { parts: string[]; tokens: (Token[] | null)[] }>()
const LEXED_MAX = 16

export function splitParts(source: string): string[] {
  if (source.length <= PART) return [source]
  const parts: string[] = []
  const lines = source.split('\n')
  let fence: string | null = null
  let cur: string[] = []
  let size = 0
  for (const l of lines) {
    const f = /^\s*(`{3,}|~{3,})/.exec(l)
    if (f) fence = fence === null ? f[1]! : l.trim().startsWith(fence) ? null : fence
    if (fence === null && size >= PART && /^#{1,6}\s/.test(l)) {
      parts.push(cur.join('\n'))
      cur = []
      size = 0
    }
    cur.push(l)
    size += l.length + 1
  }
  parts.push(cur.join('\n'))
  return parts
}

function entry(source: string): { parts: string[]; tokens: (Token[] | null)[] } {
  const hit = LEXED.get(source)
  if (hit) {
    LEXED.delete(source)
    LEXED.set(source, hit)
    return hit
  }
  const parts = splitParts(source)
  const e = { parts, tokens: parts.map(() => null) }
  LEXED.set(source, e)
  if (LEXED.size > LEXED_MAX) LEXED.delete(LEXED.keys().next().value!)
  return e
}

function lexPart(e: { parts: string[]; tokens: (Token[] | null)[] }, i: number): Token[] {
  return (e.tokens[i] ??= new Lexer({ gfm: true }).lex(e.parts[i]!))
}

export function Markdown({ source, renderCode, active }: MarkdownProps) {
  const e = useMemo(() => entry(source), [source])
  const [shown, setShown] = useState(1)
  const sentinel = useRef<HTMLDivElement>(null)
  useEffect(() => setShown(1), [source])
  const more = e.parts.length > shown
  useEffect(() => {
    const el = sentinel.current
    if (!more || !el || typeof IntersectionObserver !== 'function') return
    const io = new IntersectionObserver((es) => { if (es.some((x) => x.isIntersecting)) setShown((n) => n + 1) }, { rootMargin: '800px' })
    io.observe(el)
    return () => io.disconnect()
  }, [more, shown])
  const parts: ReactNode[] = []
  ACTIVE = active ?? new Set()
  try {
    for (let i = 0; i < Math.min(shown, e.parts.length); i++) parts.push(<Fragment key={i}>{blocks(lexPart(e, i), `md${i}`, renderCode)}</Fragment>)
  } finally {
    ACTIVE = new Set()
  }
  return (
    <div className="markdown">
      {parts}
      {more ? (
        <div ref={sentinel} className="md-more">
          <button className="link" onClick={() => setShown((n) => n + 1)}>show more ({e.parts.length - shown} more part{e.parts.length - shown > 1 ? 's' : ''} of this text)</button>
        </div>
      ) : null}
    </div>
  )
}
