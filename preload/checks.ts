/**
 * Tiny runtime validators for the IPC contract. Pure (no Electron, no Node, no DOM): they run in
 * the sandboxed preload, in main, in the web host and in tests. Each check is a type guard that
 * also describes what it expects, for error messages.
 */
export interface Check<T> {
  (v: unknown): v is T
  readonly describe: string
}

function check<T>(describe: string, test: (v: unknown) => boolean): Check<T> {
  const f = ((v: unknown) => test(v)) as Check<T>
  Object.defineProperty(f, 'describe', { value: describe })
  return f
}

export const bool: Check<boolean> = check('boolean', (v) => typeof v === 'boolean')

export function str(maxLength: number, pattern?: RegExp): Check<string> {
  return check(`string (≤ ${maxLength} chars${pattern ? `, ${pattern}` : ''})`,
    (v) => typeof v === 'string' && v.length <= maxLength && (!pattern || pattern.test(v)))
}

export function int(min: number, max: number): Check<number> {
  return check(`integer ${min}..${max}`, (v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max)
}

export function oneOf<const T extends readonly (string | number)[]>(...values: T): Check<T[number]> {
  return check(values.map((x) => JSON.stringify(x)).join(' | '), (v) => (values as readonly unknown[]).includes(v))
}

export function nullable<T>(c: Check<T>): Check<T | null> {
  return check(`${c.describe} | null`, (v) => v === null || c(v))
}

export function arrayOf<T>(c: Check<T>, maxItems: number): Check<T[]> {
  return check(`array of ≤ ${maxItems} (${c.describe})`, (v) => Array.isArray(v) && v.length <= maxItems && v.every((x) => c(x)))
}

type Shape = Record<string, Check<unknown>>
type Out<S extends Shape> = { -readonly [K in keyof S]: S[K] extends Check<infer T> ? T : never }

/**
 * A plain object with exactly the keys of `shape`, and optionally those of `optional`. Extra keys
 * are refused: the renderer is untrusted and gets no room to smuggle data.
 */
export function obj<S extends Shape, P extends Shape = Record<never, never>>(shape: S, optional?: P): Check<Out<S> & Partial<Out<P>>> {
  const opt: Shape = optional ?? {}
  const desc = `{ ${[
    ...Object.keys(shape).map((k) => `${k}: ${shape[k]!.describe}`),
    ...Object.keys(opt).map((k) => `${k}?: ${opt[k]!.describe}`),
  ].join(', ')} }`
  return check(desc, (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
    const proto = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) return false
    const rec = v as Record<string, unknown>
    for (const k of Object.keys(rec)) if (!Object.hasOwn(shape, k) && !Object.hasOwn(opt, k)) return false
    for (const k of Object.keys(shape)) if (!Object.hasOwn(rec, k) || !shape[k]!(rec[k])) return false
    for (const k of Object.keys(opt)) if (Object.hasOwn(rec, k) && rec[k] !== undefined && !opt[k]!(rec[k])) return false
    return true
  })
}

/** Validate an argument list against a tuple of checks; returns an error message or null. */
export function checkArgs(checks: readonly Check<unknown>[], args: readonly unknown[]): string | null {
  if (args.length !== checks.length) return `expected ${checks.length} argument(s), got ${args.length}`
  for (let i = 0; i < checks.length; i++) {
    if (!checks[i]!(args[i])) return `argument ${i + 1} must be ${checks[i]!.describe}`
  }
  return null
}
