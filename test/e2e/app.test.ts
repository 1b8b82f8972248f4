// End to end in real Chromium against the built renderer and the browser host (`npm run web`'s
// server code): the engine runs in the page's Web Worker. Every request leaving the origin is
// aborted and fails the test, as do CSP violations, console errors and page errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT, assertClean, openApp, type Harness } from './helpers/browser'
import { SHOTS, norm, pageHelpers } from './helpers/page'

let h: Harness
let page: Page

const { termText, cursor, typeInTerminal, currentLineText, clickStep } = pageHelpers(() => page)
const refcount = (id: string) => page.locator(`[data-testid="count-${id}"] b`)
const fdRow = (fd: number) => page.locator(`.fdtable tr[data-fd="${fd}"]`)

beforeAll(async () => {
  const labs = mkdtempSync(join(tmpdir(), 'fdlab-e2e-labs-'))
  copyFileSync(join(ROOT, 'test/fixtures/mini.lab.md'), join(labs, '01-mini.lab.md'))
  mkdirSync(SHOTS, { recursive: true })
  h = await openApp({ labsDir: labs })
  page = h.page
})
afterAll(async () => {
  await h?.close()
})

describe('fdlab in Chromium (browser host)', () => {
  it('starts with the course list and opens a lab; its Markdown is rendered, never executed', async () => {
    await page.getByRole('dialog', { name: 'Course labs' }).waitFor()
    await page.locator('[data-lab="01-mini.lab.md"]').click()
    await page.getByRole('heading', { name: 'Mini close lab' }).waitFor()
    await expect.poll(() => page.locator('.lab-text').innerText()).toContain('Closing a file')
    // The lab file ends with a <script> element: shown as text, never a DOM script.
    expect(await page.locator('.lab-text script').count()).toBe(0)
    expect(await page.locator('.lab-text').innerText()).toContain('<script>alert("x")</script>')
    expect(norm(await page.locator('.editor .view-lines').innerText())).toContain('process app {')
    await page.screenshot({ path: join(SHOTS, 'lab-opened.png') })
  })

  it('highlights lab C and shows a diagnostic for a syntax error', async () => {
    // One line each: Monaco auto-indents and auto-closes braces on multi-line input.
    await page.locator('.editor .view-lines').click()
    await page.keyboard.press('Control+A')
    await page.keyboard.insertText('process app { int fd = open("/tmp/a", O_RDWR  close(fd); }')
    await page.locator('.editor .squiggly-error').first().waitFor({ timeout: 15000 })
    await expect.poll(() => page.locator('[data-testid="problems"]').innerText()).toMatch(/problem/)
    expect(await page.locator('.editor .mtk1, .editor [class*="mtk"]').count()).toBeGreaterThan(3)
    await page.screenshot({ path: join(SHOTS, 'diagnostic.png') })
    await page.keyboard.press('Control+A')
    await page.keyboard.insertText('process app { int fd = open("/tmp/a", O_RDWR | O_CREAT, 0644); close(fd); }')
    await expect.poll(() => page.locator('[data-testid="problems"]').innerText(), { timeout: 15000 }).toMatch(/no problems/)
  })

  it('autosaves the edited scenario and restores it when the lab is opened again', async () => {
    await page.goto(h.server.url + '?lab=01-mini.lab.md')
    await page.getByRole('heading', { name: 'Mini close lab' }).waitFor()
    await expect.poll(termText).toMatch(/restored your autosaved draft/)
    expect(norm(await page.locator('.editor .view-lines').innerText())).toContain('process app { int fd = open("/tmp/a", O_RDWR | O_CREAT, 0644); close(fd); }')
    // Back to the lab's own text for the next tests.
    await page.evaluate(() => localStorage.clear())
  })

  it('runs the lab scenario, steps over its statements with the current line highlighted, steps back', async () => {
    await page.goto(h.server.url + '?lab=01-mini.lab.md')
    await page.getByRole('heading', { name: 'Mini close lab' }).waitFor()
    await page.getByRole('button', { name: /Run/ }).first().click()
    await expect.poll(termText, { timeout: 20000 }).toMatch(/open\("\/tmp\/a", O_RDWR\|O_CREAT, 0644\) = 3/)
    await expect.poll(termText).toMatch(/run done at step \d+/)
    expect(await cursor()).toBe(await page.locator('[data-testid="total"]').innerText())
    await page.getByRole('button', { name: /Reset/ }).click()
    await expect.poll(cursor).toBe('0')
    const seen: string[] = []
    for (let i = 0; i < 3; i++) {
      await clickStep(/^Step ▸/)
      await page.locator('.editor .current-step-line').waitFor()
      seen.push(await currentLineText())
    }
    expect(seen[0]).toContain('int fd = open("/tmp/a"')
    expect(seen[1]).toContain('expect(fd == 3')
    // After the open statement ran, fd 3 is in the table with one reference.
    await fdRow(3).waitFor()
    expect(await refcount('file#2').innerText()).toBe('1')
    await page.screenshot({ path: join(SHOTS, 'stepping.png') })
    const c = Number(await cursor())
    expect(await clickStep(/Step back/)).toBe(c - 1)
  })

  it('runs system calls typed in the terminal; the fd table and refcounts change', async () => {
    // A fresh page without a lab: the calls run in a live process on an empty machine.
    await page.goto(h.server.url)
    await page.getByRole('dialog', { name: 'Course labs' }).waitFor()
    await page.keyboard.press('Escape')
    await typeInTerminal('trace off')
    await typeInTerminal('open /tmp/a O_RDWR|O_CREAT 0644')
    await expect.poll(termText, { timeout: 15000 }).toMatch(/open\("\/tmp\/a", O_RDWR\|O_CREAT, 0644\) = 3/)
    await fdRow(3).waitFor()
    expect(await fdRow(3).innerText()).toContain('/tmp/a')
    expect(await refcount('file#2').innerText()).toBe('1')
    await typeInTerminal('dup 3')
    await expect.poll(termText).toMatch(/dup\(3\) = 4/)
    await expect.poll(() => refcount('file#2').innerText()).toBe('2')
    await typeInTerminal('ls -l /proc/100/fd')
    await expect.poll(termText).toMatch(/4 -> \/tmp\/a \[file#2\]/)
    await page.screenshot({ path: join(SHOTS, 'terminal-and-panes.png') })
  })

  it('steps back and forward through the micro-steps', async () => {
    const end = Number(await cursor())
    expect(end).toBeGreaterThan(10)
    expect(await clickStep(/Step back/)).toBe(end - 1)
    // Back to before dup's get_file: the refcount is 1 again.
    for (let i = 0; i < 12 && (await refcount('file#2').innerText()) !== '1'; i++) await clickStep(/Step back/)
    expect(await refcount('file#2').innerText()).toBe('1')
    const back = Number(await cursor())
    expect(await clickStep(/^µ$/)).toBe(back + 1)
    await expect.poll(() => refcount('file#2').innerText()).toBe('2')
    // The scrubber jumps anywhere on the run.
    await page.locator('.timeline input[type="range"]').fill('0')
    await expect.poll(cursor).toBe('0')
    await expect.poll(() => fdRow(3).count()).toBe(0)
    await page.locator('.timeline input[type="range"]').fill(String(end))
    await expect.poll(cursor).toBe(String(end))
    await expect.poll(() => refcount('file#2').innerText()).toBe('2')
  })

  it('opens an strace log through the file picker and scrubs through its fd tables', async () => {
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    const log = readFileSync(join(ROOT, 'test/fixtures/demo.strace.log'))
    await (await chooser).setFiles({ name: 'demo.strace.log', mimeType: 'text/plain', buffer: log })
    await expect.poll(termText).toMatch(/opened strace log demo\.strace\.log \(15 events/)
    await expect.poll(termText).toMatch(/7 outcome\(s\) checked against the model: 0 mismatch/)
    expect(norm(await page.locator('.editor .view-lines').innerText())).toContain('openat(AT_FDCWD')
    await page.locator('.timeline input[type="range"]').fill('5')
    await expect.poll(cursor).toBe('5')
    await fdRow(10).waitFor()
    await page.locator('.editor .current-step-line').waitFor()
    expect(await currentLineText()).toContain('dup2(3, 10)')
    await page.screenshot({ path: join(SHOTS, 'strace-replay.png') })
    // The current line's hover names the step and what comes next.
    const band = (await page.locator('.area-editor .editor .current-step-line').boundingBox())!
    await page.mouse.move(band.x + 40, band.y + band.height / 2)
    await expect.poll(() => page.locator('.area-editor .monaco-hover').first().innerText(), { timeout: 10000 }).toMatch(/^step 5: /)
    await page.mouse.move(0, 0)
  })

  it('steps the terminal once per step; a selection in it is drawn, kept across a step and cleared', async () => {
    // In the strace log opened above. The rows are drawn once per step (xterm.js's empty
    // selection redraw is skipped); a real selection still is drawn, follows a step, and goes.
    // The help fills the screen, so that the step's lines scroll it.
    await typeInTerminal('help')
    const screenRows = await page.locator('.term-host .xterm-rows > div').count()
    await expect.poll(async () => (await termText()).split('\n').filter((l) => l.trim()).length).toBe(screenRows)
    const rowsDrawn = await page.evaluate(async () => {
      const rows = document.querySelector('.term-host .xterm-rows')!
      let renders = 0
      const mo = new MutationObserver((ms) => { if (ms.some((m) => m.target.parentElement === rows || m.target === rows)) renders++ })
      mo.observe(rows, { childList: true, subtree: true })
      const step = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim().startsWith('Step ▸'))!
      const cursor = document.querySelector('[data-testid="cursor"]')!
      const before = cursor.textContent
      step.click()
      while (cursor.textContent === before) await new Promise((r) => setTimeout(r, 10))
      // The frame that draws the step, and one more.
      for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
      mo.disconnect()
      return renders
    })
    expect(rowsDrawn).toBe(1)
    // A selection made with the mouse is drawn, kept across a step, and cleared by a click.
    const box = (await page.locator('.term-host .xterm-screen').boundingBox())!
    await page.mouse.move(box.x + 10, box.y + 10)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2, box.y + 60, { steps: 5 })
    await page.mouse.up()
    await expect.poll(() => page.locator('.term-host .xterm-selection div').count()).toBeGreaterThan(0)
    await clickStep(/^Step ▸/)
    await expect.poll(() => page.locator('.term-host .xterm-selection div').count()).toBeGreaterThan(0)
    await page.mouse.click(box.x + 20, box.y + 20)
    await expect.poll(() => page.locator('.term-host .xterm-selection div').count()).toBe(0)
  })

  it('lists a broken lab file\'s own problems in Problems, at FILE:LINE:COL', async () => {
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    const broken = '---\nid: broken\ntitle: Broken\nversion: "1"\nkernel: ["6.18"]\nauthors: [a]\nlicense: MIT\n---\n\n# Broken\n\n```c scenario=s\nprocess p { int x = 1; }\n```\n\n```c exercise=e kind=nonsense points=1\n```\n'
    await (await chooser).setFiles({ name: 'broken.lab.md', mimeType: 'text/markdown', buffer: Buffer.from(broken) })
    await page.getByRole('tab', { name: /Problems/ }).click()
    const first = page.getByTestId('file-problem').first()
    await expect.poll(() => first.innerText()).toMatch(/^broken\.lab\.md:\d+:\d+ (error|warning)\[[a-z-]+\]/)
    await page.screenshot({ path: join(SHOTS, 'lab-problems.png') })
    await page.getByRole('tab', { name: 'Terminal' }).click()
  })

  it('saves the lab and exports a submission as downloads', async () => {
    await page.goto(h.server.url + '?lab=01-mini.lab.md')
    await page.getByRole('heading', { name: 'Mini close lab' }).waitFor()
    const save = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    const saved = await save
    expect(saved.suggestedFilename()).toBe('01-mini.lab.md')
    expect(readFileSync(await saved.path(), 'utf8')).toBe(readFileSync(join(ROOT, 'test/fixtures/mini.lab.md'), 'utf8'))
    await page.getByRole('tab', { name: /Exercises/ }).click()
    await page.getByLabel('Your prediction').fill('3')
    await page.getByRole('button', { name: /Run tests/ }).first().click()
    await expect.poll(() => page.locator('.results').first().innerText()).toMatch(/✓ your prediction/)
    await page.getByLabel('Your name or student id').fill('Ada Lovelace')
    const exp = page.waitForEvent('download')
    await page.getByRole('button', { name: /Export submission/ }).click()
    const sub = await exp
    expect(sub.suggestedFilename()).toBe('mini-close-Ada_Lovelace.submission.json')
    const json = JSON.parse(readFileSync(await sub.path(), 'utf8'))
    expect(json).toMatchObject({ format: 'fdlab-submission', student: 'Ada Lovelace', answers: { 'first-fd': '3' } })
    await page.screenshot({ path: join(SHOTS, 'exercises.png') })
  })

  it('opens a file dropped on the window', async () => {
    await page.evaluate((text) => {
      const dt = new DataTransfer()
      dt.items.add(new File([text], 'dropped.strace.log', { type: 'text/plain' }))
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
    }, readFileSync(join(ROOT, 'test/fixtures/demo.strace.log'), 'utf8'))
    await expect.poll(termText).toMatch(/opened strace log dropped\.strace\.log/)
  })

  it('presenter mode: large type, stepping from the keyboard', async () => {
    await page.locator('[data-lab]').count()
    await page.goto(h.server.url + '?lab=01-mini.lab.md')
    await page.getByRole('heading', { name: 'Mini close lab' }).waitFor()
    await typeInTerminal('open /tmp/p O_RDWR|O_CREAT')
    await expect.poll(termText, { timeout: 15000 }).toMatch(/= 3/)
    await page.getByRole('button', { name: /Present/ }).click()
    await page.locator('[data-testid="presenter"]').waitFor()
    const before = await page.locator('.big-counter b').innerText()
    await page.keyboard.press('PageUp')
    await expect.poll(() => page.locator('.big-counter b').innerText()).toBe(String(Number(before) - 1))
    await page.screenshot({ path: join(SHOTS, 'presenter.png') })
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="presenter"]').waitFor({ state: 'detached' })
  })

  it('light theme', async () => {
    await page.getByRole('button', { name: /switch to light theme/ }).click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    await page.screenshot({ path: join(SHOTS, 'light-theme.png') })
    await page.getByRole('button', { name: /switch to dark theme/ }).click()
  })

  it('made no external request, no CSP violation, no console or page error', async () => {
    assertClean(h, await h.cspViolations())
  })
})
