/**
 * Views of recently visited steps, so that stepping back and forth is instant (time travel
 * re-executes from the start otherwise). Views hold only the visible window of fds, so a change
 * of window empties the cache.
 */
export class ViewCache<V> {
  /** The fds [from, to) the views show (at most 4096 at a time). */
  window: [number, number] = [0, 64]
  private readonly map = new Map<number, V>()

  constructor(private readonly max = 2048) {}

  setWindow(from: number, to: number): void {
    const w: [number, number] = [Math.max(0, from), Math.max(from + 1, Math.min(to, from + 4096))]
    if (w[0] !== this.window[0] || w[1] !== this.window[1]) {
      this.window = w
      this.map.clear()
    }
  }

  has(step: number): boolean {
    return this.map.has(step)
  }

  /** The view of @step; `touch` marks it recently used (it is evicted last). */
  get(step: number, touch = false): V | undefined {
    const v = this.map.get(step)
    if (v !== undefined && touch) {
      this.map.delete(step)
      this.map.set(step, v)
    }
    return v
  }

  put(step: number, v: V): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!)
    this.map.set(step, v)
  }

  /** Forget the views after @step (the run changed from there on). */
  dropAfter(step: number): void {
    for (const k of [...this.map.keys()]) if (k > step) this.map.delete(k)
  }
}
