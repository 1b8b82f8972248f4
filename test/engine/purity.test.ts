/**
 * The engine's purity: no wall clock or unseeded randomness; every exported kernel function
 * documents the kernel source it mirrors. (Its imports, no platform, UI, host code or package,
 * are the layer check's: scripts/check-layers.mjs, test/engine/layers.test.ts.)
 */
import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(__dirname, '../../main/engine')
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}
const all = files(root)

/**
 * The exported kernel functions of @src (kfunc/kfuncSync definitions, and exported functions
 * spelled like the kernel: snake_case or MACRO_CASE) whose own doc comment, the one that ends on
 * the line just above, is missing or has no `@kernel <source> <symbol>` tag. A neighbour's
 * comment does not count.
 */
function kernelDocProblems(src: string): string[] {
  const problems: string[] = []
  const decl = /^export (?:const (\w+) = kfunc(?:Sync)?\(|function\*? ?([a-z_][a-z0-9_]*|[A-Z][A-Z0-9_]+)\s*[(<])/gm
  for (const m of src.matchAll(decl)) {
    const name = m[1] ?? m[2]!
    const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/[ \t]*\r?\n$/.exec(src.slice(0, m.index))
    if (!doc) problems.push(`${name}: no doc comment directly above`)
    else if (!/@kernel[ \t]+\S+[ \t]+\S/.test(doc[1]!)) problems.push(`${name}: its doc comment has no @kernel <source> <symbol> tag`)
  }
  return problems
}

describe('kernelDocProblems', () => {
  it("fails a function that has no comment of its own (a neighbour's comment does not count)", () => {
    const src = [
      '/**',
      ' * file_close_fd_locked - detach the file at @fd',
      ' * @kernel fs/file.c file_close_fd_locked()',
      ' */',
      "export const file_close_fd_locked = kfunc('file_close_fd_locked', function* (k) {})",
      "export const pick_file = kfunc('pick_file', function* (k) {})",
      '',
      '/** A comment that is not directly above. */',
      '',
      'export function last_fd(fdt) { return fdt.max_fds - 1 }',
      '/** get_close_on_exec (no tag) */',
      'export function get_close_on_exec(k, fd) { return false }',
      '/** @kernel fs/file.c */',
      'export function* BORROWED_FD(k, file) {}',
      'export function newFilesStruct(k) {}',
    ].join('\n')
    expect(kernelDocProblems(src)).toEqual([
      'pick_file: no doc comment directly above',
      'last_fd: no doc comment directly above',
      'get_close_on_exec: its doc comment has no @kernel <source> <symbol> tag',
      'BORROWED_FD: its doc comment has no @kernel <source> <symbol> tag',
    ])
  })
  it('passes a function whose own doc comment names its kernel source', () => {
    expect(kernelDocProblems("/**\n * pick_file - detach\n * @kernel fs/file.c pick_file()\n */\nexport const pick_file = kfunc('pick_file', function* () {})\n")).toEqual([])
  })
})

describe('main/engine purity', () => {
  it('uses no wall clock and no unseeded randomness', () => {
    const bad = all.filter((f) => /\bDate\.now\(|\bnew Date\(|Math\.random\(|performance\.now\(|setTimeout\(|setInterval\(/.test(readFileSync(f, 'utf8')))
    expect(bad.map((f) => relative(root, f))).toEqual([])
  })
  it('documents every exported kernel function with its own @kernel doc comment, directly above it', () => {
    const missing = all
      .filter((f) => relative(root, f).startsWith('kernel/'))
      .flatMap((f) => kernelDocProblems(readFileSync(f, 'utf8')).map((p) => `${relative(root, f)}: ${p}`))
    expect(missing).toEqual([])
  })
})
