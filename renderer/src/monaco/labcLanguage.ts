/**
 * Lab C for Monaco: a Monarch tokenizer (highlighting only; diagnostics come from the real parser
 * and type checker in the session), brackets and comments. Completion and hover docs come from
 * the session too (registerLabcDocs), so the editor offers exactly the names the lab's profile has.
 */
import type * as Monaco from 'monaco-editor/editor'

export const LABC = 'labc'

export const LABC_KEYWORDS = [
  'process', 'thread', 'kthread', 'driver', 'fork', 'vfork', 'exec', 'if', 'else', 'while', 'for', 'do', 'return', 'break',
  'continue', 'label', 'expect', 'struct', 'sizeof', 'const', 'static', 'NULL', 'true', 'false', 'current',
  'goto', 'switch', 'case', 'default', 'clone', 'CLASS', '__cleanup', '__attribute__',
]
export const LABC_TYPES = ['int', 'long', 'unsigned', 'char', 'void', 'bool', 'size_t', 'ssize_t', 'loff_t', 'fl_owner_t', 'string']

export const labcMonarch: Monaco.languages.IMonarchLanguage = {
  defaultToken: '',
  keywords: LABC_KEYWORDS,
  typeKeywords: LABC_TYPES,
  operators: ['=', '>', '<', '!', '~', '?', ':', '==', '<=', '>=', '!=', '&&', '||', '++', '--', '+', '-', '*', '/', '&', '|', '^', '%', '<<', '>>', '+=', '-=', '*=', '/=', '&=', '|=', '^=', '%=', '<<=', '>>=', '->'],
  symbols: /[=><!~?:&|+\-*/^%]+/,
  escapes: /\\(?:[abfnrtv\\"']|x[0-9A-Fa-f]{1,4}|[0-7]{1,3})/,
  tokenizer: {
    root: [
      // Kernel constants: O_RDWR, TWA_RESUME, EBADF, FD_CLOEXEC, CLONE_FILES...
      [/\b[A-Z][A-Z0-9_]{1,}\b/, 'constant'],
      [/[a-zA-Z_]\w*(?=\s*\()/, { cases: { '@keywords': 'keyword', '@typeKeywords': 'type', '@default': 'function' } }],
      [/[a-zA-Z_]\w*/, { cases: { '@keywords': 'keyword', '@typeKeywords': 'type', '@default': 'identifier' } }],
      { include: '@whitespace' },
      [/[{}()[\]]/, '@brackets'],
      [/@symbols/, { cases: { '@operators': 'operator', '@default': '' } }],
      [/0[xX][0-9a-fA-F]+/, 'number.hex'],
      [/0[0-7]+/, 'number.octal'],
      [/\d+/, 'number'],
      [/[;,.]/, 'delimiter'],
      [/"([^"\\]|\\.)*$/, 'string.invalid'],
      [/"/, 'string', '@string'],
      [/'[^\\']'/, 'string'],
      [/'(@escapes)'/, 'string'],
    ],
    whitespace: [
      [/[ \t\r\n]+/, ''],
      [/\/\*/, 'comment', '@comment'],
      [/\/\/.*$/, 'comment'],
    ],
    comment: [
      [/[^/*]+/, 'comment'],
      [/\*\//, 'comment', '@pop'],
      [/[/*]/, 'comment'],
    ],
    string: [
      [/[^\\"]+/, 'string'],
      [/@escapes/, 'string.escape'],
      [/\\./, 'string.escape.invalid'],
      [/"/, 'string', '@pop'],
    ],
  },
}

export const labcConfiguration: Monaco.languages.LanguageConfiguration = {
  comments: { lineComment: '//', blockComment: ['/*', '*/'] },
  brackets: [['{', '}'], ['[', ']'], ['(', ')']],
  autoClosingPairs: [
    { open: '{', close: '}' }, { open: '[', close: ']' }, { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string'] }, { open: '/*', close: ' */', notIn: ['string'] },
  ],
  surroundingPairs: [{ open: '{', close: '}' }, { open: '(', close: ')' }, { open: '"', close: '"' }],
  indentationRules: { increaseIndentPattern: /^.*\{[^}"']*$/, decreaseIndentPattern: /^\s*\}/ },
}

export function registerLabc(monaco: typeof Monaco): void {
  if (monaco.languages.getLanguages().some((l) => l.id === LABC)) return
  monaco.languages.register({ id: LABC, extensions: ['.c', '.labc'], aliases: ['lab C', 'labc'] })
  monaco.languages.setMonarchTokensProvider(LABC, labcMonarch)
  monaco.languages.setLanguageConfiguration(LABC, labcConfiguration)
}

/** Colours matching the mockup, for both themes. */
export function defineThemes(monaco: typeof Monaco): void {
  monaco.editor.defineTheme('fdlab-dark', {
    base: 'vs-dark', inherit: true,
    rules: [
      { token: 'keyword', foreground: '569cd6' }, { token: 'type', foreground: '4ec9b0' },
      { token: 'function', foreground: 'dcdcaa' }, { token: 'constant', foreground: '4fc1ff' },
      { token: 'number', foreground: 'b5cea8' }, { token: 'string', foreground: 'ce9178' },
      { token: 'comment', foreground: '6a9955' }, { token: 'identifier', foreground: '9cdcfe' },
    ],
    colors: { 'editor.background': '#1b1e24', 'editorGutter.background': '#1b1e24', 'editor.lineHighlightBackground': '#23272f' },
  })
  monaco.editor.defineTheme('fdlab-light', {
    base: 'vs', inherit: true,
    rules: [
      { token: 'keyword', foreground: '0000ff' }, { token: 'type', foreground: '267f99' },
      { token: 'function', foreground: '795e26' }, { token: 'constant', foreground: '0070c1' },
      { token: 'number', foreground: '098658' }, { token: 'string', foreground: 'a31515' },
      { token: 'comment', foreground: '008000' }, { token: 'identifier', foreground: '001080' },
    ],
    colors: {},
  })
}
