// Lab Markdown is rendered from tokens to React elements: a lab file cannot inject markup.
import { describe, expect, it } from 'vitest'
import { renderToStaticMarkup } from 'react-dom/server'
import { Markdown, safeHref } from '../../renderer/src/components/Markdown'

const render = (md: string) => renderToStaticMarkup(<Markdown source={md} />)

describe('sanitized Markdown', () => {
  it('renders the usual constructs', () => {
    const html = render('# Title\n\nSome **bold**, *em*, `code` and a [link](https://docs.kernel.org/).\n\n1. one\n2. two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n')
    expect(html).toContain('<h2>Title</h2>')
    expect(html).toContain('<strong>bold</strong>')
    expect(html).toContain('<code>code</code>')
    expect(html).toContain('<a href="https://docs.kernel.org/" target="_blank" rel="noopener noreferrer">link</a>')
    expect(html).toMatch(/<ol( start="1")?><li>one<\/li><li>two<\/li><\/ol>/)
    expect(html).toContain('<td>1</td>')
  })
  it('never emits markup from the lab file', () => {
    const evil = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      'text <iframe src="https://evil.example/"></iframe> more',
      '<a href="javascript:alert(1)">x</a>',
      '[click](javascript:alert(1))',
      '![img](https://evil.example/track.png)',
      '<style>body{display:none}</style>',
      '<svg onload=alert(1)>',
    ]
    for (const md of evil) {
      const html = render(md)
      expect(html, md).not.toMatch(/<(script|img|iframe|style|svg)\b/i)
      expect(html, md).not.toMatch(/href="javascript:/i)
      expect(html, md).not.toMatch(/<[a-z][^>]*\son\w+=/i)
    }
    expect(render('[x](javascript:alert(1))')).toContain('class="md-link-disabled"')
    expect(render('![cat](https://evil.example/cat.png)')).toContain('[image: cat]')
  })
  it('only https links are followed', () => {
    expect(safeHref('https://lwn.net/')).toBe('https://lwn.net/')
    expect(safeHref('http://lwn.net/')).toBeNull()
    expect(safeHref('file:///etc/passwd')).toBeNull()
    expect(safeHref('data:text/html,<script>')).toBeNull()
    expect(safeHref('https://u:p@host/')).toBeNull()
  })
})

describe('large sources', () => {
  it('are cut at headings outside fenced code, and nothing is lost', async () => {
    const { splitParts } = await import('../../renderer/src/components/Markdown')
    const para = 'word '.repeat(2000)
    let src = ''
    for (let i = 0; i < 40; i++) src += `## Part ${i}\n\n${para}\n\n\`\`\`c\n# not a heading ${i}\n\`\`\`\n\n`
    const parts = splitParts(src)
    expect(parts.length).toBeGreaterThan(3)
    expect(parts.join('\n')).toBe(src)
    for (const p of parts) expect(p.startsWith('## Part') || p === parts[0]).toBe(true)
  })
})
