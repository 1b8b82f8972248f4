// The shipped course (labs/) in real Chromium: the course list in course.yaml order, the Binder
// lab's naive close run to its V2 violation (red in the terminal, marked on the timeline, the
// borrowed file in the panes), the object graph, and the explorer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { parse } from 'yaml'
import { mkdirSync, readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { ROOT, assertClean, openApp, type Harness } from './helpers/browser'
import { SHOTS, pageHelpers } from './helpers/page'

let h: Harness
let page: Page
const { termText } = pageHelpers(() => page)

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  h = await openApp()
  page = h.page
})
afterAll(async () => {
  await h?.close()
})

describe('the shipped course', () => {
  it('lists the labs in the order of course.yaml', async () => {
    await page.getByRole('dialog', { name: 'Course labs' }).waitFor()
    const files = (parse(readFileSync(join(ROOT, 'labs/course.yaml'), 'utf8')) as { labs: { file: string }[] }).labs.map((l) => l.file)
    await expect.poll(() => page.locator('[data-lab]').count()).toBe(files.length)
    expect(await page.locator('[data-lab]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lab')))).toEqual(files)
    await page.screenshot({ path: join(SHOTS, 'course.png') })
  })

  it('runs the naive Binder close to its violation: red in the terminal, marked, explained', async () => {
    await page.locator('[data-lab="07-binder-deferred-close.lab.md"]').click()
    await page.getByRole('heading', { name: "Binder's deferred close" }).waitFor()
    await page.getByRole('button', { name: 'close_fd inside the ioctl' }).click()
    await expect.poll(() => page.locator('.editor .view-lines').innerText()).toContain('BINDER_CLOSE_NAIVE')
    await page.getByRole('button', { name: /Run/ }).first().click()
    await expect.poll(termText, { timeout: 20000 }).toMatch(/!!! violation V2/)
    // Violations are printed red (xterm's DOM renderer: class xterm-fg-1 for ANSI red).
    expect(await page.locator('.xterm-rows span[class*="xterm-fg-1"], .xterm-rows span[class*="xterm-fg-9"]').filter({ hasText: 'violation V2' }).count()).toBeGreaterThan(0)
    const mark = page.locator('.vmark.violation')
    await expect.poll(() => mark.count()).toBe(1)
    await mark.click()
    await expect.poll(() => page.locator('.findings').innerText()).toMatch(/V2/)
    await expect.poll(() => page.locator('.files').innerText()).toMatch(/no counted reference left while borrowed by a light fdget/)
    await expect.poll(() => page.locator('.breadcrumbs').innerText()).toMatch(/close_fd/)
    await page.screenshot({ path: join(SHOTS, 'binder-naive.png') })
    const before = await termText()
    await page.getByRole('button', { name: 'why?' }).click()
    // The path that led there ends in the kernel close path, at the finding.
    await expect.poll(termText).not.toBe(before)
    await expect.poll(termText).toMatch(/filp_close[\s\S]*!!! violation V2/)
  })

  it('draws the object graph', async () => {
    await page.getByRole('tab', { name: 'Object graph' }).click()
    await page.locator('.graph-svg').waitFor()
    expect(await page.locator('.graph-svg .node').count()).toBeGreaterThan(3)
    expect(await page.locator('.graph ul.sr-only').innerText()).toMatch(/fdget \(light, not counted\) by 100 on fd 3/)
    expect(await page.locator('.graph-svg .edge.dashed').count()).toBeGreaterThan(0) // the light borrow
    await page.screenshot({ path: join(SHOTS, 'object-graph.png') })
    await page.getByRole('tab', { name: 'State' }).click()
  })

  it('explores the interleavings and opens one as a run', async () => {
    await page.getByRole('button', { name: /Explore/ }).click()
    await page.locator('.explore .outcomes li').first().waitFor({ timeout: 60000 })
    expect(await page.locator('.explore').innerText()).toMatch(/V2/)
    await page.locator('.explore .outcomes li button').first().click()
    await expect.poll(() => page.locator('[data-testid="cursor"]').innerText()).toBe('0')
    await expect.poll(termText).toMatch(/outcome \[0\]/)
    await page.screenshot({ path: join(SHOTS, 'explore.png') })
  })

  it('made no external request, no CSP violation, no console or page error', async () => {
    assertClean(h, await h.cspViolations())
  })
})
