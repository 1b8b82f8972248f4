/** A set of non-negative integers stored as sorted, disjoint, non-adjacent [lo, hi) ranges. */
export class IntervalSet {
  /** Flat pairs: lo0, hi0, lo1, hi1, ... */
  private r: number[] = []

  clone(): IntervalSet {
    const c = new IntervalSet()
    c.r = this.r.slice()
    return c
  }

  /** Index of the first range whose hi > x (in pairs). */
  private find(x: number): number {
    const r = this.r
    let lo = 0
    let hi = r.length >> 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (r[2 * mid + 1]! > x) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  has(x: number): boolean {
    const i = this.find(x)
    return 2 * i < this.r.length && this.r[2 * i]! <= x
  }

  add(x: number): void {
    if (!this.has(x)) this.addRange(x, x + 1)
  }

  /** Whether every integer of [lo, hi) is in the set. */
  covers(lo: number, hi: number): boolean {
    if (hi <= lo) return true
    const i = this.find(lo)
    return 2 * i < this.r.length && this.r[2 * i]! <= lo && this.r[2 * i + 1]! >= hi
  }

  /** Adds [lo, hi). */
  addRange(lo: number, hi: number): void {
    if (hi <= lo) return
    const r = this.r
    // first range with hi >= lo (touching counts) and first with lo > hi
    let i = this.find(lo - 1)
    let j = i
    while (2 * j < r.length && r[2 * j]! <= hi) j++
    if (i < j) {
      lo = Math.min(lo, r[2 * i]!)
      hi = Math.max(hi, r[2 * (j - 1) + 1]!)
    }
    r.splice(2 * i, 2 * (j - i), lo, hi)
    void i
  }

  /** The sub-ranges of [lo, hi) that are not in the set. */
  gaps(lo: number, hi: number): [number, number][] {
    const out: [number, number][] = []
    if (hi <= lo) return out
    const r = this.r
    let x = lo
    for (let i = this.find(lo); 2 * i < r.length && x < hi; i++) {
      const a = r[2 * i]!
      const b = r[2 * i + 1]!
      if (a > x) out.push([x, Math.min(a, hi)])
      x = Math.max(x, b)
    }
    if (x < hi) out.push([x, hi])
    return out
  }

  /** Number of ranges (for tests and memory checks). */
  get ranges(): number {
    return this.r.length >> 1
  }
}
