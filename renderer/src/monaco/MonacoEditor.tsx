/**
 * Monaco in React, from the bundled `monaco-editor` alone (no loader package: @monaco-editor/react's
 * loader carries a CDN URL as its default, and the shipped app names no remote host). The editor is
 * created once on mount with its own model and disposed with it; later changes of language, theme
 * and options are applied to the live editor, and a controlled `value` replaces the text (as one
 * undoable edit, read-only editors included) only when it differs from what the editor holds.
 */
import { useEffect, useRef } from 'react'
import { monaco } from './setup'
import { applyValue } from './controlledValue'

export type CodeEditor = monaco.editor.IStandaloneCodeEditor

export interface MonacoEditorProps {
  readonly language: string
  /** The text, kept in sync (controlled). */
  readonly value?: string
  /** The first text only (uncontrolled: the editor owns it afterwards). */
  readonly defaultValue?: string
  readonly theme: string
  readonly options?: monaco.editor.IStandaloneEditorConstructionOptions
  readonly onMount?: (editor: CodeEditor) => void
  readonly onChange?: (value: string) => void
}

export function MonacoEditor({ language, value, defaultValue, theme, options, onMount, onChange }: MonacoEditorProps) {
  const host = useRef<HTMLDivElement | null>(null)
  const editor = useRef<CodeEditor | null>(null)
  const change = useRef(onChange)
  change.current = onChange

  useEffect(() => {
    const model = monaco.editor.createModel(value ?? defaultValue ?? '', language)
    const ed = monaco.editor.create(host.current!, { ...options, model, theme })
    editor.current = ed
    const sub = ed.onDidChangeModelContent(() => change.current?.(ed.getValue()))
    onMount?.(ed)
    return () => { sub.dispose(); ed.dispose(); model.dispose(); editor.current = null }
    // Created once: later prop changes are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => { monaco.editor.setTheme(theme) }, [theme])
  useEffect(() => { if (options) editor.current?.updateOptions(options) }, [options])
  useEffect(() => {
    const model = editor.current?.getModel()
    if (model && model.getLanguageId() !== language) monaco.editor.setModelLanguage(model, language)
  }, [language])
  useEffect(() => {
    const model = editor.current?.getModel()
    if (model && value !== undefined) applyValue(model, value)
  }, [value])

  return <div ref={host} style={{ width: '100%', height: '100%' }} />
}
