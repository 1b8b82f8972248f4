/**
 * Monaco, bundled: the core editor API and its editor worker, emitted as files by Vite and
 * created through a Trusted Types policy. React mounts it through ./MonacoEditor.tsx (no loader
 * package, so nothing can fetch Monaco from elsewhere).
 */
import * as monaco from 'monaco-editor/editor'
import 'monaco-editor/features/register.all'
import editorWorkerUrl from 'monaco-editor/editor/editor.worker?worker&url'
import { registerLabc, defineThemes } from './labcLanguage'
import { trustedWorkerUrl } from '../trustedTypes'

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(id: string, label: string): Worker }
  }
}

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => new Worker(trustedWorkerUrl(editorWorkerUrl), { type: 'module', name: label }),
}
registerLabc(monaco)
defineThemes(monaco)

export { monaco }
