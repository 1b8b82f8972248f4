/**
 * struct fd as each profile's kernel has it (include/linux/file.h): 6.18 one word with the
 * FDPUT_* bits, EMPTY_FD, BORROWED_FD, CLONED_FD, sizeof 8; 6.5 { file, flags }, sizeof 16. And
 * mutex_is_locked, which tells fdget_pos from fdget.
 */
import { describe, expect, it } from 'vitest'
import { runSources, type RunOutcome } from '../../../../main/engine/lab/run'
import type { ProfileName } from '../../../../main/engine/sim/profile'

const run = (code: string, profile: ProfileName): RunOutcome => runSources({ sources: [{ code, file: 't.c' }], profile })
const obs = (o: RunOutcome, k: string): string[] | undefined => o.observations.get(k)?.map(String)
const errors = (o: RunOutcome): string[] => o.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col}: ${d.message}`)
const rules = (o: RunOutcome): string[] => o.violations.filter((v) => v.severity === 'violation').map((v) => v.rule)
const clean = (o: RunOutcome): void => {
  expect(errors(o)).toEqual([])
  expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
  expect(rules(o)).toEqual([])
}

describe('struct fd in 6.18: one word', () => {
  it('fd.word carries the pointer and FDPUT_FPUT; EMPTY_FD is 0; sizeof is 8', () => {
    const o = run(`driver d {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
    struct fd f = fdget(arg);
    observe("size", sizeof(struct fd));
    observe("fput_bit", f.word & FDPUT_FPUT);
    observe("low_bits", f.word & (FDPUT_FPUT | FDPUT_POS_UNLOCK));
    expect(f.word != 0 && fd_file(f) == filp && !fd_empty(f));
    fdput(f);
    struct fd e = EMPTY_FD;
    expect(e.word == 0 && fd_empty(e) && fd_file(e) == NULL);
    fdput(e);
    struct fd bad = fdget(999);
    expect(bad.word == 0 && fd_empty(bad));
    return 0;
  }
}
process app {
  int fd = open("/dev/d", O_RDWR);
  ioctl(fd, 0, fd);                 // single-threaded: a light fdget
  thread t { ioctl(fd, 0, fd); }    // the table is shared: fdget clones
  join(t);
}`, '6.18')
    clean(o)
    expect(obs(o, 'size')).toEqual(['8', '8'])
    expect(obs(o, 'fput_bit')).toEqual(['0', '1'])
    expect(obs(o, 'low_bits')).toEqual(['0', '1'])
  })

  it('BORROWED_FD and CLONED_FD build struct fds; fdput of a cloned one drops its reference', () => {
    const o = run(`driver d {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
    struct fd b = BORROWED_FD(filp);
    expect(fd_file(b) == filp && (b.word & FDPUT_FPUT) == 0);
    fdput(b);
    long before = file_count(filp);
    struct fd c = CLONED_FD(fget(arg));
    expect(fd_file(c) == filp && (c.word & FDPUT_FPUT) == FDPUT_FPUT);
    observe("taken", file_count(filp) - before);
    fdput(c);
    observe("after", file_count(filp) - before);
    return 0;
  }
}
process app {
  int fd = open("/dev/d", O_RDWR);
  ioctl(fd, 0, fd);
}`, '6.18')
    clean(o)
    expect([obs(o, 'taken'), obs(o, 'after')]).toEqual([['1'], ['0']])
  })

  it('the 6.5 spellings are errors in 6.18, and the 6.18 ones in 6.5', () => {
    const six18 = run(`driver d { long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) { struct fd f = fdget(arg); long x = f.flags; fdput(f); return 0; } }`, '6.18')
    expect(errors(six18).join('\n')).toMatch(/flags/)
    const six5 = run(`driver d { long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) { struct fd f = fdget(arg); long x = f.word; struct fd e = EMPTY_FD; struct fd b = BORROWED_FD(filp); fdput(f); return 0; } }`, '6.5')
    const e = errors(six5).join('\n')
    expect(e).toMatch(/word/)
    expect(e).toMatch(/EMPTY_FD.*6\.18/)
    expect(e).toMatch(/BORROWED_FD.*6\.18/)
  })
})

describe('struct fd in 6.5: { file, flags }', () => {
  it('f.file and f.flags; sizeof is 16', () => {
    const o = run(`driver d {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
    struct fd f = fdget(arg);
    observe("size", sizeof(struct fd));
    observe("flags", f.flags);
    expect(f.file == filp && fd_file(f) == filp);
    fdput(f);
    return 0;
  }
}
process app {
  int fd = open("/dev/d", O_RDWR);
  ioctl(fd, 0, fd);
  thread t { ioctl(fd, 0, fd); }
  join(t);
}`, '6.5')
    clean(o)
    expect(obs(o, 'size')).toEqual(['16', '16'])
    expect(obs(o, 'flags')).toEqual(['0', '1'])
  })
})

describe('mutex_is_locked tells fdget_pos from fdget', () => {
  for (const p of ['6.5', '6.18'] as const) {
    it(`f_pos_lock is held after fdget_pos of a shared regular file, never after fdget (${p})`, () => {
      const o = run(`driver d {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
    struct fd a = fdget_pos(arg);
    observe("pos_locked", mutex_is_locked(&fd_file(a)->f_pos_lock));
    fdput_pos(a);
    struct fd b = fdget(arg);
    observe("plain_locked", mutex_is_locked(&fd_file(b)->f_pos_lock));
    fdput(b);
    return 0;
  }
}
process app {
  int d = open("/dev/d", O_RDWR);
  int f = open("/tmp/x", O_RDWR | O_CREAT, 0600);
  ioctl(d, 0, f);       // one reference: no need for the lock
  int g = dup(f);       // two references to one struct file: f_pos is shared
  ioctl(d, 0, f);
}`, p)
      clean(o)
      expect(obs(o, 'pos_locked')).toEqual(['0', '1'])
      expect(obs(o, 'plain_locked')).toEqual(['0', '0'])
    })
  }
})
