import { createRoot } from 'react-dom/client'
import './styles/app.css'
import { App } from './App'
import { connect } from './bridge/fdlab'
import { store } from './state/store'
import { actions, onMenuAction } from './state/actions'
import { installShortcuts, installDrop } from './shortcuts'

async function start(): Promise<void> {
  const api = await connect()
  const [info, settings] = await Promise.all([api.getAppInfo(), api.getSettings()])
  store.setInfo(info)
  store.ui({ settings })
  api.onMenu(onMenuAction)
  api.onProgress((p) => store.ui({ progress: { done: p.done, total: p.total } }))
  api.onFileOpened((f) => void actions.loadFile(f))
  installShortcuts(info.host)
  installDrop()
  createRoot(document.getElementById('root')!).render(<App />)
  const params = new URLSearchParams(location.search)
  const lab = params.get('lab')
  if (lab) {
    // A reload: the lab and scenario come from the URL, the answers from the autosave.
    await actions.openBuiltin(lab)
    const scenario = params.get('scenario')
    if (scenario && store.get().session.kind === 'lab' && scenario !== store.get().session.scenario) await actions.scenario(scenario)
  } else store.ui({ labsOpen: true })
}

start().catch((e: unknown) => {
  const pre = document.createElement('pre')
  pre.className = 'fatal'
  pre.textContent = `fdlab could not start: ${e instanceof Error ? e.message : String(e)}`
  document.body.replaceChildren(pre)
})
