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
