// The terminal's line discipline: editing, history, completion requests and Ctrl+C, without a DOM.
import { describe, expect, it } from 'vitest'
import { LineEditor, commonPrefix } from '../../renderer/src/components/lineEditor'
import { shortcutAction } from '../../renderer/src/shortcuts'

describe('line editor', () => {
  it('submits typed lines and edits in the middle', () => {
    const e = new LineEditor()
    expect(e.feed('dup 3')).toEqual([])
    e.feed('\x1b[D\x7f')
    expect(e.buffer).toBe('dup3')
    e.feed('2 ')
    expect(e.buffer).toBe('dup2 3')
    expect(e.feed('\x1b[F 7\r')).toEqual([{ kind: 'submit', line: 'dup2 3 7' }])
    expect(e.buffer).toBe('')
  })
  it('keeps history (up/down) without duplicates in a row', () => {
    const e = new LineEditor()
    e.feed('ps\r')
    e.feed('ps\r')
    e.feed('close 3\r')
    e.feed('cl')
    e.feed('\x1b[A')
    expect(e.buffer).toBe('close 3')
    e.feed('\x1b[A')
    expect(e.buffer).toBe('ps')
    e.feed('\x1b[A')
    expect(e.buffer).toBe('ps')
    e.feed('\x1b[B\x1b[B')
    expect(e.buffer).toBe('cl')
  })
  it('asks for completion on Tab, cancels on Ctrl+C, clears on Ctrl+L', () => {
    const e = new LineEditor()
    expect(e.feed('cat /pr\t')).toEqual([{ kind: 'complete', line: 'cat /pr' }])
    e.complete(4, '/proc/100/fdinfo/')
    expect(e.buffer).toBe('cat /proc/100/fdinfo/')
    expect(e.feed('\x03')).toEqual([{ kind: 'cancel' }])
    expect(e.buffer).toBe('')
    expect(e.feed('\x0c')).toEqual([{ kind: 'clear' }])
  })
  it('splits pasted text into lines', () => {
    const e = new LineEditor()
    expect(e.feed('open /tmp/a O_RDWR\r\nclose 3\r')).toEqual([{ kind: 'submit', line: 'open /tmp/a O_RDWR' }, { kind: 'submit', line: 'close 3' }])
  })
  it('common prefix of candidates', () => {
    expect(commonPrefix(['close', 'close_range'])).toBe('close')
    expect(commonPrefix([])).toBe('')
  })
})

describe('keyboard shortcuts', () => {
  const k = (key: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean }> = {}) =>
    shortcutAction({ key, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods })
  it('maps the desktop keys', () => {
    expect(k('F5')).toBe('run')
    expect(k('F10')).toBe('step')
    expect(k('F10', { shiftKey: true })).toBe('step-back')
    expect(k('F11')).toBe('step-into')
    expect(k('o', { ctrlKey: true })).toBe('open-lab')
    expect(k('S', { ctrlKey: true, shiftKey: true })).toBe('save-lab-as')
    expect(k('P', { ctrlKey: true, shiftKey: true })).toBe('presenter')
    expect(k('a')).toBeNull()
  })
})
