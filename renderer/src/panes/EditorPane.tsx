/**
 * The scenario editor: Monaco with lab C, bundled locally. Typing sends the source to the session
 * (debounced), which answers with diagnostics from the real parser and type checker; they become
 * markers. While stepping, the current statement's line is highlighted and kept in view.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { MonacoEditor as Editor, type CodeEditor } from '../monaco/MonacoEditor'
import { monaco } from '../monaco/setup'
import { LABC } from '../monaco/labcLanguage'
import { registerLabcDocs, setLanguageInfo } from '../monaco/labcDocs'
import { stepLine, type StepLine } from '../monaco/stepLine'
import { quietly } from '../monaco/quietScroll'
import { fdlab } from '../bridge/fdlab'
import { useAppState } from '../state/store'
import { exerciseIdOf } from '../../../preload/contract'
import { actions, setEditorReader, setRevealer } from '../state/actions'
import { focusables } from '../shortcuts'

/** Focus the next (or previous) focusable element outside @host, in document order. */
function leave(host: HTMLElement, back: boolean): void {
  const all = focusables(document.body).filter((el) => !host.contains(el))
  const after = all.filter((el) => host.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
  const before = all.filter((el) => host.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING)
  ;(back ? before[before.length - 1] : after[0])?.focus()
}

type Ed = CodeEditor
/** An inline value or the step badge after the end of a line (plain text, never HTML). */
interface InlineWidget {
  line: number
  col: number
  readonly node: HTMLElement
  getId(): string
  getDomNode(): HTMLElement
  getPosition(): { position: { lineNumber: number; column: number }; preference: number[] }
}
const SEVERITY = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info }

