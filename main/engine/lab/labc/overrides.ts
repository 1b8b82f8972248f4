/**
 * Kernel functions a lab may replace: a lab function of one of these names is what the engine's
 * own callers run (an exercise implementing Binder's deferred close). Any other lab function
 * named like a kernel function only hides it from lab code; the engine never calls it.
 */
export const OVERRIDABLE_KERNEL_FUNCTIONS: readonly string[] = ['binder_deferred_fd_close']
