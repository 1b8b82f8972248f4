/**
 * The security scan's report reader and judge (scripts/security-scan.mjs; the scan itself runs as
 * `npm run scan`, outside `npm test`, and .ci/run counts it).
 */
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain Node script without type declarations
import { judgeApp, parseFindings } from '../../scripts/security-scan.mjs'

interface Finding { issue: string; severity: string; file: string; location: string }

describe('security scan', () => {
  it('reads findings whose samples hold unescaped quotes, commas and newlines', () => {
    const csv = [
      'issue, severity, confidence, filename, location, sample, description, url',
      'CSP_GLOBAL_CHECK,"MEDIUM","CERTAIN",out/renderer/index.html,4:1,<meta http-equiv="Content-Security-Policy" content="default-src \'none\',',
      '  style-src \'self\'">,One or more CSP directives,https://example.invalid/CSP',
      'CONTEXT_ISOLATION_JS_CHECK,HIGH,FIRM,main.js,3:12,"contextIsolation: false",Review,https://example.invalid/CI',
      ',"HIGH","FIRM","main.js","9:1","nodeIntegration: true",Review,https://example.invalid/NI',
    ].join('\n')
    expect((parseFindings(csv) as Finding[]).map((f) => [f.issue, f.severity, f.file, f.location])).toEqual([
      ['CSP_GLOBAL_CHECK', 'MEDIUM', 'out/renderer/index.html', '4:1'],
      ['CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'main.js', '3:12'],
      ['(a finding the tool printed without its rule)', 'HIGH', '', ''],
    ])
  })

  it('fails a HIGH finding, an unreviewed one, and a report that does not list the preload', () => {
    const f = (issue: string, severity: string) => ({ issue, severity, confidence: '', file: 'x.js', location: '1:1', sample: '' })
    expect(judgeApp([f('PRELOAD_JS_CHECK', 'INFORMATIONAL'), f('CSP_GLOBAL_CHECK', 'MEDIUM')])).toEqual([])
    expect(judgeApp([f('PRELOAD_JS_CHECK', 'INFORMATIONAL'), f('CONTEXT_ISOLATION_JS_CHECK', 'HIGH')])).toHaveLength(1)
    expect(judgeApp([f('PRELOAD_JS_CHECK', 'INFORMATIONAL'), f('AUXCLICK_JS_CHECK', 'MEDIUM')])[0]).toMatch(/^unreviewed/)
    expect(judgeApp([])[0]).toMatch(/not read/)
  })
})
