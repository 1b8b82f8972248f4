/**
 * Files the desktop host reads and writes for the user: labs and strace logs chosen in a dialog,
 * files saved back in place, and the bundled course. The renderer never sends a path: it gets an
 * opaque handle for a file the user picked, and bundled labs are named by file name only.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { MAX_TEXT, type FileText, type LabEntry } from '../../../preload/contract'
import { COURSE_INDEX, LAB_FILE, courseEntry, courseOrder } from '../common/labCatalog'

export class FileTooLarge extends Error {}

/** Read a text file of at most MAX_TEXT characters (UTF-8). */
export function readTextFile(path: string): string {
  const st = statSync(path)
  if (!st.isFile()) throw new Error(`${basename(path)} is not a file`)
  if (st.size > MAX_TEXT) throw new FileTooLarge(`${basename(path)} is larger than ${MAX_TEXT} bytes`)
  return readFileSync(path, 'utf8')
}

/** Handles for files the user picked this session, so "Save" can write back without a dialog. */
export class FileHandles {
  private readonly byHandle = new Map<string, string>()

  open(path: string): FileText {
    const text = readTextFile(path)
    return { name: basename(path), text, handle: this.handleFor(path) }
  }

  handleFor(path: string): string {
    for (const [h, p] of this.byHandle) if (p === path) return h
    const h = randomBytes(12).toString('hex')
    this.byHandle.set(h, path)
    return h
  }

  pathOf(handle: string | undefined): string | null {
    return handle ? this.byHandle.get(handle) ?? null : null
  }

  write(path: string, text: string): { name: string; handle: string } {
    writeFileSync(path, text)
    return { name: basename(path), handle: this.handleFor(path) }
  }
}

/** The bundled course, read from the labs folder. */
export class BundledLabs {
  constructor(private readonly dir: string) {}

  list(): LabEntry[] {
    let files: string[] = []
    try {
      files = readdirSync(this.dir)
    } catch {
      return []
    }
    let course: string | null = null
    try {
      course = readTextFile(join(this.dir, COURSE_INDEX))
    } catch {
      course = null
    }
    return courseOrder(files, course).map((l) => courseEntry(l.file, readTextFile(join(this.dir, l.file)), l.title))
  }

  read(file: string): FileText {
    if (!LAB_FILE.test(file) || basename(file) !== file) throw new Error(`not a bundled lab: ${file}`)
    return { name: file, text: readTextFile(join(this.dir, file)) }
  }
}
