/*
** preview.c — "what would a changed rule have given?" The journal runs
** through the new version of one script on a private in-memory copy of the
** database; the balances before and after are compared per person. Nothing
** is written anywhere: the copy is dropped when the preview ends.
*/
#include "preview.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "bus_internal.h"
#include "host.h"
#include "ledger.h"
#include "model.h"
#include "store.h"

struct balances {
    struct preview_row *v;
    size_t n, cap;
};

static struct preview_row *row_for(struct balances *b, int64_t person)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i].person == person)
            return &b->v[i];
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct preview_row *v = realloc(b->v, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        b->v = v;
        b->cap = cap;
    }
    memset(&b->v[b->n], 0, sizeof b->v[0]);
    b->v[b->n].person = person;
    return &b->v[b->n++];
}

struct fill {
    struct balances *b;
    int after;
};

static int add_balance(void *ud, int ncols, const tandem_value *cols)
{
    struct fill *f = ud;
    (void)ncols;
    struct preview_row *r = row_for(f->b, cols[0].u.i);
    if (r == NULL)
        return 1;
    snprintf(r->name, sizeof r->name, "%s", cols[2].u.s.p);
    snprintf(r->volunteer_no, sizeof r->volunteer_no, "%s", cols[3].u.s.p);
    if (f->after)
        r->then = cols[1].u.i;
    else
        r->now = cols[1].u.i;
    return 0;
}

static void read_balances(struct core *c, struct balances *b, int after)
{
    struct fill f = {b, after};
    store_exec(c->store, NULL,
               "SELECT a.ref, b.amount, p.name, p.volunteer_no FROM balance b "
               "JOIN account a ON a.id = b.account JOIN person p ON p.id = a.ref "
               "WHERE a.kind = 'person' ORDER BY a.ref",
               NULL, 0, add_balance, &f);
}

/* Takes the rule's own awards since the first event (and their reversals)
** out of the copy and recomputes every balance from what remains. */
static int forget_rule(struct core *c, const char *rule, int64_t first, char *err, size_t errlen)
{
    tandem_value args[2] = {tandem_text(rule), tandem_int(first)};
    if (store_exec(c->store, NULL,
                   "DELETE FROM transfer WHERE kind = 'reverse' AND reverses IN (SELECT id FROM "
                   "transfer WHERE rule = ? AND kind = 'award' AND id >= ?)",
                   args, 2, NULL, NULL) != TANDEM_OK ||
        store_exec(c->store, NULL,
                   "DELETE FROM transfer WHERE rule = ? AND kind = 'award' AND id >= ?", args, 2,
                   NULL, NULL) != TANDEM_OK ||
        store_exec(c->store, NULL, "DELETE FROM balance", NULL, 0, NULL, NULL) != TANDEM_OK ||
        store_exec(c->store, NULL,
                   "INSERT INTO balance(account, amount) SELECT account, sum(amount) FROM ("
                   "SELECT to_account AS account, amount FROM transfer UNION ALL "
                   "SELECT from_account, -amount FROM transfer) GROUP BY account",
                   NULL, 0, NULL, NULL) != TANDEM_OK) {
        snprintf(err, errlen, "%s", store_errmsg(c->store));
        return -1;
    }
    return 0;
}

/* Only the previewed script's handlers run again, and the core's reversal
** of points for revoked or corrected attendance (which the script's old
** awards had, and its new ones need). */
static int rerun(struct sub *s, void *ud)
{
    node *script = ud;
    return s->owner == script ||
           (s->owner->kind == NODE_CORE && s->fn == ledger_reverse_for_attendance);
}

struct replay {
    struct core *c;
    node *script;
    char actor[80];
    int64_t events;
    char *err;
    size_t errlen;
};

static int replay_row(void *ud, const struct journal_row *row)
{
    struct replay *r = ud;
    char err[300];
    if (row->actor && strcmp(row->actor, r->actor) == 0)
        return 0; /* what the old version emitted: the new one emits its own */
    tandem_event *ev = bus_event_from_row(row, err, sizeof err);
    if (ev == NULL)
        return 0;
    if (bus_rerun(r->c->bus, ev, rerun, r->script) != TANDEM_OK)
        snprintf(r->err, r->errlen, "event %" PRId64 " (%s): %s", row->id, row->topic,
                 r->script->error[0] ? r->script->error : "failed");
    r->events++;
    event_free(ev);
    return 0;
}

int preview_rule(const struct preview_request *rq, struct preview_row **rows, size_t *n,
                 char *err, size_t errlen)
{
    struct balances b = {NULL, 0, 0};
    struct core *copy = NULL;
    store *mem = NULL;
    int rc = -1;
    err[0] = '\0';
    read_balances(rq->core, &b, 0);
    if (store_clone_memory(rq->core->store, &mem, err, errlen) != 0)
        goto done;
    struct core_args a = {.config_path = rq->core->config ? rq->core->config_path : NULL,
                          .mode = HOST_CHECK,
                          .store = CORE_STORE_MEMORY,
                          .use_store = mem,
                          .script = rq->script,
                          .script_file = rq->file,
                          .no_config_ok = rq->core->config == NULL};
    mem = NULL; /* the copy's core owns it now */
    if (core_open(&copy, &a) != 0) {
        snprintf(err, errlen, "the changed rule does not load (see above)");
        goto done;
    }
    node *script = host_find(copy->host, rq->script);
    if (script == NULL || script->kind != NODE_LUA || script->state == NODE_REFUSED) {
        snprintf(err, errlen, "script %s %s", rq->script,
                 script && script->refusal ? script->refusal : "is not configured");
        goto done;
    }
    tandem_value since = tandem_int(rq->since);
    int64_t first = model_int(copy, "SELECT coalesce(min(id), 0) FROM journal WHERE time >= ?",
                              &since, 1, 0);
    if (first == 0) {
        snprintf(err, errlen, "the journal holds nothing since then");
        goto done;
    }
    if (forget_rule(copy, rq->script, first, err, errlen) != 0)
        goto done;
    struct replay r = {copy, script, "", 0, err, errlen};
    snprintf(r.actor, sizeof r.actor, "script:%s", rq->script);
    struct journal_query q = {NULL, first - 1, 0, 0};
    store_journal_scan(copy->store, &q, replay_row, &r);
    read_balances(copy, &b, 1);
    rc = err[0] ? -1 : 0;
done:
    core_close(copy);
    store_close(mem);
    *rows = b.v;
    *n = b.n;
    return rc;
}
