/** exec(path, args...) { image }: the image gets argc and argv; snprintf and atoi carry an fd. */
import { describe, expect, it } from 'vitest'
import { runSources, type RunOutcome } from '../../../../main/engine/lab/run'
import type { ProfileName } from '../../../../main/engine/sim/profile'

const run = (code: string, profile: ProfileName = '6.18'): RunOutcome => runSources({ sources: [{ code, file: 't.c' }], profile })
const obs = (o: RunOutcome, k: string): string[] | undefined => o.observations.get(k)?.map(String)
const errors = (o: RunOutcome): string[] => o.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col}: ${d.message}`)

describe('exec arguments', () => {
  for (const p of ['6.5', '6.18'] as const) {
    it(`the image sees argc and argv, argv[0] the path and argv[argc] NULL (${p})`, () => {
      const o = run(`process app {
  int keep = open("/tmp/k", O_RDWR | O_CREAT, 0600);
  int gone = open("/tmp/g", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  char a[16];
  char b[16];
  expect(snprintf(a, sizeof(a), "%d", keep) == 1);
  snprintf(b, sizeof(b), "%d", gone);
  exec("/bin/true", a, b) {
    observe("argc", argc);
    observe("argv0", argv[0]);
    expect(argv[argc] == NULL);
    int k = atoi(argv[1]);
    int g = atoi(argv[2]);
    observe("fds", k);
    observe("fds", g);
    observe("kept_open", fd_is_open(getpid(), k));
    observe("cloexec_closed", !fd_is_open(getpid(), g));
    return 0;
  }
}`, p)
      expect(errors(o)).toEqual([])
      expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
      expect([obs(o, 'argc'), obs(o, 'argv0'), obs(o, 'fds'), obs(o, 'kept_open'), obs(o, 'cloexec_closed')])
        .toEqual([['3'], ['/bin/true'], ['3', '4'], ['1'], ['1']])
    })
  }

  it('exec without arguments has argc 1; argv is the image\'s own (not visible outside it)', () => {
    const o = run(`process app {
  exec("/bin/true") { observe("argc", argc); return 0; }
}`)
    expect(errors(o)).toEqual([])
    expect(obs(o, 'argc')).toEqual(['1'])
    expect(errors(run('process app { observe("x", argc); }')).join('\n')).toMatch(/argc/)
  })

  it('snprintf truncates to the size and atoi stops at the first non-digit', () => {
    const o = run(`process app {
  char s[4];
  observe("need", snprintf(s, sizeof(s), "%d-%s", 12345, "x"));
  observe("got", s);
  observe("n", atoi("  -42abc"));
  observe("n", atoi("x1"));
}`)
    expect(errors(o)).toEqual([])
    expect([obs(o, 'need'), obs(o, 'got'), obs(o, 'n')]).toEqual([['7'], ['123'], ['-42', '0']])
  })
})

describe('setrlimit(RLIMIT_NOFILE): a 10,000-fd table', () => {
  const src = (caps: string): string => `process big${caps} {
  struct rlimit rl;
  expect(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024 && rl.rlim_max == 4096);
  rl.rlim_cur = 10000;
  rl.rlim_max = 10000;
  int r = setrlimit(RLIMIT_NOFILE, &rl);
  observe("setrlimit", r);
  if (r < 0) { observe("errno", errno); exit(0); }
  int fd = open("/tmp/big", O_RDWR | O_CREAT, 0600);
  while (dup(fd) >= 0) ;
  observe("stop_errno", errno);
  observe("fds", fd_count(getpid()));
  expect(close(9999) == 0 && dup(fd) == 9999);
}`

  it('raising the hard limit needs CAP_SYS_RESOURCE (EPERM without it, as for an unprivileged process)', () => {
    const o = run(src(''))
    expect(errors(o)).toEqual([])
    expect([obs(o, 'setrlimit'), obs(o, 'errno')]).toEqual([['-1'], ['1']])
  })

  it('a process(CAP_SYS_RESOURCE) builds a 10,000-fd table and stops at EMFILE', () => {
    const o = runSources({ sources: [{ code: src('(CAP_SYS_RESOURCE)'), file: 't.c' }], profile: '6.18', maxSteps: 2_000_000 })
    expect(errors(o)).toEqual([])
    expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
    expect(o.status).toBe('done')
    expect([obs(o, 'setrlimit'), obs(o, 'stop_errno'), obs(o, 'fds')]).toEqual([['0'], ['24'], ['10000']])
  })

  it('only CAP_SYS_RESOURCE is modelled', () => {
    expect(errors(run('process p(CAP_NET_ADMIN) { }'))).toEqual(['1:11: process p(CAP_NET_ADMIN): lab C models only CAP_SYS_RESOURCE (raise the hard RLIMIT_NOFILE)'])
  })
})
