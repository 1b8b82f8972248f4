/**
 * A controlled editor's new text, applied to its model: one undoable edit, and nothing when the
 * text is already there. Through the model, not `editor.executeEdits`, which a read-only editor
 * refuses (it returns false and the old text stays on screen).
 */
import type * as Monaco from 'monaco-editor/editor'

export type ValueModel = Pick<Monaco.editor.ITextModel, 'getValue' | 'getFullModelRange' | 'pushStackElement' | 'pushEditOperations'>

/** Whether the text changed. */
export function applyValue(model: ValueModel, value: string): boolean {
  if (model.getValue() === value) return false
  model.pushStackElement()
  model.pushEditOperations([], [{ range: model.getFullModelRange(), text: value, forceMoveMarkers: true }], () => null)
  model.pushStackElement()
  return true
}
