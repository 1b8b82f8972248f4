/**
 * Submissions name labs and exercises by id, and grade reports name tests: renaming any of them in
 * a shipped lab would turn every submitted answer into "another lab" or "unknown exercise". This
 * test pins them; change it only together with a new lab version.
 *
 * Two pins: what was shipped before the course grew to nine labs (every id, version, exercise and
 * test name there must still exist: submissions exported then still grade), and the full current
 * set of all nine labs (exercise ids in order, their kinds, their test names in order).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseLab, type Lab } from '../../main/engine/lab/labFile'
import { parseCourse } from '../../main/engine/lab/course'
import { LAB_FILES, LAB_IDS, LABS, type LabId } from './helpers'

type Pin = { readonly version: string; readonly exercises: Readonly<Record<string, readonly string[]>> }

/** As shipped with the three-lab course (the first grading release). Never edit: add to CURRENT instead. */
const BEFORE: Partial<Record<LabId, Pin>> = {
  'close-path': {
    version: '1.0',
    exercises: {
      'next-fd': [], 'max-fds': [], 'double-close': [], flushes: [], 'lose-lock': ['note-appears', 'no-violation'],
      'pending-65': [], 'pending-618': [], 'pending-dup2': [], delayed: [],
      'my-close': ['closes-the-fd', 'bad-fd', 'posix-locks', 'sync-teardown', 'kept-alive'],
    },
  },
  'binder-deferred-close': {
    version: '1.0',
    exercises: {
      light: [], threaded: [], 'provoke-v2': ['v2'], pin: [],
      'deferred-close': ['another-fd', 'own-fd', 'bad-fd', 'torn-down', 'posix-locks', 'racing-reader'],
    },
  },
  races: { version: '1.0', exercises: { 'fix-the-peek': ['reads-flags', 'dup2-race', 'close-race'] } },
}

type CurrentPin = { readonly version: string; readonly exercises: Readonly<Record<string, readonly [kind: string, tests: readonly string[]]>> }
const P = (...tests: string[]): readonly [string, readonly string[]] => ['predict', tests]
const I = (...tests: string[]): readonly [string, readonly string[]] => ['implement', tests]
const V = (...tests: string[]): readonly [string, readonly string[]] => ['provoke', tests]

/** The nine labs of the course, exercise ids in lab order. */
const CURRENT: Record<LabId, CurrentPin> = {
  'fd-table': {
    version: '1.0',
    exercises: { 'after-dupfd': P(), 'table-size': P(), 'limit-errno': P(), 'raise-hard': P(), 'count-open': I('simple', 'above-next-fd', 'grown-table') },
  },
  'files-vs-fds': {
    version: '1.0',
    exercises: { 'pos-other': P(), 'dup2-self': P(), 'fork-refs': P(), 'my-dup': I('same-file', 'bad-fd', 'clears-cloexec', 'o-path', 'emfile-no-leak') },
  },
  'close-path': {
    version: '1.0',
    exercises: {
      'next-fd': P(), 'max-fds': P(), 'double-close': P(), flushes: P(), 'lose-lock': V('note-appears', 'no-violation'), 'close-eio': P(),
      'pending-65': P(), 'pending-618': P(), 'pending-dup2': P(), delayed: P(),
      'my-close': I('closes-the-fd', 'bad-fd', 'posix-locks', 'sync-teardown', 'kept-alive'),
    },
  },
  procrastination: {
    version: '1.0',
    exercises: { 'lifo-order': P(), 'softirq-route': P(), esrch: P(), 'obj-put': I('before-user-space', 'not-in-atomic', 'not-last', 'kthread', 'softirq') },
  },
  'struct-fd': {
    version: '1.0',
    exercises: {
      'borrowed-count': P(), 'io-worker': V('alone', 'bad-fd', 'shared'), 'pos-flags': P(), 'word-bits': P(), 'fd-size': P(),
      'pos-peek': I('one-fd', 'after-dup', 'threaded'), 'goto-past-class': V('jump', 'lookup', 'bad-fd'),
      'convert-to-class': I('same', 'first-bad', 'second-bad', 'threaded'), 'checked-mode': I('matches', 'mismatch', 'bad-fd', 'threaded', 'racing-close'),
    },
  },
  sharing: {
    version: '1.0',
    exercises: {
      'three-tasks': P(), 'provoke-low-count': V('v2-under-low-count', 'clean-when-exact'), 'provoke-v14': V('v14-under-low-count', 'clean-when-exact'),
      'after-unshare': P(), 'locks-before-fix': P(), 'lose-the-lock': V('lost-before-fix', 'kept-since-fix'), 'exec-by-sharer': P(),
    },
  },
  'binder-deferred-close': {
    version: '1.0',
    exercises: {
      light: P(), threaded: P(), 'provoke-v2': V('v2', 'v2-any-schedule'), pin: P(),
      'deferred-close': I('another-fd', 'own-fd', 'bad-fd', 'torn-down', 'posix-locks', 'racing-reader'),
      'deferred-fd-closer': I('closes', 'own-fd', 'bad-fd', 'kthread', 'rcu-callback'),
    },
  },
  races: {
    version: '1.0',
    exercises: { 'blocked-read': P(), 'provoke-raw-lookup': V('found', 'default-schedule-clean'), 'fix-the-peek': I('reads-flags', 'dup2-race', 'close-race') },
  },
  capstone: {
    version: '1.0',
    exercises: { 'wc-fds': P(), 'write-end': P(), 'hang-the-reader': V('hangs', 'hangs-6.5') },
  },
}

