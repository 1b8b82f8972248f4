/**
 * Lab C types. Every integer is held as a 64-bit value (a bigint); the declared C type decides
 * the conversion applied when the value is stored, passed or returned (C's conversions), and
 * kernel API parameters convert at the boundary (an fd passed as `unsigned int` turns -1 into
 * 4294967295). Arithmetic happens in 64 bits: unsigned when an operand is a 64-bit unsigned
 * type, signed otherwise (SIM: C would do `int` arithmetic in 32 bits).
 */
export type IntBits = 8 | 16 | 32 | 64

export type Ty =
  | { readonly k: 'int'; readonly name: string; readonly bits: IntBits; readonly signed: boolean }
  | { readonly k: 'void' }
  | { readonly k: 'ptr'; readonly to: Ty; readonly isConst?: boolean }
  | { readonly k: 'array'; readonly elem: Ty; readonly len: number }
  | { readonly k: 'struct'; readonly name: string }
  | { readonly k: 'fn'; readonly params: readonly Ty[]; readonly ret: Ty; readonly variadic: boolean }
  | { readonly k: 'null' }
  | { readonly k: 'err' }

const int = (name: string, bits: IntBits, signed: boolean): Ty => ({ k: 'int', name, bits, signed })

/** Integer type names lab C accepts (the kernel's and C's spellings). */
export const INT_TYPES: Readonly<Record<string, Ty>> = {
  char: int('char', 8, true), 'signed char': int('signed char', 8, true), 'unsigned char': int('unsigned char', 8, false),
  short: int('short', 16, true), 'short int': int('short', 16, true), 'unsigned short': int('unsigned short', 16, false),
  'unsigned short int': int('unsigned short', 16, false), int: int('int', 32, true), 'signed int': int('int', 32, true),
  signed: int('int', 32, true), unsigned: int('unsigned int', 32, false), 'unsigned int': int('unsigned int', 32, false),
  long: int('long', 64, true), 'long int': int('long', 64, true), 'signed long': int('long', 64, true),
  'unsigned long': int('unsigned long', 64, false), 'unsigned long int': int('unsigned long', 64, false),
  'long long': int('long long', 64, true), 'unsigned long long': int('unsigned long long', 64, false),
  bool: int('bool', 8, false), _Bool: int('bool', 8, false),
  u8: int('u8', 8, false), u16: int('u16', 16, false), u32: int('u32', 32, false), u64: int('u64', 64, false),
  s8: int('s8', 8, true), s16: int('s16', 16, true), s32: int('s32', 32, true), s64: int('s64', 64, true),
  uint8_t: int('uint8_t', 8, false), uint16_t: int('uint16_t', 16, false), uint32_t: int('uint32_t', 32, false),
  uint64_t: int('uint64_t', 64, false), int8_t: int('int8_t', 8, true), int16_t: int('int16_t', 16, true),
  int32_t: int('int32_t', 32, true), int64_t: int('int64_t', 64, true),
  size_t: int('size_t', 64, false), ssize_t: int('ssize_t', 64, true), loff_t: int('loff_t', 64, true),
  pid_t: int('pid_t', 32, true), umode_t: int('umode_t', 16, false), fmode_t: int('fmode_t', 32, false),
  gfp_t: int('gfp_t', 32, false), mode_t: int('mode_t', 32, false), off_t: int('off_t', 64, true),
  rlim_t: int('rlim_t', 64, false),
}

/** Kernel typedefs of structs and pointers. */
export const TYPEDEFS: Readonly<Record<string, Ty>> = {
  spinlock_t: { k: 'struct', name: 'spinlock_t' },
  fl_owner_t: { k: 'ptr', to: { k: 'void' } },
}

/** Words that can start a type (besides `struct`, `const`, `unsigned`, `signed`). */
export const TYPE_WORDS: ReadonlySet<string> = new Set([
  ...Object.keys(INT_TYPES).filter((n) => !n.includes(' ')), 'void', ...Object.keys(TYPEDEFS),
])

