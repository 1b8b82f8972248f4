/**
 * A kernel bitmap drawn bit by bit from the engine's 64-bit words (16 hex digits each, word 0
 * first). Bit i of word w is fd (or word) `base + 64*w + i`. The accessible name lists the set
 * bits, so a screen reader hears "open_fds: 0, 1, 2" rather than a row of boxes.
 */
import { memo } from 'react'
export interface BitmapProps {
  readonly name: string
  readonly words: readonly string[]
  /** Index of bit 0 of word 0. */
  readonly base: number
  /** How many bits to draw (the window); the rest of the last word is omitted. */
  readonly bits: number
  /** Bits changed at this step (absolute indices). */
  readonly changed?: ReadonlySet<number>
}

export function setBits(words: readonly string[], base: number, bits: number): number[] {
  const out: number[] = []
  words.forEach((hex, w) => {
    const v = BigInt('0x' + (hex || '0'))
    for (let i = 0; i < 64 && w * 64 + i < bits; i++) if ((v >> BigInt(i)) & 1n) out.push(base + w * 64 + i)
  })
  return out
}

const sameSet = (a: ReadonlySet<number> | undefined, b: ReadonlySet<number> | undefined) =>
  a === b || (!!a && !!b && a.size === b.size && [...a].every((x) => b.has(x))) || ((a?.size ?? 0) === 0 && (b?.size ?? 0) === 0)
const sameWords = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((w, i) => w === b[i]))

/** A bitmap drawn again only when its words, window or changed bits differ (a step changes one bit of one map). */
export const Bitmap = memo(BitmapView, (a, b) => a.name === b.name && a.base === b.base && a.bits === b.bits && sameWords(a.words, b.words) && sameSet(a.changed, b.changed))

function BitmapView({ name, words, base, bits, changed }: BitmapProps) {
  const set = new Set(setBits(words, base, bits))
  const n = Math.min(bits, words.length * 64)
  const cells = []
  for (let i = 0; i < n; i++) {
    const idx = base + i
    const cls = `bit${set.has(idx) ? ' on' : ''}${changed?.has(idx) ? ' changed' : ''}${i % 8 === 0 ? ' byte' : ''}`
    cells.push(<span key={i} className={cls} />)
  }
  const list = [...set]
  const label = `${name}: ${list.length ? summarize(list) : 'none set'}`
  return (
    <div className="bitmap-row">
      <span className="bitmap-name">{name}</span>
      <span className="bitmap" role="img" aria-label={label} title={label}>{cells}</span>
      <code className="bitmap-hex">{words.map((w) => '0x' + w.replace(/^0+(?=.)/, '')).join(' ')}</code>
    </div>
  )
}

/** "0-2, 5, 9-12" */
export function summarize(sorted: readonly number[]): string {
  const parts: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`)
    i = j + 1
  }
  return parts.join(', ')
}
