/**
 * Verdicts are sacred: a run that stopped at a limit (statements, micro-steps, recursion, memory,
 * output) is `budget`, an answer that does not compile or an engine failure is `error`, and
 * neither satisfies any expectation (pass, violation, blocked, fail, rule=), under explore too.
 */
import { describe, expect, it } from 'vitest'
import { parseLab, type Lab } from '../../../main/engine/lab/labFile'
import { checkLab, composeTest, judgeExercise, runBlock, type BlockRunOptions, type Explorer } from '../../../main/engine/lab/labRun'
import { labExplorer } from '../../../main/engine/lab/explore'

const HEAD = `---
id: v
title: Verdicts
version: "1"
kernel: 6.18
authors: [T]
license: MIT
---
`

function lab(body: string): Lab {
  const { lab: l, diagnostics } = parseLab(HEAD + body, 'v.lab.md')
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return l
}

const explorer: Explorer = labExplorer({ maxRuns: 2000 })
// Small limits keep the runaway runs short; the verdicts do not depend on the numbers.
const small: BlockRunOptions = { maxSteps: 5000, limits: { maxStatements: 20_000 }, explorer }

/** A driver whose ioctl loops forever, and the ways a test can end after calling it. */
const SPIN = `
\`\`\`c lib=spin
int go;
driver spin {
  long ioctl(struct file *f, unsigned int cmd, unsigned long arg) {
    if (cmd == 1) { go = 1; return 0; }
    while (go) { }
    return 0;
  }
}
\`\`\`
`

const EXPECTS = [
  'expect=pass', 'expect=violation', 'expect=violation rule=V2', 'expect=blocked', 'expect=fail', 'rule=posix-lock-lost',
] as const

describe('a run stopped at a limit satisfies no expectation', () => {
  const bodies: Record<string, string> = {
    'a driver ioctl that loops forever': 'process app {\n  int d = open("/dev/spin", O_RDWR);\n  ioctl(d, 1, 0);\n  ioctl(d, 2, 0);\n  expect(0);\n}',
    'a kthread that loops forever': 'kthread k {\n  while (1) { }\n}\nprocess app { expect(0); }',
    'a user loop, then expect(0)': 'process app {\n  while (1);\n  expect(0);\n}',
    'a recursion that never ends': 'int f(int n) { return f(n + 1); }\nprocess app { f(0); expect(0); }',
    'a print loop': 'process app {\n  while (1) printf("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n");\n}',
  }
  for (const [what, code] of Object.entries(bodies)) {
    for (const exp of EXPECTS) {
      it(`${what}: ${exp}`, () => {
        const l = lab(`${SPIN}\n\`\`\`c scenario=s uses=spin ${exp}\n${code}\n\`\`\`\n`)
        const opts: BlockRunOptions = what === 'a print loop' ? { ...small, maxSteps: 200_000, limits: { maxOutput: 10_000 } } : small
        const r = runBlock(l, l.scenarios[0]!, '6.18', opts)
        expect(r.verdict).toBe('budget')
        expect(r.pass).toBe(false)
        expect(r.outcome.limit).not.toBeNull()
        expect(r.reasons.join('\n')).toMatch(/limit/)
      })
    }
  }

  it('memory: kmalloc in a loop stops at the memory limit, naming it and where', () => {
    const l = lab('```c scenario=s\nstruct big { int a[100000]; };\nkthread k {\n  while (1) kmalloc(sizeof(struct big), GFP_KERNEL);\n}\n```\n')
    const r = runBlock(l, l.scenarios[0]!, '6.18', { limits: { maxMemory: 8 << 20 } })
    expect(r.verdict).toBe('budget')
    expect(r.outcome.limit).toEqual(expect.objectContaining({ code: 'memory', file: 'v.lab.md', line: 12 }))
    expect(r.outcome.limit!.message).toContain('memory limit: lab C allocated more than 8 MiB')
  })

  it('output: the output limit names itself and the printing line; the output is cut at the limit', () => {
    const l = lab('```c scenario=s\nprocess app {\n  for (;;) printf("hello\\n");\n}\n```\n')
    const r = runBlock(l, l.scenarios[0]!, '6.18', { limits: { maxOutput: 600 } })
    expect(r.verdict).toBe('budget')
    expect(r.outcome.limit).toEqual(expect.objectContaining({ code: 'output', line: 11 }))
    expect(r.outcome.output.length).toBe(600)
  })
})

describe('under explore, a limit in any explored run decides the verdict', () => {
  // One interleaving fails expect() (the demonstration expect=fail asks for); in the other,
  // the ioctl spins forever. The search must not call that a pass.
  const race = (exp: string): Lab => lab(`${SPIN}\n\`\`\`c scenario=s uses=spin explore ${exp}\nprocess app {\n  int d = open("/dev/spin", O_RDWR);\n  thread t { ioctl(d, 1, 0); }\n  ioctl(d, 2, 0);\n  expect(0);\n}\n\`\`\`\n`)
  for (const exp of EXPECTS) {
    it(exp, () => {
      const l = race(exp)
      // A short micro-step budget: the explorer's search depth follows it.
      const r = runBlock(l, l.scenarios[0]!, '6.18', { ...small, maxSteps: 400 })
      expect(r.verdict).not.toBe('pass')
      expect(r.pass).toBe(false)
      if (exp !== 'expect=pass') expect(r.verdict).toBe('budget')
    })
  }
})

