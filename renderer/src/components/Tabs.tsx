/** Accessible tabs (WAI-ARIA tabs pattern: arrow keys move between tabs). */
import { useRef, type ReactNode } from 'react'

export interface TabsProps<T extends string> {
  readonly label: string
  readonly tabs: readonly { readonly id: T; readonly title: ReactNode }[]
  readonly active: T
  readonly onSelect: (id: T) => void
  readonly extra?: ReactNode
}

export function Tabs<T extends string>({ label, tabs, active, onSelect, extra }: TabsProps<T>) {
  const refs = useRef<(HTMLButtonElement | null)[]>([])
  const move = (i: number) => {
    const n = (i + tabs.length) % tabs.length
    onSelect(tabs[n]!.id)
    refs.current[n]?.focus()
  }
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => { refs.current[i] = el }}
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={t.id === active}
          aria-controls={`panel-${t.id}`}
          tabIndex={t.id === active ? 0 : -1}
          className={t.id === active ? 'tab active' : 'tab'}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight') move(i + 1)
            else if (e.key === 'ArrowLeft') move(i - 1)
          }}
        >
          {t.title}
        </button>
      ))}
      <span className="tabs-extra">{extra}</span>
    </div>
  )
}
