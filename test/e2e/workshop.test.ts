// A workshop's faults (issue 12) in real Chromium on the shipped course: Run tests judges what is
// in the editor and never loses it (type, run, reload, export); a reload keeps the lab, the
// scenario, the predictions, the name and the results; a detached file stays drawn; a statement
// step shows all it changed; Cancel does not freeze the panes; a terminal call with a missing
// argument is an error; explorer results belong to their scenario.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { assertClean, openApp, type Harness } from './helpers/browser'
import { SHOTS, pageHelpers } from './helpers/page'

let h: Harness
let page: Page
const { termText, editorText, cursor, typeInTerminal, currentLineText, clickStep } = pageHelpers(() => page)
async function openLab(file: string, heading: string): Promise<void> {
  await page.goto(`${h.server.url}?lab=${file}`)
  await page.getByRole('heading', { name: heading }).waitFor()
}
async function replaceEditorText(text: string): Promise<void> {
  await page.locator('.area-editor .editor .view-lines').click()
  await page.keyboard.press('Control+A')
  await page.keyboard.insertText(text)
}
const card = (id: string) => page.locator(`[data-exercise="${id}"]`)

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  h = await openApp()
  page = h.page
})
afterAll(async () => {
  await h?.close()
})

describe('no lost work', () => {
  const GOOD = 'long my_close(unsigned int fd) { long r = close_fd(fd); return r; }'

  it('Run tests judges the text in the editor, not the starter (typed a moment ago, not yet checked)', async () => {
    await page.getByRole('dialog', { name: 'Course labs' }).waitFor()
    await page.locator('[data-lab="03-close-path.lab.md"]').click()
    await page.getByRole('heading', { name: 'The close(2) path, layer by layer' }).waitFor()
    await page.getByRole('tab', { name: /Exercises/ }).click()
    await card('my-close').getByRole('button', { name: /Open the starter/ }).click()
    await expect.poll(editorText).toContain('return close_fd(fd);')
    // Garbage, and Run tests at once (before the editor's debounced check).
    await replaceEditorText('long my_close(unsigned int fd) { return frobnicate( ; }')
    await card('my-close').getByRole('button', { name: /Run tests/ }).click()
    await expect.poll(() => card('my-close').locator('.results').innerText(), { timeout: 30000 }).toMatch(/✖/)
    expect(await card('my-close').locator('.results').innerText()).not.toMatch(/✓/)
    // The editor still holds the answer: nothing replaced it with the starter.
    expect(await editorText()).toContain('frobnicate(')
    await replaceEditorText(GOOD)
    await card('my-close').getByRole('button', { name: /Run tests/ }).click()
    await expect.poll(() => card('my-close').locator('.results').innerText(), { timeout: 30000 }).toMatch(/✓ closes-the-fd/)
    expect(await card('my-close').innerText()).toMatch(/hidden test/)
  })

  it('a prediction from the offered choices and the name survive a reload with the answer and its results', async () => {
    await card('next-fd').getByRole('radio', { name: '4' }).check()
    await page.getByLabel('Your name or student id').fill('Ada Lovelace')
    // The last keystrokes of the answer, then reload at once.
    await page.locator('.area-editor .editor .view-lines').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type(' // last')
    await page.reload()
    await page.getByRole('heading', { name: 'The close(2) path, layer by layer' }).waitFor()
    expect(new URL(page.url()).searchParams.get('lab')).toBe('03-close-path.lab.md')
    await expect.poll(editorText).toContain(`${GOOD} // last`)
    await page.getByRole('tab', { name: /Exercises/ }).click()
    await expect.poll(() => card('my-close').locator('.results').innerText()).toMatch(/✓ closes-the-fd/)
    expect(await card('my-close').innerText()).toMatch(/changed since this run/)
    expect(await card('next-fd').getByRole('radio', { name: '4' }).isChecked()).toBe(true)
    expect(await page.getByLabel('Your name or student id').inputValue()).toBe('Ada Lovelace')
    await page.screenshot({ path: join(SHOTS, 'exercises-after-reload.png') })
  })

  it('the exported submission holds the typed answer and the prediction', async () => {
    const exp = page.waitForEvent('download')
    await page.getByRole('button', { name: /Export submission/ }).click()
    const sub = JSON.parse(readFileSync(await (await exp).path(), 'utf8')) as { student: string; answers: Record<string, string> }
    expect(sub.student).toBe('Ada Lovelace')
    expect(sub.answers['my-close']).toBe(`${GOOD} // last`)
    expect(sub.answers['next-fd']).toBe('4')
    await page.evaluate(() => localStorage.clear())
  })
})

