// Stepping through a long strace log in real Chromium against the built renderer and the browser
// host: what a step changes in the page and when (the editor's scrollbar, the terminal's
// screen-reader copy of its rows, its character widths, the task that parses a step's text).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { assertClean, openApp, type Harness } from './helpers/browser'
import { pageHelpers } from './helpers/page'

let h: Harness
let page: Page

const { termText, cursor, clickStep } = pageHelpers(() => page)

beforeAll(async () => {
  h = await openApp()
  page = h.page
  // Marks the tasks in which the engine worker's answers arrive, until the next task (see the test
  // of a step's text parsed in the answer's task).
  await h.context.addInitScript(() => {
    const w = window as unknown as { __answerTask: boolean; Worker: typeof Worker }
    const Base = w.Worker
    w.Worker = class extends Base {
      constructor(url: string | URL, opts?: WorkerOptions) {
        super(url, opts)
        if (opts?.name !== 'fdlab-engine') return
        this.addEventListener('message', () => {
          w.__answerTask = true
          // Over at the next task or the next frame's callbacks (this one runs first among them).
          const over = () => { w.__answerTask = false }
          setTimeout(over)
          requestAnimationFrame(over)
        })
      }
    }
  })
  await page.reload()
  await page.getByRole('dialog', { name: 'Course labs' }).waitFor()
  await page.keyboard.press('Escape')
})
afterAll(async () => {
  await h?.close()
})