/** Struct tags that are aliases in the kernel (`#define rcu_head callback_head`). */
export const STRUCT_ALIASES: Readonly<Record<string, string>> = { rcu_head: 'callback_head' }

export const T = {
  int: INT_TYPES.int!,
  long: INT_TYPES.long!,
  uint: INT_TYPES['unsigned int']!,
  ulong: INT_TYPES['unsigned long']!,
  bool: INT_TYPES.bool!,
  char: INT_TYPES.char!,
  void: { k: 'void' } as Ty,
  null: { k: 'null' } as Ty,
  err: { k: 'err' } as Ty,
  str: { k: 'ptr', to: INT_TYPES.char!, isConst: true } as Ty,
  voidp: { k: 'ptr', to: { k: 'void' } } as Ty,
  ptr: (to: Ty): Ty => ({ k: 'ptr', to }),
  struct: (name: string): Ty => ({ k: 'struct', name: STRUCT_ALIASES[name] ?? name }),
  sptr: (name: string): Ty => ({ k: 'ptr', to: { k: 'struct', name: STRUCT_ALIASES[name] ?? name } }),
}

export function isInt(t: Ty): t is Extract<Ty, { k: 'int' }> { return t.k === 'int' }
export function isPtrLike(t: Ty): boolean { return t.k === 'ptr' || t.k === 'null' || t.k === 'array' || t.k === 'fn' }
export function isScalar(t: Ty): boolean { return t.k === 'int' || isPtrLike(t) || t.k === 'err' }
export function isCharPtr(t: Ty): boolean {
  return (t.k === 'ptr' && t.to.k === 'int' && t.to.bits === 8) || (t.k === 'array' && t.elem.k === 'int' && t.elem.bits === 8)
}

export function tyToString(t: Ty): string {
  switch (t.k) {
    case 'int': return t.name
    case 'void': return 'void'
    case 'null': return 'NULL'
    case 'err': return '<error>'
    case 'struct': return t.name.endsWith('_t') ? t.name : `struct ${t.name}`
    case 'array': return `${tyToString(t.elem)}[${t.len < 0 ? '' : t.len}]`
    case 'fn': return `${tyToString(t.ret)} (*)(${t.params.map(tyToString).join(', ')}${t.variadic ? ', ...' : ''})`
    case 'ptr':
      if (t.to.k === 'fn') return tyToString(t.to)
      return `${t.isConst ? 'const ' : ''}${tyToString(t.to)} *`
  }
}

export function sameTy(a: Ty, b: Ty): boolean {
  if (a.k === 'err' || b.k === 'err') return true
  if (a.k !== b.k) return false
  switch (a.k) {
    case 'int': { const bb = b as typeof a; return a.bits === bb.bits && a.signed === bb.signed }
    case 'struct': return a.name === (b as typeof a).name
    case 'ptr': return sameTy(a.to, (b as typeof a).to)
    case 'array': return sameTy(a.elem, (b as typeof a).elem)
    case 'fn': {
      const bb = b as typeof a
      return a.params.length === bb.params.length && a.variadic === bb.variadic && sameTy(a.ret, bb.ret) &&
        a.params.every((p, i) => sameTy(p, bb.params[i]!))
    }
    default: return true
  }
}

/**
 * Can a value of type `from` be stored into `to` (assignment, argument, return)? Returns null when
 * it can, or the reason it cannot.
 */
