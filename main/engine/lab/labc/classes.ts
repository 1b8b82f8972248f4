/**
 * The scoped-cleanup classes lab C knows, one declaration each (include/linux/file.h,
 * DEFINE_CLASS in include/linux/cleanup.h): `CLASS(NAME, var)(args)` declares `TYPE var =
 * CTOR(args)` and calls `DTOR(var)` when var leaves its scope (return, break, goto, end of block).
 */
import type { ProfileName } from '../../sim/profile'
import type { Expr, Pos, Stmt } from './ast'

export interface KernelClass {
  readonly name: string
  /** The variable's type as lab C spells it. */
  readonly type: string
  readonly ctor: string
  readonly dtor: string
  /** When the destructor runs: always, when the value is >= 0, or when it is neither NULL nor an ERR_PTR. */
  readonly guard?: 'nonneg' | 'not_err_or_null'
  readonly source: string
  /** Profiles that define it (all when absent). */
  readonly profiles?: readonly ProfileName[]
  readonly doc: string
}

export const KERNEL_CLASSES: readonly KernelClass[] = [
  {
    name: 'fd', type: 'struct fd', ctor: 'fdget', dtor: 'fdput', source: 'include/linux/file.h',
    doc: 'DEFINE_CLASS(fd, struct fd, fdput(_T), fdget(fd), int fd): CLASS(fd, f)(n) is struct fd f = fdget(n), with fdput(f) when f leaves scope (present since v6.5, used widely from v6.12).',
  },
  {
    name: 'fd_raw', type: 'struct fd', ctor: 'fdget_raw', dtor: 'fdput', source: 'include/linux/file.h', profiles: ['6.18'],
    doc: 'DEFINE_CLASS(fd_raw, struct fd, fdput(_T), fdget_raw(fd), int fd): like CLASS(fd) but O_PATH files are found too.',
  },
  {
    name: 'fd_pos', type: 'struct fd', ctor: 'fdget_pos', dtor: 'fdput_pos', source: 'include/linux/file.h', profiles: ['6.18'],
    doc: 'DEFINE_CLASS(fd_pos, struct fd, fdput_pos(_T), fdget_pos(fd), int fd): fdget_pos() with fdput_pos() at the end of the scope.',
  },
  {
    name: 'get_unused_fd', type: 'int', ctor: 'get_unused_fd_flags', dtor: 'put_unused_fd', guard: 'nonneg', source: 'include/linux/file.h', profiles: ['6.18'],
    doc: 'DEFINE_CLASS(get_unused_fd, int, if (_T >= 0) put_unused_fd(_T), get_unused_fd_flags(flags), unsigned flags): a reserved fd that is given back at the end of the scope unless take_fd() disarmed it (after fd_install).',
  },
]

/**
 * `T var __free(NAME) = ...;` (DEFINE_FREE in include/linux/cleanup.h): call the destructor on
 * var at the end of its scope.
 */
export const KERNEL_FREES: readonly KernelClass[] = [
  {
    name: 'fput', type: 'struct file *', ctor: '', dtor: 'fput', guard: 'not_err_or_null', source: 'include/linux/file.h', profiles: ['6.18'],
    doc: 'DEFINE_FREE(fput, struct file *, if (!IS_ERR_OR_NULL(_T)) fput(_T)): struct file *f __free(fput) = fget(fd); drops the reference at the end of the scope (v6.12+); no_free_ptr(f) hands it on.',
  },
]

export const kernelFree = (name: string): KernelClass | undefined => KERNEL_FREES.find((c) => c.name === name)

/** The destructor statement of a scoped variable: `DTOR(var);`, guarded as the class says. */
export function destructorStmt(c: Pick<KernelClass, 'dtor' | 'guard'>, name: string, pos: Pos): Stmt {
  const v = (): Expr => ({ kind: 'name', pos, name })
  const call: Expr = { kind: 'call', pos, callee: { kind: 'name', pos, name: c.dtor }, args: [v()] }
  const run: Stmt = { kind: 'expr', pos, expr: call }
  if (c.guard === 'nonneg') return { kind: 'if', pos, test: { kind: 'binary', pos, op: '>=', left: v(), right: { kind: 'int', pos, value: 0n } }, then: run, else: null }
  if (c.guard === 'not_err_or_null') {
    const test: Expr = {
      kind: 'logical', pos, op: '&&',
      left: { kind: 'binary', pos, op: '!=', left: v(), right: { kind: 'name', pos, name: 'NULL' } },
      right: { kind: 'unary', pos, op: '!', arg: { kind: 'call', pos, callee: { kind: 'name', pos, name: 'IS_ERR' }, args: [v()] } },
    }
    return { kind: 'if', pos, test, then: run, else: null }
  }
  return run
}

export const kernelClass = (name: string): KernelClass | undefined => KERNEL_CLASSES.find((c) => c.name === name)

/**
 * Macros that take a value out of a scoped variable so its destructor does nothing
 * (include/linux/file.h, include/linux/cleanup.h): `take_fd(fd)` returns fd and leaves -EBADF
 * (CLASS(get_unused_fd) then skips put_unused_fd); `no_free_ptr(p)` returns p and leaves NULL
 * (__free(fput) then skips fput).
 */
export interface KernelTake {
  readonly name: string
  /** What the variable holds afterwards. */
  readonly leaves: 'EBADF' | 'NULL'
  readonly source: string
  readonly profiles?: readonly ProfileName[]
  readonly doc: string
}

export const KERNEL_TAKES: readonly KernelTake[] = [
  {
    name: 'take_fd', leaves: 'EBADF', source: 'include/linux/file.h', profiles: ['6.18'],
    doc: '#define take_fd(fd) __get_and_null(fd, -EBADF): the fd, leaving -EBADF in the variable so CLASS(get_unused_fd) does not put_unused_fd() it. Call it after fd_install().',
  },
  {
    name: 'no_free_ptr', leaves: 'NULL', source: 'include/linux/cleanup.h',
    doc: '#define no_free_ptr(p) __get_and_null(p, NULL): the pointer, leaving NULL in the variable so its __free() destructor does nothing (the reference is handed on).',
  },
]

export const kernelTake = (name: string): KernelTake | undefined => KERNEL_TAKES.find((t) => t.name === name)