describe('stepping through a long strace log', () => {
  it('steps through a long log: the editor follows the step without flashing its scrollbar; a scroll of one\'s own shows it', async () => {
    // 300 events: stepping moves the editor's view to each line once it leaves the screen.
    const lines = ['100 execve("/bin/long", ["long"], 0x7ffd00000000 /* 1 vars */) = 0']
    for (let i = 0; i < 300; i++) lines.push(`100 dup(0) = ${i + 3}`)
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    await (await chooser).setFiles({ name: 'long.strace.log', mimeType: 'text/plain', buffer: Buffer.from(lines.join('\n') + '\n') })
    await expect.poll(termText).toMatch(/opened strace log long\.strace\.log/)
    await page.locator('.timeline input[type="range"]').fill('200')
    await expect.poll(cursor).toBe('200')
    await page.mouse.move(0, 0)
    // Steps that scroll the editor: its scrollbar is not shown by them (it was shown for every
    // step that scrolled, and hidden half a second later).
    await page.evaluate(() => {
      const bar = document.querySelector('.area-editor .editor .scrollbar.vertical')!
      const w = window as unknown as { __barClasses: string[] }
      w.__barClasses = []
      new MutationObserver(() => w.__barClasses.push(bar.className)).observe(bar, { attributes: true, attributeFilter: ['class'] })
    })
    // The terminal's character widths: measured while the page was idle, none in a step's frame
    // (the first step that printed a function_graph line spent some 35 ms measuring them).
    await page.evaluate(() => {
      const w = window as unknown as { __measured: string[] }
      w.__measured = []
      const box = document.querySelector('.term-host .xterm-width-cache-measure-container')!
      new MutationObserver((ms) => { for (const m of ms) w.__measured.push((m.target.textContent ?? '').slice(0, 1)) })
        .observe(box, { childList: true, characterData: true, subtree: true })
    })
    const top = () => page.locator('.area-editor .editor .lines-content').evaluate((e) => (e as HTMLElement).style.top)
    const tops = new Set<string>()
    for (let i = 0; i < 40; i++) {
      await clickStep(/^Step ▸/)
      tops.add(await top())
    }
    expect(await termText()).toMatch(/sys_dup/)
    const measured = await page.evaluate(() => (window as unknown as { __measured: string[] }).__measured)
    expect(measured.filter((c) => c >= ' ' && c <= '~')).toEqual([])
    await page.waitForTimeout(600)
    const seen = {
      scrolled: tops.size > 1,
      classes: await page.evaluate(() => (window as unknown as { __barClasses: string[] }).__barClasses),
      now: await page.locator('.area-editor .editor .scrollbar.vertical').getAttribute('class'),
    }
    expect(seen.scrolled).toBe(true)
    expect(seen.classes.filter((c) => /(^| )visible( |$)/.test(c))).toEqual([])
    expect(seen.now).toMatch(/invisible/)
    // A scroll of the student's own still shows it.
    const ed = (await page.locator('.area-editor .editor .monaco-editor').first().boundingBox())!
    await page.mouse.move(ed.x + ed.width / 2, ed.y + ed.height / 2)
    await page.mouse.wheel(0, 200)
    await expect.poll(() => page.evaluate(() => (window as unknown as { __barClasses: string[] }).__barClasses.filter((c) => /(^| )visible( |$)/.test(c)).length)).toBeGreaterThan(0)
    await page.mouse.move(0, 0)
  })

  it('parses and draws a step\'s terminal text in the task that brings the host\'s answer, and changes the panes in that task', async () => {
    // xterm.js parsed written text in a task of its own, after the answer's, with a frame and the
    // host's next messages possibly in between; the panes waited for it.
    // Its rows were drawn at the next frame, after the page had been laid out for the panes.
    await page.evaluate(() => {
      const w = window as unknown as { __answerTask: boolean; __counterInAnswer: boolean[]; __rowsInAnswer: boolean[] }
      w.__counterInAnswer = []
      w.__rowsInAnswer = []
      new MutationObserver(() => w.__counterInAnswer.push(w.__answerTask))
        .observe(document.querySelector('[data-testid="cursor"]')!, { childList: true, characterData: true, subtree: true })
      new MutationObserver(() => w.__rowsInAnswer.push(w.__answerTask))
        .observe(document.querySelector('.term-host .xterm-rows')!, { childList: true, characterData: true, subtree: true })
    })
    const before = await termText()
    for (let i = 0; i < 5; i++) await clickStep(/^Step ▸/)
    expect(await termText()).not.toBe(before)
    const seen = await page.evaluate(() => {
      const w = window as unknown as { __counterInAnswer: boolean[]; __rowsInAnswer: boolean[] }
      return { counter: w.__counterInAnswer, rows: w.__rowsInAnswer }
    })
    expect(seen.counter).toEqual([true, true, true, true, true])
    expect(seen.rows.filter((x) => x).length).toBeGreaterThanOrEqual(5)
  })

  it('a Step pressed right after the thumb was moved steps from the thumb\'s position, and stays there', async () => {
    // The thumb's position is sent once it rests (60 ms); a Step within that time used to step
    // from the old position and then be undone by the late scrub, or leave the counter showing
    // the thumb's position while the run was elsewhere.
    await page.locator('.timeline input[type="range"]').fill('100')
    await page.getByRole('button', { name: /^Step ▸/ }).first().click()
    await expect.poll(cursor).toBe('101')
    await page.waitForTimeout(400)
    expect(await cursor()).toBe('101')
    // The run is there too: the next step is 102, and the thumb shows the run's position.
    expect(await clickStep(/^Step ▸/)).toBe(102)
    expect(await page.locator('.timeline input[type="range"]').inputValue()).toBe('102')
  })

  it('copies the terminal\'s rows for screen readers in the frame that draws a step, at most once a second, the last step included', async () => {
    // The terminal's screen-reader copy of its rows: after a second without changes, a step's
    // lines are copied in the frame that draws them; steps that follow within the second are
    // copied in one go at most a second and a quarter later, the last one included.
    const rowsText = (sel: string) => page.evaluate((s) => [...document.querySelectorAll(s)].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n').trimEnd(), sel)
    const ROWS = '.term-host .xterm-rows > div'
    const COPY = '.term-host .xterm-accessibility-tree > div'
    // A second after the last copy (the one the previous steps' text asked for, up to 1.25 s after them).
    await page.waitForTimeout(2500)
    // Every frame's rendering from now on: the rows and the copy as they are drawn.
    await page.evaluate(([rowsSel, copySel]) => {
      const text = (s: string) => [...document.querySelectorAll(s)].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n').trimEnd()
      const w = window as unknown as { __frames: { rows: string; copy: string }[] }
      w.__frames = []
      const before = text(rowsSel)
      const watch = () => {
        const rows = text(rowsSel)
        if (rows !== before) w.__frames.push({ rows, copy: text(copySel) })
        else requestAnimationFrame(watch)
      }
      requestAnimationFrame(watch)
    }, [ROWS, COPY] as const)
    // How the copy is made: every row's text first, then each row scaled to the drawn row's width
    // (one layout of the page for the copy, not one per row): every row's width is read while no
    // row of the copy is scaled (a row scaled between two reads lays the page out again).
    await page.evaluate((copySel) => {
      const w = window as unknown as { __copy: string[]; __scaledAtRead: number[]; __read: Element['getBoundingClientRect'] }
      w.__copy = []
      w.__scaledAtRead = []
      const tree = document.querySelector(copySel)!.parentElement!
      new MutationObserver((ms) => { for (const m of ms) if (m.type === 'childList' || m.attributeName === 'style') w.__copy.push(m.type === 'childList' ? 'text' : 'scale') })
        .observe(tree, { childList: true, subtree: true, attributes: true, attributeFilter: ['style'] })
      const read = w.__read = Element.prototype.getBoundingClientRect
      Element.prototype.getBoundingClientRect = function (this: Element) {
        if (this.parentElement === tree) w.__scaledAtRead.push([...tree.children].filter((r) => (r as HTMLElement).style.transform !== '').length)
        return read.call(this)
      }
    }, COPY)
    await clickStep(/^Step ▸/)
    await expect.poll(() => page.evaluate(() => (window as unknown as { __frames: unknown[] }).__frames.length)).toBe(1)
    const sameFrame = await page.evaluate(() => (window as unknown as { __frames: { rows: string; copy: string }[] }).__frames[0]!)
    expect(sameFrame.copy).toBe(sameFrame.rows)
    const order = await page.evaluate(() => (window as unknown as { __copy: string[] }).__copy)
    expect(order.filter((m) => m === 'text').length).toBeGreaterThan(10)
    expect(order.lastIndexOf('text')).toBeLessThan(order.indexOf('scale'))
    const scaled = await page.evaluate((copySel) => [...document.querySelectorAll<HTMLElement>(copySel)].filter((r) => (r.textContent ?? '').trim()).every((r) => /^scaleX\(/.test(r.style.transform)), COPY)
    expect(scaled).toBe(true)
    const scaledAtRead = await page.evaluate(() => {
      const w = window as unknown as { __scaledAtRead: number[]; __read: Element['getBoundingClientRect'] }
      Element.prototype.getBoundingClientRect = w.__read
      return w.__scaledAtRead
    })
    expect(scaledAtRead.length).toBeGreaterThan(10)
    expect(scaledAtRead.every((n) => n === 0)).toBe(true)
    for (let i = 0; i < 3; i++) await clickStep(/^Step ▸/)
    const last = await rowsText(ROWS)
    await expect.poll(() => rowsText(COPY), { timeout: 3000 }).toBe(last)
  })


  it('brings the terminal\'s scrollbar up to date once per step, at the bottom with the output', async () => {
    const slider = '.term-host .xterm .scrollbar.vertical .slider'
    const writes = await page.evaluate(async (sel) => {
      const el = document.querySelector(sel)!
      let n = 0
      const mo = new MutationObserver((ms) => { n += ms.length })
      mo.observe(el, { attributes: true, attributeFilter: ['style'] })
      const step = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim().startsWith('Step ▸'))!
      const cursor = document.querySelector('[data-testid="cursor"]')!
      const before = cursor.textContent
      step.click()
      for (const t = performance.now(); cursor.textContent === before && performance.now() - t < 10_000;) await new Promise((r) => setTimeout(r, 5))
      for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
      mo.disconnect()
      return n
    }, slider)
    // A step prints some thirty lines: their scroll was written to the slider line by line.
    expect(writes).toBeGreaterThan(0)
    expect(writes).toBeLessThanOrEqual(2)
    const { top, height, track } = await page.evaluate((sel) => {
      const el = document.querySelector<HTMLElement>(sel)!
      return { top: parseFloat(el.style.top), height: parseFloat(el.style.height), track: el.parentElement!.getBoundingClientRect().height }
    }, slider)
    expect(Math.abs(top + height - track)).toBeLessThanOrEqual(2)
  })

  it('made no external request, no CSP violation, no console or page error', async () => {
    assertClean(h, await h.cspViolations())
  })
})
