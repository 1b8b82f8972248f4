// What the toolbar asks for, against a fake host: nothing the user typed is lost.
// Cancel restarts the engine worker, which replays the lab's setup calls only: the renderer then
// brings it back to what the editor shows (e.g. a failing test opened from Run tests).
import { describe, expect, it } from 'vitest'
import { exerciseKeyText, type FdlabApi, type SessionUpdate } from '../../preload/contract'
import { setApi } from '../../renderer/src/bridge/fdlab'
import { actions, setEditorReader } from '../../renderer/src/state/actions'
import { store } from '../../renderer/src/state/store'

describe('Cancel', () => {
  it('gives the restarted worker the editor\'s scenario, text and profile', async () => {
    const calls: [string, unknown][] = []
    const up = (u: Partial<SessionUpdate> = {}): SessionUpdate => ({ rev: 1, ...u })
    const api = {
      sessionCancel: async () => true,
      sessionRestore: async (r: unknown) => { calls.push(['restore', r]); return up() },
      sessionScenario: async (n: string) => { calls.push(['scenario', n]); return up({ scenario: n, source: 'mine' }) },
      sessionProfile: async (p: string) => { calls.push(['profile', p]); return up({ profile: p as '6.5', output: ['kernel profile 6.5'] }) },
    } as unknown as FdlabApi
    setApi(api)
    const key = exerciseKeyText('safe-close')
    store.resetSession()
    store.apply({ rev: 5, kind: 'lab', scenario: key, source: 'mine', profile: '6.5' })
    setEditorReader(() => 'mine')
    const printed: string[] = []
    const off = store.onOutput((l) => printed.push(...l))
    await actions.cancel()
    off()
    setEditorReader(null)
    expect(calls).toEqual([
      ['restore', { edits: [{ key, text: 'mine' }] }],
      ['scenario', key],
      ['profile', '6.5'],
    ])
    expect(printed).toEqual([])
    expect(store.get().session.scenario).toBe(key)
    expect(store.get().ui.status).toMatch(/cancelled/)
    store.resetSession()
  })
})

describe('Save Lab', () => {
  it('sends the last keystrokes to the session before it asks for the lab file', async () => {
    const calls: string[] = []
    setApi({
      setDirty: async () => undefined,
      draftSave: async () => undefined,
      sessionEdit: async (t: string) => { calls.push(`edit ${t}`); return { rev: 2 } },
      sessionLabFile: async () => { calls.push('labFile'); return { name: 'a.lab.md', text: '...' } },
      saveFile: async () => ({ saved: true, name: 'a.lab.md', handle: null }),
    } as unknown as FdlabApi)
    store.resetSession()
    store.apply({ rev: 1, kind: 'lab', scenario: 's', source: 'old' })
    actions.typed('new text')
    await actions.save(false)
    expect(calls).toEqual(['edit new text', 'labFile'])
    expect(store.get().ui.dirty).toBe(false)
    store.resetSession()
  })
})

describe('autosave', () => {
  it('says once when a draft cannot be stored (storage full), and again after it worked', async () => {
    let ok = false
    setApi({
      setDirty: async () => undefined,
      draftSave: async () => ok,
      sessionEdit: async () => ({ rev: 2 }),
    } as unknown as FdlabApi)
    store.resetSession()
    store.apply({ rev: 1, kind: 'lab', scenario: 's', source: 'old', lab: { id: 'l', version: '1' } as never })
    const printed: string[] = []
    const off = store.onOutput((l) => printed.push(...l))
    actions.typed('a')
    actions.typed('ab')
    await actions.flushEdit()
    await new Promise((r) => setTimeout(r, 0))
    expect(store.get().ui.status).toMatch(/autosave failed/)
    expect(printed.filter((l) => l.includes('autosave failed'))).toHaveLength(1)
    ok = true
    actions.typed('abc')
    ok = false
    actions.typed('abcd')
    await actions.flushEdit()
    await new Promise((r) => setTimeout(r, 0))
    expect(printed.filter((l) => l.includes('autosave failed'))).toHaveLength(2)
    off()
    store.resetSession()
  })
})
