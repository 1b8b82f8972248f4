import { it } from 'vitest'
import { parseLab } from '../../main/engine/lab/labFile'
import { runBlock } from '../../main/engine/lab/labRun'
import { labExplorer } from '../../main/engine/lab/explore'
it('dbg', () => {
  const t = `---\nid: v\ntitle: V\nversion: "1"\nkernel: 6.18\nauthors: [T]\nlicense: MIT\n---\n\`\`\`c lib=spin\nint go;\ndriver spin {\n  long ioctl(struct file *f, unsigned int cmd, unsigned long arg) {\n    if (cmd == 1) { go = 1; return 0; }\n    while (go) { }\n    return 0;\n  }\n}\n\`\`\`\n\`\`\`c scenario=s uses=spin explore expect=fail\nprocess app {\n  int d = open("/dev/spin", O_RDWR);\n  thread t { ioctl(d, 1, 0); }\n  ioctl(d, 2, 0);\n  expect(0);\n}\n\`\`\`\n`
  const { lab } = parseLab(t, 'v.lab.md')
  const r = runBlock(lab, lab.scenarios[0]!, '6.18', { maxSteps: 5000, limits: { maxStatements: 20000 }, explorer: labExplorer({ maxRuns: 2000 }) })
  console.log(r.verdict, r.reasons, r.explored, r.outcome.status, r.outcome.runtimeErrors)
})
