/**
 * Node side of grading: expanding SUBMISSION|DIR arguments into files and reading them (an
 * oversized file is hashed in chunks and only its start kept).
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { SubmissionInput } from '../grade'
import { outputNames } from '../report'

export const sha256Hex = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex')

/** Files under the arguments: a file as given, a folder's regular files recursively (dot files skipped), sorted. */
export function expandInputs(paths: readonly string[]): { files: string[]; errors: string[] } {
  const files: string[] = []
  const errors: string[] = []
  const walk = (dir: string, depth: number): void => {
    let names: string[]
    try { names = readdirSync(dir).sort() } catch (e) { errors.push(`${dir}: cannot read the folder: ${(e as Error).message}`); return }
    for (const n of names) {
      if (n.startsWith('.')) continue
      const p = join(dir, n)
      let st
      try { st = statSync(p) } catch { continue }
      if (st.isDirectory()) { if (depth < 8) walk(p, depth + 1) } else if (st.isFile()) files.push(p)
    }
  }
  for (const p of paths) {
    let st
    try { st = statSync(p) } catch { errors.push(`${p}: no such file or directory`); continue }
    if (st.isDirectory()) walk(p, 0)
    else files.push(p)
  }
  const unique = [...new Set(files)].sort()
  return { files: unique, errors }
}

/** Read one input: its hash over every byte, its bytes up to maxBytes + 1. */
export function readInput(file: string, name: string, maxBytes: number): SubmissionInput {
  const h = createHash('sha256')
  const keep: Buffer[] = []
  let kept = 0
  let size = 0
  let fd: number | null = null
  let unreadable: string | undefined
  try {
    if (!statSync(file).isFile()) throw new Error('not a regular file')
    fd = openSync(file, 'r')
    const buf = Buffer.alloc(1 << 16)
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null)
      if (n <= 0) break
      const chunk = buf.subarray(0, n)
      h.update(chunk)
      size += n
      if (kept <= maxBytes) { keep.push(Buffer.from(chunk)); kept += n }
    }
  } catch (e) {
    // An unreadable file still gets a row (rejected, with the reason).
    unreadable = (e as Error).message.replace(/^[A-Z]+: /, '').split(',')[0]
  } finally {
    if (fd !== null) closeSync(fd)
  }
  const bytes = new Uint8Array(Buffer.concat(keep))
  return { file, name, sha256: h.digest('hex'), bytes: size > maxBytes ? bytes.subarray(0, maxBytes + 1) : bytes, size, ...(unreadable ? { unreadable } : {}) }
}

export function readInputs(files: readonly string[], maxBytes: number): SubmissionInput[] {
  const names = outputNames(files)
  return files.map((f) => readInput(f, names.get(f)!, maxBytes))
}
