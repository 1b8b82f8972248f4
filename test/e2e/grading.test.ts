// The grading loop in the app (issue 9), in real Chromium against the browser host: a student
// types an answer, runs the tests and reads the grader's feedback (and opens the failing
// interleaving as a run), reloads without losing the typing, exports, and `fdlab grade` gives
// the exported file full marks for the right answers; an instructor grades a folder holding a
// right, a wrong and a broken submission, reads the class table and a student's feedback, and
// opens a failing test's schedule as a run to step through it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, readdirSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT, assertClean, openApp, type Harness } from './helpers/browser'
import { SHOTS, norm, pageHelpers } from './helpers/page'
import { gradingLab, solutions, studentEdition, submissionText } from '../grading/helpers'
import { WRONG } from '../grading/wrong'

const INSTRUCTOR_LAB = join(ROOT, 'labs/03-close-path.lab.md')
const WRONG_CLOSE = WRONG['close-path']['my-close']![3]!.answer
let h: Harness
let page: Page
let work: string

const { editorText, cursor } = pageHelpers(() => page)
const card = (id: string) => page.locator(`.area-left [data-exercise="${id}"]`)
/** Select all in the editor and paste @text through the clipboard (a paste: no auto-closed brackets or auto-indent added). */
async function replaceEditorText(text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text)
  await page.locator('.area-editor .editor .view-lines').click()
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Control+V')
  await expect.poll(editorText).toContain((text.split('\n')[1] ?? text).trim())
}

function newest(dir: string): number {
  let t = 0
  for (const n of readdirSync(dir)) {
    const p = join(dir, n)
    const st = statSync(p)
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs)
  }
  return t
}
/** `fdlab grade` as instructors run it (the bundled CLI). */
function fdlabGrade(args: string[]): { code: number; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/fdlab.mjs'), 'grade', ...args, '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 26 })
  return { code: r.status ?? -1, err: r.stderr }
}

beforeAll(async () => {
  const cli = join(ROOT, 'out/cli/fdlab.mjs')
  if (!existsSync(cli) || statSync(cli).mtimeMs < newest(join(ROOT, 'main'))) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(r.stderr)
  }
  // Students get the released edition of the lab (no solutions, no hidden tests).
  work = mkdtempSync(join(tmpdir(), 'fdlab-e2e-grading-'))
  const labs = join(work, 'labs')
  mkdirSync(labs)
  writeFileSync(join(labs, '03-close-path.lab.md'), studentEdition('close-path').text)
  mkdirSync(SHOTS, { recursive: true })
  h = await openApp({ labsDir: labs })
  page = h.page
  await h.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(h.server.url).origin })
}, 120_000)
afterAll(async () => {
  await h?.close()
})

