/**
 * The `fdlab` command.
 */
import { processIo, type CliIo } from './io'
import { shCommand } from './sh'
import { PROFILE_NAMES, DEFAULT_PROFILE, VARIANT_NAMES, getProfile } from '../engine'
import { EXTRA_COMMANDS } from './commands'

export const VERSION = '0.1.0'

const HELP = `fdlab ${VERSION}: the Linux file-descriptor machinery, simulated step by step.

usage: fdlab COMMAND [ARGS]

commands:
  sh        run system calls typed one per line and print them strace-style (--trace: kernel paths)
${EXTRA_COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}\n`).join('')}  profiles  list the kernel profiles and historic variants (--json: with every profile's features)

Every command that runs the model takes --kernel 6.5|6.18|mainline (default ${DEFAULT_PROFILE}).
Run 'fdlab COMMAND --help' for a command's options.`

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [cmd, ...rest] = argv
  try {
    switch (cmd) {
      case undefined: case 'help': case '--help': case '-h':
        io.out(HELP)
        return cmd === undefined ? 2 : 0
      case '--version': case 'version':
        io.out(VERSION)
        return 0
      case 'profiles': {
        const json = rest.includes('--json')
        const bad = rest.filter((a) => a !== '--json')
        if (bad.length) { io.err(`fdlab profiles: unknown argument '${bad[0]}' (usage: fdlab profiles [--json])`); return 2 }
        if (json) {
          const profiles = PROFILE_NAMES.map((n) => {
            const { variants: _v, ...features } = getProfile(n)
            return features
          })
          io.out(JSON.stringify({ default: DEFAULT_PROFILE, aliases: { mainline: PROFILE_NAMES[PROFILE_NAMES.length - 1] }, profiles, variants: VARIANT_NAMES }, null, 2))
          return 0
        }
        io.out(`profiles: ${PROFILE_NAMES.join(', ')} (default ${DEFAULT_PROFILE}; 'mainline' = ${PROFILE_NAMES[PROFILE_NAMES.length - 1]})`)
        io.out(`variants (off by default): ${VARIANT_NAMES.join(', ')}`)
        return 0
      }
      case 'sh':
        return shCommand(rest, io)
      default: {
        const c = EXTRA_COMMANDS.find((x) => x.name === cmd)
        if (c) return await c.run(rest, io)
        io.err(`fdlab: unknown command '${cmd}'\n\n${HELP}`)
        return 2
      }
    }
  } catch (e) {
    // Never the JavaScript runtime's message: it says nothing to a lab author. FDLAB_DEBUG=1 shows it.
    const debug = typeof process !== 'undefined' && process.env.FDLAB_DEBUG === '1'
    io.err(`fdlab: internal error in '${cmd}' (a bug in fdlab, not in your input); run with FDLAB_DEBUG=1 to see the details${debug ? `\n${(e as Error).stack ?? String(e)}` : ''}`)
    return 3
  }
}
