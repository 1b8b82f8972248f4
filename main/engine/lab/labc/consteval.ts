/**
 * Constant expressions: enum values, #define values, array lengths, case labels and global
 * initializers. Evaluated at check time in 64-bit arithmetic.
 */
import type { Expr } from './ast'
import { INT_TYPES } from './types'

export type ConstLookup = (name: string) => bigint | undefined

/** The value of a constant expression, or a message saying why it is not constant. */
export function constEval(e: Expr, lookup: ConstLookup, sizeofStruct: (name: string) => number | undefined): bigint | string {
  const ev = (x: Expr): bigint => {
    const r = constEval(x, lookup, sizeofStruct)
    if (typeof r === 'string') throw new NotConst(r)
    return r
  }
  try {
    switch (e.kind) {
      case 'int': return e.value
      case 'name': {
        const v = lookup(e.name)
        if (v === undefined) return `'${e.name}' is not a constant`
        return v
      }
      case 'unary': {
        const a = ev(e.arg)
        switch (e.op) {
          case '-': return BigInt.asIntN(64, -a)
          case '+': return a
          case '!': return a === 0n ? 1n : 0n
          case '~': return BigInt.asIntN(64, ~a)
        }
        break
      }
      case 'binary': {
        const a = ev(e.left), b = ev(e.right)
        return constBinary(e.op, a, b)
      }
      case 'logical': {
        const a = ev(e.left)
        if (e.op === '&&') return a !== 0n && ev(e.right) !== 0n ? 1n : 0n
        return a !== 0n || ev(e.right) !== 0n ? 1n : 0n
      }
      case 'cond': return ev(e.test) !== 0n ? ev(e.then) : ev(e.else)
      case 'cast': return ev(e.arg)
      case 'sizeof': {
        if (e.value !== undefined) return e.value
        if (!e.type) return 'sizeof an expression is not a constant here'
        const b = e.type.base
        if (e.type.ptr > 0) return 8n
        if (b.startsWith('struct ')) {
          const n = sizeofStruct(b.slice(7))
          return n === undefined ? `unknown struct '${b.slice(7)}'` : BigInt(n)
        }
        const it = INT_TYPES[b]
        return BigInt(it && it.k === 'int' ? it.bits / 8 : b === 'void' ? 1 : 8)
      }
      default: break
    }
    return 'not a constant expression'
  } catch (err) {
    if (err instanceof NotConst) return err.message
    throw err
  }
}

class NotConst extends Error {}

export function constBinary(op: string, a: bigint, b: bigint): bigint | string {
  switch (op) {
    case '+': return BigInt.asIntN(64, a + b)
    case '-': return BigInt.asIntN(64, a - b)
    case '*': return BigInt.asIntN(64, a * b)
    case '/': return b === 0n ? 'division by zero' : BigInt.asIntN(64, a / b)
    case '%': return b === 0n ? 'division by zero' : BigInt.asIntN(64, a % b)
    case '<<': return b < 0n || b > 63n ? 'shift count out of range' : BigInt.asIntN(64, a << b)
    case '>>': return b < 0n || b > 63n ? 'shift count out of range' : a >> b
    case '&': return a & b
    case '|': return a | b
    case '^': return a ^ b
    case '==': return a === b ? 1n : 0n
    case '!=': return a !== b ? 1n : 0n
    case '<': return a < b ? 1n : 0n
    case '<=': return a <= b ? 1n : 0n
    case '>': return a > b ? 1n : 0n
    case '>=': return a >= b ? 1n : 0n
  }
  return `unknown operator ${op}`
}