describe('a student', () => {
  it('types an answer, runs the tests and reads the grader\'s feedback: status, expected versus actual, where', async () => {
    await page.getByRole('dialog', { name: 'Course labs' }).waitFor()
    await page.locator('[data-lab="03-close-path.lab.md"]').click()
    await page.getByRole('heading', { name: 'The close(2) path, layer by layer' }).waitFor()
    await page.getByRole('tab', { name: /Exercises/ }).click()
    await card('my-close').getByRole('button', { name: /Open the starter/ }).click()
    await expect.poll(editorText).toContain('my_close')
    await replaceEditorText(WRONG_CLOSE)
    await card('my-close').getByRole('button', { name: /Run tests/ }).click()
    const result = card('my-close').locator('.test-result[data-test="closes-the-fd"]').first()
    await expect.poll(() => result.getAttribute('data-status'), { timeout: 60_000 }).not.toBeNull()
    await expect.poll(() => result.getAttribute('data-status'), { timeout: 60_000 }).toBe('failed')
    const text = norm(await result.innerText())
    expect(text).toMatch(/✖ closes-the-fd/)
    expect(text).toContain('expect failed: !fd_is_open(getpid(), f)')
    expect(text).toMatch(/expected: every expect\(\) holds/)
    expect(text).toMatch(/actual: expect failed/)
    // Only the public test runs here (the released edition has no hidden ones; the grader runs them).
    expect(await card('my-close').locator('.test-result').count()).toBe(2)
    expect(norm(await card('my-close').locator('.results').innerText())).not.toMatch(/bad-fd|posix-locks|sync-teardown|kept-alive/)
    await card('my-close').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, 'run-tests-feedback.png') })
  })

  it('opens the failing interleaving as a run and steps through it', async () => {
    await card('my-close').getByRole('button', { name: /Open the failing run/ }).first().click()
    await expect.poll(cursor).toBe('0')
    await expect.poll(() => page.locator('.statusbar').innerText()).toMatch(/failing interleaving of closes-the-fd/)
    expect(await editorText()).toContain('return 0;')
    await page.getByRole('button', { name: /^Step ▸/ }).click()
    await expect.poll(async () => Number(await cursor())).toBeGreaterThan(0)
  })

  it('a wrong prediction names the misconception the lab gives for it', async () => {
    await card('next-fd').getByRole('radio', { name: '6' }).check()
    await card('next-fd').getByRole('button', { name: /Run tests/ }).click()
    await expect.poll(() => card('next-fd').locator('.test-result').first().getAttribute('data-status')).toBe('failed')
    const t = norm(await card('next-fd').innerText())
    expect(t).toMatch(/the kernel gives 4/)
    expect(t).toMatch(/actual: 6/)
    expect(await card('next-fd').getByTestId('misconception').count()).toBe(1)
  })

  it('the right answers pass; typing survives a reload at once; the export is graded by fdlab grade with full marks for them', async () => {
    const sol = solutions(gradingLab('close-path').lab)
    await card('next-fd').getByRole('radio', { name: sol['next-fd']!.trim() }).check()
    // The editor still holds the exercise (the failing run was of its answer).
    expect(await card('my-close').innerText()).toMatch(/Your answer is the code in the editor/)
    await replaceEditorText(sol['my-close']!)
    await card('my-close').getByRole('button', { name: /Run tests/ }).click()
    await expect.poll(() => card('my-close').locator('.test-result').first().getAttribute('data-status'), { timeout: 60_000 }).toBe('passed')
    await page.getByLabel('Your name or student id').fill('Ada Lovelace')
    // The last keystrokes, then a reload straight away: nothing typed is lost.
    await page.locator('.area-editor .editor .view-lines').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('// done')
    await page.reload()
    await page.getByRole('heading', { name: 'The close(2) path, layer by layer' }).waitFor()
    await expect.poll(editorText).toContain('// done')
    await page.getByRole('tab', { name: /Exercises/ }).click()
    expect(await card('next-fd').getByRole('radio', { name: sol['next-fd']!.trim() }).isChecked()).toBe(true)
    const exp = page.waitForEvent('download')
    await page.getByRole('button', { name: /Export submission/ }).click()
    const download = await exp
    const file = join(work, download.suggestedFilename())
    await download.saveAs(file)
    const sub = JSON.parse(readFileSync(file, 'utf8')) as { answers: Record<string, string> }
    expect(sub.answers['my-close']!.startsWith(sol['my-close']!.trimEnd())).toBe(true)
    expect(sub.answers['my-close']).toMatch(/\/\/ done$/)
    // The grader reads exactly that file: graded against the instructor's lab, no warning (the released edition's hash).
    const out = join(work, 'graded-student')
    const r = fdlabGrade([INSTRUCTOR_LAB, file, '-o', out])
    expect(r.code, r.err).toBe(0)
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))
    const e = report.submissions[0]
    expect(e).toMatchObject({ status: 'graded', student: 'Ada Lovelace', warnings: [] })
    for (const id of ['next-fd', 'my-close']) {
      const x = e.exercises.find((y: { id: string }) => y.id === id)
      expect(x.score, id).toBe(x.max_score)
      expect(x.status, id).toBe('passed')
    }
    // Exercises not answered score nothing and say so.
    expect(e.exercises.filter((x: { status: string }) => x.status === 'not_gradable').length).toBe(e.exercises.length - 2)
  })
})

