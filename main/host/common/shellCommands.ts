/**
 * Interactive system calls typed in the terminal ("open /tmp/a O_RDWR|O_CREAT 0644", "dup2 3 7",
 * "close 3"). Parsing is the engine's (machine/shell.ts, shared with `fdlab sh`); this module
 * adds what the terminal needs around it: which words are system calls, and names for help and
 * completion.
 */
import { flags as F, SYSCALLS, type SysArg, parseCommand, getApi } from '../../engine'

export interface ShellCall { readonly name: string; readonly args: readonly SysArg[]; readonly out?: 'fds' }

export const CONSTANT_NAMES: readonly string[] = Object.entries(F)
  .filter(([k, v]) => typeof v === 'number' && /^[A-Z][A-Z0-9_]+$/.test(k)).map(([k]) => k).sort()

/** Usage lines of the common calls (every call the engine knows is accepted). */
export const SHELL_SYSCALLS: Readonly<Record<string, string>> = {
  open: 'open PATH FLAGS [MODE]', openat: 'openat DIRFD PATH FLAGS [MODE]', close: 'close FD',
  close_range: 'close_range FIRST LAST FLAGS', dup: 'dup FD', dup2: 'dup2 OLDFD NEWFD', dup3: 'dup3 OLDFD NEWFD FLAGS',
  fcntl: 'fcntl FD CMD [ARG]', pipe: 'pipe', pipe2: 'pipe2 FLAGS', read: 'read FD COUNT', write: 'write FD TEXT',
  lseek: 'lseek FD OFFSET WHENCE', socketpair: 'socketpair DOMAIN TYPE PROTOCOL', eventfd2: 'eventfd2 INITVAL FLAGS',
  epoll_create1: 'epoll_create1 FLAGS', memfd_create: 'memfd_create NAME FLAGS', ioctl: 'ioctl FD CMD ARG', flock: 'flock FD OP',
  unshare: 'unshare FLAGS',
}

export const SYSCALL_NAMES: readonly string[] = [...new Set([...Object.keys(SYSCALLS), 'pipe', 'pipe2'])].sort()

export function isSyscallLine(line: string): boolean {
  const w = line.trim().split(/\s+/)[0] ?? ''
  return SYSCALL_NAMES.includes(w)
}

/** The arguments a call needs, by name (from its usage line, or its prototype in the lab C API). */
function requiredArgs(name: string): string[] {
  const usage = SHELL_SYSCALLS[name]
  if (usage) return usage.split(/\s+/).slice(1).filter((w) => !w.startsWith('['))
  const proto = getApi('6.18').fn(name)?.proto ?? ''
  const params = /\((.*)\)/.exec(proto)?.[1] ?? ''
  if (!params.trim() || params.trim() === 'void') return []
  return params.split(',').map((p) => p.trim())
    // Optional in the shell: a trailing mode, variadic arguments, buffers the shell provides.
    .filter((p) => p !== '...' && !/\[\d*\]$/.test(p) && !/\bmode$/.test(p))
    .map((p) => (/(\w+)$/.exec(p)?.[1] ?? p).toUpperCase())
}

/**
 * Parse a syscall line with the engine's parser. A missing argument is an error at the column
 * where it is missing (never a silent 0: `close` alone would close stdin). Errors come back as
 * one diagnostic line `terminal:1:COL: error[code]: message`.
 */
export function parseShell(line: string): ShellCall | string {
  const c = parseCommand(line)
  if (!c.ok) return `terminal:1:${c.column}: error[shell-syntax]: ${c.error}`
  const words = [...line.matchAll(/"[^"]*"|\S+/g)]
  const need = requiredArgs(c.name)
  const given = words.length - 1
  if (given < need.length) {
    const col = line.replace(/\s+$/, '').length + 2
    const usage = SHELL_SYSCALLS[c.name] ?? `${c.name} ${need.join(' ')}`
    return `terminal:1:${col}: error[shell-args]: ${c.name}: missing argument ${need[given]} (${given} of ${need.length} given; usage: ${usage})`
  }
  return { name: c.name, args: c.args, ...(c.out ? { out: c.out } : {}) }
}
