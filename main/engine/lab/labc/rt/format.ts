/**
 * printf/printk formatting (%d %i %u %x %X %o %c %s %p %%, flags '-' '0', width, precision for
 * %s, length modifiers hh h l ll z). Pointers print as the object's id (SIM: no addresses).
 */
import { utf8Decode } from '../../utf8'
import { ErrPtr, LabStruct, type Value } from './values'

export function formatC(fmt: string, args: readonly Value[]): string {
  let ai = 0
  return fmt.replace(/%([-+ #0]*)([0-9]*)(?:\.([0-9]+))?(hh|h|ll|l|z)?([diouxXcsp%])/g, (_m, flags: string, width: string, prec: string | undefined, len: string | undefined, conv: string) => {
    if (conv === '%') return '%'
    const v = args[ai++] ?? null
    let s: string
    const wide = len === 'l' || len === 'll' || len === 'z'
    const bits = wide ? 64 : len === 'h' ? 16 : len === 'hh' ? 8 : 32
    const n = typeof v === 'bigint' ? v : 0n
    switch (conv) {
      case 'd': case 'i': s = BigInt.asIntN(bits, n).toString(); if (flags.includes('+') && !s.startsWith('-')) s = '+' + s; break
      case 'u': s = BigInt.asUintN(bits, n).toString(); break
      case 'x': s = BigInt.asUintN(bits, n).toString(16); if (flags.includes('#') && n !== 0n) s = '0x' + s; break
      case 'X': s = BigInt.asUintN(bits, n).toString(16).toUpperCase(); if (flags.includes('#') && n !== 0n) s = '0X' + s; break
      case 'o': s = BigInt.asUintN(bits, n).toString(8); break
      case 'c': s = String.fromCharCode(Number(BigInt.asUintN(8, n))); break
      case 's': s = v instanceof Uint8Array ? utf8Decode(v) : typeof v === 'string' ? v : '(null)'; if (prec !== undefined) s = s.slice(0, Number(prec)); break
      case 'p': s = pointerName(v); break
      default: s = ''
    }
    const w = Number(width || 0)
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w)
      else if (flags.includes('0') && /[diouxX]/.test(conv)) s = s.startsWith('-') ? '-' + s.slice(1).padStart(w - 1, '0') : s.padStart(w, '0')
      else s = s.padStart(w)
    }
    return s
  })
}

export function pointerName(v: Value): string {
  if (v === null || v === 0n) return '(nil)'
  if (v instanceof ErrPtr) return `ERR_PTR(${v.err})`
  if (v instanceof LabStruct) return v.id
  if (typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string') return (v as { id: string }).id
  if (typeof v === 'object' && (v as { kind?: string }).kind === 'func') return (v as { name: string }).name
  return typeof v === 'string' ? 'string' : 'ptr'
}
