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
import { fdlab } from '../bridge/fdlab'
import { store } from '../state/store'
import { actions } from '../state/actions'

const DARK = { background: '#14161b', foreground: '#d4d7dd', cursor: '#d4d7dd', selectionBackground: '#3b4252' }
const LIGHT = { background: '#fbfbfc', foreground: '#1f2328', cursor: '#1f2328', selectionBackground: '#c8d1dc' }

/** The part of xterm.js's private core that skipEmptySelectionRedraw wraps (checked before use). */
interface XtermCore {
  _renderService?: {
    handleSelectionChanged?: (start: [number, number] | undefined, end: [number, number] | undefined, columnSelectMode: boolean) => void
  }
}

/**
 * xterm.js (6.0) asks its renderer to redraw the selection after every scroll of the buffer, with
 * a selection or without, and its DOM renderer answers by drawing every row again, in the frame
 * that already draws them for the new text: a step prints about thirty lines, so every step drew
 * the screen twice. The redraw is skipped when there was no selection and there is none (an
 * empty one, start and end at one cell, draws nothing either); a selection made, changed or
 * cleared is drawn as before. A private method: wrapped only when it
 * is there.
 */
function skipEmptySelectionRedraw(term: Terminal): void {
  const render = (term as unknown as { _core?: XtermCore })._core?._renderService
  const redraw = render?.handleSelectionChanged
  if (!render || typeof redraw !== 'function') return
  let had = false
  render.handleSelectionChanged = (start, end, columnSelectMode) => {
    // A click in the terminal (to type) leaves an empty selection: start and end at one cell.
    const has = start !== undefined && end !== undefined && (start[0] !== end[0] || start[1] !== end[1])
    if (!has && !had) return
    had = has
    redraw.call(render, start, end, columnSelectMode)
  }
}

/** The part of xterm.js's private core that screenReaderWithFrames wraps (checked before use). */
interface A11yDebouncer {
  refresh: (start: number | undefined, end: number | undefined, rowCount: number) => void
  dispose: () => void
  _renderCallback?: (start: number, end: number) => void
}

/** How often xterm.js rewrites its screen-reader copy of the rows at most (its own figure), and how much later its trailing rewrite may come. */
const A11Y_INTERVAL_MS = 1000
const A11Y_GRACE_MS = 250

/**
 * xterm.js copies the rows for screen readers at most once a second: a first change is copied at
 * once, later ones by a timer that fires a second after the last copy, at whatever moment that
 * is. While the student steps, that moment fell inside another step and its copy of the rows was
 * drawn in a frame of its own, tens of milliseconds after that step's frame (one step in ten or
 * so). Here the copy is made with the text that asks for it, in the same task, once a second has
 * passed since the last one; the timer stays for the last text (a quarter of a second later than
 * xterm's), and while steps keep coming the next step's text makes the copy before it fires. The
 * copy holds the same rows as before, at most once a second. A private object: wrapped only when
 * it is there.
 */
function screenReaderWithFrames(term: Terminal): void {
  const core = (term as unknown as { _core?: { _accessibilityManager?: { value?: { _liveRegionDebouncer?: A11yDebouncer } } } })._core
  const debouncer = core?._accessibilityManager?.value?._liveRegionDebouncer
  const render = debouncer?._renderCallback
  if (!debouncer || typeof render !== 'function' || typeof debouncer.refresh !== 'function') return
  let start: number | undefined
  let end: number | undefined
  let rows = 0
  let last = -Infinity
  let queued = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const copy = () => {
    queued = false
    clearTimeout(timer)
    timer = undefined
    if (start === undefined || end === undefined) return
    const from = Math.max(start, 0)
    const to = Math.min(end, rows - 1)
    start = end = undefined
    last = performance.now()
    render.call(debouncer, from, to)
  }
  debouncer.refresh = (rowStart, rowEnd, rowCount) => {
    rows = rowCount
    start = Math.min(start ?? Infinity, rowStart ?? 0)
    end = Math.max(end ?? -Infinity, rowEnd ?? rowCount - 1)
    const now = performance.now()
    // After the task that wrote the text (xterm.js parses a write's lines in one task, calling
    // this once per line), before the frame that draws them.
    if (now - last >= A11Y_INTERVAL_MS) {
      if (!queued) {
        queued = true
        queueMicrotask(copy)
      }
    } else timer ??= setTimeout(copy, A11Y_INTERVAL_MS - (now - last) + A11Y_GRACE_MS)
  }
  const dispose = debouncer.dispose
  debouncer.dispose = () => {
    clearTimeout(timer)
    start = end = undefined
    dispose.call(debouncer)
  }
}

/** The part of xterm.js's private core that scrollbarOncePerFrame wraps (checked before use). */
interface XtermViewport {
  _sync?: (ydisp?: number) => void
  _renderService?: { addRefreshCallback?: (cb: () => void) => number }
}

/**
 * xterm.js brings its scrollbar up to date at every line the buffer scrolls by: a step's thirty
 * lines rewrote the scrollbar's style some sixty times while they were parsed, for one picture.
 * Those updates (the ones asked for without a position) are made once, in the frame that draws
 * the rows, just before it is drawn; any other update is made at once as before.
 */
function scrollbarOncePerFrame(term: Terminal): void {
  const viewport = (term as unknown as { _core?: { _viewport?: XtermViewport } })._core?._viewport
  const sync = viewport?._sync
  const frames = viewport?._renderService
  if (!viewport || typeof sync !== 'function' || typeof frames?.addRefreshCallback !== 'function') return
  let queued = false
  viewport._sync = (ydisp) => {
    if (ydisp !== undefined) return sync.call(viewport, ydisp)
    if (queued) return
    queued = true
    frames.addRefreshCallback!(() => {
      queued = false
      sync.call(viewport)
    })
  }
}

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
    skipEmptySelectionRedraw(term)
    screenReaderWithFrames(term)
    scrollbarOncePerFrame(term)
    termRef.current = term
    const safeFit = () => { try { fit.fit() } catch { /* hidden */ } }
    safeFit()
    const ro = new ResizeObserver(safeFit)
    ro.observe(host.current!)
    const ed = new LineEditor()
    let pending = Promise.resolve()

    // One write per output (xterm.js parses it in a task of its own, then draws in the next
    // frame); the promise settles when the text is in the terminal's buffer, and the panes wait for
    // it (store.apply) so that both are drawn in that frame.
    const unwritten = new Set<() => void>()
    const printAbove = (lines: readonly string[]) => new Promise<void>((res) => {
      unwritten.add(res)
      term.write('\r\x1b[2K' + lines.map((l) => l + '\r\n').join('') + ed.render(), () => {
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
