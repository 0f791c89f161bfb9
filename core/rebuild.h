/*
** rebuild.h — state rebuilt from a journal: the journal of another tandem
** database is copied, event by event and with the same ids, into the
** (empty) database of a freshly opened core, and every copied event's
** projection runs again (bus_replay). The result is the state the journal
** implies, with nothing the journal does not say.
**
** What is rebuilt is what apply functions derive: the core's model tables
** and C plugins' private tables. Scripts' key/value state and AFTER
** deliveries are not: the journal already records their effects as events.
*/
#ifndef TANDEM_REBUILD_H
#define TANDEM_REBUILD_H

#include <stddef.h>
#include <stdint.h>

struct core;

struct rebuild_stats {
    int64_t copied;  /* journal rows copied */
    int64_t applied; /* of those, rows whose topic has a projection here */
};

/* Rebuilds into c, whose database must have an empty journal, from the
** journal of the tandem database at source_path (opened read-only). Each
** chunk of `chunk` events (0: 10,000) is copied and replayed in one
** transaction, so memory and the WAL stay bounded and an interrupted
** rebuild keeps whole chunks. Returns 0, or -1 with the reason in err (the
** chunk in progress is rolled back). */
int rebuild_from(struct core *c, const char *source_path, int64_t chunk,
                 struct rebuild_stats *stats, char *err, size_t errlen);

#endif