export function assignable(to: Ty, from: Ty, fromIsZeroLiteral = false): string | null {
  if (to.k === 'err' || from.k === 'err') return null
  if (to.k === 'int') {
    if (from.k === 'int') return null
    if (isPtrLike(from) && to.name === 'bool') return null
    return `cannot use ${tyToString(from)} as ${tyToString(to)}`
  }
  if (to.k === 'ptr') {
    if (from.k === 'null') return null
    if (from.k === 'int' && fromIsZeroLiteral) return null
    if (from.k === 'fn') {
      if (to.to.k === 'fn' && sameTy(to.to, from)) return null
      if (to.to.k === 'void') return null
      return `function of type ${tyToString(from)} does not match ${tyToString(to)}`
    }
    if (from.k === 'array') {
      if (to.to.k === 'void' || sameElem(to.to, from.elem)) return null
      return `cannot use ${tyToString(from)} as ${tyToString(to)}`
    }
    if (from.k === 'ptr') {
      if (to.to.k === 'void' || from.to.k === 'void') return null
      if (to.to.k === 'int' && from.to.k === 'int' ? sameElem(to.to, from.to) : sameTy(to.to, from.to)) return null
      return `cannot use ${tyToString(from)} as ${tyToString(to)}`
    }
    return `cannot use ${tyToString(from)} as ${tyToString(to)}`
  }
  if (to.k === 'struct') {
    if (from.k === 'struct' && from.name === to.name) return null
    return `cannot use ${tyToString(from)} as ${tyToString(to)}`
  }
  if (to.k === 'fn') return sameTy(to, from) ? null : `cannot use ${tyToString(from)} as ${tyToString(to)}`
  if (to.k === 'array') return `cannot assign to an array (${tyToString(to)})`
  if (to.k === 'void') return 'a void value cannot be stored'
  return `cannot use ${tyToString(from)} as ${tyToString(to)}`
}

function sameElem(a: Ty, b: Ty): boolean {
  if (a.k === 'int' && b.k === 'int') return a.bits === b.bits
  return sameTy(a, b)
}

/** C's conversion of a 64-bit value to an integer type. */
export function convertInt(v: bigint, t: Ty): bigint {
  if (t.k !== 'int') return v
  if (t.name === 'bool') return v !== 0n ? 1n : 0n
  return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v)
}

/** The type binary arithmetic happens in: 64-bit, unsigned when an operand is unsigned 64-bit. */
export function arithTy(a: Ty, b: Ty): Ty {
  const u = (t: Ty): boolean => t.k === 'int' && !t.signed && t.bits === 64
  return u(a) || u(b) ? T.ulong : T.long
}

/**
 * Resolve a written type. `knownStruct` says whether a struct tag exists (kernel or lab struct).
 * Returns the type, or a message saying why it is not a type.
 */
export function resolveType(
  ts: { base: string; ptr: number; isConst: boolean; fn?: { params: readonly { base: string; ptr: number; isConst: boolean; fn?: unknown }[]; variadic: boolean } },
  knownStruct: (name: string) => boolean,
): Ty | string {
  let base: Ty
  if (ts.base.startsWith('struct ')) {
    const name = STRUCT_ALIASES[ts.base.slice(7)] ?? ts.base.slice(7)
    if (!knownStruct(name)) return `unknown type 'struct ${name}'`
    base = { k: 'struct', name }
  } else if (ts.base === 'void') base = T.void
  else if (ts.base in TYPEDEFS) base = TYPEDEFS[ts.base]!
  else if (ts.base in INT_TYPES) base = INT_TYPES[ts.base]!
  else return `unknown type '${ts.base}'`
  let t = base
  for (let i = 0; i < ts.ptr; i++) t = { k: 'ptr', to: t, isConst: i === 0 && ts.isConst && t.k === 'int' }
  if (ts.fn) {
    const params: Ty[] = []
    for (const p of ts.fn.params) {
      const r = resolveType(p as typeof ts, knownStruct)
      if (typeof r === 'string') return r
      params.push(r)
    }
    return { k: 'ptr', to: { k: 'fn', params, ret: t, variadic: ts.fn.variadic } }
  }
  return t
}

/** sizeof, in bytes (SIM: kernel structs report 64; lab structs pack their fields without padding). */
export function sizeOfTy(t: Ty, structSize: (name: string) => number | undefined): number {
  switch (t.k) {
    case 'int': return t.bits / 8
    case 'ptr': case 'fn': case 'null': return 8
    case 'array': return Math.max(0, t.len) * sizeOfTy(t.elem, structSize)
    case 'struct': return structSize(t.name) ?? 64
    case 'void': return 1
    case 'err': return 8
  }
}
