/**
 * struct file reference counts, in both representations:
 * v6.5 `atomic_long_t f_count` and v6.13+ `file_ref_t f_ref` (raw value = references - 1).
 * @kernel include/linux/file_ref.h, fs/file.c __file_ref_put(), include/linux/fs.h get_file(), file_count()
 * Each atomic operation is one micro-step (a scheduling point), so a racing get can revive a
 * count between file_ref_put's decrement and its compare-exchange, as in the kernel.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from './kernel'
import { kfunc, tracepoint } from '../../sim/kfunc'
import type { File } from './types'
import { RULE } from '../../sim/rules'

// file_ref_t constants (64-bit), as signed values of the raw word.
export const FILE_REF_ONEREF = 0
export const FILE_REF_MAXREF = 2 ** 63 - 1
export const FILE_REF_SATURATED = -(2 ** 62 + 2 ** 61) // 0xA000000000000000
export const FILE_REF_RELEASED = -(2 ** 62) // 0xC000000000000000
export const FILE_REF_DEAD = -(2 ** 61) // 0xE000000000000000
export const FILE_REF_NOREF = -1 // 0xFFFFFFFFFFFFFFFF

/** Raw file_ref_t value printed as the kernel's unsigned hex. */
export function fileRefHex(raw: number): string {
  if (raw >= 0) return `0x${raw.toString(16)}`
  return `0x${(2n ** 64n + BigInt(raw)).toString(16)}`
}

/**
 * file_count - the number of references (0 in file_ref_t's dead zone)
 * @kernel include/linux/fs.h file_count()
 */
export function file_count(k: Kernel, f: File): number {
  if (k.profile.file_ref_t) {
    const c = f.f_ref.refcnt
    return c >= FILE_REF_RELEASED && c < 0 ? 0 : c + 1
  }
  return f.f_count.counter
}

/** SIM: references as a plain number for snapshots and invariants. */
export function refsOf(k: Kernel, f: File): number {
  return file_count(k, f)
}

function emitRef(k: Kernel, f: File, from: number): void {
  if (k.trace.on) {
    const raw = k.profile.file_ref_t ? f.f_ref.refcnt : f.f_count.counter
    k.trace.ref(f.id, from, file_count(k, f), raw)
  }
}

/**
 * file_ref_init - init_file's refcount: one reference (v6.13+ file_ref_init(); v6.5 atomic_long_set(&f->f_count, 1))
 * @kernel include/linux/file_ref.h file_ref_init()
 */
export function file_ref_init(k: Kernel, f: File): void {
  f.f_ref.refcnt = FILE_REF_ONEREF
  f.f_count.counter = 1
  emitRef(k, f, 0)
}

/**
 * get_file - take an extra reference to a file the caller already holds one to
 * @kernel include/linux/fs.h get_file() (v6.13+: file_ref_inc(); v6.5: atomic_long_inc())
 */
export const get_file = kfunc('get_file', function* (k: Kernel, f: File): KGen<File> {
  yield { obj: f.id, w: true, what: `get_file ${f.id}` }
  const from = file_count(k, f)
  checkFileMem(k, f, 'get_file')
  if (k.profile.file_ref_t) {
    const prior = f.f_ref.refcnt
    f.f_ref.refcnt = prior + 1
    if (prior < 0) k.report(RULE.refcount, 'violation', `file_ref_inc on ${f.id} with a dead or saturated count (WARN_ONCE)`, [f.id])
  } else {
    if (f.f_count.counter <= 0) k.report(RULE.refcount, 'violation', `get_file(${f.id}) on a file whose count is ${f.f_count.counter}`, [f.id])
    f.f_count.counter++
  }
  emitRef(k, f, from)
  return f
})

/**
 * file_ref_get - take a reference unless the file is dead (the RCU lookup path)
 * @kernel include/linux/file_ref.h file_ref_get(); v6.5: get_file_rcu() = atomic_long_inc_not_zero()
 * Returns: true if a reference was taken.
 */
