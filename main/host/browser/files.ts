/** Opening and saving in a plain browser: the file picker and downloads. No file-system access. */
import { MAX_TEXT, type FileText, type OpenKind, type SubmissionFile } from '../../../preload/contract'
import { readSubmissionFiles } from '../../../preload/submissionFiles'

const ACCEPT: Record<OpenKind, string> = { lab: '.md,text/markdown', strace: '.log,.txt,.strace,text/plain', any: '' }

export function pickFile(kind: OpenKind): Promise<FileText | null> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input')
    input.type = 'file'
    if (ACCEPT[kind]) input.accept = ACCEPT[kind]
    input.style.display = 'none'
    document.body.append(input)
    const done = () => input.remove()
    input.addEventListener('cancel', () => { done(); resolve(null) })
    input.addEventListener('change', () => {
      const f = input.files?.[0]
      done()
      if (!f) return resolve(null)
      if (f.size > MAX_TEXT) return reject(new Error(`${f.name} is larger than ${MAX_TEXT} bytes`))
      f.text().then((text) => resolve({ name: f.name, text }), reject)
    })
    input.click()
  })
}

/** Submission files (several), or a folder of them (read recursively), through the browser's picker. */
export function pickSubmissions(mode: 'files' | 'folder'): Promise<SubmissionFile[]> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.multiple = true
    if (mode === 'folder') input.webkitdirectory = true
    else input.accept = '.json,application/json'
    input.style.display = 'none'
    document.body.append(input)
    const done = () => input.remove()
    input.addEventListener('cancel', () => { done(); resolve([]) })
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])]
      done()
      readSubmissionFiles(files.map((file) => ({ file, path: file.webkitRelativePath || file.name }))).then(resolve, reject)
    })
    input.click()
  })
}

export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_') || 'fdlab.txt'
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
