/**
 * Kernel profiles: which kernel the model follows. Kernel code branches on named features,
 * never on version numbers (decisions.md).
 */
export type ProfileName = '6.5' | '6.18'
export const PROFILE_NAMES: readonly ProfileName[] = ['6.5', '6.18']
export const DEFAULT_PROFILE: ProfileName = '6.18'

/** Historic mistakes a lab can switch on (off by default). */
export interface Variants {
  /**
   * Before ~v5.11, execve called unshare_files() before de_thread(): a multi-threaded process
   * always had count > 1 there, got a copy of its table, and the old table's close_files()
   * dropped every POSIX lock of the process.
   */
  exec_unshare_before_de_thread: boolean
  /**
   * Hypothetical teaching variant (not history): __fget_light() does not see the sharers that
   * clone(CLONE_FILES) added to files_struct.count, so it takes the light, uncounted path on a
   * shared table. Nothing else changes: the table's lifetime (put_files_struct), unshare and
   * close_range still see the true count (test/engine/lab/variants.test.ts).
   */
  files_count_too_low: boolean
}
export const NO_VARIANTS: Variants = { exec_unshare_before_de_thread: false, files_count_too_low: false }
export const VARIANT_NAMES = Object.keys(NO_VARIANTS) as (keyof Variants)[]

export interface Profile {
  readonly name: ProfileName
  /** close(2) drops the table's reference synchronously (__fput_sync / fput_close_sync), v6.6+. */
  readonly close_sync_fput: boolean
  /** struct file counts with file_ref_t f_ref (raw = refs - 1), v6.13+; else atomic_long_t f_count. */
  readonly file_ref_t: boolean
  /** struct file memory is SLAB_TYPESAFE_BY_RCU: freed at once, reusable at once, v6.7+. */
  readonly slab_typesafe_by_rcu: boolean
  /** pick_file/close_fd_get_file became file_close_fd_locked/file_close_fd, v6.8+. */
  readonly file_close_fd: boolean
  /** fput_close / fput_close_sync and file_ref_put_close, v6.15+. */
  readonly fput_close: boolean
  /** find_next_fd looks inside the start word first, v6.13+. */
  readonly find_next_fd_fast_path: boolean
  /** fdget_pos checks the raw refcount against ONEREF, v6.15+ (else file_count > 1). */
  readonly fdget_pos_oneref: boolean
  /** __fput_deferred frees never-opened files at once, v6.19 spec step A4 (present in 6.18). */
  readonly fput_deferred_free_unopened: boolean
  /** __fput_sync may be called by user tasks (v6.6+); v6.5 BUG_ON(!PF_KTHREAD). */
  readonly fput_sync_any_task: boolean
  /** fcntl(F_DUPFD_QUERY), v6.10+; earlier kernels return -EINVAL for the command. */
  readonly fcntl_dupfd_query: boolean
  /** fcntl(F_CREATED_QUERY), v6.12+; earlier kernels return -EINVAL. */
  readonly fcntl_created_query: boolean
  /** pidfd_open(PIDFD_THREAD), v6.9+; earlier kernels return -EINVAL for the flag. */
  readonly pidfd_thread: boolean
  /** ioctl(pidfd, PIDFD_GET_*_NAMESPACE) returning a namespace fd, v6.11+. */
  readonly pidfd_ns_ioctls: boolean
  /** struct fd is one unsigned long word (file pointer | FDPUT_* bits), v6.12+; else { file, flags }. */
  readonly fd_word: boolean
  /** task_work_cancel(task, cb) takes the callback_head; the func-matching form became task_work_cancel_func, v6.11+. */
  readonly task_work_cancel_cb: boolean
  readonly variants: Variants
}

const BASE: Record<ProfileName, Omit<Profile, 'variants'>> = {
  '6.5': {
    name: '6.5', close_sync_fput: false, file_ref_t: false, slab_typesafe_by_rcu: false, file_close_fd: false,
    fput_close: false, find_next_fd_fast_path: false, fdget_pos_oneref: false, fput_deferred_free_unopened: false,
    fput_sync_any_task: false, fcntl_dupfd_query: false, fcntl_created_query: false, pidfd_thread: false,
    pidfd_ns_ioctls: false, fd_word: false, task_work_cancel_cb: false,
  },
  '6.18': {
    name: '6.18', close_sync_fput: true, file_ref_t: true, slab_typesafe_by_rcu: true, file_close_fd: true,
    fput_close: true, find_next_fd_fast_path: true, fdget_pos_oneref: true, fput_deferred_free_unopened: true,
    fput_sync_any_task: true, fcntl_dupfd_query: true, fcntl_created_query: true, pidfd_thread: true,
    pidfd_ns_ioctls: true, fd_word: true, task_work_cancel_cb: true,
  },
}

/** Thrown for an unknown profile name: never silently substitute another. */
export class UnknownProfileError extends Error {}

/**
 * Resolve a profile name. `mainline` is accepted as an alias of the newest modelled profile,
 * but callers store the concrete name.
 */
export function resolveProfileName(name: string): ProfileName {
  if (name === 'mainline') return '6.18'
  if ((PROFILE_NAMES as readonly string[]).includes(name)) return name as ProfileName
  throw new UnknownProfileError(`unknown kernel profile '${name}' (known: ${PROFILE_NAMES.join(', ')}, mainline)`)
}

export function getProfile(name: string, variants: Partial<Variants> = {}): Profile {
  const n = resolveProfileName(name)
  return Object.freeze({ ...BASE[n], variants: Object.freeze({ ...NO_VARIANTS, ...variants }) })
}