describe('the objects the lab is about stay on screen', () => {
  it('the pinned file of lab 2 is drawn with its holders after filp_close took it out of the table', async () => {
    await openLab('07-binder-deferred-close.lab.md', "Binder's deferred close")
    await page.getByRole('button', { name: 'the count after step 3' }).click()
    await expect.poll(editorText).toContain('observe("after_filp_close"')
    // Step over the statements up to fput(f): filp_close has dropped the table's reference, the pin holds the file.
    const marked = new Set<string>()
    for (let i = 0; i < 20 && !/^\s*fput\(f\)/.test(await currentLineText()); i++) {
      await clickStep(/^Step ▸/)
      // The lab's numbered steps follow the execution.
      for (const t of await page.locator('.lab-text li.step-active').allInnerTexts()) marked.add(t.split('(')[0]!.trim())
    }
    expect([...marked]).toEqual(expect.arrayContaining(['get_file', 'filp_close']))
    expect(await currentLineText()).toMatch(/^\s*fput\(f\);/)
    const pinned = page.locator('.files article.file', { hasText: '/tmp/pinned' })
    await expect.poll(() => pinned.count()).toBe(1)
    expect(await pinned.getAttribute('aria-label')).toMatch(/file_count 1, in no fd table/)
    // The reference filp_close left (get_file's, in the driver's code) and the one it dropped in the step.
    expect(await pinned.innerText()).toMatch(/a reference held by the running code/)
    expect(await pinned.locator('.seg.dropped').count()).toBe(1)
    expect(await pinned.innerText()).toMatch(/2→1 this step/)
    await page.screenshot({ path: join(SHOTS, 'detached-file.png') })
    // The task-work card is in view without scrolling (1600x1000).
    const pane = (await page.locator('.area-state .pane-body').boundingBox())!
    const tw = (await page.locator('.area-state .taskwork').boundingBox())!
    expect(tw.y + tw.height).toBeLessThanOrEqual(pane.y + pane.height)
    // The README's picture: a shipped lab, mid-step.
    await page.screenshot({ path: join(SHOTS, 'hero.png') })
  })

  it('presenter mode: every pane the lab needs, large captioned segments, micro-steps and step into; Esc from the terminal leaves', async () => {
    await page.getByRole('button', { name: /Present/ }).click()
    const p = page.locator('[data-testid="presenter"]')
    await p.waitFor()
    const pinned = p.locator('.files article.file', { hasText: '/tmp/pinned' })
    expect(await pinned.locator('.seg-caption').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/−1\s*dropped now/)]))
    expect(await p.locator('.presenter-legend').innerText()).toMatch(/counted reference[\s\S]*borrowed, not counted[\s\S]*dropped this step/)
    expect(await p.locator('.taskwork').count()).toBe(1)
    await page.screenshot({ path: join(SHOTS, 'presenter.png') })
    const c = Number(await p.locator('.big-counter b').innerText())
    await p.getByRole('button', { name: 'µ' }).click()
    await expect.poll(() => p.locator('.big-counter b').innerText()).toBe(String(c + 1))
    await p.getByRole('button', { name: /Into/ }).click()
    await expect.poll(async () => Number(await p.locator('.big-counter b').innerText())).toBeGreaterThan(c + 1)
    // The terminal (hidden behind presenter mode) had the focus: Esc still leaves.
    await page.evaluate(() => (document.querySelector('.xterm-helper-textarea') as HTMLElement | null)?.focus())
    await page.keyboard.press('Escape')
    await p.waitFor({ state: 'detached' })
    await page.getByRole('button', { name: /Present/ }).click()
    await p.waitFor()
    await p.getByRole('button', { name: 'leave presenter mode' }).click()
    await p.waitFor({ state: 'detached' })
  })

  it('presenter slides of a shipped lab: a slide opens its scenario and runs it to its label', async () => {
    await openLab('03-close-path.lab.md', 'The close(2) path, layer by layer')
    await page.getByRole('button', { name: /Present/ }).click()
    const p = page.locator('[data-testid="presenter"]')
    await p.waitFor()
    const slides = p.locator('.presenter-slides')
    await slides.waitFor()
    const head = () => slides.locator('.muted.small').first().innerText()
    // The course's close(2) lab: its first slide with a scenario runs lowest-fd to label after_close.
    for (let i = 0; i < 20 && !/→/.test(await head()); i++) await p.getByRole('button', { name: 'slide ▸' }).click()
    expect(await head()).toMatch(/slide \d+ \/ \d+ · lowest-fd → after_close/)
    await expect.poll(async () => Number(await p.locator('.big-counter b').innerText())).toBeGreaterThan(0)
    await expect.poll(termText).toMatch(/after_close/)
    // The slide's heading is shown once (the slide is cut at it).
    expect(await slides.getByRole('heading', { name: 'Where fd numbers come from' }).count()).toBe(1)
    await page.screenshot({ path: join(SHOTS, 'presenter-slides.png') })
    await page.keyboard.press('Escape')
    await p.waitFor({ state: 'detached' })
  })

  it('micro-stepping into a lib of the lab points at its code and opens it read-only in a tab', async () => {
    await openLab('03-close-path.lab.md', 'The close(2) path, layer by layer')
    await page.getByRole('button', { name: 'close(2): where the last __fput runs' }).click()
    await expect.poll(editorText).toContain('open("/dev/marker"')
    await clickStep(/^Step ▸/)
    await clickStep(/^Step ▸/)
    const banner = page.locator('[data-testid="elsewhere"]')
    for (let i = 0; i < 60 && (await banner.count()) === 0; i++) await clickStep(/^µ$/)
    expect(await banner.innerText()).toMatch(/lab code this editor does not show \(lib marker\)/)
    await banner.getByRole('button', { name: 'show it' }).click()
    await expect.poll(() => page.locator('.lib-view .current-step-line').count()).toBe(1)
    expect(await page.getByRole('tab', { name: /marker\.c/ }).getAttribute('aria-selected')).toBe('true')
    await page.screenshot({ path: join(SHOTS, 'lib-tab.png') })
    await page.getByRole('tab', { name: /where-release-runs\.c/ }).click()
    await expect.poll(editorText).toContain('open("/dev/marker"')
  })

  it('stepping over close(fd) shows the emptied slot with the file it held, and the current line', async () => {
    await openLab('03-close-path.lab.md', 'The close(2) path, layer by layer')
    await page.getByRole('button', { name: 'close(2): where the last __fput runs' }).click()
    await expect.poll(editorText).toContain('open("/dev/marker"')
    await clickStep(/^Step ▸/)
    await clickStep(/^Step ▸/)
    await expect.poll(() => page.locator('.fdtable tr[data-fd="3"]').innerText()).toContain('/dev/marker')
    await clickStep(/^Step ▸/)
    // The step ran the whole close, the marker driver's ->flush (a lib of the lab) included.
    expect(await currentLineText()).toContain('label closed;')
    const row = page.locator('.fdtable tr[data-fd="3"]')
    expect(await row.getAttribute('class')).toBe('changed')
    expect(await row.locator('s.was').innerText()).toMatch(/file#\d+ \/dev\/marker/)
    // Inline values on the lines run, and the current line's badge.
    await expect.poll(() => page.locator('.area-editor .inline-value').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/open\(\) = 3/)]))
    expect(await page.locator('.area-editor .inline-badge').innerText()).toMatch(/step \d+/)
    await page.screenshot({ path: join(SHOTS, 'step-over-close.png') })
    // The bottom panel: the kernel path of the step in the Trace tab, the step's lines marked.
    await page.getByRole('tab', { name: 'Trace' }).click()
    await expect.poll(() => page.locator('.trace-lines li.current').count()).toBeGreaterThan(3)
    expect(await page.locator('.trace-lines').innerText()).toMatch(/filp_close|fput/)
    await page.screenshot({ path: join(SHOTS, 'trace-tab.png') })
    await page.getByRole('tab', { name: /Problems/ }).click()
    await expect.poll(() => page.locator('#panel-problems').innerText()).toMatch(/no problems/)
    await page.getByRole('tab', { name: 'Terminal' }).click()
    await page.locator('.term-host .xterm').waitFor()
    // The run so far as a Perfetto trace.
    const dl = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export trace' }).click()
    const d = await dl
    expect(d.suggestedFilename()).toMatch(/close-path-where-release-runs\.perfetto\.json$/)
    const trace = JSON.parse(readFileSync(await d.path(), 'utf8')) as { traceEvents: { ph: string; name: string }[] }
    expect(trace.traceEvents.some((e) => e.ph === 'B' && e.name === 'sys_close')).toBe(true)
    expect(trace.traceEvents.some((e) => e.ph === 'C')).toBe(true)
  })
})

