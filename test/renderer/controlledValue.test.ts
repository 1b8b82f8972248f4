// The Monaco wrapper's controlled `value`: applied to the model (a read-only editor refuses
// editor-level edits, and the lib view is read-only), as one undoable edit, and only when it differs.
import { describe, expect, it } from 'vitest'
import { applyValue, type ValueModel } from '../../renderer/src/monaco/controlledValue'

function fakeModel(text: string) {
  const log: string[] = []
  const model = {
    getValue: () => text,
    getFullModelRange: () => ({ startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: text.length + 1 }),
    pushStackElement: () => { log.push('stop') },
    pushEditOperations: (_sel: unknown, ops: { text: string | null }[]) => { text = ops.map((o) => o.text ?? '').join(''); log.push('edit'); return null },
  }
  return { model: model as unknown as ValueModel, log, text: () => text }
}

describe('applyValue', () => {
  it('replaces the whole text as one undoable edit', () => {
    const m = fakeModel('lib probe')
    expect(applyValue(m.model, 'lib other')).toBe(true)
    expect(m.text()).toBe('lib other')
    expect(m.log).toEqual(['stop', 'edit', 'stop'])
  })
  it('leaves the model alone (cursor, undo stack) when the text is already there', () => {
    const m = fakeModel('same')
    expect(applyValue(m.model, 'same')).toBe(false)
    expect(m.log).toEqual([])
  })
})
