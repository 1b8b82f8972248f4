/** The course: built-in labs, recent files, and opening a lab or an strace log from disk. */
import { useEffect, useRef, useState } from 'react'
import type { LabEntry, RecentEntry } from '../../../preload/contract'
import { fdlab } from '../bridge/fdlab'
import { store } from '../state/store'
import { actions } from '../state/actions'
import { trapTab } from '../shortcuts'

export function LabBrowser() {
  const [labs, setLabs] = useState<LabEntry[] | null>(null)
  const [recent, setRecent] = useState<RecentEntry[]>([])
  const [error, setError] = useState<string | null>(null)
  const dialog = useRef<HTMLDivElement>(null)
  useEffect(() => {
    fdlab().listLabs().then(setLabs, (e: unknown) => setError(String(e)))
    fdlab().listRecent().then(setRecent, () => setRecent([]))
    dialog.current?.querySelector<HTMLElement>('button, [href]')?.focus()
  }, [])
  // Once the list is there, the first lab has the focus (Enter opens it).
  useEffect(() => {
    if (labs?.length) dialog.current?.querySelector<HTMLElement>('[data-lab]')?.focus()
  }, [labs])
  const close = () => store.ui({ labsOpen: false })
  return (
    <div className="modal-backdrop" onClick={close}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="labs-title" ref={dialog}
        onClick={(e) => e.stopPropagation()} onKeyDown={(e) => { if (e.key === 'Escape') close(); else trapTab(e, dialog.current) }}>
        <header className="card-head"><h2 id="labs-title">Course labs</h2><button onClick={close} aria-label="close">✕</button></header>
        {error ? <p className="bad">{error}</p> : null}
        {labs === null ? <p className="muted">loading…</p> : labs.length === 0 ? <p className="muted">No labs are bundled with this build.</p> : (
          <ol className="lab-list">
            {labs.map((l) => (
              <li key={l.file}>
                <button className="lab-item" onClick={() => void actions.openBuiltin(l.file)} data-lab={l.file}>
                  <b>{l.title}</b> <span className="muted small">{l.id}</span>
                </button>
              </li>
            ))}
          </ol>
        )}
        {recent.length ? (
          <>
            <h3>Recent</h3>
            <ul className="lab-list">
              {recent.map((r) => <li key={r.id}><button className="lab-item" onClick={() => void actions.openRecent(r.id)}>{r.name}</button></li>)}
            </ul>
          </>
        ) : null}
        <footer className="modal-foot">
          <button onClick={() => void actions.open('lab')}>Open lab file…</button>
          <button onClick={() => void actions.open('strace')}>Open strace log…</button>
        </footer>
      </div>
    </div>
  )
}
