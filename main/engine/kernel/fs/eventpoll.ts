/**
 * epoll, reduced to its registrations: an epoll file holds items keyed by (file, fd).
 * @kernel fs/eventpoll.c (do_epoll_create, do_epoll_ctl, eventpoll_release)
 * SIM: readiness and epoll_wait are not modelled; registrations and their removal at __fput are.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc } from '../../sim/kfunc'
import type { File } from '../include/types'

export interface EpItem { file: File; fd: number; events: number; data: number }
export interface EventPoll { readonly id: string; items: EpItem[] }

export function isEpollFile(f: File): boolean {
  return f.f_op.name === 'eventpoll_fops'
}

/**
 * eventpoll_release - unlink @file from every epoll instance watching it (first step of __fput)
 * @kernel include/linux/eventpoll.h eventpoll_release(), fs/eventpoll.c eventpoll_release_file()
 */
export const eventpoll_release = kfunc('eventpoll_release', function* (k: Kernel, file: File): KGen<void> {
  if (!file.f_ep || file.f_ep.length === 0) return
  yield { obj: `${file.id}.f_ep`, w: true, what: `eventpoll_release_file ${file.id}` }
  for (const epf of file.f_ep) {
    const ep = epf.private_data as EventPoll
    ep.items = ep.items.filter((it) => it.file !== file)
    if (k.trace.on) k.trace.emit({ e: 'note', text: `epoll ${epf.id}: registrations of ${file.id} removed` })
  }
  file.f_ep = null
})