describe('the limit run an explore block shows is one that stopped at the limit', () => {
  // The default schedule ends; only the interleaving where the thread closes fd first spins.
  // The search stops inside that run (micro-step limit): the run shown must be that one, at a
  // true lab file position, and its schedule must replay to the same limit.
  it('micro-step limit inside the search: its schedule and position, not the default run', () => {
    const l = lab('```c scenario=s explore\nprocess app {\n  int fd = open("/tmp/a", O_RDWR | O_CREAT, 0600);\n  thread t { close(fd); }\n  if (fcntl(fd, F_GETFD) < 0) { while (1); }\n  join(t);\n}\n```\n')
    const r = runBlock(l, l.scenarios[0]!, '6.18', { ...small, maxSteps: 400 })
    expect(r.verdict).toBe('budget')
    expect(r.outcome.status).toBe('budget')
    expect(r.outcome.steps).toBe(400)
    expect(r.outcome.limit).toMatchObject({ file: 'v.lab.md', line: 13, code: 'budget' })
    const again = runBlock(l, l.scenarios[0]!, '6.18', { ...small, maxSteps: 400, schedule: r.outcome.schedule })
    expect(again.verdict).toBe('budget')
  })
})

describe('a predict answer is judged only against a run that finished', () => {
  // A stored schedule that does not fit stops the run after the first observe(): 1 is the value
  // of a run cut short, 2 what the scenario computes.
  const l = lab('```c scenario=s schedule=v1:100*14,999\nprocess app {\n  observe("x", 1);\n  int a = open("/tmp/a", O_RDWR | O_CREAT, 0600);\n  int b = open("/tmp/b", O_RDWR | O_CREAT, 0600);\n  observe("x", 2);\n}\n```\n\n```yaml exercise=e\nkind: predict\nprompt: x?\nobserve: x\nscenario: s\n```\n\n```text solution=e\n1\n```\n')
  it('a schedule mismatch scores nothing and says the scenario did not finish', () => {
    expect(runBlock(l, l.scenarios[0]!, '6.18').outcome.status).toBe('schedule-mismatch')
    const r = judgeExercise(l, l.exercises[0]!, '1')
    expect(r.points).toBe(0)
    expect(r.problems.join('\n')).toContain('did not finish (schedule-mismatch)')
  })
})

describe('internal errors are errors, never verdicts', () => {
  it('an explorer that throws gives verdict error, not "no interleaving shows..."', () => {
    const l = lab('```c scenario=s explore expect=violation\nprocess app { close(3); }\n```\n')
    const boom: Explorer = () => { throw new RangeError('Maximum call stack size exceeded') }
    const r = runBlock(l, l.scenarios[0]!, '6.18', { explorer: boom })
    expect(r.verdict).toBe('error')
    expect(r.reasons.join('\n')).toContain('internal error')
    expect(r.reasons.join('\n')).not.toMatch(/no interleaving|call stack/)
  })
})

describe('composeTest: one composition of a test for every command', () => {
  const l = lab(`
\`\`\`c lib=a
#define A_VALUE 7
\`\`\`

\`\`\`c lib=b
#define B_VALUE 9
\`\`\`

\`\`\`yaml exercise=e
kind: provoke
prompt: p
\`\`\`

\`\`\`c starter=e uses=a
process app { observe("x", A_VALUE); }
\`\`\`

\`\`\`c solution=e
process app { observe("x", A_VALUE); }
\`\`\`

\`\`\`c test=e name=t uses=b
process check { expect(B_VALUE == 9); }
\`\`\`
`)
  const ex = l.exercises[0]!
  it("includes the starter's uses= libraries, the block's, the answer and the test code, in that order", () => {
    const answer = { code: ex.solution!.code, file: 'v.lab.md', lineOffset: ex.solution!.fenceLine }
    const srcs = composeTest(l, ex.tests[0]!, answer)
    expect(srcs.map((s) => s.code.trim())).toEqual(['#define A_VALUE 7', '#define B_VALUE 9', ex.solution!.code.trim(), ex.tests[0]!.code.trim()])
  })
  it('judging, check and run agree on it', () => {
    expect(judgeExercise(l, ex, ex.solution!.code).tests.map((t) => t.verdict)).toEqual(['pass'])
    expect(checkLab(l, []).ok).toBe(true)
    const answer = { code: ex.solution!.code, file: 'v.lab.md', lineOffset: ex.solution!.fenceLine }
    expect(runBlock(l, ex.tests[0]!, '6.18', {}, answer).verdict).toBe('pass')
  })
})
