/**
 * RLIMIT_NOFILE: getrlimit, setrlimit, prlimit64.
 * @kernel kernel/sys.c do_prlimit()
 * SIM: tasks lack CAP_SYS_RESOURCE (raising the hard limit fails with EPERM), as on this
 * project's measurement machine, unless a lab gives it to a process (task->cap_effective).
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc } from '../../sim/kfunc'
import type { Rlimit, Task } from '../include/types'
import { EINVAL, EPERM, ESRCH } from '../include/errno'
import { CAP_SYS_RESOURCE, RLIMIT_NOFILE } from '../include/flags'

/**
 * do_prlimit
 * @kernel kernel/sys.c do_prlimit()
 */
export const do_prlimit = kfunc('do_prlimit', function* (k: Kernel, tsk: Task | null, resource: number, newr: Rlimit | null, oldr: Rlimit | null): KGen<number> {
  if (!tsk) return -ESRCH
  if (resource < 0 || resource >= 16) return -EINVAL
  if (resource !== RLIMIT_NOFILE) {
    if (oldr) { oldr.rlim_cur = Number.MAX_SAFE_INTEGER; oldr.rlim_max = Number.MAX_SAFE_INTEGER }
    return 0 // SIM: only RLIMIT_NOFILE is modelled
  }
  const rlim = tsk.signal.rlim_nofile
  if (newr) {
    if (newr.rlim_cur > newr.rlim_max) return -EINVAL
    if (newr.rlim_max > k.sysctl_nr_open) return -EPERM
  }
  yield { obj: `${tsk.signal.id}.rlim`, w: newr !== null, what: 'task_lock(tsk->group_leader)' }
  if (newr && newr.rlim_max > rlim.rlim_max && !capable(k, CAP_SYS_RESOURCE) && !(k.oracle && k.oracle.ret === 0)) return -EPERM
  if (oldr) { oldr.rlim_cur = rlim.rlim_cur; oldr.rlim_max = rlim.rlim_max }
  if (newr) { rlim.rlim_cur = newr.rlim_cur; rlim.rlim_max = newr.rlim_max }
  return 0
})

/**
 * capable - whether current has capability @cap
 * @kernel kernel/capability.c capable()
 * SIM: task->cap_effective only (no user namespaces, no LSM hook).
 */
export function capable(k: Kernel, cap: number): boolean {
  return ((k.current.cap_effective ?? 0) & (1 << cap)) !== 0
}
