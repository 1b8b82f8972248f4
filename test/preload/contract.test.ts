// The editor key (preload/contract.ts): one type for "a scenario or an exercise's answer", and
// the text it has on the bridge and in the names of autosaved drafts, which must not change.
import { describe, expect, it } from 'vitest'
import { editorKeyText, exerciseIdOf, exerciseKeyText, parseEditorKey, type EditorKey } from '../../preload/contract'

describe('EditorKey', () => {
  it('writes a scenario as its name and an exercise as exercise:ID (the spelling saved drafts use)', () => {
    expect(editorKeyText({ kind: 'scenario', name: 'naive' })).toBe('naive')
    expect(editorKeyText({ kind: 'exercise', id: 'my-close' })).toBe('exercise:my-close')
    expect(exerciseKeyText('deferred-close')).toBe('exercise:deferred-close')
  })

  it('reads back what it writes', () => {
    const keys: EditorKey[] = [{ kind: 'scenario', name: 'open-close' }, { kind: 'exercise', id: 'safe-close' }, { kind: 'exercise', id: 'a.b-c_1' }]
    for (const k of keys) expect(parseEditorKey(editorKeyText(k))).toEqual(k)
  })

  it('takes any other text as a scenario name', () => {
    expect(parseEditorKey('exercise')).toEqual({ kind: 'scenario', name: 'exercise' })
    expect(parseEditorKey('my-exercise:x')).toEqual({ kind: 'scenario', name: 'my-exercise:x' })
    expect(parseEditorKey('')).toEqual({ kind: 'scenario', name: '' })
  })

  it('names the exercise of a key, or none', () => {
    expect(exerciseIdOf('exercise:pin')).toBe('pin')
    expect(exerciseIdOf('pin')).toBeNull()
    expect(exerciseIdOf(null)).toBeNull()
    expect(exerciseIdOf(undefined)).toBeNull()
  })
})
