/**
 * The kernel struct fields lab C may read, one declaration each: the C type, the doc, the kernel
 * header that declares the field, the profiles that have it, and how its value is read from the
 * engine's object. The lab C type checker and interpreter, completion and hover, `fdlab doc` and
 * the snapshots all read this table (test/engine/lab/labc/api.test.ts proves it).
 *
 * The kernel functions lab C may call are declared once each in lab/labc/rt/kapi.ts (their
 * implementations convert lab C values), the system calls and lab built-ins in lab/labc/api.ts.
 */
import type { Kernel } from './include/kernel'
import type { ProfileName } from '../sim/profile'
import type { Fdtable, File, FilesStruct, Inode, StructFd, Task } from './include/types'
import { FDPUT_FPUT, FDPUT_POS_UNLOCK } from './include/flags'

/** A raw value of a field, before lab C's conversions. Arrays are views (fdt->fd). */
export type FieldValue = number | boolean | string | object | null

/** A read-only view of a kernel array (fdtable.fd): its length and elements. */
export interface KernelArrayView {
  readonly obj: string
  length(): number
  at(i: number): FieldValue
}

export interface KernelField {
  readonly struct: string
  readonly name: string
  /** The C type as lab C spells it; `T name[]` for an array. */
  readonly type: string
  readonly doc: string
  /** The kernel header (or source file) that declares the struct. */
  readonly source: string
  /** Profiles that have this field (all when absent). */
  readonly profiles?: readonly ProfileName[]
  /** Lab C may assign it (file->private_data only). */
  readonly writable?: boolean
  /**
   * How the read is scheduled: 'shared' is a micro-step (another CPU may run first) on the
   * object's id; 'mem' additionally checks the struct file's memory is still this file; 'none' is
   * a plain read (an embedded lock's address, an immutable field).
   */
  readonly access: 'shared' | 'mem' | 'none'
  /** The engine object's value. */
  readonly read: (o: never, k: Kernel) => FieldValue
}

const P65: readonly ProfileName[] = ['6.5']
const P618: readonly ProfileName[] = ['6.18']

type Decl<S> = Omit<KernelField, 'struct' | 'read' | 'source'> & { read: (o: S, k: Kernel) => FieldValue }

function struct<S>(name: string, source: string, fields: readonly Decl<S>[]): KernelField[] {
  return fields.map((f) => ({ ...f, struct: name, source, read: f.read as (o: never, k: Kernel) => FieldValue }))
}

