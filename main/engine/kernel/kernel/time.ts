/**
 * The timer tick: jiffies, a logical clock that the scheduler advances.
 * @kernel kernel/time/tick-common.c, kernel/time/timekeeping.c
 * SIM: no clock event device, no wall time, no process accounting: a tick only advances jiffies.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'

/**
 * tick_handle_periodic - the periodic tick's event handler, one call per timer interrupt
 * @kernel kernel/time/tick-common.c tick_handle_periodic()
 * SIM: the timer interrupts are the `tick` system thread, each tick a scheduling choice. The tick
 * is enabled only while a delayed work waits for a later jiffy: an idle NO_HZ CPU stops its tick
 * when no timer is pending, and delayed works are the only timers modelled.
 */
export function* tick_handle_periodic(k: Kernel): KGen<void> {
  for (;;) {
    yield { obj: 'workqueue', w: true, what: 'tick: jiffies++', idle: true, enabled: () => k.workqueue.some((w) => w.pending && w.due > k.jiffies) }
    do_timer(k, 1)
  }
}

/**
 * do_timer - advance jiffies by @ticks
 * @kernel kernel/time/timekeeping.c do_timer()
 * SIM: calc_global_load() is left out (no load average).
 */
export function do_timer(k: Kernel, ticks: number): void {
  k.jiffies += ticks
}