describe('the timeline', () => {
  it('dragging the thumb scrubs: the run lands where it was released; phases are named by the labels', async () => {
    await openLab('03-close-path.lab.md', 'The close(2) path, layer by layer')
    await page.getByRole('button', { name: 'the lowest free fd and next_fd' }).click()
    await page.getByRole('button', { name: /Run/ }).first().click()
    await expect.poll(termText, { timeout: 20000 }).toMatch(/run done at step \d+/)
    const total = Number(await page.locator('[data-testid="total"]').innerText())
    expect(await page.locator('.timeline .phase').count()).toBeGreaterThan(0)
    expect(await page.locator('.timeline .phase-name').first().innerText()).toMatch(/\w/)
    const range = page.locator('.timeline input[type="range"]')
    const box = (await range.boundingBox())!
    const y = box.y + box.height / 2
    // From the start to 80 % of the track, slowly, as a hand would.
    await page.mouse.move(box.x + 8, y)
    await page.mouse.down()
    for (let i = 1; i <= 20; i++) {
      await page.mouse.move(box.x + 8 + (box.width * 0.8 - 8) * (i / 20), y)
      await page.waitForTimeout(30)
    }
    await page.mouse.up()
    const released = Number(await range.inputValue())
    expect(released).toBeGreaterThan(total * 0.6)
    await expect.poll(async () => Number(await cursor())).toBe(released)
    await expect.poll(async () => Number(await range.inputValue())).toBe(released)
    await page.screenshot({ path: join(SHOTS, 'timeline-phases.png') })
  })
})

