/**
 * Changes to xterm.js (6.0, pinned in package.json) so that a step's text is drawn in one frame
 * with the panes, nothing of it changes the page in a later frame, and no step's frame waits for
 * work that could be done once or ahead. Each reaches into a private part of xterm.js and takes
 * effect only when that part is there (the terminal then works as xterm.js ships it); each has an
 * e2e test (test/e2e/app.test.ts, test/e2e/stepping.test.ts) that fails when it no longer applies.
 */
import type { Terminal } from '@xterm/xterm'

/** Apply every patch below to @term (after term.open()). */
export function patchForStepping(term: Terminal): void {
  skipEmptySelectionRedraw(term)
  screenReaderWithFrames(term)
  scrollbarOncePerFrame(term)
  glyphWidthsAhead(term)
}

/** The parts of xterm.js's private core that writeAnswer uses (checked before use). */
interface WriteBuffer {
  handleUserInput?: () => void
}
interface RenderDebouncer {
  _animationFrame?: number
  _innerRefresh?: () => void
}

/**
 * Write the text that answers something the student did (a step, a command): parsed at once,
 * in the task that has it, as xterm.js parses the echo of a keystroke (its own way to keep the
 * latency of input low), rather than in a task of its own later, with a frame and the host's
 * next messages possibly before it. A step's panes wait for its text (store.apply): they are
 * now merged in the same task too, and drawn in the next frame with it. The same text in the
 * same order (xterm.js still parses any text written before it first).
 *
 * Its rows are then drawn at once too, by the code xterm.js runs at the next animation frame
 * (which is not asked for any more): in that frame they were drawn after the page had been laid
 * out for the panes, and the page was laid out again (rows and all) when the editor read its
 * layout just after. Now the frame lays out the panes and the rows in one go. The same rows, in
 * the same frame as the panes. Without the private parts, the text is parsed and drawn as
 * xterm.js does it.
 */
export function writeAnswer(term: Terminal, data: string, done: () => void): void {
  const core = (term as unknown as { _core?: { _writeBuffer?: WriteBuffer; _renderService?: { _renderDebouncer?: RenderDebouncer } } })._core
  const buffer = core?._writeBuffer
  if (typeof buffer?.handleUserInput === 'function') buffer.handleUserInput()
  let parsed = false
  term.write(data, () => {
    parsed = true
    done()
  })
  const rows = core?._renderService?._renderDebouncer
  if (!parsed || typeof rows?._innerRefresh !== 'function' || rows._animationFrame === undefined) return
  cancelAnimationFrame(rows._animationFrame)
  rows._innerRefresh()
}

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
interface A11yManager {
  _liveRegionDebouncer?: A11yDebouncer
  _alignRowWidth?: (row: HTMLElement) => void
  /** Each copied row's cell columns (the last one's end is the drawn row's width in cells). */
  _rowColumns?: WeakMap<HTMLElement, number[]>
  _renderService?: { dimensions?: { css?: { cell?: { width?: number } } } }
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
  const core = (term as unknown as { _core?: { _accessibilityManager?: { value?: A11yManager } } })._core
  const manager = core?._accessibilityManager?.value
  const debouncer = manager?._liveRegionDebouncer
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
    alignedAfter(manager!, () => render.call(debouncer, from, to))
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

/**
 * xterm.js scales each row of its screen-reader copy to the width of the drawn row: it sets the
 * row's text, then clears the row's scale, reads the row's width and sets its scale, row after
 * row. A row's scale going to none and back changes the page's layout (a transformed box is a
 * containing block), so every read after the first laid the page out again: eighteen rows, eighteen
 * layouts of the page, about 4 ms of the step that made the copy. Here the rows' text is set
 * first, then every copied row's scale is cleared, every width read (one layout of the page),
 * and every scale set, by xterm.js's own formula: the same rows with the same scales, one layout.
 * Without the private parts, rows are scaled as xterm.js does it.
 */
function alignedAfter(manager: A11yManager, copy: () => void): void {
  const align = manager._alignRowWidth
  if (typeof align !== 'function' || Object.hasOwn(manager, '_alignRowWidth')) {
    copy()
    return
  }
  const rows: HTMLElement[] = []
  manager._alignRowWidth = (row) => void rows.push(row)
  try {
    copy()
  } finally {
    delete manager._alignRowWidth
  }
  const columns = manager._rowColumns
  const cellWidth = manager._renderService?.dimensions?.css?.cell?.width
  if (!(columns instanceof WeakMap) || typeof cellWidth !== 'number') {
    for (const row of rows) align.call(manager, row)
    return
  }
  // xterm.js's _alignRowWidth, its writes and reads each in one pass.
  for (const row of rows) row.style.transform = ''
  const widths = rows.map((row) => row.getBoundingClientRect().width)
  rows.forEach((row, i) => {
    const lastColumn = columns.get(row)?.slice(-1)?.[0]
    if (!lastColumn) return
    row.style.transform = `scaleX(${(lastColumn * cellWidth) / widths[i]!})`
  })
}

/** The part of xterm.js's private DOM renderer that glyphWidthsAhead uses (checked before use). */
interface WidthCache {
  get?: (c: string, bold: boolean, italic: boolean) => number
  clear?: () => void
}

/** The printable ASCII characters (what the session prints), regular and bold. */
const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))

/**
 * xterm.js's DOM renderer measures the width of each character the first time it draws it (and
 * again after a font change), each measure a layout of the page, in the frame that draws the
 * rows: the first step that printed a function_graph line spent some 35 ms of its frame on them.
 * The printable ASCII characters, regular and bold, are measured here when the page is idle after
 * the terminal opens and after each font change; the rows then find them measured. The same
 * widths, measured by xterm.js's own cache. A private object: used only when it is there.
 */
function glyphWidthsAhead(term: Terminal): void {
  const render = (term as unknown as { _core?: { _renderService?: { _renderer?: { value?: { _widthCache?: WidthCache } } } } })._core?._renderService
  const cache = render?._renderer?.value?._widthCache
  const clear = cache?.clear
  if (!cache || typeof cache.get !== 'function' || typeof clear !== 'function') return
  const idle = (f: () => void) => typeof requestIdleCallback === 'function' ? requestIdleCallback(f, { timeout: 1000 }) : setTimeout(f, 50)
  let queued = false
  const measure = () => {
    queued = false
    // A disposed terminal's renderer has let go of its cache.
    if (render?._renderer?.value?._widthCache !== cache) return
    for (const c of ASCII) {
      cache.get!(c, false, false)
      cache.get!(c, true, false)
    }
  }
  const soon = () => {
    if (queued) return
    queued = true
    idle(measure)
  }
  cache.clear = () => {
    clear.call(cache)
    soon()
  }
  soon()
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
