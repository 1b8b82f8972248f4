/**
 * Every rule id a finding can carry (`Violation.rule`), by name: the sanitizer's rules (spec §10.3
 * V2, V3...), the checks the kernel has in its own code (WARN_ON, BUG_ON, lockdep, might_sleep),
 * the invariants and lab C's runtime checks. Report sites name a rule through this table
 * (`k.report(RULE.V14, ...)`), never by a string literal; lab/rules.ts documents each one
 * (`fdlab doc`, docs/sanitizer-rules.md).
 */
export const RULE = {
  V2: 'V2',
  V3: 'V3',
  V5: 'V5',
  V6: 'V6',
  V14: 'V14',
  V16: 'V16',
  uninit_value: 'uninit-value',
  use_after_free: 'use-after-free',
  double_fput: 'double-fput',
  refcount: 'refcount',
  leak: 'leak',
  task_work: 'task-work',
  deadlock: 'deadlock',
  bad_unlock: 'bad-unlock',
  lockdep: 'lockdep',
  might_sleep: 'might_sleep',
  atomic: 'atomic',
  rcu: 'rcu',
  locks: 'locks',
  invariant: 'invariant',
  WARN_ON: 'WARN_ON',
  BUG_ON: 'BUG_ON',
  BUG: 'BUG',
  double_free: 'double-free',
  posix_lock_lost: 'posix-lock-lost',
} as const

/** A rule id, as findings carry it. */
export type RuleId = (typeof RULE)[keyof typeof RULE]
