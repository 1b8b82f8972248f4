import { describe, expect, it } from 'vitest'
import { parseLab } from '../../../main/engine/lab/labFile'
import { runBlock } from '../../../main/engine/lab/labRun'
import { labExplorer } from '../../../main/engine/lab/explore'
import { runSources } from '../../../main/engine/lab/run'

const driver = (locked: boolean) => `int hits;
spinlock_t l;
driver d {
  long ioctl(struct file *f, unsigned int cmd, unsigned long arg) {
    if (cmd == 1) return hits;
    ${locked ? 'spin_lock(&l);' : ''}
    int v = hits;
    hits = v + 1;
    ${locked ? 'spin_unlock(&l);' : ''}
    return 0;
  }
}`
const lab = parseLab(`---
id: x
title: X
version: "1"
kernel: "6.18"
authors: [A]
license: MIT
---
\`\`\`c lib=racy
${driver(false)}
\`\`\`

\`\`\`c lib=locked
${driver(true)}
\`\`\`

\`\`\`c scenario=racy uses=racy explore
process p {
  int fd = open("/dev/d", O_RDWR);
  thread t { ioctl(fd, 0, 0); }
  ioctl(fd, 0, 0);
  join(t);
  expect(ioctl(fd, 1, 0) == 2, "no lost update");
}
\`\`\`

\`\`\`c scenario=locked uses=locked explore
process p {
  int fd = open("/dev/d", O_RDWR);
  thread t { ioctl(fd, 0, 0); }
  ioctl(fd, 0, 0);
  join(t);
  expect(ioctl(fd, 1, 0) == 2, "no lost update");
}
\`\`\`

\`\`\`c scenario=naive explore expect=violation rule=V2
driver n { long ioctl(struct file *f, unsigned int c, unsigned long a) { return close_fd(a); } }
process p { int b = open("/dev/n", O_RDWR); ioctl(b, 0, b); }
\`\`\`
`, 'x.lab.md').lab
const block = (n: string) => lab.scenarios.find((s) => s.name === n)!

describe('explore blocks', () => {
  const explorer = labExplorer()

  it('finds the interleaving that loses an update, and none once the lock is taken', () => {
    const racy = runBlock(lab, block('racy'), '6.18', { explorer })
    expect(racy.pass).toBe(false)
    expect(racy.explored?.complete).toBe(true)
    expect(racy.reasons[0]).toMatch(/^an interleaving fails \(schedule v1:/)
    expect(racy.reasons.join('\n')).toContain('no lost update')
    // The witness replays exactly: the same schedule gives the same failure.
    const again = runSources({ sources: [{ code: lab.libs.get('racy')!.code, file: 'x.lab.md', lineOffset: lab.libs.get('racy')!.fenceLine }, { code: block('racy').code, file: 'x.lab.md', lineOffset: block('racy').fenceLine }], profile: '6.18', schedule: racy.outcome.schedule })
    expect(again.expectFailures.map((d) => d.message)).toEqual(racy.outcome.expectFailures.map((d) => d.message))
    const locked = runBlock(lab, block('locked'), '6.18', { explorer })
    expect([locked.pass, locked.explored?.complete, locked.reasons]).toEqual([true, true, []])
    expect(locked.explored!.runs).toBeGreaterThan(1)
    // Without the explorer the default schedule hides the race.
    expect(runBlock(lab, block('racy'), '6.18').pass).toBe(true)
  })

  it('finds a violation under some interleaving for expect=violation', () => {
    const r = runBlock(lab, block('naive'), '6.18', { explorer })
    expect(r.pass).toBe(true)
    expect(r.outcome.violations.map((v) => v.rule)).toContain('V2')
  })
})

describe('kernel errors under some interleavings', () => {
  it('are found by the search and reported from the replayed witness', () => {
    const l = parseLab(`---
id: y
title: Y
version: "1"
kernel: "6.18"
authors: [A]
license: MIT
---
\`\`\`c scenario=oops explore
struct file *shared;
driver d {
  long ioctl(struct file *f, unsigned int cmd, unsigned long arg) {
    if (cmd == 1) { shared = f; return 0; }
    if (cmd == 2) { shared = NULL; return 0; }
    struct file *s = shared;
    return s ? 0 : s->f_flags;     // NULL dereference when the clear won the race
  }
}
process p {
  int fd = open("/dev/d", O_RDWR);
  ioctl(fd, 1, 0);
  thread t { ioctl(fd, 2, 0); }
  ioctl(fd, 3, 0);
}
\`\`\`
`, 'y.lab.md').lab
    const r = runBlock(l, l.scenarios[0]!, '6.18', { explorer: labExplorer() })
    expect(r.pass).toBe(false)
    expect(r.reasons.join('\n')).toMatch(/kernel oops: NULL pointer dereference \(->f_flags\)/)
    expect(r.outcome.status).toBe('error')
  })
})
