/**
 * `fdlab replay` reads logs in 1 MiB chunks into one buffer: ASCII chunks are copied as they are,
 * others are decoded as UTF-8 up to their last whole character. Whatever the text, the chunks
 * joined must equal the file decoded at once, and the replay must see the same lines.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeReadFile, replayCommand } from '../../../main/cli/replay'

const dir = mkdtempSync(join(tmpdir(), 'fdlab-readfile-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function chunks(path: string): Promise<string[]> {
  const out: string[] = []
  for await (const c of nodeReadFile(path)) out.push(c)
  return out
}

const MiB = 1 << 20

describe('nodeReadFile', () => {
  it('returns the whole text of an ASCII file over several chunks', async () => {
    const p = join(dir, 'ascii.log')
    const text = '1000  dup(0)                            = 3\n'.repeat(60_000) // 2.6 MB
    writeFileSync(p, text)
    const cs = await chunks(p)
    expect(cs.length).toBeGreaterThan(2)
    expect(cs.join('')).toBe(text)
  })

  it('keeps a multi-byte character cut by the chunk boundary whole, at every cut offset', async () => {
    // 2-, 3- and 4-byte characters, each placed so that it straddles the 1 MiB boundary at each of
    // its inner offsets
    for (const ch of ['é', '€', '😀']) {
      const bytes = Buffer.byteLength(ch)
      for (let k = 1; k < bytes; k++) {
        const p = join(dir, `cut-${bytes}-${k}.log`)
        const head = 'a'.repeat(MiB - k)
        const text = `${head}${ch}\nrest ${ch}${ch} tail\n`
        writeFileSync(p, text)
        const cs = await chunks(p)
        expect(cs.join('')).toBe(text)
        expect(cs.join('')).not.toContain('\uFFFD')
      }
    }
  })

  it('reads mixed text (ASCII chunks after a non-ASCII one) exactly', async () => {
    const p = join(dir, 'mixed.log')
    const lines: string[] = []
    for (let i = 0; i < 40_000; i++) lines.push(`1000  openat(AT_FDCWD, "/tmp/${i % 7 === 0 ? 'é€😀' : 'x'}${i}", O_RDONLY) = -1 ENOENT (No such file or directory)`)
    for (let i = 0; i < 40_000; i++) lines.push('1000  getpid()                          = 1000')
    const text = lines.join('\n') + '\n'
    writeFileSync(p, text)
    expect((await chunks(p)).join('')).toBe(readFileSync(p, 'utf8'))
  })

  it('decodes a truncated character at the end of the file as U+FFFD, as a decoder does', async () => {
    const p = join(dir, 'trunc.log')
    writeFileSync(p, Buffer.concat([Buffer.from('abc'), Buffer.from('€').subarray(0, 2)]))
    expect((await chunks(p)).join('')).toBe(readFileSync(p, 'utf8'))
  })

  it('an empty file gives no text', async () => {
    const p = join(dir, 'empty.log')
    writeFileSync(p, '')
    expect((await chunks(p)).join('')).toBe('')
  })

  it('a replay of a non-ASCII log over chunk boundaries reads every line', async () => {
    const p = join(dir, 'replay.log')
    const lines = ['100   execve("/bin/p", ["p"], 0x7ffc /* 3 vars */) = 0', '100   brk(NULL) = 0x5555']
    for (let i = 0; i < 30_000; i++) lines.push(`100   openat(AT_FDCWD, "/tmp/é€😀-${i}", O_RDONLY) = -1 ENOENT (No such file or directory)`)
    writeFileSync(p, lines.join('\n') + '\n')
    const out: string[] = []
    const status = await replayCommand(['--json', p], { out: (s) => out.push(s), err: (s) => out.push(s) })
    const rec = JSON.parse(out[0]!)
    expect(status).toBe(0)
    expect(rec.lines).toBe(lines.length)
    expect(rec.syscalls).toBe(lines.length)
    expect(rec.unparsedCount).toBe(0)
  })
})
