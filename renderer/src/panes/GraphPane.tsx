/**
 * The object graph: tasks → files_structs → fd slots → files, plus fdget borrows (dashed) from
 * tasks to files. Laid out in columns; the same edges are listed as text for screen readers.
 */
import type { Snapshot } from '../../../preload/contract'

interface Node { id: string; label: string; col: number; row: number; changed: boolean }
interface Edge { from: string; to: string; dashed: boolean; label: string }

export function buildGraph(snap: Snapshot): { nodes: Node[]; edges: Edge[] } {
  const nodes: Node[] = []
  const edges: Edge[] = []
  const add = (id: string, label: string, col: number, changed = false) => {
    if (!nodes.some((n) => n.id === id)) nodes.push({ id, label, col, row: nodes.filter((n) => n.col === col).length, changed })
  }
  const borrowers = new Set(snap.files.flatMap((f) => f.holders.flatMap((h) => (h.kind === 'fdget' ? [h.task] : []))))
  // Tasks with a table or a borrow (kernel threads without files would only add noise).
  for (const t of snap.tasks.filter((x) => x.files || borrowers.has(x.pid))) {
    add(`task:${t.pid}`, `${t.comm} (${t.pid})`, 0, snap.changed.tasks.includes(t.pid))
    if (t.files) edges.push({ from: `task:${t.pid}`, to: t.files, dashed: false, label: `${t.comm}->files` })
  }
  for (const tb of snap.tables) {
    add(tb.id, `${tb.id} · count ${tb.count}`, 1, snap.changed.tables.includes(tb.id))
    for (const s of tb.slots) {
      const slot = `${tb.id}:${s.fd}`
      add(slot, `fd ${s.fd}`, 2, snap.changed.fds.includes(slot))
      edges.push({ from: tb.id, to: slot, dashed: false, label: `${tb.id} fd[${s.fd}]` })
      if (s.file) edges.push({ from: slot, to: s.file, dashed: false, label: `fd ${s.fd} → ${s.file}` })
    }
  }
  for (const f of snap.files) {
    if (f.mem === 'free') continue
    add(f.id, `${f.id} ${f.path} · ${f.count}`, 3, snap.changed.files.includes(f.id))
    for (const h of f.holders) {
      if (h.kind === 'fdget') edges.push({ from: `task:${h.task}`, to: f.id, dashed: h.light, label: `fdget${h.light ? ' (light, not counted)' : ''} by ${h.task} on fd ${h.fd}` })
    }
  }
  return { nodes, edges: edges.filter((e) => nodes.some((n) => n.id === e.from) && nodes.some((n) => n.id === e.to)) }
}

const COL_X = [10, 140, 270, 350]
const ROW_H = 34

export function GraphPane({ snap }: { snap: Snapshot }) {
  const { nodes, edges } = buildGraph(snap)
  const pos = new Map(nodes.map((n) => [n.id, { x: COL_X[n.col]!, y: 10 + n.row * ROW_H }]))
  const rows = Math.max(1, ...nodes.map((n) => n.row + 1))
  const width = (n: Node) => (n.col === 2 ? 56 : n.col === 3 ? 200 : 118)
  return (
    <section className="card graph" aria-label="object graph">
      <header className="card-head"><h3>OBJECT GRAPH</h3><span className="muted small">solid: counted pointer · dashed: light borrow</span></header>
      <svg viewBox={`0 0 560 ${rows * ROW_H + 20}`} className="graph-svg" aria-hidden="true">
        {edges.map((e, i) => {
          const a = pos.get(e.from)!, b = pos.get(e.to)!
          const an = nodes.find((n) => n.id === e.from)!
          return <path key={i} d={`M${a.x + width(an)},${a.y + 12} C${a.x + width(an) + 30},${a.y + 12} ${b.x - 30},${b.y + 12} ${b.x},${b.y + 12}`} className={e.dashed ? 'edge dashed' : 'edge'} />
        })}
        {nodes.map((n) => {
          const p = pos.get(n.id)!
          return (
            <g key={n.id} className={`node col${n.col}${n.changed ? ' changed' : ''}`} transform={`translate(${p.x},${p.y})`}>
              <rect width={width(n)} height={24} rx={4} />
              <text x={6} y={16}>{n.label}</text>
            </g>
          )
        })}
      </svg>
      <ul className="sr-only">{edges.map((e, i) => <li key={i}>{e.label}</li>)}</ul>
    </section>
  )
}