describe('keyboard only', () => {
  const active = () => page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null
    return { tag: a?.tagName ?? '', text: (a?.innerText ?? '').slice(0, 80), inDialog: !!a?.closest('[role="dialog"]'), inEditor: !!a?.closest('.monaco-editor') }
  })
  it('the main flow: the labs dialog keeps the focus, a lab opens on its title, F-keys step from the editor, Esc Tab leaves it', async () => {
    await page.evaluate(() => localStorage.clear())
    await page.goto(h.server.url)
    await page.getByRole('dialog', { name: 'Course labs' }).waitFor()
    // The course's first lab has the focus.
    await expect.poll(async () => (await active()).text).toMatch(/What an fd is/)
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab')
      expect((await active()).inDialog).toBe(true)
    }
    // To the close(2) lab (third in the course) and open it.
    while (!/The close\(2\) path/.test((await active()).text)) await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'The close(2) path, layer by layer' }).waitFor()
    await expect.poll(async () => (await active()).tag).toBe('H1')
    // Into the editor with Tab only.
    for (let i = 0; i < 80 && !(await active()).inEditor; i++) await page.keyboard.press('Tab')
    expect((await active()).inEditor).toBe(true)
    await page.keyboard.press('F10')
    await expect.poll(cursor).not.toBe('–')
    await page.keyboard.press('F10')
    const c = Number(await cursor())
    await expect.poll(async () => Number(await cursor())).toBeGreaterThan(1)
    const at = Number(await cursor())
    await page.keyboard.press('Shift+F10')
    await expect.poll(async () => Number(await cursor())).toBe(at - 1)
    expect(await page.locator('.monaco-menu').count()).toBe(0)
    expect(c).toBeGreaterThan(0)
    // Tab indents inside the editor; Esc then Tab leaves it.
    await page.keyboard.press('Escape')
    await page.keyboard.press('Tab')
    expect((await active()).inEditor).toBe(false)
    await page.keyboard.press('Control+Shift+P')
    await page.locator('[data-testid="presenter"]').waitFor()
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="presenter"]').waitFor({ state: 'detached' })
  })
})

