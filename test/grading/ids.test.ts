/**
 * Submissions name labs and exercises by id, and grade reports name tests: renaming any of them in
 * a shipped lab would turn every submitted answer into "another lab" or "unknown exercise". This
 * test pins them; change it only together with a new lab version.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseLab } from '../../main/engine/lab/labFile'
import { LABS } from './helpers'

const PINNED = {
  close: {
    id: 'close-path', version: '1.0',
    exercises: {
      'next-fd': [], 'max-fds': [], 'double-close': [], flushes: [], 'lose-lock': ['note-appears', 'no-violation'],
      'pending-65': [], 'pending-618': [], 'pending-dup2': [], delayed: [],
      'my-close': ['closes-the-fd', 'bad-fd', 'posix-locks', 'sync-teardown', 'kept-alive'],
    },
  },
  binder: {
    id: 'binder-deferred-close', version: '1.0',
    exercises: {
      light: [], threaded: [], 'provoke-v2': ['v2'], pin: [],
      'deferred-close': ['another-fd', 'own-fd', 'bad-fd', 'torn-down', 'posix-locks', 'racing-reader'],
    },
  },
  races: { id: 'races', version: '1.0', exercises: { 'fix-the-peek': ['reads-flags', 'dup2-race', 'close-race'] } },
} as const

describe('the shipped labs keep their ids', () => {
  for (const [k, want] of Object.entries(PINNED)) {
    it(`${want.id}: lab id, version, exercise ids and test names`, () => {
      const { lab, diagnostics } = parseLab(readFileSync(LABS[k as keyof typeof LABS], 'utf8'), 'x.lab.md')
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      expect(lab.meta.id).toBe(want.id)
      expect(lab.meta.version).toBe(want.version)
      expect(Object.fromEntries(lab.exercises.map((e) => [e.id, e.tests.map((t) => t.testName)]))).toEqual(want.exercises)
    })
  }
})
