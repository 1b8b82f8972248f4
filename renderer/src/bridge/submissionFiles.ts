/**
 * Reading submission files picked or dropped in the page (File objects) the way `fdlab grade`
 * reads them from disk: the bytes up to the size limit + 1 (an oversized file is rejected by the
 * grader, not read whole), the size, and the SHA-256 of every byte. No file-system access: only
 * what the user picked or dropped.
 */
import { MAX_SUBMISSIONS, MAX_SUBMISSION_BYTES, type SubmissionFile } from '../../../preload/contract'

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

/** What was dropped: files, and folders read recursively (webkitGetAsEntry), with their paths. */
export async function droppedFiles(dt: DataTransfer): Promise<{ file: File; path: string }[]> {
  const entries = [...dt.items].map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null))
  if (!entries.length || entries.some((e) => !e)) return [...dt.files].map((file) => ({ file, path: file.name }))
  const out: { file: File; path: string }[] = []
  const walk = async (e: FileSystemEntry, depth: number): Promise<void> => {
    if (e.isFile) {
      const file = await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej))
      out.push({ file, path: e.fullPath.replace(/^\//, '') })
    } else if (e.isDirectory && depth < 8) {
      const reader = (e as FileSystemDirectoryEntry).createReader()
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej))
        if (!batch.length) break
        for (const c of batch) await walk(c, depth + 1)
      }
    }
  }
  for (const e of entries) await walk(e!, 0)
  return out
}
