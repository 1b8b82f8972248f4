/**
 * Bitmaps with the kernel's granularity: unsigned long words of BITS_PER_LONG = 64 bits.
 * @kernel include/linux/bitmap.h, include/linux/find.h, lib/find_bit.c
 * SIM: a 64-bit word is stored as two 32-bit halves (low half first) in a Uint32Array, so the
 * searches run in native integer arithmetic; word numbering and sizes are those of the kernel.
 */
export const BITS_PER_LONG = 64

export class Bitmap {
  /** Number of 64-bit words. */
  readonly words: number
  readonly u32: Uint32Array

  constructor(nbits: number) {
    this.words = Math.max(1, Math.ceil(nbits / BITS_PER_LONG))
    this.u32 = new Uint32Array(this.words * 2)
  }

  get nbits(): number {
    return this.words * BITS_PER_LONG
  }

  test(i: number): boolean {
    const h = i >>> 5
    if (h >= this.u32.length) return false
    return ((this.u32[h]! >>> (i & 31)) & 1) === 1
  }

  set(i: number): void {
    const h = i >>> 5
    this.u32[h] = this.u32[h]! | (1 << (i & 31))
  }

  clear(i: number): void {
    const h = i >>> 5
    if (h < this.u32.length) this.u32[h] = this.u32[h]! & ~(1 << (i & 31))
  }

  /** True when 64-bit word `w` has every bit set (~0UL). */
  wordFull(w: number): boolean {
    return this.u32[2 * w] === 0xffffffff && this.u32[2 * w + 1] === 0xffffffff
  }

  wordZero(w: number): boolean {
    return this.u32[2 * w] === 0 && this.u32[2 * w + 1] === 0
  }

  /** The word as a hex string, most significant half first (for display). */
  wordHex(w: number): string {
    const hi = (this.u32[2 * w + 1] ?? 0).toString(16).padStart(8, '0')
    const lo = (this.u32[2 * w] ?? 0).toString(16).padStart(8, '0')
    return hi + lo
  }

  clearWord(w: number): void {
    this.u32[2 * w] = 0
    this.u32[2 * w + 1] = 0
  }

  /** find_next_zero_bit(addr, size, offset): first clear bit >= offset, or size. */
  findNextZero(size: number, offset: number): number {
    let i = offset
    while (i < size) {
      const h = i >>> 5
      const inv = ~this.u32[h]! >>> 0
      const masked = (inv >>> (i & 31)) << (i & 31) >>> 0
      if (masked !== 0) {
        const bit = (h << 5) + ctz32(masked)
        return bit < size ? bit : size
      }
      i = (h + 1) << 5
    }
    return size
  }

  /** find_next_bit(addr, size, offset): first set bit >= offset, or size. */
  findNextSet(size: number, offset: number): number {
    let i = offset
    while (i < size) {
      const h = i >>> 5
      const v = this.u32[h]!
      const masked = (v >>> (i & 31)) << (i & 31) >>> 0
      if (masked !== 0) {
        const bit = (h << 5) + ctz32(masked)
        return bit < size ? bit : size
      }
      i = (h + 1) << 5
    }
    return size
  }

  /** find_last_bit(addr, size): last set bit < size, or size when none. */
  findLastSet(size: number): number {
    for (let h = Math.min(this.u32.length, Math.ceil(size / 32)) - 1; h >= 0; h--) {
      let v = this.u32[h]!
      if (h === (size >>> 5) && (size & 31)) v &= (1 << (size & 31)) - 1
      if (v !== 0) return (h << 5) + 31 - Math.clz32(v)
    }
    return size
  }

  /** Number of set bits below `size`. */
  weight(size: number = this.nbits): number {
    let n = 0
    for (let i = this.findNextSet(size, 0); i < size; i = this.findNextSet(size, i + 1)) n++
    return n
  }

  /** A copy resized to `nbits` (new tail zeroed, extra bits dropped at word granularity). */
  copy(nbits: number): Bitmap {
    const b = new Bitmap(nbits)
    b.u32.set(this.u32.subarray(0, Math.min(this.u32.length, b.u32.length)))
    return b
  }

  /** Set bits below `size`, ascending (for snapshots). */
  *bits(size: number = this.nbits): IterableIterator<number> {
    for (let i = this.findNextSet(size, 0); i < size; i = this.findNextSet(size, i + 1)) yield i
  }
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x)
}
