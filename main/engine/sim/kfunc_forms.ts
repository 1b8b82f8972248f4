/**
 * The engine's two forms of each kernel callback. The kernel stores a callback as a function
 * pointer (callback_head.func); the stepped engine's pointer is a generator function, the fast
 * path's (main/engine/fast/, generated) a plain one. A callback queued by one form may be run by
 * the other: the fast path hands the machine back to the stepped system threads (rcu_preempt,
 * kworker), and a replay may step a task whose task work the fast path queued. Each form calls a
 * callback through its resolveKfunc() (sim/kfunc.ts, sim/kfunc.fast.ts), which looks the pointer
 * up here. machine/fast.ts fills both maps from its typed table of pairs (CALLBACK_FORMS).
 *
 * Not copied into the fast path (it imports nothing): both forms share these two maps.
 */
export const callbackForms: {
  /** The stepped form of a fast-path callback. */
  readonly toStepped: Map<object, unknown>
  /** The fast-path form of a stepped callback. */
  readonly toFast: Map<object, unknown>
} = { toStepped: new Map(), toFast: new Map() }
