/** UTF-8 without TextEncoder/TextDecoder (the engine declares no DOM or Node types). */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = []
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return Uint8Array.from(out)
}

/** Decode bytes up to the first NUL; invalid sequences become U+FFFD. */
export function utf8Decode(b: Uint8Array, end = b.length): string {
  let s = ''
  let i = 0
  while (i < end && b[i] !== 0) {
    const c = b[i]!
    let cp = 0xfffd
    let n = 1
    if (c < 0x80) cp = c
    else if (c >= 0xc2 && c < 0xe0 && i + 1 < end && (b[i + 1]! & 0xc0) === 0x80) { cp = ((c & 31) << 6) | (b[i + 1]! & 63); n = 2 }
    else if (c >= 0xe0 && c < 0xf0 && i + 2 < end && (b[i + 1]! & 0xc0) === 0x80 && (b[i + 2]! & 0xc0) === 0x80) { cp = ((c & 15) << 12) | ((b[i + 1]! & 63) << 6) | (b[i + 2]! & 63); n = 3 }
    else if (c >= 0xf0 && c < 0xf5 && i + 3 < end && (b[i + 1]! & 0xc0) === 0x80 && (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80) {
      cp = ((c & 7) << 18) | ((b[i + 1]! & 63) << 12) | ((b[i + 2]! & 63) << 6) | (b[i + 3]! & 63); n = 4
    }
    s += String.fromCodePoint(cp > 0x10ffff ? 0xfffd : cp)
    i += n
  }
  return s
}