export function EditorPane({ fontSize, presenter = false }: { fontSize: number; presenter?: boolean }) {
  const source = useAppState((s) => s.session.source)
  const sourceName = useAppState((s) => s.session.sourceName)
  const diagnostics = useAppState((s) => s.session.diagnostics)
  const run = useAppState((s) => s.session.run)
  const theme = useAppState((s) => s.ui.settings.theme)
  const profile = useAppState((s) => s.session.profile)
  const kind = useAppState((s) => s.session.kind)
  const editorRef = useRef<Ed | null>(null)
  const applying = useRef(false)
  const [mounted, setMounted] = useState(0)

  // Completion and hover data for the lab's kernel profile.
  useEffect(() => {
    registerLabcDocs(monaco)
    fdlab().sessionLanguage().then(setLanguageInfo, () => undefined)
  }, [profile, kind])

  // A new lab or scenario: replace the text (not on every keystroke).
  useEffect(() => {
    const ed = editorRef.current
    if (ed && ed.getValue() !== source) {
      applying.current = true
      ed.setValue(source)
      applying.current = false
    }
  }, [source, mounted])

  useEffect(() => {
    const model = editorRef.current?.getModel()
    if (!model) return
    monaco.editor.setModelMarkers(model, 'fdlab', diagnostics.map((d) => ({
      startLineNumber: d.line, startColumn: d.col, endLineNumber: d.endLine, endColumn: Math.max(d.endCol, d.col + 1),
      message: d.message, severity: SEVERITY[d.severity],
    })))
  }, [diagnostics, mounted])

  // Inline values of the lines executed, and a badge on the current line with what the step
  // changed: content widgets after the end of each line (plain text nodes, never HTML).
  const widgets = useRef<InlineWidget[]>([])
  const inline = run?.inline
  const change = run?.change.step
  const cur = run?.location?.line ?? null
  useEffect(() => {
    const ed = editorRef.current
    const model = ed?.getModel()
    if (!ed || !model) return
    const items: { line: number; text: string; cls: string }[] = []
    if (run) {
      const lines = model.getLineCount()
      const badge = change ? [
        ...change.refs.filter((r) => r.from !== r.to).map((r) => `${r.file} ${r.from}→${r.to}`),
        ...change.slots.map((x) => `fd ${x.fd} ${x.from ?? '∅'}→${x.to ?? '∅'}`),
      ].slice(0, 2) : []
      for (const v of inline ?? []) if (v.line >= 1 && v.line <= lines && v.line !== cur) items.push({ line: v.line, text: v.text, cls: 'inline-value' })
      if (cur !== null && cur >= 1 && cur <= lines) items.push({ line: cur, text: `step ${run.cursor}${badge.length ? ` · ${badge.join(' · ')}` : ''}`, cls: 'inline-badge' })
    }
    // The widgets already shown are updated in place (text, class, line) and laid out again only
    // when they move: removing and adding them at every step makes the editor draw every line again.
    const ws = widgets.current
    while (ws.length > items.length) ed.removeContentWidget(ws.pop()!)
    for (const [i, it] of items.entries()) {
      const w = ws[i]
      if (!w) {
        const node = document.createElement('span')
        node.className = it.cls
        node.textContent = it.text
        const nw: InlineWidget = {
          line: it.line, col: model.getLineMaxColumn(it.line), node,
          getId: () => `fdlab.inline.${i}`,
          getDomNode: () => node,
          getPosition: () => ({ position: { lineNumber: nw.line, column: nw.col }, preference: [monaco.editor.ContentWidgetPositionPreference.EXACT] }),
        }
        ed.addContentWidget(nw)
        ws.push(nw)
        continue
      }
      if (w.node.className !== it.cls) w.node.className = it.cls
      if (w.node.textContent !== it.text) w.node.textContent = it.text
      const col = model.getLineMaxColumn(it.line)
      if (w.line !== it.line || w.col !== col) {
        w.line = it.line
        w.col = col
        ed.layoutContentWidget(w)
      }
    }
  }, [inline, change, cur, run?.cursor, mounted])

  // The current step's line (band, gutter bar, hover), drawn without decorations: see stepLine.
  const step = useRef<StepLine | null>(null)
  useEffect(() => {
    const ed = editorRef.current
    if (!ed) return
    const s = stepLine(ed)
    step.current = s
    return () => {
      s.dispose()
      step.current = null
    }
  }, [mounted])
  const line = run?.location?.line ?? null
  useEffect(() => {
    const ed = editorRef.current
    step.current?.set(line, `step ${run?.cursor}: ${run?.next ?? ''}`)
    if (ed && line !== null) quietly(ed, () => ed.revealLineInCenterIfOutsideViewport(line))
  }, [line, run?.cursor, run?.next, mounted])

  // Tabs: the scenario (editable) and the libs it runs with (read-only: the lab's own code).
  const lab = useAppState((s) => s.session.lab)
  const scenario = useAppState((s) => s.session.scenario)
  const [tab, setTab] = useState<string | null>(null)
  const exercise = exerciseIdOf(scenario)
  const uses = exercise !== null
    ? lab?.exercises.find((e) => e.id === exercise)?.uses ?? []
    : lab?.scenarios.find((x) => x.name === scenario)?.uses ?? []
  const libs = (lab?.libs ?? []).filter((l) => uses.includes(l.name))
  const libTab = libs.find((l) => l.name === tab) ?? null
  useEffect(() => setTab(null), [scenario])
  const elsewhere = run?.elsewhere ?? null
  const libLine = libTab && elsewhere && elsewhere.block === libTab.name ? elsewhere.line - libTab.line + 1 : null

  // The same object while nothing in it changes: the editor applies new options at every render
  // it is given them (a step renders this pane), and working out that nothing changed takes time.
  const options = useMemo((): monaco.editor.IStandaloneEditorConstructionOptions => ({
    fontSize, minimap: { enabled: false }, scrollBeyondLastLine: false, automaticLayout: true, glyphMargin: false,
    lineNumbersMinChars: 3, renderLineHighlight: 'none', tabSize: 2, ariaLabel: 'lab C scenario editor',
    accessibilitySupport: 'auto', fixedOverflowWidgets: true,
    // The presenter's copy shows the scenario; what is typed goes in the main editor only (typing here was dropped).
    readOnly: kind === 'strace' || presenter,
    // Projected at 22px the long lines ran off the right edge (no one scrolls a projector).
    wordWrap: presenter ? 'on' : 'off',
    // A log has no indentation to guide: without this, the editor works out (for nothing drawn)
    // the guides of every visible line whenever the step's highlight moves.
    guides: { indentation: kind !== 'strace' },
  }), [fontSize, kind, presenter])

  const errors = diagnostics.filter((d) => d.severity === 'error').length
  const dark = theme !== 'light' && !(theme === 'system' && window.matchMedia?.('(prefers-color-scheme: light)').matches)
  return (
    <div className="pane editor">
      {!presenter ? (
        <div className="tabs" role="tablist" aria-label="files">
          <button role="tab" aria-selected={!libTab} className={libTab ? 'tab' : 'tab active'} onClick={() => setTab(null)}>
            {kind === 'strace' ? null : <span className="lang-badge">C</span>} {sourceName}
          </button>
          {libs.map((l) => (
            <button key={l.name} role="tab" aria-selected={libTab?.name === l.name} className={libTab?.name === l.name ? 'tab active' : 'tab'} onClick={() => setTab(l.name)}
              title={`lib ${l.name} (the lab's code, read-only)`}>
              <span className="lang-badge">C</span> {l.name}.c{elsewhere?.block === l.name ? <span className="badge step small">here</span> : null}
            </button>
          ))}
          <span className="tabs-extra muted small">{kind === 'strace' ? 'strace -f log (read-only)' : libTab ? 'lib · read-only' : 'lab C'}</span>
        </div>
      ) : null}
      <nav className="breadcrumbs" aria-label="current call path">
        {(run?.stack ?? []).map((s, i, a) => <span key={i} className={i === a.length - 1 ? 'crumb last' : 'crumb'}>{s}</span>)}
        {!run?.stack.length ? <span className="muted">not running</span> : null}
      </nav>
      {run?.elsewhere ? (
        <div className="elsewhere" role="note" data-testid="elsewhere">
          <span>▸ now in lab code this editor does not show{run.elsewhere.block ? <> (lib <b>{run.elsewhere.block}</b>)</> : null}:</span>
          <span className="muted">{run.elsewhere.file}:{run.elsewhere.line}</span>
          <code>{run.elsewhere.text}</code>
          {!presenter && libs.some((l) => l.name === run.elsewhere!.block) && libTab?.name !== run.elsewhere.block
            ? <button className="link" onClick={() => setTab(run.elsewhere!.block)}>show it</button> : null}
        </div>
      ) : null}
      {libTab ? <LibView code={libTab.code} line={libLine} dark={dark} fontSize={fontSize} /> : null}
      <div className="editor-host" hidden={!!libTab}>
        <Editor
          language={kind === 'strace' ? 'plaintext' : LABC}
          defaultValue={source}
          theme={dark ? 'fdlab-dark' : 'fdlab-light'}
          options={options}
          onMount={(ed) => {
            editorRef.current = ed
            // Tab indents; Esc then Tab (or Shift+Tab) leaves the editor, as the status line says.
            let escaped = false
            ed.onKeyDown((e) => {
              if (e.keyCode === monaco.KeyCode.Escape) { escaped = true; return }
              if (e.keyCode === monaco.KeyCode.Tab && escaped) {
                e.preventDefault()
                e.stopPropagation()
                const host = ed.getContainerDomNode().closest('.pane.editor') as HTMLElement | null
                if (host) leave(host, e.shiftKey)
              }
              escaped = false
            })
            if (!presenter) {
              setEditorReader(() => ed.getValue())
              setRevealer((line, col) => {
                ed.revealLineInCenter(line)
                ed.setPosition({ lineNumber: line, column: col })
                ed.focus()
              })
            }
            setMounted((n) => n + 1)
          }}
          onChange={(value) => {
            if (applying.current || value === undefined || presenter) return
            actions.typed(value)
          }}
        />
      </div>
      {!presenter ? (
        <div className="editor-status small" aria-live="polite">
          <span className={errors ? 'bad' : 'ok'} data-testid="problems">{errors ? `✖ ${errors} problem${errors > 1 ? 's' : ''} in ${sourceName}` : `✓ no problems in ${sourceName}`}</span>
          {diagnostics[0] ? <span className="muted"> · line {diagnostics[0].line}: {diagnostics[0].message}</span> : null}
          <span className="right muted">{run ? `call stack: ${run.stack.length} frames · ` : ''}<kbd>Esc</kbd> <kbd>Tab</kbd> leaves the editor</span>
        </div>
      ) : null}
    </div>
  )
}

