/** Commands contributed by other parts of the CLI (replay, labs, explore). */
import type { CliIo } from './io'
import { replayCliCommand } from './replay'
import { exploreCliCommand } from './explore'
import { docCommand, DOC_HELP } from './doc'
import { gradeCommand } from './grade'
import { similarityCommand, SIMILARITY_HELP } from './similarity'
import { checkCommand, runCommand, releaseCommand, CHECK_HELP, RUN_HELP, RELEASE_HELP } from './lab'

export interface CliCommand {
  readonly name: string
  readonly summary: string
  run(argv: readonly string[], io: CliIo): number | Promise<number>
}

const withHelp = (help: string, f: (argv: readonly string[], io: CliIo) => number) => (argv: readonly string[], io: CliIo): number => {
  if (argv.includes('--help') || argv.includes('-h')) { io.out(help); return 0 }
  return f(argv, io)
}

export const EXTRA_COMMANDS: readonly CliCommand[] = [
  { name: 'check', summary: 'parse, type-check and run every scenario and exercise test of labs (CI for lab authors)', run: withHelp(CHECK_HELP, checkCommand) },
  { name: 'run', summary: 'run a lab scenario, strace-style (--trace: kernel paths; --schedule: replay one)', run: withHelp(RUN_HELP, runCommand) },
  { name: 'release', summary: 'write the student edition of labs (hidden tests and solutions removed)', run: withHelp(RELEASE_HELP, releaseCommand) },
  { name: 'doc', summary: 'prototype, documentation, kernel source and profiles of a lab C function, constant or struct field', run: withHelp(DOC_HELP, docCommand) },
  replayCliCommand,
  exploreCliCommand,
  { name: 'grade', summary: 'grade a class: submissions against the instructor\'s lab, to CSV, Gradescope JSON and feedback', run: (a, io) => gradeCommand(a, io) },
  { name: 'similarity', summary: 'pairs of submissions with the same implement answer once names and spacing are normalised (offline)', run: withHelp(SIMILARITY_HELP, similarityCommand) },
]
