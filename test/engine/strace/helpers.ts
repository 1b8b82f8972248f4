import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StraceReader } from '../../../main/engine/strace/parse'
import { Replayer, type ReplayOptions, type ReplayRecord } from '../../../main/engine/strace/replay'
import { EngineModel } from '../../../main/engine/strace/engineModel'

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/strace')

/** Replays a log text through the real engine, in chunks of @chunk characters. */
export function replayText(text: string, opts: Partial<ReplayOptions> & { profile?: string; chunk?: number } = {}): ReplayRecord {
  const model = new EngineModel({ profile: opts.profile ?? '6.18' })
  const r = new Replayer(model, { file: opts.file ?? 'test.log', ...opts })
  const reader = new StraceReader({ onEvent: (e) => r.event(e) })
  const step = opts.chunk ?? text.length + 1
  for (let i = 0; i < text.length; i += step) reader.push(text.slice(i, i + step))
  reader.end()
  return r.finish(reader.lines)
}

export function fixtureLogs(): string[] {
  return readdirSync(FIXTURES).filter((n) => n.endsWith('.log')).sort()
}

export function fixtureFfSets(): string[] {
  return readdirSync(FIXTURES).filter((n) => n.startsWith('ff-') && statSync(join(FIXTURES, n)).isDirectory()).sort()
}

export function readFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8')
}
