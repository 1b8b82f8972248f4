/**
 * Schedules as text: the thread chosen at each micro-step, with runs of one thread written
 * TID*N ("100*46,10,11"). Also accepts plain lists and JSON ({ "schedule": [ids] }).
 */

/** A schedule as printed: runs of one thread as TID*N ("100*46,10,11"). */
export function formatSchedule(s: readonly number[]): string {
  const out: string[] = []
  for (let i = 0; i < s.length;) {
    let j = i
    while (j < s.length && s[j] === s[i]) j++
    out.push(j - i > 1 ? `${s[i]}*${j - i}` : String(s[i]))
    i = j
  }
  return out.join(',')
}

/** Parse a schedule: "100*3,101", "100,100,100,101", whitespace-separated, or JSON { schedule }. */
export function parseSchedule(text: string): number[] | string {
  const t = text.trim()
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const j = JSON.parse(t) as unknown
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