function load(id: LabId): Lab {
  const { lab, diagnostics } = parseLab(readFileSync(LABS[id], 'utf8'), LAB_FILES[id])
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return lab
}

describe('the shipped labs keep their ids', () => {
  it('labs/course.yaml lists the nine labs these pins name, in this order', () => {
    const { course, diagnostics } = parseCourse(readFileSync(new URL('../../labs/course.yaml', import.meta.url), 'utf8'), 'course.yaml')
    expect(diagnostics).toEqual([])
    expect(course.labs.map((l) => l.file)).toEqual(LAB_IDS.map((id) => LAB_FILES[id]))
    expect(Object.keys(CURRENT)).toEqual(LAB_IDS)
  })

  for (const [id, before] of Object.entries(BEFORE) as [LabId, Pin][]) {
    it(`${id}: every id, version, exercise and test name shipped before still exists`, () => {
      const lab = load(id)
      expect(lab.meta.id).toBe(id)
      expect(lab.meta.version).toBe(before.version)
      const now = new Map(lab.exercises.map((e) => [e.id, e.tests.map((t) => t.testName)]))
      for (const [ex, tests] of Object.entries(before.exercises)) {
        expect(now.has(ex), `${id}: exercise ${ex}`).toBe(true)
        for (const t of tests) expect(now.get(ex), `${id}/${ex}: test ${t}`).toContain(t)
        // A predict's single answer has no test names; it must stay a predict (answers are text, not code).
        if (!tests.length) expect(lab.exercises.find((e) => e.id === ex)!.kind, `${id}/${ex}`).toBe('predict')
      }
      // The current pin keeps them too (so editing CURRENT cannot drop one silently).
      for (const [ex, tests] of Object.entries(before.exercises)) {
        expect(CURRENT[id].exercises[ex], `${id}/${ex} in CURRENT`).toBeDefined()
        for (const t of tests) expect(CURRENT[id].exercises[ex]![1]).toContain(t)
      }
    })
  }

  for (const id of LAB_IDS) {
    it(`${id}: lab id, version, exercise ids, kinds and test names (all of them, in order)`, () => {
      const lab = load(id)
      expect(lab.meta.id).toBe(id)
      expect(lab.meta.version).toBe(CURRENT[id].version)
      expect(lab.exercises.map((e) => [e.id, [e.kind, e.tests.map((t) => t.testName)]])).toEqual(Object.entries(CURRENT[id].exercises))
    })
  }
})
