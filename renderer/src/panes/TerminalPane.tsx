/**
 * The terminal: xterm.js (DOM renderer, screen-reader mode on). It writes what the session prints
 * (strace lines, function_graph lines with step numbers, violations in red) and forwards typed
 * lines to the session; history and tab completion are local, the answers are the session's.
 */
import { useEffect, useRef } from 'react'
import { Terminal } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import '@xterm/xterm/css/xterm.css'
import { LineEditor, commonPrefix } from '../components/lineEditor'
import { patchForStepping, writeAnswer } from '../terminal/xtermPatches'
import { fdlab } from '../bridge/fdlab'
import { store } from '../state/store'
import { actions } from '../state/actions'

const DARK = { background: '#14161b', foreground: '#d4d7dd', cursor: '#d4d7dd', selectionBackground: '#3b4252' }
const LIGHT = { background: '#fbfbfc', foreground: '#1f2328', cursor: '#1f2328', selectionBackground: '#c8d1dc' }

export function TerminalPane({ fontSize, dark }: { fontSize: number; dark: boolean }) {
  const host = useRef<HTMLDivElement>(null)
  const termRef = useRef<Terminal | null>(null)

  useEffect(() => {
    const term = new Terminal({
      convertEol: true, fontSize, cursorBlink: true, scrollback: 5000, screenReaderMode: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace', theme: dark ? DARK : LIGHT,
    })
    const fit = new FitAddon()
    term.loadAddon(fit)
    term.open(host.current!)
    patchForStepping(term)
    termRef.current = term
    const safeFit = () => { try { fit.fit() } catch { /* hidden */ } }
    safeFit()
    const ro = new ResizeObserver(safeFit)
    ro.observe(host.current!)
    const ed = new LineEditor()
    let pending = Promise.resolve()

    // One write per output, parsed at once (writeAnswer), then drawn in the next frame; the
    // promise settles when the text is in the terminal's buffer, and the panes wait for it
    // (store.apply) so that both are drawn in that frame.
    const unwritten = new Set<() => void>()
    const printAbove = (lines: readonly string[]) => new Promise<void>((res) => {
      unwritten.add(res)
      writeAnswer(term, '\r\x1b[2K' + lines.map((l) => l + '\r\n').join('') + ed.render(), () => {
        unwritten.delete(res)
        res()
      })
    })
    term.write('\x1b[1mfdlab\x1b[0m terminal · type \x1b[1mhelp\x1b[0m for commands\r\n' + ed.render())
    const offOutput = store.onOutput(printAbove)

    const sub = term.onData((data) => {
      for (const ev of ed.feed(data)) {
        if (ev.kind === 'submit') {
          term.write('\r\n')
          if (!ev.line.trim()) continue
          pending = pending.then(() => actions.terminal(ev.line).then(() => undefined))
        } else if (ev.kind === 'complete') {
          const line = ev.line
          pending = pending.then(async () => {
            const c = await fdlab().sessionComplete(line).catch(() => ({ start: 0, candidates: [] as string[] }))
            if (c.candidates.length === 1) ed.complete(c.start, c.candidates[0]! + ' ')
            else if (c.candidates.length > 1) {
              const p = commonPrefix(c.candidates)
              if (p.length > line.length - c.start) ed.complete(c.start, p)
              else void printAbove([c.candidates.join('  ')])
            }
            term.write(ed.render())
          })
        } else if (ev.kind === 'cancel') {
          term.write('^C\r\n')
          if (store.get().ui.busy) void actions.cancel()
        } else if (ev.kind === 'clear') term.clear()
      }
      term.write(ed.render())
    })
    return () => {
      sub.dispose()
      offOutput()
      // A disposed terminal takes no more text: nothing waits for it.
      for (const res of unwritten) res()
      ro.disconnect()
      term.dispose()
      termRef.current = null
    }
    // The terminal lives as long as the pane: font and theme changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => {
    const t = termRef.current
    if (!t) return
    t.options.fontSize = fontSize
    t.options.theme = dark ? DARK : LIGHT
  }, [fontSize, dark])

  return (
    <div className="pane terminal">
      <div className="term-host" ref={host} data-testid="terminal" aria-label="fdlab terminal" />
    </div>
  )
}