describe('an instructor', () => {
  it('grades a folder with a right, a wrong, a broken and a second submission, and reads the class table and its warning', async () => {
    const g = gradingLab('close-path')
    const { text, lab } = studentEdition('close-path')
    const dir = join(work, 'class')
    mkdirSync(join(dir, 'late'), { recursive: true })
    writeFileSync(join(dir, 'ada.json'), submissionText(lab, text, 'Ada', solutions(g.lab)))
    writeFileSync(join(dir, 'bob.json'), submissionText(lab, text, 'Bob', { ...solutions(g.lab), 'my-close': WRONG_CLOSE }))
    writeFileSync(join(dir, 'late', 'broken.json'), submissionText(lab, text, 'Cy', solutions(g.lab)).slice(0, 120))
    // Ada submitted again: both files are graded, and the LMS files would get two rows for her.
    writeFileSync(join(dir, 'late', 'ada-again.json'), submissionText(lab, text, 'Ada', solutions(g.lab)))
    await page.getByRole('button', { name: 'Grade…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Grade a class' })
    await dialog.waitFor()
    // The instructor's lab, from disk.
    let chooser = page.waitForEvent('filechooser')
    await dialog.getByRole('button', { name: 'Open a lab file…' }).click()
    await (await chooser).setFiles(INSTRUCTOR_LAB)
    await expect.poll(() => page.locator('.statusbar').innerText()).toMatch(/opened 03-close-path\.lab\.md/)
    chooser = page.waitForEvent('filechooser')
    await dialog.getByRole('button', { name: 'Choose a folder…' }).click()
    await (await chooser).setFiles(dir)
    await expect.poll(() => dialog.getByTestId('grade-files').innerText()).toMatch(/^4 file\(s\)/)
    await dialog.getByRole('button', { name: 'Grade 4 submissions' }).click()
    const rows = dialog.locator('table.class tbody tr')
    await expect.poll(() => rows.count(), { timeout: 120_000 }).toBe(4)
    const max = g.maxScore
    const row = (name: string) => dialog.locator(`tr[data-submission="${name}"]`)
    expect(norm(await row('ada').innerText())).toMatch(new RegExp(`Ada\\s+class/ada\\.json\\s+graded\\s+${max} / ${max}`))
    const bob = norm(await row('bob').innerText())
    expect(bob).toMatch(/Bob\s+class\/bob\.json\s+graded/)
    expect(bob).not.toContain(`${max} / ${max}`)
    expect(norm(await row('broken').innerText())).toMatch(/rejected.*truncated JSON/s)
    expect(await dialog.getByTestId('grade-summary').innerText()).toMatch(/3 graded, 1 rejected/)
    // The same warning fdlab grade prints, in its format, above the table.
    expect(await dialog.getByTestId('grade-warnings').innerText()).toMatch(/^class\/late\/ada-again\.json:1:1: warning\[student\]: graded \(Ada\), the same student name as class\/ada\.json/)
    await page.screenshot({ path: join(SHOTS, 'grade-class.png') })
    // grades.csv as fdlab grade writes it.
    const dl = page.waitForEvent('download')
    await dialog.getByRole('button', { name: 'grades.csv' }).click()
    const csv = readFileSync(await (await dl).path(), 'utf8').split('\r\n')
    expect(csv[0]).toMatch(/^file,student,status,reason,warnings,score,max_score,next-fd,/)
    expect(csv.filter((l) => l).length).toBe(5)
  })

  it('opens a student\'s feedback and a failing test\'s schedule as a run, and steps through it', async () => {
    const dialog = page.getByRole('dialog', { name: 'Grade a class' })
    await dialog.getByRole('button', { name: 'feedback for Bob' }).click()
    const fb = dialog.getByRole('region', { name: 'feedback for Bob' })
    const myClose = fb.locator('[data-exercise="my-close"]')
    await expect.poll(() => myClose.locator('.test-result[data-status="failed"]').count()).toBeGreaterThan(0)
    expect(norm(await myClose.innerText())).toContain('expect failed: !fd_is_open(getpid(), f)')
    await page.screenshot({ path: join(SHOTS, 'grade-feedback.png') })
    await myClose.getByRole('button', { name: /Open the failing run/ }).first().click()
    await expect.poll(() => dialog.count()).toBe(0)
    await expect.poll(cursor).toBe('0')
    expect(await editorText()).toContain('return 0;')
    await page.getByRole('button', { name: /^Step ▸/ }).click()
    await expect.poll(async () => Number(await cursor())).toBeGreaterThan(0)
    await page.screenshot({ path: join(SHOTS, 'grade-failing-run.png') })
  })

  it('takes submissions dropped on the grading dialog', async () => {
    await page.getByRole('button', { name: 'Grade…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Grade a class' })
    await dialog.waitFor()
    await dialog.getByTestId('grade-drop').evaluate((el, texts) => {
      const dt = new DataTransfer()
      texts.forEach((t, i) => dt.items.add(new File([t], `dropped-${i}.json`, { type: 'application/json' })))
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
    }, ['{}', 'not json'])
    await expect.poll(() => dialog.getByTestId('grade-files').innerText()).toBe('2 file(s): dropped-0.json, dropped-1.json')
    await dialog.getByRole('button', { name: 'Grade 2 submissions' }).click()
    await expect.poll(() => dialog.locator('table.class tbody tr.rejected').count(), { timeout: 60_000 }).toBe(2)
    expect(norm(await dialog.locator('tr[data-submission="dropped-1"]').innerText())).toMatch(/another format: not JSON/)
    // The page did not take the drop as a lab or a log to open.
    await expect.poll(() => page.locator('.statusbar').innerText()).toMatch(/graded 2 submission/)
    await dialog.getByRole('button', { name: 'close' }).click()
  })

  it('made no external request, no CSP violation, no console or page error', async () => {
    assertClean(h, await h.cspViolations())
  })
})
