/**
 * Slides: a lab presented one slide at a time (presenter mode). In the lab's Markdown an HTML
 * comment line `<!-- slide -->` starts a new slide; `<!-- slide scenario=NAME goto=LABEL -->`
 * also makes the app open scenario NAME and run it to the lab C label LABEL when the slide is
 * shown, so the instructor talks over the live panes. A lab without slide comments has one slide
 * per `##` section (the text before the first `##` is the title slide).
 *
 * The comments are invisible when the lab is rendered as ordinary Markdown. Markers and headings
 * inside fenced blocks do not count. Parsing never throws: problems are diagnostics.
 */
import type { DiagCode } from './diagnostics'
import { fences, parseInfo } from './markdown'

export interface Slide {
  /** The slide's first heading, without the #s (the lab's title when it has none). */
  readonly title: string
  /** The slide's Markdown, marker line excluded, fenced blocks included as written. */
  readonly markdown: string
  /** Scenario to open when the slide is shown. */
  readonly scenario?: string
  /** Label to run the scenario to (needs scenario). */
  readonly goto?: string
  /** 1-based line in the lab file where the slide starts (its marker, or its heading). */
  readonly line: number
}

type Report = (line: number, col: number, code: DiagCode, message: string, severity?: 'error' | 'warning') => void

const MARKER = /^\s{0,3}<!--\s*slide\b(.*?)-->\s*$/
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/
const SLIDE_ATTRS = ['scenario', 'goto']

/** Scenario names with the labels their code defines. */
export type ScenarioLabels = ReadonlyMap<string, ReadonlySet<string>>

/** Labels (`label NAME;`) in a piece of lab C. */
export function labelsIn(code: string): Set<string> {
  const out = new Set<string>()
  for (const m of code.matchAll(/\blabel\s+([A-Za-z_][A-Za-z0-9_]*)\s*;/g)) out.add(m[1]!)
  return out
}

/**
 * Split the body of a lab (lines from @bodyLine, 1-based) into slides. @scenarios checks the
 * markers' scenario= and goto=; @report receives problems.
 */
export function parseSlides(lines: readonly string[], bodyLine: number, labTitle: string, scenarios: ScenarioLabels, report: Report): Slide[] {
  const inFence = new Set<number>()
  for (const f of fences(lines, bodyLine)) for (let l = f.openLine; l <= f.closeLine; l++) inFence.add(l)
  const markers: { line: number; scenario?: string; goto?: string }[] = []
  for (let l = bodyLine; l <= lines.length; l++) {
    if (inFence.has(l)) continue
    const m = MARKER.exec(lines[l - 1]!)
    if (!m) continue
    const attrText = m[1]!.trim()
    const text = lines[l - 1]!
    const attrStart = attrText ? text.indexOf(attrText, text.indexOf('slide') + 5) + 1 : 1
    const info = parseInfo(attrText ? `slide ${attrText}` : 'slide', attrStart - 6)
    const mk: { line: number; scenario?: string; goto?: string } = { line: l }
    if ('error' in info) report(l, info.col, 'block', `slide marker: ${info.error}`)
    else {
      for (const a of info.attrs) {
        if (!SLIDE_ATTRS.includes(a.key)) { report(l, a.col, 'block', `unknown attribute '${a.key}' on a slide marker (known: ${SLIDE_ATTRS.join(', ')})`, 'warning'); continue }
        if (!a.value) { report(l, a.col, 'block', `${a.key}= needs a value`); continue }
        if (a.key === 'scenario') mk.scenario = a.value
        else mk.goto = a.value
      }
      if (mk.scenario !== undefined && !scenarios.has(mk.scenario)) {
        report(l, 1, 'block', `slide: no scenario named '${mk.scenario}' in this lab`)
        delete mk.scenario
        delete mk.goto
      } else if (mk.goto !== undefined && mk.scenario === undefined) {
        report(l, 1, 'block', 'slide: goto= needs scenario= (the scenario to run to the label)')
        delete mk.goto
      } else if (mk.goto !== undefined && !scenarios.get(mk.scenario!)!.has(mk.goto)) {
        report(l, 1, 'block', `slide: scenario '${mk.scenario}' has no 'label ${mk.goto};'`)
        delete mk.goto
      }
    }
    markers.push(mk)
  }

  const cuts: { line: number; from: number; scenario?: string; goto?: string }[] = []
  if (markers.length) {
    // Text before the first marker is a slide of its own when it holds anything.
    const pre = lines.slice(bodyLine - 1, markers[0]!.line - 1)
    if (pre.some((s) => s.trim())) cuts.push({ line: bodyLine, from: bodyLine })
    for (const mk of markers) cuts.push({ line: mk.line, from: mk.line + 1, scenario: mk.scenario, goto: mk.goto })
  } else {
    let first = true
    for (let l = bodyLine; l <= lines.length; l++) {
      if (inFence.has(l)) continue
      const h = HEADING.exec(lines[l - 1]!)
      if (!h || h[1]!.length !== 2) continue
      if (first && lines.slice(bodyLine - 1, l - 1).some((s) => s.trim())) cuts.push({ line: bodyLine, from: bodyLine })
      first = false
      cuts.push({ line: l, from: l })
    }
    if (first && lines.slice(bodyLine - 1).some((s) => s.trim())) cuts.push({ line: bodyLine, from: bodyLine })
  }

  const slides: Slide[] = []
  for (let i = 0; i < cuts.length; i++) {
    const c = cuts[i]!
    const end = i + 1 < cuts.length ? cuts[i + 1]!.line - 1 : lines.length
    const body = lines.slice(c.from - 1, end)
    while (body.length && !body[body.length - 1]!.trim()) body.pop()
    while (body.length && !body[0]!.trim()) body.shift()
    let title = labTitle
    for (let l = c.from; l <= end; l++) {
      if (inFence.has(l)) continue
      const h = HEADING.exec(lines[l - 1]!)
      if (h) { title = h[2]!; break }
    }
    const s: { -readonly [K in keyof Slide]: Slide[K] } = { title, markdown: body.join('\n'), line: c.line }
    if (c.scenario !== undefined) s.scenario = c.scenario
    if (c.goto !== undefined) s.goto = c.goto
    slides.push(s)
  }
  return slides
}
