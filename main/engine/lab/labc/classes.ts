/**
 * The scoped-cleanup classes lab C knows, one declaration each (include/linux/file.h,
 * DEFINE_CLASS in include/linux/cleanup.h): `CLASS(NAME, var)(args)` declares `TYPE var =
 * CTOR(args)` and calls `DTOR(var)` when var leaves its scope (return, break, goto, end of block).
 */
import type { ProfileName } from '../../sim/profile'

export interface KernelClass {
  readonly name: string
  /** The variable's type as lab C spells it. */
  readonly type: string
  readonly ctor: string
  readonly dtor: string
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
]

export const kernelClass = (name: string): KernelClass | undefined => KERNEL_CLASSES.find((c) => c.name === name)
