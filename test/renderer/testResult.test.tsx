// A test's result as Run tests and the grading dialog show it: the grader's status, message,
// expected versus actual, where, misconception and the failing run (only for the answer judged).
import { describe, expect, it } from 'vitest'
import { renderToStaticMarkup } from 'react-dom/server'
import { TestResult } from '../../renderer/src/panes/ExercisesPane'
import type { TestFeedback } from '../../preload/contract'

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/\s+/g, ' ')
const failed: TestFeedback = {
  name: 'sync-teardown [6.18]', ok: false, status: 'failed', message: 'lab.md:12:3: expect failed: victim_released == 1', test: 'sync-teardown', profile: '6.18',
  expected: 'every expect() holds', actual: 'expect failed: victim_released == 1', where: { line: 2, col: 10 },
  misconceptions: [{ id: 'close-defers-in-618', explain: 'close_fd defers the last __fput to task work' }], explored: { runs: 12, complete: true }, schedule: 'v1:100*40,101',
}

describe('a test result', () => {
  it('a failure: status, message, expected versus actual, where, misconception, interleavings, and the failing run', () => {
    const html = renderToStaticMarkup(<TestResult ex={{ id: 'my-close' }} r={failed} answer="long my_close(unsigned int fd) { return 0; }" editing={false} />)
    const t = text(html)
    expect(html).toContain('data-status="failed"')
    expect(t).toContain('✖ sync-teardown [6.18] failed')
    expect(t).toContain('expect failed: victim_released == 1')
    expect(t).toContain('expected: every expect() holds')
    expect(t).toContain('actual: expect failed')
    expect(t).toContain('where: your answer, line 2, column 10')
    expect(t).toContain('? close_fd defers the last __fput to task work')
    expect(t).toContain('interleavings: 12 explored, every one covered')
    expect(t).toContain('Open the failing run')
    expect(t).toContain('v1:100*40,101')
  })
  it('no failing run to open when the answer it judged is not known (changed since)', () => {
    const html = renderToStaticMarkup(<TestResult ex={{ id: 'my-close' }} r={failed} answer={undefined} editing={false} />)
    expect(text(html)).not.toContain('Open the failing run')
  })
  it('budget is never shown as a pass', () => {
    const html = renderToStaticMarkup(<TestResult ex={{ id: 'x' }} r={{ name: 't', ok: false, status: 'budget', message: 'the run did not finish' }} answer="a" editing={false} />)
    expect(text(html)).toContain('✖ t stopped at a limit (not a pass)')
  })
  it('a pass is one line', () => {
    const html = renderToStaticMarkup(<TestResult ex={{ id: 'x' }} r={{ name: 't', ok: true, status: 'passed', message: 'every expectation met' }} answer="a" editing={false} />)
    expect(text(html).trim()).toBe('✓ t')
  })
})
