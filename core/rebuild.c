/*
** rebuild.c — see rebuild.h. Only store.h and bus.h are used: the copy goes
** through store_journal_append (so the target's journal triggers and
** indexes hold as for any event), the state through bus_replay.
*/
#include "rebuild.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "core.h"
#include "store.h"

struct copy {
    store *to;
    int64_t last; /* id of the last row copied */
    int64_t n;    /* rows copied in this chunk */
    char *err;
    size_t errlen;
};

/* Appends one source row. Ids must come out the same: the model's rows are
** keyed by the ids of the events that made them. */
static int copy_row(void *ud, const struct journal_row *row)
{
    struct copy *k = ud;
    struct journal_row r = *row;
    if (store_journal_append(k->to, &r) != TANDEM_OK) {
        snprintf(k->err, k->errlen, "copying event %" PRId64 ": %s", row->id, store_errmsg(k->to));
        return 1;
    }
    if (r.id != row->id) {
        snprintf(k->err, k->errlen,
                 "event %" PRId64 " would get id %" PRId64 " in the new journal: the source "
                 "journal has a gap, or the new database is not empty",
                 row->id, r.id);
        return 1;
    }
    k->last = row->id;
    k->n++;
    return 0;
}

static int found_row(void *ud, const struct journal_row *row)
{
    (void)row;
    *(int *)ud = 1;
    return 1;
}

static int journal_empty(store *s)
{
    int found = 0;
    struct journal_query q = {NULL, 0, 0, 1};
    store_journal_scan(s, &q, found_row, &found);
    return !found;
}

/* Copies the events after *last (at most chunk of them) and replays them,
** in one transaction. Returns the rows copied (0 at the end), or -1. */
static int64_t rebuild_chunk(struct core *c, store *src, int64_t chunk, int64_t *last,
                             struct rebuild_stats *stats, char *err, size_t errlen)
{
    struct copy k = {c->store, *last, 0, err, errlen};
    struct journal_query q = {NULL, *last, 0, chunk};
    int64_t applied = 0;
    if (store_begin(c->store) != TANDEM_OK) {
        snprintf(err, errlen, "%s", store_errmsg(c->store));
        return -1;
    }
    if (store_journal_scan(src, &q, copy_row, &k) != TANDEM_OK && err[0] == '\0')
        snprintf(err, errlen, "reading the source journal: %s", store_errmsg(src));
    if (err[0] == '\0' && k.n > 0)
        bus_replay(c->bus, *last, &applied, err, errlen);
    if (err[0] == '\0' && store_commit(c->store) != TANDEM_OK)
        snprintf(err, errlen, "%s", store_errmsg(c->store));
    if (err[0] != '\0') {
        store_rollback(c->store);
        return -1;
    }
    stats->copied += k.n;
    stats->applied += applied;
    *last = k.last;
    return k.n;
}

int rebuild_from(struct core *c, const char *source_path, int64_t chunk,
                 struct rebuild_stats *stats, char *err, size_t errlen)
{
    store *src = NULL;
    struct store_options ro = {STORE_SYNC_NORMAL, 5000, 0, 1};
    int64_t last = 0, n;
    memset(stats, 0, sizeof *stats);
    err[0] = '\0';
    if (!journal_empty(c->store)) {
        snprintf(err, errlen, "%s already has a journal: rebuild into a new database", c->database);
        return -1;
    }
    if (store_open(&src, source_path, &ro, err, errlen) != 0)
        return -1;
    while ((n = rebuild_chunk(c, src, chunk > 0 ? chunk : 10000, &last, stats, err, errlen)) > 0)
        ;
    store_close(src);
    return n < 0 ? -1 : 0;
}
