/**
 * Completion and hover docs for lab C. The data comes from the session (engine lab/labc/api.ts
 * editorNames: the one declaration per function, constant and field that the checker, `fdlab doc`
 * and the interpreter read), so the editor offers exactly the names the checker accepts.
 */
import type * as Monaco from 'monaco-editor/editor'
import type { LanguageInfo } from '../../../preload/contract'
import { LABC, LABC_KEYWORDS, LABC_TYPES } from './labcLanguage'

let info: LanguageInfo | null = null
let registered = false

export function setLanguageInfo(next: LanguageInfo): void {
  info = next
}

function docFor(word: string): Monaco.IMarkdownString[] | null {
  if (!info) return null
  const f = info.functions.find((x) => x.name === word)
  if (f) {
    const where = [f.source ? `\`${f.source}\`` : '', f.context ?? '', `profiles ${f.profiles.join(', ')}`].filter(Boolean).join(' · ')
    return [{ value: '```c\n' + f.proto + '\n```' }, { value: `${f.doc}\n\n*${f.kind === 'syscall' ? 'system call (user code)' : f.kind === 'kernel' ? 'kernel API (kernel code)' : 'lab C built-in'}* · ${where}` }]
  }
  const c = info.constants.find((x) => x.name === word)
  if (c) return [{ value: '```c\n#define ' + c.name + ' ' + c.value + '\n```' }, ...(c.doc ? [{ value: c.doc }] : [])]
  const fl = info.fields.filter((x) => x.name === word)
  // A field's type is `T` or, for an array, `T name[]` (engine kernel/api.ts KERNEL_FIELDS).
  if (fl.length) return fl.map((x) => ({ value: `\`struct ${x.struct} { ${/\[\]$/.test(x.type) ? x.type : `${x.type} ${x.name}`}; }\`: ${x.doc}\n\n*\`${x.source}\` · profiles ${x.profiles.join(', ')}*` }))
  return null
}

export function registerLabcDocs(monaco: typeof Monaco): void {
  if (registered) return
  registered = true
  const K = monaco.languages.CompletionItemKind
  monaco.languages.registerCompletionItemProvider(LABC, {
    triggerCharacters: ['>', '.'],
    provideCompletionItems(model, position) {
      const word = model.getWordUntilPosition(position)
      const range = { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: word.startColumn, endColumn: word.endColumn }
      const before = model.getLineContent(position.lineNumber).slice(0, word.startColumn - 1)
      if (info && /(->|\.)\s*$/.test(before)) {
        const seen = new Set<string>()
        return {
          suggestions: info.fields.filter((f) => !seen.has(f.name) && seen.add(f.name)).map((f) => ({
            label: f.name, kind: K.Field, insertText: f.name, detail: `struct ${f.struct}`, documentation: f.doc, range,
          })),
        }
      }
      const fns = (info?.functions ?? []).map((f) => ({
        label: f.name, kind: f.kind === 'syscall' ? K.Function : f.kind === 'kernel' ? K.Method : K.Keyword,
        insertText: `${f.name}($0)`, insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
        detail: f.proto, documentation: f.doc, range,
      }))
      const consts = (info?.constants ?? []).map((c) => ({ label: c.name, kind: K.Constant, insertText: c.name, detail: c.value, range }))
      const kws = [...LABC_KEYWORDS, ...LABC_TYPES].map((k) => ({ label: k, kind: K.Keyword, insertText: k, range }))
      return { suggestions: [...fns, ...consts, ...kws] }
    },
  })
  monaco.languages.registerHoverProvider(LABC, {
    provideHover(model, position) {
      const w = model.getWordAtPosition(position)
      if (!w) return null
      const contents = docFor(w.word)
      return contents ? { contents, range: new monaco.Range(position.lineNumber, w.startColumn, position.lineNumber, w.endColumn) } : null
    },
  })
}
