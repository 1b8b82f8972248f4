// The session's document: opening a lab or a log, the editor key, edits per key, restoring drafts
// (the spellings autosaves were stored under), compiling with a cache, and what keeps a run from starting.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { LabDocument } from '../../../../main/host/common/session/document'

const LAB = readFileSync(join(import.meta.dirname, '../../../fixtures/mini.lab.md'), 'utf8')
const open = () => {
  const d = new LabDocument()
  d.open({ name: 'mini.lab.md', text: LAB })
  return d
}

describe('LabDocument', () => {
  it('opens a lab on its first scenario and profile; anything else as an strace log', () => {
    const d = open()
    expect(d.kind).toBe('lab')
    expect(d.scenario).toBe('open-close')
    expect(d.key).toEqual({ kind: 'scenario', name: 'open-close' })
    expect(d.profile).toBe('6.5')
    expect(d.editorFile()).toBe('open-close.c')
    expect(d.source()).toMatch(/label after_open;/)
    const log = new LabDocument()
    log.open({ name: 'ls.strace', text: '1 close(3) = 0\n' })
    expect([log.kind, log.lab, log.scenario, log.key]).toEqual(['strace', null, null, null])
    expect(log.labFile()).toEqual({ name: 'ls.strace', text: '1 close(3) = 0\n' })
  })

  it("keys an exercise's answer by the exercise; its file is named after the exercise", () => {
    const d = open()
    expect(d.keyOf('safe-close')).toBe('exercise:safe-close')
    expect(d.keyOf('exercise:safe-close')).toBe('exercise:safe-close')
    expect(d.keyOf('open-close')).toBe('open-close')
    expect(d.keyOf('nope')).toBeNull()
    d.scenario = d.keyOf('safe-close')
    expect(d.key).toEqual({ kind: 'exercise', id: 'safe-close' })
    expect(d.onExercise).toBe(true)
    expect(d.editorFile()).toBe('safe-close.c')
    expect(d.source()).toMatch(/int my_close/)
  })

  it('keeps an edit per key and says whether it changed', () => {
    const d = open()
    expect(d.edit('process app { close(0); }\n')).toBe(true)
    expect(d.edit('process app { close(0); }\n')).toBe(false)
    d.scenario = 'exercise:safe-close'
    expect(d.source()).toMatch(/int my_close/)
    d.scenario = 'open-close'
    expect(d.source()).toBe('process app { close(0); }\n')
  })

  it('restores drafts under the keys autosave stored them (exercise:ID, a bare id, a scenario name)', () => {
    const d = open()
    const current = d.restore([
      { key: 'exercise:first-fd', text: '3' },
      { key: 'safe-close', text: 'int my_close(unsigned int fd) { return 0; }\n' },
      { key: 'no-such', text: 'x' },
    ])
    expect(current).toBe(false)
    expect(d.edits.get('exercise:first-fd')).toBe('3')
    expect(d.edits.get('exercise:safe-close')).toMatch(/return 0/)
    expect(d.edits.has('no-such')).toBe(false)
    expect(d.restore([{ key: 'open-close', text: 'process app { }\n' }])).toBe(true)
    const sub = JSON.parse(d.submission('Ada', new Date(0), '1')!.text)
    expect(sub.answers).toEqual({ 'first-fd': '3', 'safe-close': 'int my_close(unsigned int fd) { return 0; }\n' })
  })

  it('compiles once per key, profile, test and text', () => {
    const d = open()
    const a = d.compile()
    expect(a?.program).toBeTruthy()
    expect(d.compile()).toBe(a)
    d.profile = '6.18'
    const b = d.compile()
    expect(b).not.toBe(a)
    d.edit(d.source())
    expect(d.compile()).toBe(b)
    d.edit('process app { frob(); }\n')
    expect(d.compile()).not.toBe(b)
    expect(d.diagnostics().some((x) => x.severity === 'error')).toBe(true)
    expect(d.notRunnable()).toMatch(/^fix the 1 error\(s\) first: open-close\.c:1:/)
  })

  it('an exercise without a public test has nothing to run; nothing open is runnable (the shell)', () => {
    const d = open()
    d.scenario = 'exercise:first-fd'
    expect(d.notRunnable()).toBe('nothing to run for this exercise: write your answer, then press Run tests')
    expect(new LabDocument().notRunnable()).toBeNull()
    expect(new LabDocument().compile()).toBeNull()
  })
})
