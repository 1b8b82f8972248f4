/**
 * The sanitizer's rules documented, by the id a finding carries (a block's `rule=` names one of
 * these). The ids are sim/rules.ts `RULE`, the one table every report site names; this file
 * adds what each rule means and an example. docs/sanitizer-rules.md is the reference written
 * from this table; a test keeps it in step with the `RULE.X` names the engine reports.
 */
import { RULE, type RuleId } from '../sim/rules'

export interface SanitizerRule {
  readonly id: RuleId
  readonly severity: 'violation' | 'note'
  /** What fires it. */
  readonly fires: string
  /** A minimal lab C example that fires it (empty when it needs a driver or kernel state). */
  readonly example: string
}

export const SANITIZER_RULES: readonly SanitizerRule[] = [
  { id: RULE.V2, severity: 'violation', fires: "the table's reference to a file is dropped while a light (uncounted) fdget borrow of it is live and nothing else keeps the file alive until fdput (spec V2); also clone(CLONE_FILES) while holding a light borrow", example: 'driver d { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { return close_fd(arg); } }\nprocess p { int b = open("/dev/d", O_RDWR); ioctl(b, 0, b); }' },
  { id: RULE.V3, severity: 'violation', fires: 'a struct fd released twice, released with the wrong kind of put, or still held when its task exits (fdget/fdput must pair)', example: '' },
  { id: RULE.V5, severity: 'violation', fires: 'put_unused_fd on an fd that was already installed (undo after fd_install)', example: '' },
  { id: RULE.V6, severity: 'violation', fires: 'fd_install into a slot that is not NULL, or alloc_fd finding a non-NULL slot', example: '' },
  { id: RULE.V14, severity: 'violation', fires: "files_struct.count lower than the number of tasks using the table where the kernel trusts it (copy_files, __fget_light's count == 1, put_files_struct): the light fdget then skips the reference it needs (spec V14; provoked with the hypothetical variant files_count_too_low)", example: '' },
  { id: RULE.uninit_value, severity: 'violation', fires: 'a variable read after a goto jumped over its initialisation, typically a CLASS()/__cleanup variable whose cleanup then runs on garbage', example: 'driver d {\n  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {\n    int ret = -EBADF;\n    if (cmd == 0) goto out;\n    CLASS(fd, f)(arg);\n    ret = 0;\nout:\n    return ret;\n  }\n}\nprocess p { int b = open("/dev/d", O_RDWR); ioctl(b, 0, b); }' },
  { id: RULE.V16, severity: 'violation', fires: 'filp_close of a file whose count is already 0 (CHECK_DATA_CORRUPTION)', example: '' },
  { id: RULE.use_after_free, severity: 'violation', fires: 'a struct file used after its memory was freed (or reused for another file)', example: '' },
  { id: RULE.double_fput, severity: 'violation', fires: '__fput ran more than once for one file', example: '' },
  { id: RULE.refcount, severity: 'violation', fires: "a file's reference count went below zero, or get_file/file_ref_inc on a dead count", example: '' },
  { id: RULE.leak, severity: 'violation', fires: 'at the end of the run: a file still referenced when every task has exited, a last reference whose __fput never ran, or task work that never ran', example: 'driver d { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { get_file(f); return 0; } }\nprocess p { int b = open("/dev/d", O_RDWR); ioctl(b, 0, 0); }' },
  { id: RULE.task_work, severity: 'violation', fires: 'task_work_add of a callback_head that is already queued (the list is corrupted)', example: '' },
  { id: RULE.deadlock, severity: 'violation', fires: 'spin_lock or mutex_lock of a lock the thread already holds (AA deadlock)', example: 'spinlock_t l;\nkthread k { spin_lock(&l); spin_lock(&l); }' },
  { id: RULE.bad_unlock, severity: 'violation', fires: 'spin_unlock or mutex_unlock by a thread that does not hold the lock', example: 'spinlock_t l;\nkthread k { spin_unlock(&l); }' },
  { id: RULE.lockdep, severity: 'violation', fires: 'lockdep_assert_held on a lock the thread does not hold', example: '' },
  { id: RULE.might_sleep, severity: 'violation', fires: 'a function that may sleep called while holding a spinlock, inside an RCU read-side section or in atomic context', example: '' },
  { id: RULE.atomic, severity: 'violation', fires: 'a return to user space while holding a spinlock or with preemption disabled', example: '' },
  { id: RULE.rcu, severity: 'violation', fires: 'a return to user space inside an RCU read-side section, or rcu_read_unlock without rcu_read_lock', example: 'kthread k { rcu_read_unlock(); }' },
  { id: RULE.locks, severity: 'violation', fires: 'locks_remove_file left a lock that still names the file being freed', example: '' },
  { id: RULE.invariant, severity: 'violation', fires: 'a structural invariant of the fd table (spec §1.8) does not hold at a quiescent point', example: '' },
  { id: RULE.WARN_ON, severity: 'violation', fires: 'a WARN_ON in the kernel or in lab C whose condition is true', example: 'kthread k { WARN_ON(1); }' },
  { id: RULE.BUG_ON, severity: 'violation', fires: '__fput_sync from a user task under 6.5 (BUG_ON(!(current->flags & PF_KTHREAD)))', example: '' },
  { id: RULE.BUG, severity: 'violation', fires: 'a BUG_ON in lab C whose condition is true (the run stops)', example: 'kthread k { BUG_ON(1); }' },
  { id: RULE.double_free, severity: 'violation', fires: 'kfree of a lab object that was already freed', example: 'struct s { int a; };\nkthread k { struct s *p = kmalloc(sizeof(struct s), GFP_KERNEL); kfree(p); kfree(p); }' },
  { id: RULE.posix_lock_lost, severity: 'note', fires: 'a POSIX lock released because another fd of the same file was closed (legal POSIX behaviour, pointed at)', example: 'process p {\n  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };\n  int fd = open("/tmp/d", O_RDWR | O_CREAT, 0600);\n  fcntl(fd, F_SETLK, &fl);\n  close(open("/tmp/d", O_RDONLY));\n}' },
]

export const RULE_IDS: ReadonlySet<string> = new Set<string>(SANITIZER_RULES.map((r) => r.id))