describe('the terminal and the explorer', () => {
  it('a system call with a missing argument is an error with its column and closes nothing', async () => {
    await typeInTerminal('close')
    await expect.poll(termText).toMatch(/terminal:1:7: error\[shell-args\]: close: missing argument FD/)
    await typeInTerminal('ls -l /proc/100/fd')
    await expect.poll(termText).toMatch(/0 -> /)
  })

  it('explorer results belong to their scenario', async () => {
    await openLab('07-binder-deferred-close.lab.md', "Binder's deferred close")
    await page.getByRole('button', { name: 'close_fd inside the ioctl' }).click()
    await page.getByRole('button', { name: /Explore/ }).click()
    await page.locator('.explore .outcomes li').first().waitFor({ timeout: 60000 })
    await page.getByRole('button', { name: /Binder's deferred close: clean/ }).click()
    await expect.poll(editorText).toContain('BINDER_FREE_FD')
    await expect.poll(() => page.locator('.explore .outcomes li').count()).toBe(0)
  })

  it('compare: the naive close under the other kernel, the run on screen kept', async () => {
    await openLab('07-binder-deferred-close.lab.md', "Binder's deferred close")
    await page.getByRole('button', { name: 'close_fd inside the ioctl' }).click()
    await clickStep(/^Step ▸/)
    const at = await cursor()
    await page.getByLabel('compare with').selectOption({ label: 'with kernel 6.18' })
    await expect.poll(() => page.locator('[data-testid="compare-result"]').innerText(), { timeout: 30000 }).toMatch(/6\.18 · 1 violation\(s\) \(V2 at \d+\)/)
    expect(await cursor()).toBe(at)
    await page.screenshot({ path: join(SHOTS, 'compare.png') })
  })

  it('after Cancel the panes follow the next steps', async () => {
    await openLab('03-close-path.lab.md', 'The close(2) path, layer by layer')
    await page.getByRole('button', { name: 'close(-1) and a double close' }).click()
    // Run at once: the run is of the text just typed (an endless loop), not of the scenario before it.
    await replaceEditorText('process app { int i = 0; while (1) { i = getpid(); } }')
    await page.getByRole('button', { name: /Run/ }).first().click()
    await page.getByRole('button', { name: /Cancel run/ }).click()
    await expect.poll(() => page.locator('.statusbar').innerText()).toMatch(/cancelled; the lab was reloaded at step 0/)
    for (let i = 1; i <= 3; i++) expect(await clickStep(/^µ$/)).toBe(i)
    await expect.poll(() => page.locator('.fdtable').count()).toBeGreaterThan(0)
    await page.evaluate(() => localStorage.clear())
  })

  it('made no external request, no CSP violation, no console or page error', async () => {
    assertClean(h, await h.cspViolations())
  })
})
