/**
 * Submission files picked or dropped in a page (browser File objects) as the contract's
 * SubmissionFile, the way `fdlab grade` reads them from disk: the bytes up to the size limit + 1
 * (an oversized file is rejected by the grader, not read whole), the size, and the SHA-256 of
 * every byte. Shared by the renderer (files dropped on the grade panel) and the browser host
 * (its file picker). No file-system access: only what the user picked or dropped.
 */
import { MAX_SUBMISSIONS, MAX_SUBMISSION_BYTES, type SubmissionFile } from './contract'

function toBase64(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}

async function sha256Hex(buf: ArrayBuffer): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', buf))
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('')
}

export async function readSubmissionFile(f: File, path: string): Promise<SubmissionFile> {
  const buf = await f.arrayBuffer()
  const bytes = new Uint8Array(buf)
  return { file: path, data: toBase64(bytes.subarray(0, MAX_SUBMISSION_BYTES + 1)), size: bytes.length, sha256: await sha256Hex(buf) }
}

/** Files in a stable order (by path), dot files skipped, at most MAX_SUBMISSIONS. */
export async function readSubmissionFiles(files: readonly { file: File; path: string }[]): Promise<SubmissionFile[]> {
  const list = files.filter((x) => !x.path.split('/').some((p) => p.startsWith('.'))).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).slice(0, MAX_SUBMISSIONS)
  const out: SubmissionFile[] = []
  for (const x of list) out.push(await readSubmissionFile(x.file, x.path))
  return out
}