export function* file_ref_get(k: Kernel, f: File): KGen<boolean> {
  const name = k.profile.file_ref_t ? 'file_ref_get' : 'get_file_rcu'
  yield { obj: f.id, w: true, what: `${name} ${f.id}` }
  const from = file_count(k, f)
  if (k.profile.file_ref_t) {
    const cnt = f.f_ref.refcnt + 1
    f.f_ref.refcnt = cnt
    // Fully ordered increment: success if the result is non-negative.
    if (cnt >= 0) { emitRef(k, f, from); return true }
    // SIM: the kernel leaves the count in the dead zone (it is far from the boundary); model it exactly.
    return false
  }
  if (f.f_count.counter === 0) return false
  f.f_count.counter++
  emitRef(k, f, from)
  return true
}

/**
 * file_ref_put - drop a reference; true when it was the last one
 * @kernel include/linux/file_ref.h file_ref_put(), fs/file.c __file_ref_put(); v6.5: atomic_long_dec_and_test()
 */
export function* file_ref_put(k: Kernel, f: File, close = false): KGen<boolean> {
  checkFileMem(k, f, 'fput')
  if (!k.profile.file_ref_t) {
    yield { obj: f.id, w: true, what: `atomic_long_dec_and_test ${f.id}.f_count` }
    const from = f.f_count.counter
    f.f_count.counter--
    emitRef(k, f, from)
    if (f.f_count.counter < 0) {
      k.report(RULE.refcount, 'violation', `refcount underflow: ${f.id}.f_count went from ${from} to ${f.f_count.counter}`, [f.id])
      return false
    }
    if (f.f_count.counter === 0) { trace_file_last_put.probe?.(k, f); return true }
    return false
  }
  if (close) {
    // file_ref_put_close: if the count reads ONEREF, one cmpxchg takes it straight to DEAD.
    yield { obj: f.id, w: false, what: `atomic_long_read ${f.id}.f_ref` }
    if (f.f_ref.refcnt === FILE_REF_ONEREF) {
      yield { obj: f.id, w: true, what: `cmpxchg ${f.id}.f_ref ONEREF->DEAD` }
      if (f.f_ref.refcnt === FILE_REF_ONEREF) {
        f.f_ref.refcnt = FILE_REF_DEAD
        emitRef(k, f, 1)
        trace_file_last_put.probe?.(k, f)
        return true
      }
    }
  }
  yield { obj: f.id, w: true, what: `atomic_long_dec_return ${f.id}.f_ref` }
  const from = file_count(k, f)
  const cnt = --f.f_ref.refcnt
  if (cnt >= 0) { emitRef(k, f, from); return false }
  if (cnt === FILE_REF_NOREF) {
    emitRef(k, f, from)
    yield { obj: f.id, w: true, what: `cmpxchg ${f.id}.f_ref NOREF->DEAD` }
    if (f.f_ref.refcnt !== FILE_REF_NOREF) return false // a racing get revived it
    f.f_ref.refcnt = FILE_REF_DEAD
    trace_file_last_put.probe?.(k, f)
    return true
  }
  if (cnt >= FILE_REF_RELEASED) {
    f.f_ref.refcnt = FILE_REF_DEAD
    k.report(RULE.refcount, 'violation', `refcount underflow: imbalanced put on the file reference count of ${f.id} (file_ref_put in the dead zone)`, [f.id])
    return false
  }
  f.f_ref.refcnt = FILE_REF_SATURATED
  return false
}

/** SIM: tracepoint where the last reference of a file is gone (the sanitizer checks V2 there). */
const trace_file_last_put = tracepoint<Kernel, [File]>('file_last_put')

/** SIM: a use of a struct file whose memory was freed (or reused) is a use-after-free. */
export function checkFileMem(k: Kernel, f: File, where: string, gen?: number): boolean {
  if (f.mem === 'free' || (gen !== undefined && gen !== f.gen)) {
    const what = gen !== undefined && gen !== f.gen && f.mem !== 'free'
      ? `${f.id} was freed and reused for another struct file (generation ${gen} -> ${f.gen})`
      : `${f.id} is freed memory`
    k.report(RULE.use_after_free, 'violation', `use-after-free in ${where}: ${what}`, [f.id])
    return false
  }
  return true
}