/** A lib of the lab, read-only, with the current thread's line highlighted when it runs there. */
function LibView({ code, line, dark, fontSize }: { code: string; line: number | null; dark: boolean; fontSize: number }) {
  const ref = useRef<Ed | null>(null)
  const deco = useRef<ReturnType<Ed['createDecorationsCollection']> | null>(null)
  const [ready, setReady] = useState(0)
  const options = useMemo((): monaco.editor.IStandaloneEditorConstructionOptions => (
    { fontSize, readOnly: true, minimap: { enabled: false }, scrollBeyondLastLine: false, automaticLayout: true, lineNumbersMinChars: 3, renderLineHighlight: 'none', ariaLabel: 'lib code (read-only)' }
  ), [fontSize])
  useEffect(() => {
    const ed = ref.current
    if (!ed) return
    deco.current ??= ed.createDecorationsCollection()
    if (line === null) { deco.current.clear(); return }
    deco.current.set([{ range: new monaco.Range(line, 1, line, 1), options: { isWholeLine: true, className: 'current-step-line', linesDecorationsClassName: 'current-step-gutter' } }])
    ed.revealLineInCenterIfOutsideViewport(line)
  }, [line, ready])
  return (
    <div className="editor-host lib-view">
      <Editor language={LABC} value={code} theme={dark ? 'fdlab-dark' : 'fdlab-light'}
        options={options}
        onMount={(ed) => { ref.current = ed; setReady((n) => n + 1) }} />
    </div>
  )
}
