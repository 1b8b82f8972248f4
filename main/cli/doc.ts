/**
 * `fdlab doc NAME`: the prototype, documentation, kernel source and profiles of a lab C API
 * function, constant or kernel struct field, read from the one declaration the checker, the
 * editor's completion and hover, and the interpreter use (engine lab/labc/api.ts getApi).
 */
import type { CliIo } from './io'
import { parseArgs } from './io'
import { describeName, suggestNames, type NameDoc, PROFILE_NAMES, resolveProfileName, type ProfileName } from '../engine'

export const DOC_HELP = `usage: fdlab doc NAME [--kernel 6.5|6.18|mainline] [--json]

Print what lab C knows about NAME: a kernel API function, system call or built-in (prototype,
documentation, kernel source, context rule, profiles), a constant or kernel value such as EMPTY_FD
(value, header), a kernel struct field, written FIELD, STRUCT.FIELD or STRUCT->FIELD (type,
documentation, header, profiles), or a cleanup class, written CLASS(fd) or CLASS for all. With --kernel, say whether NAME exists in that profile.

exit status: 0 found; 1 unknown name (suggestions on stderr), or not in the --kernel profile;
2 usage error.`

export function docCommand(argv: readonly string[], io: CliIo): number {
  const { opts, pos, error } = parseArgs(argv, ['json', 'help'])
  if (error) { io.err(`fdlab doc: ${error}`); return 2 }
  if (opts.has('help')) { io.out(DOC_HELP); return 0 }
  if (pos.length !== 1) { io.err(DOC_HELP); return 2 }
  let profile: ProfileName | null = null
  const k = opts.get('kernel')?.at(-1)
  if (k !== undefined) {
    try { profile = resolveProfileName(k) } catch (e) { io.err(`fdlab doc: ${(e as Error).message}`); return 2 }
  }
  const name = pos[0]!
  const docs = describeName(name)
  if (!docs.length) {
    const s = suggestNames(name)
    io.err(`fdlab doc: unknown name '${name}': not a lab C function, constant or kernel struct field${s.length ? `; did you mean ${s.map((x) => `'${x}'`).join(', ')}?` : ''}`)
    return 1
  }
  const shown = profile ? docs.filter((d) => d.profiles.includes(profile!)) : docs
  if (opts.has('json')) io.out(JSON.stringify(shown.length ? shown : docs, null, 2))
  else io.out((shown.length ? shown : docs).map(format).join('\n'))
  if (profile && !shown.length) {
    io.err(`fdlab doc: '${name}' does not exist in kernel ${profile} (only in ${[...new Set(docs.flatMap((d) => d.profiles))].join(', ')})`)
    return 1
  }
  return 0
}

function format(d: NameDoc): string {
  const lines: string[] = []
  lines.push(d.kind === 'constant' && d.value !== undefined ? `#define ${d.name} ${d.value}` : d.kind === 'field' ? `struct ${d.struct} { ${d.proto}; }` : d.proto)
  lines.push('')
  lines.push(`  ${d.doc}`)
  lines.push('')
  const kind = d.kind === 'kernel' ? 'kernel API (kernel code only)'
    : d.kind === 'syscall' ? 'system call (user code only)'
      : d.kind === 'builtin' ? `lab C built-in (${d.context === 'user' ? 'user code' : 'user and kernel code'})`
        : d.kind === 'constant' ? 'constant' : d.kind === 'class' ? 'scoped-cleanup class (include/linux/cleanup.h)' : `field of struct ${d.struct}${d.writable ? ' (writable)' : ' (read-only)'}`
  lines.push(`  kind:     ${kind}`)
  if (d.source) lines.push(`  source:   ${d.source}`)
  if (d.context) lines.push(`  context:  ${d.context}`)
  lines.push(`  profiles: ${d.profiles.length === PROFILE_NAMES.length ? `${d.profiles.join(', ')} (all)` : d.profiles.join(', ')}`)
  return lines.join('\n') + '\n'
}
