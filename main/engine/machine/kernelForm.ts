/**
 * The two stepped forms of the kernel's entry points that the machine calls: the generator form
 * (main/engine/kernel, the source) and the compiled form (main/engine/stepped, derived from it by
 * scripts/gen-stepped.mjs: resumable frames instead of generators). Both run on the same thread
 * driver (drive.ts) and give the same steps and traces (test/engine/machine/stepped.test.ts).
 *
 * A machine keeps one form from boot to end, so that everything it builds (file operations,
 * callbacks, the vfs) comes from the form that runs it: the compiled modules are copies, so their
 * tables (pipe_fops...) are not the generator modules' objects. Traced machines and strace
 * replays use the generator form (the replayer and the fast path's bridges call the generator
 * modules directly); untraced stepped machines use the compiled form.
 */
import { createVfs } from '../kernel/fs/vfs_tree'
import { newFilesStruct } from '../kernel/fs/file'
import { alloc_empty_file, delayed_fput } from '../kernel/fs/file_table'
import { do_dentry_open } from '../kernel/fs/open'
import { get_file } from '../kernel/include/file_ref'
import { newTask, newSignal, kernel_clone } from '../kernel/kernel/fork'
import { do_exit } from '../kernel/kernel/exit'
import { rcu_gp_kthread } from '../kernel/kernel/rcupdate'
import { worker_thread } from '../kernel/kernel/workqueue'
import { tick_handle_periodic } from '../kernel/kernel/time'
import { sys_execve } from '../kernel/fs/exec'
import { do_syscall } from '../kernel/kernel/entry'
import { sys_call } from '../kernel/syscalls'
import { createVfs as c_createVfs } from '../stepped/kernel/fs/vfs_tree'
import { newFilesStruct as c_newFilesStruct } from '../stepped/kernel/fs/file'
import { alloc_empty_file as c_alloc_empty_file, delayed_fput as c_delayed_fput } from '../stepped/kernel/fs/file_table'
import { do_dentry_open as c_do_dentry_open } from '../stepped/kernel/fs/open'
import { get_file as c_get_file } from '../stepped/kernel/include/file_ref'
import { newTask as c_newTask, newSignal as c_newSignal, kernel_clone as c_kernel_clone } from '../stepped/kernel/kernel/fork'
import { do_exit as c_do_exit } from '../stepped/kernel/kernel/exit'
import { rcu_gp_kthread as c_rcu_gp_kthread } from '../stepped/kernel/kernel/rcupdate'
import { worker_thread as c_worker_thread } from '../stepped/kernel/kernel/workqueue'
import { tick_handle_periodic as c_tick_handle_periodic } from '../stepped/kernel/kernel/time'
import { sys_execve as c_sys_execve } from '../stepped/kernel/fs/exec'
import { do_syscall as c_do_syscall } from '../stepped/kernel/kernel/entry'
import { sys_call as c_sys_call } from '../stepped/kernel/syscalls'

/** The kernel's entry points as the machine calls them (the generator form's types). */
export interface KernelForm {
  readonly name: 'generators' | 'compiled'
  readonly createVfs: typeof createVfs
  readonly newFilesStruct: typeof newFilesStruct
  readonly alloc_empty_file: typeof alloc_empty_file
  readonly delayed_fput: typeof delayed_fput
  readonly do_dentry_open: typeof do_dentry_open
  readonly get_file: typeof get_file
  readonly newTask: typeof newTask
  readonly newSignal: typeof newSignal
  readonly kernel_clone: typeof kernel_clone
  readonly do_exit: typeof do_exit
  readonly rcu_gp_kthread: typeof rcu_gp_kthread
  readonly worker_thread: typeof worker_thread
  readonly tick_handle_periodic: typeof tick_handle_periodic
  readonly sys_execve: typeof sys_execve
  readonly do_syscall: typeof do_syscall
  readonly sys_call: typeof sys_call
}

export const GENERATOR_FORM: KernelForm = {
  name: 'generators', createVfs, newFilesStruct, alloc_empty_file, delayed_fput, do_dentry_open, get_file, newTask, newSignal,
  kernel_clone, do_exit, rcu_gp_kthread, worker_thread, tick_handle_periodic, sys_execve, do_syscall, sys_call,
}

/**
 * The compiled form, typed as the generator form: its kernel functions return a KFrame
 * (sim/kframe.ts), which the thread driver runs and a generator's `yield*` accepts, where the
 * generator form returns a KGen; every other value has the same type.
 */
export const COMPILED_FORM: KernelForm = {
  name: 'compiled', createVfs: c_createVfs, newFilesStruct: c_newFilesStruct, alloc_empty_file: c_alloc_empty_file, delayed_fput: c_delayed_fput,
  do_dentry_open: c_do_dentry_open, get_file: c_get_file, newTask: c_newTask, newSignal: c_newSignal, kernel_clone: c_kernel_clone, do_exit: c_do_exit,
  rcu_gp_kthread: c_rcu_gp_kthread, worker_thread: c_worker_thread, tick_handle_periodic: c_tick_handle_periodic, sys_execve: c_sys_execve,
  do_syscall: c_do_syscall, sys_call: c_sys_call,
} as unknown as KernelForm


/**
 * For tests that compare the forms (test/engine/machine/stepped.test.ts): when set, machines
 * created without `form` run this form (a replay still runs the generator form). Never set in
 * the product.
 */
export const formForTests: { forced: KernelForm['name'] | null } = { forced: null }
