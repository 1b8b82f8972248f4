import { readFileSync, statSync } from 'node:fs'
/** The CLI's view of the outside world, so commands can be tested without a process. */
export interface CliIo {
  out(s: string): void
  err(s: string): void
}

// A closed pipe (`fdlab ... | head`) ends the output quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e })

export const processIo: CliIo = {
  out: (s) => { process.stdout.write(s.endsWith('\n') ? s : `${s}\n`) },
  err: (s) => { process.stderr.write(s.endsWith('\n') ? s : `${s}\n`) },
}

/** Parse `--name value`, `--name=value` and `--flag` options; the rest are positional. */
export function parseArgs(argv: readonly string[], flags: readonly string[] = []): { opts: Map<string, string[]>; pos: string[]; error?: string } {
  const opts = new Map<string, string[]>()
  const pos: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') { pos.push(...argv.slice(i + 1)); break }
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2)) {
      const eq = a.indexOf('=')
      const name = (eq > 0 ? a.slice(0, eq) : a).replace(/^-+/, '')
      let v: string
      if (eq > 0) v = a.slice(eq + 1)
      else if (flags.includes(name)) v = 'true'
      else {
        if (i + 1 >= argv.length) return { opts, pos, error: `option ${a} needs a value` }
        v = argv[++i]!
      }
      opts.set(name, [...(opts.get(name) ?? []), v])
    } else pos.push(a)
  }
  return { opts, pos }
}

/** Words for a file-system error (never Node's own message). */
export function fsErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code
  switch (code) {
    case 'ENOENT': return 'no such file or directory'
    case 'EISDIR': return 'is a directory'
    case 'EACCES': case 'EPERM': return 'permission denied'
    case 'ENOTDIR': return 'a part of the path is not a directory'
    case 'EMFILE': case 'ENFILE': return 'too many open files'
    default: return code ? `cannot be read (${code})` : 'cannot be read'
  }
}

/**
 * Read a text file of at most @maxBytes (the file is not read when it is larger): the text, or
 * a message saying why not, in words.
 */
export function readText(path: string, maxBytes = Infinity, what = 'lab file'): { text: string } | { error: string } {
  try {
    const st = statSync(path)
    if (st.isDirectory()) return { error: `${path}: is a directory` }
    if (st.size > maxBytes) {
      return { error: `${path}:1:1: error[limit]: ${what} size limit: this file has ${st.size} bytes, more than ${maxBytes}${what === 'lab file' ? '; split it into several labs' : ''}` }
    }
    return { text: readFileSync(path, 'utf8') }
  } catch (e) {
    return { error: `${path}: ${fsErrorText(e)}` }
  }
}
