/*
** scheduler.h — time-based triggers. A timer NAME emits the event
** timer.NAME through the bus on its schedule:
**
**   every 15m | every 2h        an interval (from the last firing)
**   daily 07:00                 each day at a local time
**   weekly mon 09:30            each week on a day (mon … sun)
**   monthly 1 08:00             each month on a day (1 … 28)
**
** Timers come from the [timers] section (NAME = SCHEDULE), from scripts
** (tandem.timer) and from C plugins (api->timer_add); `daily` and `hourly`
** always exist. When each is next due is kept in the database, so a timer
** that fell due while tandem was down fires once when it runs again (with
** the number of firings it missed), never once per missed period. The clock
** is the core's, so tests inject it (TANDEM_NOW) and call `tandem tick`.
*/
#ifndef TANDEM_SCHEDULER_H
#define TANDEM_SCHEDULER_H

#include <stdint.h>

#include "core.h"

/* The next time the schedule fires strictly after `after`. -1 with a
** message when the schedule is malformed. */
int sched_next(const char *schedule, int64_t after, int64_t *next, char *err, size_t errlen);

/* Registers a timer for owner (the core, a plugin or a script). Declares
** timer.NAME. Registering a name again with the same schedule is fine (two
** instances of a script); with another schedule it is an error. */
int sched_add(struct core *c, node *owner, const char *name, const char *schedule, char *err,
              size_t errlen);

/* Fires every registered timer that is due at the core's clock. Returns how
** many fired, or -1 on a storage error. */
int sched_tick(struct core *c);

/* The [timers] section and the built-in timers; declares the topic rules. */
int sched_init(struct core *c, char *err, size_t errlen);
void sched_free(struct core *c);

/* Seconds until the next registered timer is due (at least 0). */
int64_t sched_wait(struct core *c);

#endif