export const KERNEL_FIELDS: readonly KernelField[] = [
  ...struct<Task>('task_struct', 'include/linux/sched.h', [
    { name: 'pid', type: 'pid_t', access: 'none', doc: 'Thread id (the kernel\'s pid).', read: (t) => t.pid },
    { name: 'tgid', type: 'pid_t', access: 'none', doc: 'Thread-group id (user space\'s pid).', read: (t) => t.tgid },
    { name: 'comm', type: 'const char *', access: 'none', doc: 'Command name.', read: (t) => t.comm },
    { name: 'flags', type: 'unsigned int', access: 'none', doc: 'PF_* flags (PF_KTHREAD, PF_EXITING).', read: (t) => t.flags >>> 0 },
    { name: 'files', type: 'struct files_struct *', access: 'shared', doc: 'The fd table this task uses (NULL after exit_files and in kthreads).', read: (t) => t.files },
    { name: 'real_parent', type: 'struct task_struct *', access: 'none', doc: 'The parent task.', read: (t) => t.real_parent },
  ]),
  ...struct<FilesStruct>('files_struct', 'include/linux/fdtable.h', [
    { name: 'count', type: 'int', access: 'shared', doc: 'atomic_t count: how many tasks share this table. Exact since v5.11 (the light fdget depends on it).', read: (f) => f.count },
    { name: 'next_fd', type: 'unsigned int', access: 'shared', doc: 'Allocation hint: every fd below it is open.', read: (f) => f.next_fd },
    { name: 'fdt', type: 'struct fdtable *', access: 'shared', doc: 'The current fdtable (RCU-protected pointer).', read: (f) => f.fdt },
    { name: 'file_lock', type: 'spinlock_t', access: 'none', doc: 'Serialises every table update: spin_lock(&files->file_lock).', read: (f) => f.file_lock },
    { name: 'resize_in_progress', type: 'bool', access: 'shared', doc: 'An expand_fdtable() is running.', read: (f) => f.resize_in_progress },
  ]),
  ...struct<Fdtable>('fdtable', 'include/linux/fdtable.h', [
    { name: 'max_fds', type: 'unsigned int', access: 'shared', doc: 'Capacity in slots (a multiple of BITS_PER_LONG).', read: (t) => t.max_fds },
    {
      name: 'fd', type: 'struct file * fd[]', access: 'none', doc: 'The slots: fdt->fd[n] is the file at fd n or NULL.',
      read: (t): KernelArrayView => ({ obj: t.id, length: () => t.max_fds, at: (i) => t.fd[i] ?? null }),
    },
  ]),
  ...struct<File>('file', 'include/linux/fs.h', [
    { name: 'f_count', type: 'long', access: 'mem', profiles: P65, doc: 'v6.5 reference count (atomic_long_t f_count), raw. Read it with file_count().', read: (f) => f.f_count.counter },
    { name: 'f_ref', type: 'long', access: 'mem', profiles: P618, doc: 'v6.18 file_ref_t raw value: references minus one (-1 when no reference is left; the dead zone after). Read the count with file_count().', read: (f) => f.f_ref.refcnt },
    { name: 'f_mode', type: 'fmode_t', access: 'mem', doc: 'FMODE_* bits.', read: (f) => f.f_mode >>> 0 },
    { name: 'f_flags', type: 'unsigned int', access: 'mem', doc: 'O_* flags from open.', read: (f) => f.f_flags >>> 0 },
    { name: 'f_pos', type: 'loff_t', access: 'mem', doc: 'File position, shared by every fd referring to this file.', read: (f) => f.f_pos },
    { name: 'f_inode', type: 'struct inode *', access: 'none', doc: 'The inode.', read: (f) => f.f_inode },
    { name: 'f_pos_lock', type: 'struct mutex', access: 'none', doc: 'Serialises f_pos updates (taken by fdget_pos when FMODE_ATOMIC_POS and the file is shared).', read: (f) => f.f_pos_lock },
    { name: 'private_data', type: 'void *', access: 'mem', writable: true, doc: 'Driver state: the only writable field.', read: (f) => (f.private_data ?? null) as FieldValue },
  ]),
  ...struct<Inode>('inode', 'include/linux/fs.h', [
    { name: 'i_ino', type: 'unsigned long', access: 'none', doc: 'Inode number.', read: (i) => i.i_ino },
    { name: 'i_size', type: 'loff_t', access: 'none', doc: 'Size in bytes.', read: (i) => i.i_size },
  ]),
  ...struct<StructFd>('fd', 'include/linux/file.h', [
    { name: 'file', type: 'struct file *', access: 'none', profiles: P65, doc: 'v6.5 struct fd { struct file *file; unsigned int flags; }: the file (NULL when empty). v6.12 replaced the struct by one word: use fd_file().', read: (s) => s.file },
    { name: 'flags', type: 'unsigned int', access: 'none', profiles: P65, doc: 'v6.5 struct fd: FDPUT_FPUT | FDPUT_POS_UNLOCK.', read: (s) => s.flags },
    {
      name: 'word', type: 'unsigned long', access: 'none', profiles: P618,
      doc: 'v6.18 struct fd { unsigned long word; }: the struct file pointer with FDPUT_FPUT and FDPUT_POS_UNLOCK in its two low bits (0 is EMPTY_FD). Use fd_file() for the file.',
      read: (s) => fdWord(s),
    },
  ]),
]

/** The modelled address of a struct file: a per-file, 8-byte-aligned number (SIM: not a real address). */
export function fileAddress(f: File): number {
  const n = Number(f.id.slice(f.id.indexOf('#') + 1)) || 0
  return 0x1000 + n * 0x100
}

/** v6.18 struct fd's word: the file pointer | FDPUT_* bits (include/linux/file.h, BORROWED_FD/CLONED_FD). */
export function fdWord(s: StructFd): number {
  if (!s.file) return 0
  return fileAddress(s.file) | (s.flags & (FDPUT_FPUT | FDPUT_POS_UNLOCK))
}

/** The field declaration, whatever the profile (undefined: no such field). */
export function kernelField(struct: string, name: string): KernelField | undefined {
  return FIELD_INDEX.get(`${struct}.${name}`)
}

/** Read a declared field of an engine object (snapshots use this, the lab C interpreter too). */
export function readField<S>(struct: string, name: string, o: S, k: Kernel): FieldValue {
  const f = kernelField(struct, name)
  if (!f) throw new Error(`no declared field ${struct}.${name}`)
  return f.read(o as never, k)
}

const FIELD_INDEX = new Map(KERNEL_FIELDS.map((f) => [`${f.struct}.${f.name}`, f]))

/**
 * sizeof(struct NAME) as the profile's kernel has it, where a lab can observe it (x86-64).
 * v6.5 include/linux/file.h: struct fd { struct file *file; unsigned int flags; } (16 bytes);
 * v6.12+: struct fd { unsigned long word; } (8 bytes).
 */
export function kernelStructSize(name: string, profile: { readonly fd_word: boolean }): number | undefined {
  if (name === 'fd') return profile.fd_word ? 8 : 16
  return undefined
}
