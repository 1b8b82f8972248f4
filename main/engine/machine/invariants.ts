/**
 * Structural invariants of the descriptor tables and files (spec §1.8, V7, V16), checked at
 * quiescent points: where no thread is inside a kernel path (decisions.md).
 */
import type { Machine } from './Machine'
import type { File } from '../kernel/include/types'
import { BITS_PER_LONG } from '../kernel/include/bitmap'
import { file_count } from '../kernel/include/file_ref'
import { RULE } from '../sim/rules'

export function checkInvariants(m: Machine): number {
  const k = m.k
  let n = 0
  const bad = (msg: string, objs: string[]): void => {
    n++
    k.report(RULE.invariant, 'violation', msg, objs)
  }
  const slots = new Map<File, number>()
  for (const files of m.tables()) {
    const fdt = files.fdt
    if (fdt.max_fds % BITS_PER_LONG !== 0 || fdt.max_fds < BITS_PER_LONG) bad(`${files.id}: max_fds ${fdt.max_fds} is not a multiple of 64 >= 64`, [files.id])
    if (fdt.max_fds > k.sysctl_nr_open && fdt.max_fds > 64) bad(`${files.id}: max_fds ${fdt.max_fds} exceeds nr_open`, [files.id])
    for (let fd = fdt.open_fds.findNextSet(fdt.max_fds, 0); fd < fdt.max_fds; fd = fdt.open_fds.findNextSet(fdt.max_fds, fd + 1)) {
      const f = fdt.fd[fd] ?? null
      if (!f) bad(`${files.id}: fd ${fd} is reserved (open bit set, slot NULL) with no allocation in flight`, [files.id])
      else {
        slots.set(f, (slots.get(f) ?? 0) + 1)
        if (f.mem !== 'live') bad(`${files.id}: fd ${fd} points to ${f.id}, which is ${f.mem}`, [files.id, f.id])
      }
    }
    for (let fd = 0; fd < fdt.max_fds; fd++) {
      if (fdt.fd[fd] && !fdt.open_fds.test(fd)) bad(`${files.id}: slot ${fd} holds ${fdt.fd[fd]!.id} but its open bit is clear`, [files.id])
    }
    const words = fdt.max_fds / BITS_PER_LONG
    for (let w = 0; w < words; w++) {
      if (fdt.full_fds_bits.test(w) !== fdt.open_fds.wordFull(w)) bad(`${files.id}: full_fds_bits[${w}] disagrees with open_fds word ${w}`, [files.id])
    }
    for (let fd = 0; fd < Math.min(files.next_fd, fdt.max_fds); fd++) {
      if (!fdt.open_fds.test(fd)) { bad(`${files.id}: fd ${fd} < next_fd ${files.next_fd} is not open`, [files.id]); break }
    }
  }
  for (const [f, nslots] of slots) {
    const refs = file_count(k, f)
    if (refs < nslots) bad(`${f.id}: ${refs} references but ${nslots} table slots point to it`, [f.id])
  }
  for (let f = k.delayed_fput_list.first; f; f = f.f_llist) {
    if (file_count(k, f) !== 0) bad(`${f.id} is on delayed_fput_list with ${file_count(k, f)} references`, [f.id])
    if (slots.has(f)) bad(`${f.id} is on delayed_fput_list but still in a table`, [f.id])
  }
  return n
}
