/**
 * What was dropped on the page: files, and folders read recursively (webkitGetAsEntry), with
 * their paths. preload/submissionFiles.ts reads them as the contract's SubmissionFile.
 */
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
