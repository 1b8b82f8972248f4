/**
 * Schedules as text: the schedule-format version, then the thread chosen at each micro-step, with
 * runs of one thread written TID*N ("v1:100*46,10,11"), as the explorer writes them. Also accepts
 * the list without the version, plain lists, and JSON ({ "format": 1, "schedule": [ids] }).
 */
import { SCHEDULE_FORMAT } from '../machine/Machine'
import { encodeSchedule } from '../machine/explorer'

/** A schedule as printed: "v1:100*46,10,11" (the explorer's own text form). */
export const formatSchedule = encodeSchedule

/** Parse a schedule: "100*3,101", "100,100,100,101", whitespace-separated, or JSON { schedule }. */
export function parseSchedule(text: string): number[] | string {
  let t = text.trim()
  const v = /^v(\d+):/.exec(t)
  if (v) {
    if (Number(v[1]) !== SCHEDULE_FORMAT) return `schedule format v${v[1]} is not supported (this fdlab reads v${SCHEDULE_FORMAT})`
    t = t.slice(v[0].length)
    if (t === '') return []
  }
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const j = JSON.parse(t) as unknown
      const fmt = Array.isArray(j) ? SCHEDULE_FORMAT : (j as { format?: unknown }).format ?? SCHEDULE_FORMAT
      if (fmt !== SCHEDULE_FORMAT) return `schedule format ${String(fmt)} is not supported (this fdlab reads ${SCHEDULE_FORMAT})`
      const arr = Array.isArray(j) ? j : (j as { schedule?: unknown }).schedule
      if (Array.isArray(arr) && arr.every((x) => Number.isInteger(x) && x >= 0)) return arr as number[]
    } catch { /* fall through */ }
    return 'a schedule in JSON is a list of thread ids or { "schedule": [ids] }'
  }
  const parts = t.split(/[\s,]+/).filter(Boolean)
  if (!parts.length || parts.some((p) => !/^\d+(\*\d+)?$/.test(p))) return 'a schedule is a list of thread ids: 100*3,101,100,...'
  const out: number[] = []
  for (const p of parts) {
    const [tid, n] = p.split('*')
    const count = n === undefined ? 1 : Number(n)
    if (count > 10_000_000) return `run ${p} is too long`
    for (let i = 0; i < count; i++) out.push(Number(tid))
  }
  return out
}

