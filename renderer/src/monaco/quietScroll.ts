/**
 * Scrolling the editor to the current step without flashing its scrollbar. Monaco shows the
 * scrollbar on every scroll, the editor's own included, by a class set in a task of its own, and
 * hides it again from a 500 ms timer: a step that moves the view to its line changed the page twice
 * more, outside the frame that draws the step (the one a few milliseconds after it, and one half a
 * second later, in whatever step is being drawn then). Those two late changes were most of the slow
 * steps when stepping through a long strace log. A scroll the student makes (wheel, drag, keys)
 * still shows the scrollbar, and so does pointing at the editor.
 */
import type { CodeEditor } from './MonacoEditor'

/** The part of Monaco's private view that quietly() switches (checked before use). */
interface ScrollableElement {
  _revealOnScroll?: boolean
}

function scrollableOf(ed: CodeEditor): ScrollableElement | null {
  const view = (ed as unknown as { _modelData?: { view?: { _scrollbar?: { scrollbar?: ScrollableElement } } } })._modelData?.view
  const el = view?._scrollbar?.scrollbar
  return el && typeof el._revealOnScroll === 'boolean' ? el : null
}

/** Run @scroll (a reveal of the step's line) with the scrollbar left as it is. */
export function quietly(ed: CodeEditor, scroll: () => void): void {
  const el = scrollableOf(ed)
  if (!el) {
    scroll()
    return
  }
  const was = el._revealOnScroll
  el._revealOnScroll = false
  try {
    scroll()
  } finally {
    el._revealOnScroll = was
  }
}
