// What the e2e tests read from and do to the app's page: the terminal and editor text, the step
// cursor, typing a terminal line, the line under the current-step band, a step button.
import { join } from 'node:path'
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { ROOT } from './browser'

/** Screenshots go to out/screenshots; FDLAB_SHOTS=docs refreshes the committed ones in docs/screenshots. */
export const SHOTS = process.env.FDLAB_SHOTS === 'docs' ? join(ROOT, 'docs/screenshots') : join(ROOT, 'out/screenshots')

/** Text as a reader sees it (xterm.js and Monaco render spaces as no-break spaces). */
export const norm = (s: string): string => s.replace(/\u00a0/g, ' ')

/** Helpers bound to the page a test file opens in its beforeAll (hence the getter). */
export function pageHelpers(page: () => Page) {
  const termText = async (): Promise<string> => norm(await page().locator('.xterm-rows').innerText())
  const editorText = async (): Promise<string> => norm(await page().locator('.area-editor .editor .view-lines').innerText())
  const cursor = (): Promise<string> => page().locator('[data-testid="cursor"]').innerText()
  async function typeInTerminal(line: string): Promise<void> {
    await page().locator('.term-host .xterm').click()
    await page().keyboard.type(line)
    await page().keyboard.press('Enter')
  }
  /** The text of the editor line under the current-step band (a widget placed at that line's top). */
  async function currentLineText(): Promise<string> {
    return norm(await page().evaluate(() => {
      const band = document.querySelector<HTMLElement>('.area-editor .editor .current-step-line')
      const top = band?.style.top
      const line = [...document.querySelectorAll<HTMLElement>('.area-editor .editor .view-line')].find((l) => l.style.top === top)
      return line?.innerText ?? ''
    }))
  }
  /** Click a step button and wait until the host's answer moved the cursor. */
  async function clickStep(name: RegExp): Promise<number> {
    const before = await cursor()
    await page().getByRole('button', { name }).first().click()
    await expect.poll(cursor).not.toBe(before)
    return Number(await cursor())
  }
  return { termText, editorText, cursor, typeInTerminal, currentLineText, clickStep }
}
