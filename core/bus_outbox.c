/*
** bus_outbox.c — AFTER handlers delivered from the outbox (each delivery in
** a transaction of its own with the removal of its outbox row: never lost,
** never run twice), and replay of the journal through the projections.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "core.h"
#include "log.h"
#include "store.h"

/* ---------------------------------------------------------------------- */
/* AFTER deliveries                                                       */

static struct sub *find_after_sub(struct bus *b, const char *id)
{
    for (size_t i = 0; i < b->nsubs; i++)
        if (b->subs[i]->phase == TANDEM_AFTER && strcmp(b->subs[i]->id, id) == 0)
            return b->subs[i];
    return NULL;
}

tandem_event *bus_event_from_row(const struct journal_row *row, char *err, size_t errlen)
{
    tandem_event *ev = event_new(row->topic);
    if (ev == NULL || event_fields_parse(ev, row->fields, err, errlen) != 0 ||
        event_set_meta(ev, row->actor, row->source, row->key) != TANDEM_OK) {
        if (ev && err[0] == '\0')
            snprintf(err, errlen, "out of memory");
        event_free(ev);
        return NULL;
    }
    ev->id = row->id;
    ev->time = row->time;
    ev->cause = row->cause;
    return ev;
}

struct loaded {
    tandem_event *ev;
    char err[256];
};

static int load_row(void *ud, const struct journal_row *row)
{
    struct loaded *l = ud;
    l->ev = bus_event_from_row(row, l->err, sizeof l->err);
    return 1;
}

static int64_t retry_delay(int64_t attempts)
{
    int64_t d = 10;
    for (int64_t i = 0; i < attempts && d < 3600; i++)
        d *= 2;
    return d < 3600 ? d : 3600;
}

struct delivery {
    struct bus *b;
    int failed;
};

static int deliver_one(void *ud, const struct outbox_item *item)
{
    struct delivery *d = ud;
    struct bus *b = d->b;
    store *st = b->core->store;
    struct sub *s = find_after_sub(b, item->subscriber);
    if (s == NULL || !bus_runnable(s))
        return 0; /* its owner is not loaded now: keep it for when it is */
    struct loaded l = {NULL, {0}};
    store_journal_get(st, item->event, load_row, &l);
    if (l.ev == NULL) {
        log_msg(LOG_ERROR, NULL, "cannot read event %" PRId64 " for delivery: %s",
                item->event, l.err);
        return 0;
    }
    l.ev->t = bus_topic(b, l.ev->topic, 1);
    char *why = NULL;
    int status = BUS_FAILED;
    if (store_begin(st) == TANDEM_OK) {
        status = bus_run_sub(b, s, l.ev, TANDEM_AFTER, &why);
        if (status == BUS_OK && store_outbox_done(st, item->event, s->id) != TANDEM_OK)
            status = BUS_FAILED;
        if (status == BUS_OK && store_commit(st) == TANDEM_OK) {
            event_free(l.ev);
            free(why);
            return 0;
        }
        store_rollback(st);
    }
    free(b->chain_error);
    b->chain_error = NULL;
    int64_t delay = retry_delay(item->attempts);
    char label[80];
    log_msg(LOG_WARN, node_label(s->owner, label, sizeof label),
            "after handler for %s (event %" PRId64 ") failed, attempt %" PRId64
            ", retrying in %" PRId64 "s: %s",
            l.ev->topic, item->event, item->attempts + 1, delay, why ? why : store_errmsg(st));
    if (store_begin(st) == TANDEM_OK) {
        if (store_outbox_retry(st, item->event, s->id, core_now(b->core) + delay,
                               why ? why : "failed") == TANDEM_OK)
            store_commit(st);
        else
            store_rollback(st);
    }
    d->failed++;
    event_free(l.ev);
    free(why);
    return 0;
}

int bus_deliver(struct bus *b)
{
    struct delivery d = {b, 0};
    if (b->delivering)
        return 0;
    b->delivering = 1;
    /* deliveries may emit events that queue deliveries of their own */
    for (int round = 0; round < 16; round++) {
        b->outbox_added = 0;
        store_outbox_due(b->core->store, core_now(b->core), deliver_one, &d);
        if (!b->outbox_added)
            break;
    }
    b->delivering = 0;
    return d.failed;
}

/* ---------------------------------------------------------------------- */
/* Replay                                                                 */

struct replay {
    struct bus *b;
    int64_t count;
    char *err;
    size_t errlen;
    int failed;
};

static int replay_row(void *ud, const struct journal_row *row)
{
    struct replay *r = ud;
    struct topic *t = bus_topic(r->b, row->topic, 0);
    if (t == NULL || t->apply == NULL)
        return 0;
    tandem_event *ev = bus_event_from_row(row, r->err, r->errlen);
    if (ev == NULL) {
        r->failed = 1;
        return 1;
    }
    ev->t = t;
    node *owner = t->owner;
    owner->error[0] = '\0';
    owner->applying = 1;
    size_t mark = node_mark(owner);
    int rc = t->apply(owner, ev);
    owner->applying = 0;
    node_release(owner, mark);
    if (rc < 0) {
        snprintf(r->err, r->errlen, "event %" PRId64 " (%s): %s", row->id, row->topic,
                 owner->error[0] ? owner->error : "apply failed");
        r->failed = 1;
    }
    r->count++;
    event_free(ev);
    return r->failed;
}

int bus_replay(struct bus *b, int64_t since, int64_t *count, char *err, size_t errlen)
{
    struct replay r = {b, 0, err, errlen, 0};
    struct journal_query q = {NULL, since, 0, 0};
    err[0] = '\0';
    int rc = store_journal_scan(b->core->store, &q, replay_row, &r);
    if (count)
        *count = r.count;
    if (rc != TANDEM_OK && !r.failed)
        snprintf(err, errlen, "%s", store_errmsg(b->core->store));
    return rc != TANDEM_OK || r.failed ? TANDEM_ERROR : TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Running handlers again                                                 */

int bus_rerun(struct bus *b, tandem_event *ev, int (*filter)(struct sub *s, void *ud), void *ud)
{
    char *why = NULL;
    store *st = b->core->store;
    int status = BUS_OK;
    if ((ev->t = bus_topic(b, ev->topic, 1)) == NULL || store_begin(st) != TANDEM_OK)
        return TANDEM_ERROR;
    struct topic *t = ev->t;
    for (size_t i = 0; i < t->nsubs[TANDEM_ON] && status == BUS_OK; i++) {
        struct sub *s = t->subs[TANDEM_ON][i];
        if (bus_runnable(s) && filter(s, ud))
            status = bus_run_sub(b, s, ev, TANDEM_ON, &why);
    }
    if (status == BUS_OK && store_commit(st) == TANDEM_OK) {
        free(why);
        return TANDEM_OK;
    }
    store_rollback(st);
    free(b->chain_error);
    b->chain_error = NULL;
    free(why);
    return TANDEM_ERROR;
}
