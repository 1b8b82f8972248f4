/** Presenter slides (contract item 4): the lab's `lab.slides` when present, else its `##` sections. */
import type { SlideView } from '../../../preload/contract'

/** Slides: the lab's own, or one per `##` section of its instructions. */
export function slidesFrom(given: readonly SlideView[] | undefined, markdown: string): SlideView[] {
  if (given?.length) return [...given]
  const out: SlideView[] = []
  let cur: { title: string; lines: string[]; line: number } | null = null
  markdown.split('\n').forEach((l, i) => {
    const m = /^##\s+(.*)$/.exec(l)
    if (m) {
      if (cur) out.push({ title: cur.title, markdown: cur.lines.join('\n'), line: cur.line })
      cur = { title: m[1]!.trim(), lines: [], line: i + 1 }
    } else if (cur) cur.lines.push(l)
  })
  if (cur) {
    const c = cur as { title: string; lines: string[]; line: number }
    out.push({ title: c.title, markdown: c.lines.join('\n'), line: c.line })
  }
  return out
}
