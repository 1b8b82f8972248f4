// Panes rendered from a fixture snapshot (no engine, no IPC): what a student reads must be there,
// in text a screen reader gets too.
import { describe, expect, it } from 'vitest'
import { renderToStaticMarkup } from 'react-dom/server'
import { FdTablePane } from '../../renderer/src/panes/FdTablePane'
import { FilesPane, counted } from '../../renderer/src/panes/FilesPane'
import { TaskWorkPane } from '../../renderer/src/panes/TaskWorkPane'
import { ViolationsPane } from '../../renderer/src/panes/ViolationsPane'
import { GraphPane, buildGraph } from '../../renderer/src/panes/GraphPane'
import { LocksPane } from '../../renderer/src/panes/LocksPane'
import { RcuPane } from '../../renderer/src/panes/RcuPane'
import { setBits, summarize } from '../../renderer/src/components/Bitmap'
import { run, snapshot } from './fixtures/binderStep'

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/\s+/g, ' ')

describe('fd table pane', () => {
  const html = renderToStaticMarkup(<FdTablePane snap={snapshot} />)
  it('lists the slots, next_fd and max_fds', () => {
    expect(text(html)).toMatch(/FD TABLE files#1 \(count 1\)/)
    expect(text(html)).toMatch(/next_fd 3 · max_fds 64/)
    expect((html.match(/data-fd="/g) ?? []).length).toBe(4) // fds 0-2 and the slot emptied at this step
  })
  it('draws the slot emptied at this step as an empty, highlighted row', () => {
    expect(html).toMatch(/<tr class="changed" data-fd="3"[^>]*>.*∅ empty/)
  })
  it('gives the bitmaps an accessible name listing the set bits', () => {
    expect(html).toContain('aria-label="open_fds: 0-2"')
    expect(html).toContain('aria-label="close_on_exec: none set"')
  })
})

describe('files pane', () => {
  const html = renderToStaticMarkup(<FilesPane snap={snapshot} events={run.events} />)
  it('shows file_count and the raw field of the profile', () => {
    expect(html).toMatch(/data-testid="count-file#4"><span class="muted">file_count<\/span> <b>0<\/b>/)
    expect(text(html)).toContain('f_ref = -1')
    expect(text(html)).toContain('f_ref = 2')
  })
  it('draws a light fdget borrow but does not count it', () => {
    expect(counted({ kind: 'fdget', task: 1, fd: 3, light: true })).toBe(false)
    expect(counted({ kind: 'fdget', task: 1, fd: 3, light: false })).toBe(true)
    expect(text(html)).toMatch(/fdget \(light\) · task 100 on fd 3 borrowed · fdput ends it, nothing to put/)
    expect(html).toContain('aria-label="0 counted reference(s); 1 borrow(s) not counted')
    expect(text(html)).toMatch(/no counted reference left while borrowed by a light fdget/)
  })
  it('marks the refcount change of this step from the trace events', () => {
    expect(text(html)).toMatch(/1→0 this step/)
  })
})

describe('other panes', () => {
  it('task work shows the queue and the delayed fput list', () => {
    const t = text(renderToStaticMarkup(<TaskWorkPane snap={snapshot} />))
    expect(t).toMatch(/app \(pid 100\)/)
    expect(t).toMatch(/queue empty/)
    expect(t).toMatch(/delayed_fput list: empty/)
  })
  it('findings link to their step', () => {
    const html = renderToStaticMarkup(<ViolationsPane snap={snapshot} />)
    expect(html).toContain('aria-label="go to step 13"')
    expect(text(html)).toMatch(/1 violation\(s\)/)
  })
  it('the object graph has the pointers, and a text list of them', () => {
    const g = buildGraph(snapshot)
    expect(g.edges.map((e) => e.label)).toEqual(expect.arrayContaining(['app->files', 'fd 0 → file#1', 'fdget (light, not counted) by 100 on fd 3']))
    expect(renderToStaticMarkup(<GraphPane snap={snapshot} />)).toContain('<li>fd 0 → file#1</li>')
  })
  it('locks and RCU render their empty states', () => {
    expect(text(renderToStaticMarkup(<LocksPane snap={snapshot} />))).toMatch(/no locks/)
    expect(text(renderToStaticMarkup(<RcuPane snap={snapshot} />))).toMatch(/no callbacks pending/)
  })
})

describe('bitmaps', () => {
  it('reads 64-bit words, word 0 first', () => {
    expect(setBits(['0000000000000007'], 0, 64)).toEqual([0, 1, 2])
    expect(setBits(['8000000000000000', '0000000000000001'], 0, 128)).toEqual([63, 64])
    expect(setBits(['0000000000000001'], 640, 64)).toEqual([640])
    expect(summarize([0, 1, 2, 5, 9, 10])).toBe('0-2, 5, 9-10')
  })
})

describe('changes over the whole step', () => {
  it('an fd emptied earlier in a statement step is drawn with the file it held, struck through', () => {
    const snap = { ...snapshot, changed: { ...snapshot.changed, fds: [] } }
    const html = renderToStaticMarkup(<FdTablePane snap={snap} change={run.change} />)
    expect(html).toMatch(/<tr class="changed" data-fd="3"[^>]*>.*∅ empty <s class="was"[^>]*>file#4 \/dev\/binderish<\/s>/)
    // Without the step's span only the last micro-step counts: the row is gone.
    expect(renderToStaticMarkup(<FdTablePane snap={snap} />)).not.toMatch(/data-fd="3"/)
  })
  it('a reference dropped in the step is a hatched segment', () => {
    const html = renderToStaticMarkup(<FilesPane snap={snapshot} events={[]} change={run.change} />)
    expect(html).toMatch(/class="seg dropped"/)
    expect(text(html)).toMatch(/1→0 this step/)
  })
})

describe('a file held by more table slots than the snapshot lists', () => {
  // The engine lists at most SnapshotOptions.fdHolders slots per file and counts the rest in omittedFdHolders.
  const many = { ...snapshot.files[0]!, count: 47, raw: { field: 'f_ref' as const, value: '46' }, omittedFdHolders: 44 }
  const snap = { ...snapshot, files: [many] }
  it('the Files pane says how many slots it does not list (not the one-line card)', () => {
    const html = renderToStaticMarkup(<FilesPane snap={snap} events={[]} />)
    expect(html).not.toMatch(/card file compact/)
    expect(text(html)).toContain('… and 44 more holder(s) (44 fd slots)')
    expect(text(html)).toMatch(/file_count 47/)
  })
  it('the terminal\'s file command says it too', async () => {
    const { fileLines } = await import('../../main/host/common/terminal')
    const lines = fileLines(snap, 'file#1')
    expect(lines.at(-1)).toBe('  … and 44 more fd slot(s)')
    expect(fileLines(snapshot, 'file#1').join('\n')).not.toContain('more fd slot')
  })
})

describe('screen readers', () => {
  it('the status line says in words what the step changed', async () => {
    const { stepSummary } = await import('../../renderer/src/components/StatusBar')
    expect(stepSummary(run)).toBe('step 14, at line 12: files#1 fd 3: file#4 to empty; file#4 count 1 to 0')
  })
})
