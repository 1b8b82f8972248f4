/** Commands contributed by other parts of the CLI (replay, labs, explore, grade). */
import type { CliIo } from './io'

export interface CliCommand {
  readonly name: string
  readonly summary: string
  run(argv: readonly string[], io: CliIo): number | Promise<number>
}

export const EXTRA_COMMANDS: readonly CliCommand[] = []
