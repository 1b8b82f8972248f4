/**
 * The current step's line in the scenario editor: a band behind the line's text, a bar in the
 * gutter, and a hover that names the step. They are drawn as two widgets of the editor, not as a
 * decoration: the editor answers any change of its decorations by working out every visible line
 * again (tokens, decorations, its line widths), about 1.6 ms of every step on a long strace log,
 * where each step moves to the next line. Moving a widget lays out that widget alone.
 *
 * The band is a content widget at the line's first column, drawn under the text: the editor's
 * lines container is a stacking context (`contain: strict`), and a negative z-index puts the band
 * between that container's background and the lines, where the decoration was drawn. The bar is
 * an overlay widget placed here, in the gutter's line-decorations column.
 */
import { monaco } from './setup'
import type { CodeEditor } from './MonacoEditor'

export interface StepLine {
  /** Show @line (null: none) with @hover as its hover text. */
  set(line: number | null, hover: string): void
  dispose(): void
}

export function stepLine(ed: CodeEditor): StepLine {
  let line: number | null = null
  let hover = ''
  const band = document.createElement('div')
  band.className = 'current-step-line step-band'
  const bar = document.createElement('div')
  bar.className = 'current-step-gutter step-bar'
  const bandWidget: monaco.editor.IContentWidget = {
    getId: () => 'fdlab.step.band',
    getDomNode: () => band,
    getPosition: () => line === null ? null : { position: { lineNumber: line, column: 1 }, preference: [monaco.editor.ContentWidgetPositionPreference.EXACT] },
  }
  const barWidget: monaco.editor.IOverlayWidget = {
    getId: () => 'fdlab.step.bar',
    getDomNode: () => bar,
    getPosition: () => null,
  }
  ed.addContentWidget(bandWidget)
  ed.addOverlayWidget(barWidget)

  /** The bar follows the line: placed from the editor's layout (no DOM is read). */
  const place = () => {
    if (line === null) {
      bar.style.display = 'none'
      return
    }
    // A wrapped line (the presenter wraps) is as tall as its rows.
    const top = ed.getTopForLineNumber(line)
    const height = ed.getBottomForLineNumber(line) - top
    band.style.height = `${height}px`
    bar.style.display = ''
    bar.style.top = `${top - ed.getScrollTop()}px`
    bar.style.left = `${ed.getLayoutInfo().decorationsLeft}px`
    bar.style.height = `${height}px`
  }
  const subs = [
    ed.onDidScrollChange(place),
    ed.onDidLayoutChange(place),
    // A new font size changes the line height; an edit can wrap the line differently.
    ed.onDidChangeConfiguration(place),
    ed.onDidContentSizeChange(place),
    monaco.languages.registerHoverProvider('*', {
      provideHover: (model, pos) => model === ed.getModel() && line !== null && pos.lineNumber === line
        ? { range: new monaco.Range(line, 1, line, model.getLineMaxColumn(line)), contents: [{ value: hover }] }
        : null,
    }),
  ]
  return {
    set(next, text) {
      hover = text
      if (next === line) return
      line = next
      ed.layoutContentWidget(bandWidget)
      place()
    },
    dispose() {
      for (const s of subs) s.dispose()
      ed.removeContentWidget(bandWidget)
      ed.removeOverlayWidget(barWidget)
    },
  }
}
