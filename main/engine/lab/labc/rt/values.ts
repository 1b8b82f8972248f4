/**
 * Run-time values of lab C. Integers are bigints normalized to their static type; kernel
 * objects are the engine's own objects (so the panes and the sanitizer see what lab C did);
 * lab structs are typed records (SIM: never raw memory).
 */
import type { Kernel, DelayedWork } from '../../../kernel/include/kernel'
import { nextId } from '../../../sim/context'
import type { CallbackHead, StructFd } from '../../../kernel/include/types'
import { newMutex, newSpinLock } from '../../../kernel/kernel/locking'
import type { FuncDef, Pos } from '../ast'
import type { Program } from '../checker'
import { convertInt, type Ty } from '../types'

export type Value = bigint | string | null | object

/**
 * What a local holds when a goto jumped over its declaration into its scope: C leaves it
 * uninitialised (the stack's old contents). Reading it is reported (rule uninit-value, as KMSAN
 * would); SIM: the read then sees the type's zero value.
 */
export class Uninit {
  constructor(readonly name: string, readonly decl: Pos, readonly jump: Pos | null) {}
}

/** An instance of a struct defined in the lab (kmalloc'd, global or on the stack). */
export class LabStruct {
  freed = false
  constructor(readonly name: string, readonly id: string, readonly fields: Value[]) {}
}

/** A pointer to an integer (`&x`, `loff_t *pos`, `int *wstatus`). */
export class IntRef {
  constructor(readonly get: () => bigint, readonly set: (v: bigint) => void, readonly what: string) {}
}

/** ERR_PTR(-errno). */
export class ErrPtr {
  constructor(readonly err: bigint) {}
}

/** An array of pointers or structs (int and char arrays are BigInt64Array and Uint8Array). */
export class PtrArray {
  constructor(readonly items: Value[]) {}
}

/** A read-only view of a kernel array (fdt->fd). */
export class KArray {
  constructor(readonly obj: string, readonly length: () => number, readonly get: (i: number) => Value) {}
}

/**
 * The limits a run can hit (docs/limits.md): lab C statements ('budget'), nested calls
 * ('recursion'), simulated memory ('memory'), program output ('output'). A run that hits one
 * stops as a whole: its verdict is `budget`, never a pass.
 */
export type LimitCode = 'budget' | 'recursion' | 'memory' | 'output'
export const LIMIT_CODES: ReadonlySet<string> = new Set<LimitCode>(['budget', 'recursion', 'memory', 'output'])
export const isLimitError = (e: unknown): boolean => e instanceof LabCError && LIMIT_CODES.has(e.code)

/** A lab C run-time error: the thread (user code) or the run (kernel code) stops. */
export class LabCError extends Error {
  constructor(
    readonly code: 'runtime' | LimitCode,
    readonly file: string,
    readonly pos: Pos,
    message: string,
    readonly kernel: boolean,
  ) {
    super(message)
  }
}

export interface ExpectFailure {
  readonly file: string
  readonly pos: Pos
  readonly text: string
  readonly message: string | null
  readonly step: number
  readonly tid: number
}

/** A function value: a lab function (FuncDef) or NULL. */
export function isFunc(v: Value): v is FuncDef {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'func' && 'params' in v
}

export function emptyFd(k: Kernel): StructFd {
  return { id: 'fd#empty', file: null, gen: 0, flags: 0, fd: -1, kind: 'fdget', owner: k.current, released: true }
}

export function newCallbackHead(container: unknown): CallbackHead {
  return { next: null, func: null, container }
}

/** Remembers which lab struct embeds which object, for container_of. */
export type Containers = WeakMap<object, { owner: LabStruct; field: string }>

/** The zero value of a type (lab C zero-initializes every variable: SIM, C would not). */
export function zeroValue(t: Ty, prog: Program, k: Kernel, containers: Containers, owner?: { s: LabStruct; field: string }): Value {
  switch (t.k) {
    case 'int': case 'err': return 0n
    case 'ptr': case 'null': case 'fn': case 'void': return null
    case 'array': {
      const n = Math.max(0, t.len)
      if (t.elem.k === 'int' && t.elem.bits === 8) return new Uint8Array(n)
      if (t.elem.k === 'int') return new BigInt64Array(n)
      return new PtrArray(Array.from({ length: n }, () => zeroValue(t.elem, prog, k, containers)))
    }
    case 'struct': {
      let v: object
      switch (t.name) {
        case 'fd': return emptyFd(k)
        case 'spinlock_t': v = newSpinLock(nextId(k, 'lock')); break
        case 'mutex': v = newMutex(nextId(k, 'mutex')); break
        case 'callback_head': v = newCallbackHead(owner?.s ?? null); break
        case 'delayed_work': case 'work_struct': {
          const dw: DelayedWork = { id: nextId(k, 'dwork'), name: owner ? `${owner.s.name}.${owner.field}` : 'lab_work', pending: false, due: 0, func: function* () { /* set by INIT_DELAYED_WORK */ } }
          v = dw
          break
        }
        default: {
          const s = prog.structs.get(t.name)
          if (!s) return null
          const inst = new LabStruct(s.name, nextId(k, s.name), [])
          for (const f of s.order) inst.fields.push(zeroValue(s.fields.get(f)!.ty, prog, k, containers, { s: inst, field: f }))
          v = inst
        }
      }
      if (owner) containers.set(v, { owner: owner.s, field: owner.field })
      return v
    }
  }
}

/** Copy a value for a struct assignment or a fork (arrays and lab structs are values in C). */
export function copyValue(v: Value): Value {
  if (v instanceof Uint8Array) return v.slice()
  if (v instanceof BigInt64Array) return v.slice()
  if (v instanceof PtrArray) return new PtrArray(v.items.map(copyValue))
  if (v instanceof LabStruct) {
    const c = new LabStruct(v.name, v.id, v.fields.map(copyValue))
    c.freed = v.freed
    return c
  }
  return v
}

/** Store conversion: integers take the C conversion of their destination type. */
export function convert(v: Value, t: Ty | undefined): Value {
  if (t && t.k === 'int' && typeof v === 'bigint') return convertInt(v, t)
  if (t && t.k === 'ptr' && v === 0n) return null
  return v
}

export function truthy(v: Value): boolean {
  if (typeof v === 'bigint') return v !== 0n
  return v !== null
}
