/*
** bus.c — topics, subscriptions and the event pipeline.
**
** Every root event runs inside a transaction (a savepoint when it is part of
** a batch); follow-up events emitted by ON handlers nest savepoints inside
** it. A veto or an error anywhere in the chain rolls the whole chain back, so
** a refused event leaves nothing in the journal or the state. AFTER handlers
** are recorded in the outbox inside the same transaction and delivered once
** it committed, each in a transaction of its own together with the removal
** of its outbox row: a delivery is never lost and never applied twice.
*/
#include "bus.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "bus_internal.h"
#include "value.h"

static const char *const phase_names[] = {"before", "on", "after"};

/* ---------------------------------------------------------------------- */
/* Topics                                                                 */

static size_t hash_name(const char *s)
{
    size_t h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static int index_rebuild(struct bus *b, size_t cap)
{
    size_t *index = malloc(cap * sizeof *index);
    if (index == NULL)
        return -1;
    for (size_t i = 0; i < cap; i++)
        index[i] = (size_t)-1;
    for (size_t t = 0; t < b->ntopics; t++) {
        size_t h = hash_name(b->topics[t]->name) & (cap - 1);
        while (index[h] != (size_t)-1)
            h = (h + 1) & (cap - 1);
        index[h] = t;
    }
    free(b->index);
    b->index = index;
    b->index_cap = cap;
    return 0;
}

static struct topic *topic_find(const struct bus *b, const char *name)
{
    if (b->index_cap == 0)
        return NULL;
    size_t h = hash_name(name) & (b->index_cap - 1);
    for (size_t i = b->index[h]; i != (size_t)-1; i = b->index[h]) {
        if (strcmp(b->topics[i]->name, name) == 0)
            return b->topics[i];
        h = (h + 1) & (b->index_cap - 1);
    }
    return NULL;
}

static int pattern_matches(const char *pattern, const char *topic)
{
    if (strcmp(pattern, "*") == 0)
        return 1;
    size_t n = strlen(pattern);
    if (n >= 2 && strcmp(pattern + n - 2, ".*") == 0)
        return strncmp(pattern, topic, n - 1) == 0;
    return strcmp(pattern, topic) == 0;
}

static int sub_before(const struct sub *a, const struct sub *b)
{
    if (a->owner->rank != b->owner->rank)
        return a->owner->rank < b->owner->rank;
    return a->seq < b->seq;
}

static int topic_add_sub(struct topic *t, struct sub *s)
{
    size_t n = t->nsubs[s->phase];
    struct sub **list = realloc(t->subs[s->phase], (n + 1) * sizeof *list);
    if (list == NULL)
        return -1;
    size_t at = n;
    while (at > 0 && sub_before(s, list[at - 1])) { /* insertion keeps the order */
        list[at] = list[at - 1];
        at--;
    }
    list[at] = s;
    t->subs[s->phase] = list;
    t->nsubs[s->phase] = n + 1;
    return 0;
}

static void free_fields(tandem_field *fields)
{
    for (tandem_field *f = fields; f && f->name; f++)
        free((char *)f->name);
    free(fields);
}

static void topic_free(struct topic *t)
{
    free(t->name);
    free_fields(t->fields);
    free_fields(t->pending_fields);
    for (int p = 0; p < 3; p++)
        free(t->subs[p]);
    free(t);
}

struct topic *bus_topic(struct bus *b, const char *name, int create)
{
    struct topic *t = topic_find(b, name);
    if (t || !create || !text_is_topic(name))
        return t;
    if (b->ntopics == b->topic_cap) {
        size_t cap = b->topic_cap ? b->topic_cap * 2 : 64;
        struct topic **topics = realloc(b->topics, cap * sizeof *topics);
        if (topics == NULL)
            return NULL;
        b->topics = topics;
        b->topic_cap = cap;
    }
    if ((b->ntopics + 1) * 2 > b->index_cap && index_rebuild(b, b->index_cap ? b->index_cap * 2 : 128))
        return NULL;
    t = calloc(1, sizeof *t);
    if (t == NULL || (t->name = strdup(name)) == NULL) {
        free(t);
        return NULL;
    }
    b->topics[b->ntopics++] = t;
    index_rebuild(b, b->index_cap);
    for (size_t i = 0; i < b->nsubs; i++) /* prefix subscriptions made earlier */
        if (strchr(b->subs[i]->pattern, '*') && pattern_matches(b->subs[i]->pattern, name))
            topic_add_sub(t, b->subs[i]);
    return t;
}

size_t bus_topic_count(const struct bus *b)
{
    return b->ntopics;
}

struct topic *bus_topic_at(const struct bus *b, size_t i)
{
    return i < b->ntopics ? b->topics[i] : NULL;
}

static tandem_field *copy_fields(const tandem_field *fields)
{
    size_t n = 0;
    while (fields && fields[n].name)
        n++;
    tandem_field *copy = calloc(n + 1, sizeof *copy);
    for (size_t i = 0; copy && i < n; i++) {
        copy[i] = fields[i];
        if ((copy[i].name = strdup(fields[i].name)) == NULL) {
            for (size_t j = 0; j < i; j++)
                free((char *)copy[j].name);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

static int same_fields(const tandem_field *a, const tandem_field *b)
{
    for (; a && a->name && b && b->name; a++, b++)
        if (strcmp(a->name, b->name) != 0 || a->type != b->type || a->flags != b->flags)
            return 0;
    return !(a && a->name) && !(b && b->name);
}

/* Two sections running the same file (a programme switched on for two
** communities) declare the same topics: if the script allows several
** instances, the first keeps them and the others share them, as long as they
** agree on the fields. */
static int is_sibling(const struct topic *t, const node *owner, const tandem_field *fields,
                      tandem_apply apply)
{
    return t->owner && t->owner != owner && t->owner->instances && owner->instances &&
           t->owner->file && owner->file &&
           strcmp(t->owner->file, owner->file) == 0 && t->apply == apply &&
           same_fields(t->fields, fields);
}

int bus_declare(struct bus *b, node *owner, const char *name, const tandem_field *fields,
                tandem_apply apply)
{
    if (!text_is_topic(name)) {
        snprintf(owner->error, sizeof owner->error,
                 "'%s' is not a topic: use two or more lower-case words joined by dots", name);
        return TANDEM_MISUSE;
    }
    struct topic *t = bus_topic(b, name, 1);
    if (t == NULL)
        return TANDEM_NOMEM;
    /* the new version of a script being reloaded: staged until the swap */
    int reloading = t->owner && t->owner != owner && strcmp(t->owner->name, owner->name) == 0;
    if (!reloading && !t->pending_owner && is_sibling(t, owner, fields, apply))
        return TANDEM_OK;
    if ((t->owner && !reloading) || t->pending_owner) {
        snprintf(owner->error, sizeof owner->error, "topic %s is already declared by %s", name,
                 (t->owner ? t->owner : t->pending_owner)->name);
        return TANDEM_MISUSE;
    }
    for (const tandem_field *f = fields; f && f->name; f++)
        if (!text_is_name(f->name) || f->type > TANDEM_BLOB) {
            snprintf(owner->error, sizeof owner->error, "topic %s: bad field '%s'", name,
                     f->name);
            return TANDEM_MISUSE;
        }
    tandem_field *copy = copy_fields(fields);
    if (copy == NULL)
        return TANDEM_NOMEM;
    if (reloading) {
        t->pending_fields = copy;
        t->pending_owner = owner;
        return TANDEM_OK;
    }
    t->fields = copy;
    t->owner = owner;
    t->apply = apply;
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Subscriptions                                                          */

static int valid_pattern(const char *p)
{
    size_t n = strlen(p);
    if (strcmp(p, "*") == 0)
        return 1;
    if (n > 2 && strcmp(p + n - 2, ".*") == 0) {
        char head[72];
        if (n - 2 >= sizeof head)
            return 0;
        memcpy(head, p, n - 2);
        head[n - 2] = '\0';
        return text_is_name(head) || text_is_topic(head);
    }
    return text_is_topic(p);
}

static char *sub_id(struct bus *b, node *owner, const char *pattern, tandem_phase phase)
{
    int k = 0;
    for (size_t i = 0; i < b->nsubs; i++)
        if (b->subs[i]->owner == owner && b->subs[i]->phase == phase &&
            strcmp(b->subs[i]->pattern, pattern) == 0)
            k++;
    char id[160];
    snprintf(id, sizeof id, "%s/%s/%d", owner->name, pattern, k);
    return strdup(id);
}

int bus_subscribe(struct bus *b, node *owner, tandem_phase phase, const char *pattern,
                  tandem_handler fn, void *ud)
{
    if ((unsigned)phase > TANDEM_AFTER || fn == NULL) {
        snprintf(owner->error, sizeof owner->error, "subscribe: bad phase or handler");
        return TANDEM_MISUSE;
    }
    if (!valid_pattern(pattern)) {
        snprintf(owner->error, sizeof owner->error,
                 "'%s' is not a topic or pattern (use word.word, word.* or *)", pattern);
        return TANDEM_MISUSE;
    }
    if (b->nsubs == b->sub_cap) {
        size_t cap = b->sub_cap ? b->sub_cap * 2 : 64;
        struct sub **subs = realloc(b->subs, cap * sizeof *subs);
        if (subs == NULL)
            return TANDEM_NOMEM;
        b->subs = subs;
        b->sub_cap = cap;
    }
    struct sub *s = calloc(1, sizeof *s);
    if (s == NULL)
        return TANDEM_NOMEM;
    *s = (struct sub){owner, phase, strdup(pattern), fn, ud, ++b->seq, NULL};
    s->id = sub_id(b, owner, pattern, phase);
    if (s->pattern == NULL || s->id == NULL)
        goto nomem;
    if (strchr(pattern, '*') == NULL) {
        struct topic *t = bus_topic(b, pattern, 1);
        if (t == NULL || topic_add_sub(t, s) != 0)
            goto nomem;
    } else {
        for (size_t i = 0; i < b->ntopics; i++)
            if (pattern_matches(pattern, b->topics[i]->name) &&
                topic_add_sub(b->topics[i], s) != 0)
                goto nomem;
    }
    b->subs[b->nsubs++] = s;
    return TANDEM_OK;
nomem:
    for (size_t i = 0; i < b->ntopics; i++) { /* undo partial additions */
        struct topic *t = b->topics[i];
        size_t w = 0;
        for (size_t r = 0; r < t->nsubs[phase]; r++)
            if (t->subs[phase][r] != s)
                t->subs[phase][w++] = t->subs[phase][r];
        t->nsubs[phase] = w;
    }
    free(s->pattern);
    free(s->id);
    free(s);
    return TANDEM_NOMEM;
}

static void topic_drop_owner(struct topic *t, node *owner)
{
    for (int p = 0; p < 3; p++) {
        size_t w = 0;
        for (size_t r = 0; r < t->nsubs[p]; r++)
            if (t->subs[p][r]->owner != owner)
                t->subs[p][w++] = t->subs[p][r];
        t->nsubs[p] = w;
    }
    if (t->owner == owner) {
        free_fields(t->fields);
        t->fields = NULL;
        t->owner = NULL;
        t->apply = NULL;
    }
    if (t->pending_owner == owner) {
        free_fields(t->pending_fields);
        t->pending_fields = NULL;
        t->pending_owner = NULL;
    }
}

void bus_forget(struct bus *b, node *owner)
{
    for (size_t i = 0; i < b->ntopics; i++)
        topic_drop_owner(b->topics[i], owner);
    size_t w = 0;
    for (size_t r = 0; r < b->nsubs; r++) {
        struct sub *s = b->subs[r];
        if (s->owner != owner) {
            b->subs[w++] = s;
            continue;
        }
        free(s->pattern);
        free(s->id);
        free(s);
    }
    b->nsubs = w;
}

void bus_transfer(struct bus *b, node *from, node *to)
{
    for (size_t i = 0; i < b->nsubs; i++)
        if (b->subs[i]->owner == from)
            b->subs[i]->owner = to;
    for (size_t i = 0; i < b->ntopics; i++) {
        struct topic *t = b->topics[i];
        if (t->owner == from)
            t->owner = to;
        if (t->pending_owner == from) { /* the staged declaration takes over */
            free_fields(t->fields);
            t->fields = t->pending_fields;
            t->owner = to;
            t->apply = NULL; /* scripts declare no projections */
            t->pending_fields = NULL;
            t->pending_owner = NULL;
        }
    }
}

static void sort_list(struct sub **list, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct sub *s = list[i];
        size_t j = i;
        while (j > 0 && sub_before(s, list[j - 1])) {
            list[j] = list[j - 1];
            j--;
        }
        list[j] = s;
    }
}

void bus_sort(struct bus *b)
{
    for (size_t i = 0; i < b->ntopics; i++)
        for (int p = 0; p < 3; p++)
            sort_list(b->topics[i]->subs[p], b->topics[i]->nsubs[p]);
}

/* ---------------------------------------------------------------------- */
/* Life cycle                                                             */

struct bus *bus_new(struct core *core)
{
    struct bus *b = calloc(1, sizeof *b);
    if (b)
        b->core = core;
    return b;
}

void bus_free(struct bus *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->ntopics; i++)
        topic_free(b->topics[i]);
    for (size_t i = 0; i < b->nsubs; i++) {
        free(b->subs[i]->pattern);
        free(b->subs[i]->id);
        free(b->subs[i]);
    }
    free(b->topics);
    free(b->index);
    free(b->subs);
    free(b->chain_error);
    buf_free(&b->json);
    free(b);
}

tandem_event *bus_current(struct bus *b)
{
    return b->frame ? b->frame->ev : NULL;
}

tandem_phase bus_current_phase(struct bus *b)
{
    return b->frame ? b->frame->phase : (tandem_phase)-1;
}

/* ---------------------------------------------------------------------- */
/* Checking                                                               */

static void list_fields(const tandem_field *f, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (; f && f->name && used + 1 < len; f++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", used ? ", " : "", f->name);
}

int bus_check(struct bus *b, tandem_event *ev, char *err, size_t errlen)
{
    if (!text_is_topic(ev->topic)) {
        snprintf(err, errlen,
                 "'%s' is not a topic: use two or more lower-case words joined by dots, "
                 "e.g. attendance.checked_out",
                 ev->topic);
        return TANDEM_MISUSE;
    }
    if (ev->t == NULL && (ev->t = bus_topic(b, ev->topic, 1)) == NULL)
        return snprintf(err, errlen, "out of memory"), TANDEM_NOMEM;
    const tandem_field *schema = ev->t->fields;
    if (schema == NULL)
        return TANDEM_OK; /* a custom topic */
    /* fields in the declared order: the journal reads the same whoever emitted */
    size_t at = 0;
    for (const tandem_field *d = schema; d->name; d++)
        for (size_t i = at; i < ev->n; i++)
            if (strcmp(ev->f[i].name, d->name) == 0) {
                struct event_field tmp = ev->f[i];
                memmove(&ev->f[at + 1], &ev->f[at], (i - at) * sizeof tmp);
                ev->f[at++] = tmp;
                break;
            }
    for (size_t i = 0; i < ev->n; i++) {
        struct event_field *f = &ev->f[i];
        const tandem_field *d = schema;
        while (d->name && strcmp(d->name, f->name) != 0)
            d++;
        if (d->name == NULL) {
            char names[400];
            list_fields(schema, names, sizeof names);
            snprintf(err, errlen, "%s has no field '%s' (its fields: %s)", ev->topic, f->name,
                     names);
            return TANDEM_MISUSE;
        }
        if (d->type == TANDEM_NIL || f->v.type == TANDEM_NIL || f->v.type == d->type)
            continue;
        if (d->type == TANDEM_REAL && f->v.type == TANDEM_INT) {
            f->v = tandem_real((double)f->v.u.i);
            continue;
        }
        snprintf(err, errlen, "%s: field '%s' must be %s, not %s", ev->topic, f->name,
                 value_type_name(d->type), value_type_name(f->v.type));
        return TANDEM_MISUSE;
    }
    for (const tandem_field *d = schema; d->name; d++) {
        const tandem_value *v = event_find(ev, d->name);
        if ((d->flags & TANDEM_FIELD_REQUIRED) && (v == NULL || v->type == TANDEM_NIL)) {
            snprintf(err, errlen, "%s needs the field '%s' (%s)", ev->topic, d->name,
                     value_type_name(d->type));
            return TANDEM_MISUSE;
        }
    }
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* The pipeline                                                           */

void bus_set_message(char **slot, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    free(*slot);
    *slot = strdup(msg);
}

static const char *owner_label(const node *n, char *out, size_t len)
{
    return node_label(n, out, len);
}

/* Calls one handler. On a veto or an error, writes the reason to *why and
** returns BUS_VETOED or BUS_FAILED. */
int bus_run_sub(struct bus *b, struct sub *s, tandem_event *ev, tandem_phase phase, char **why)
{
    struct frame f = {ev, phase, b->frame};
    char label[80];
    b->frame = &f;
    s->owner->error[0] = '\0';
    size_t mark = node_mark(s->owner);
    int rc = s->fn(s->owner, ev, s->ud);
    node_release(s->owner, mark);
    b->frame = f.up;
    if (b->chain_error) {
        bus_set_message(why, "%s", b->chain_error);
        return BUS_FAILED;
    }
    if (rc == TANDEM_VETO && phase == TANDEM_BEFORE) {
        bus_set_message(why, "%s", ev->veto ? ev->veto : "refused by a rule");
        return BUS_VETOED;
    }
    if (rc == TANDEM_VETO) {
        bus_set_message(why, "%s returned a veto from its %s handler for %s; only before handlers "
                         "may veto",
                    owner_label(s->owner, label, sizeof label), phase_names[phase], ev->topic);
        return BUS_FAILED;
    }
    if (rc < 0) {
        bus_set_message(why, "%s failed in its %s handler for %s: %s",
                    owner_label(s->owner, label, sizeof label), phase_names[phase], ev->topic,
                    s->owner->error[0] ? s->owner->error : "error");
        return BUS_FAILED;
    }
    return BUS_OK;
}

int bus_runnable(const struct sub *s)
{
    return s->owner->state == NODE_RUNNING || s->owner->state == NODE_LOADED;
}

/* Runs the handlers of one phase in order, up to the first veto or error. */
static int run_phase(struct bus *b, tandem_event *ev, tandem_phase phase, char **why)
{
    struct topic *t = ev->t;
    int status = BUS_OK;
    for (size_t i = 0; i < t->nsubs[phase] && status == BUS_OK; i++)
        if (bus_runnable(t->subs[phase][i]))
            status = bus_run_sub(b, t->subs[phase][i], ev, phase, why);
    return status;
}

static int record_followup(struct bus *b, const tandem_event *ev)
{
    struct bus_result *r = b->root;
    if (r == NULL)
        return 0;
    struct bus_followup *f = realloc(r->followups, (r->nfollowups + 1) * sizeof *f);
    if (f == NULL)
        return -1;
    r->followups = f;
    f[r->nfollowups].id = ev->id;
    f[r->nfollowups].topic = strdup(ev->topic);
    r->nfollowups++;
    return 0;
}

static int journal_append(struct bus *b, tandem_event *ev, char **why)
{
    buf_reset(&b->json);
    event_fields_json(ev, &b->json);
    if (b->json.failed) {
        bus_set_message(why, "out of memory");
        return BUS_FAILED;
    }
    char private_fields[400] = "";
    size_t used = 0;
    for (const tandem_field *f = ev->t->fields; f && f->name; f++)
        if ((f->flags & TANDEM_FIELD_PRIVATE) && event_find(ev, f->name) &&
            used + strlen(f->name) + 2 < sizeof private_fields)
            used += (size_t)snprintf(private_fields + used, sizeof private_fields - used, "%s%s",
                                     used ? "," : "", f->name);
    struct journal_row row = {0,         ev->time,   ev->cause, ev->topic,
                              ev->actor, ev->source, ev->key,   buf_str(&b->json),
                              used ? private_fields : NULL};
    if (store_journal_append(b->core->store, &row) != TANDEM_OK) {
        bus_set_message(why, "%s", store_errmsg(b->core->store));
        return BUS_FAILED;
    }
    ev->id = row.id;
    struct topic *t = ev->t;
    for (size_t i = 0; i < t->nsubs[TANDEM_AFTER]; i++) {
        if (store_outbox_add(b->core->store, ev->id, t->subs[TANDEM_AFTER][i]->id, ev->time)) {
            bus_set_message(why, "%s", store_errmsg(b->core->store));
            return BUS_FAILED;
        }
        b->outbox_added = 1;
    }
    return BUS_OK;
}

static int apply_state(struct bus *b, tandem_event *ev, char **why)
{
    struct topic *t = ev->t;
    if (t->apply == NULL)
        return BUS_OK;
    node *owner = t->owner;
    owner->error[0] = '\0';
    owner->applying = 1;
    size_t mark = node_mark(owner);
    int rc = t->apply(owner, ev);
    owner->applying = 0;
    node_release(owner, mark);
    if (rc == TANDEM_OK && !b->chain_error)
        return BUS_OK;
    bus_set_message(why, "%s", b->chain_error ? b->chain_error
                           : owner->error[0] ? owner->error : "the change could not be applied");
    return BUS_FAILED;
}

/* before → journal + apply → on, for one event, inside the caller's
** transaction. Returns a bus_status; *why gets the reason. */
static int pipeline(struct bus *b, tandem_event *ev, char **why)
{
    ev->time = core_now(b->core); /* known to `before` handlers too */
    int status = run_phase(b, ev, TANDEM_BEFORE, why);
    if (status == BUS_OK)
        status = journal_append(b, ev, why);
    if (status == BUS_OK)
        status = apply_state(b, ev, why);
    if (status == BUS_OK && b->depth > 0 && record_followup(b, ev) != 0) {
        bus_set_message(why, "out of memory");
        status = BUS_FAILED;
    }
    if (status == BUS_OK)
        status = run_phase(b, ev, TANDEM_ON, why);
    return status;
}

static void result_set(struct bus_result *res, int status, int64_t id, char *message)
{
    res->status = status;
    res->id = id;
    free(res->message);
    res->message = message;
}

static int collect_followups(void *ud, const struct journal_row *row)
{
    struct bus_result *res = ud;
    struct bus_followup *f = realloc(res->followups, (res->nfollowups + 1) * sizeof *f);
    if (f == NULL)
        return 1;
    res->followups = f;
    f[res->nfollowups].id = row->id;
    f[res->nfollowups].topic = strdup(row->topic);
    res->nfollowups++;
    return 0;
}

/* A repeated idempotency key: answer with the first result, change nothing. */
static int submit_duplicate(struct bus *b, int64_t id, struct bus_result *res)
{
    result_set(res, BUS_DUPLICATE, id, NULL);
    for (size_t i = 0;; i++) { /* follow-ups, breadth first: the chain of causes */
        struct journal_query q = {NULL, 0, i == 0 ? id : 0, 0};
        if (i > 0) {
            if (i > res->nfollowups)
                break;
            q.cause = res->followups[i - 1].id;
        }
        store_journal_scan(b->core->store, &q, collect_followups, res);
    }
    return BUS_DUPLICATE;
}

int bus_submit(struct bus *b, tandem_event *ev, struct bus_result *res)
{
    char err[512];
    char *why = NULL;
    store *st = b->core->store;
    memset(res, 0, sizeof *res);
    if (bus_check(b, ev, err, sizeof err) != TANDEM_OK) {
        result_set(res, BUS_INVALID, 0, strdup(err));
        event_free(ev);
        return BUS_INVALID;
    }
    int64_t first;
    if (ev->key && store_journal_by_key(st, ev->key, &first) == TANDEM_OK) {
        event_free(ev);
        return submit_duplicate(b, first, res);
    }
    struct bus_result *outer_root = b->root;
    int outer_depth = b->depth;
    b->root = res;
    b->depth = 0;
    int status = BUS_FAILED;
    if (store_begin(st) != TANDEM_OK) {
        why = strdup(store_errmsg(st));
        goto done;
    }
    status = pipeline(b, ev, &why);
    if (status == BUS_OK && store_commit(st) != TANDEM_OK) {
        bus_set_message(&why, "%s", store_errmsg(st));
        status = BUS_FAILED;
    }
    if (status != BUS_OK)
        store_rollback(st);
done:
    free(b->chain_error);
    b->chain_error = NULL;
    b->root = outer_root;
    b->depth = outer_depth;
    result_set(res, status, status == BUS_OK ? ev->id : 0, why);
    if (status != BUS_OK) { /* nothing of the chain remains */
        for (size_t i = 0; i < res->nfollowups; i++)
            free(res->followups[i].topic);
        free(res->followups);
        res->followups = NULL;
        res->nfollowups = 0;
    }
    event_free(ev);
    if (status == BUS_OK && !b->batch && store_depth(st) == 0)
        bus_deliver(b);
    return status;
}

void bus_result_clear(struct bus_result *res)
{
    free(res->message);
    for (size_t i = 0; i < res->nfollowups; i++)
        free(res->followups[i].topic);
    free(res->followups);
    memset(res, 0, sizeof *res);
}

int bus_batch_begin(struct bus *b)
{
    if (store_begin(b->core->store) != TANDEM_OK)
        return TANDEM_ERROR;
    b->batch++;
    return TANDEM_OK;
}

int bus_batch_commit(struct bus *b)
{
    b->batch--;
    if (store_commit(b->core->store) != TANDEM_OK) {
        store_rollback(b->core->store);
        return TANDEM_ERROR;
    }
    if (b->batch == 0 && store_depth(b->core->store) == 0)
        bus_deliver(b);
    return TANDEM_OK;
}

void bus_batch_rollback(struct bus *b)
{
    b->batch--;
    store_rollback(b->core->store);
    b->outbox_added = 0;
}

/* Runs a follow-up's pipeline in the savepoint the caller began. A handler
** may go on after a refused follow-up and emit another: that one runs on
** its own merits and reports its own reason, so the chain's first failure
** is set aside meanwhile and kept afterwards (the chain still fails with it). */
static int nested_pipeline(struct bus *b, tandem_event *ev, char **why)
{
    char *failed_before = b->chain_error;
    b->chain_error = NULL;
    b->depth++;
    int status = pipeline(b, ev, why);
    b->depth--;
    if (status == BUS_OK)
        store_commit(b->core->store);
    else
        store_rollback(b->core->store);
    if (failed_before) {
        free(b->chain_error);
        b->chain_error = failed_before;
    }
    return status;
}

/* A follow-up from an ON handler: same transaction, nested savepoint. */
static int64_t emit_followup(struct bus *b, tandem_event *ev)
{
    char err[512];
    char *why = NULL;
    int status;
    tandem_event *cause = b->frame->ev;
    ev->cause = cause->id;
    if (b->depth + 1 > b->core->max_depth) {
        status = BUS_FAILED;
        bus_set_message(&why, "follow-up events nest deeper than %d (%s caused by %s); "
                          "is a rule emitting in a loop?",
                    b->core->max_depth, ev->topic, cause->topic);
    } else if (bus_check(b, ev, err, sizeof err) != TANDEM_OK) {
        status = BUS_INVALID;
        why = strdup(err);
    } else if (store_begin(b->core->store) != TANDEM_OK) {
        status = BUS_FAILED;
        why = strdup(store_errmsg(b->core->store));
    } else {
        status = nested_pipeline(b, ev, &why);
    }
    int64_t id = status == BUS_OK ? ev->id : status == BUS_VETOED ? TANDEM_REFUSED : TANDEM_ERROR;
    if (status != BUS_OK && b->chain_error == NULL)
        bus_set_message(&b->chain_error, "%s (from %s): %s", ev->topic, cause->topic,
                    why ? why : "failed");
    if (status != BUS_OK && ev->origin)
        snprintf(ev->origin->error, sizeof ev->origin->error, "%s", why ? why : "failed");
    free(why);
    event_free(ev);
    return id;
}

int64_t bus_emit(struct bus *b, node *origin, tandem_event *ev)
{
    char actor[80];
    snprintf(actor, sizeof actor, "%s:%s", origin->kind == NODE_LUA ? "script" : "plugin",
             origin->name);
    if (origin->kind == NODE_CORE)
        snprintf(actor, sizeof actor, "%s", b->core->actor);
    if (ev->actor == NULL && event_set_meta(ev, actor, origin->kind == NODE_CORE ? "cli"
                                                                                   : "plugin",
                                            ev->key) != TANDEM_OK) {
        event_free(ev);
        return TANDEM_NOMEM;
    }
    ev->origin = origin;
    if (b->frame && b->frame->phase == TANDEM_BEFORE) {
        snprintf(origin->error, sizeof origin->error, "emit is not allowed in a before handler");
        event_free(ev);
        return TANDEM_MISUSE;
    }
    if (b->frame && b->frame->phase == TANDEM_ON)
        return emit_followup(b, ev);
    if (b->frame) /* AFTER: a new event caused by the current one */
        ev->cause = b->frame->ev->id;
    struct bus_result res;
    int status = bus_submit(b, ev, &res);
    int64_t id = res.id;
    if (status != BUS_OK && status != BUS_DUPLICATE)
        snprintf(origin->error, sizeof origin->error, "%s", res.message ? res.message : "failed");
    bus_result_clear(&res);
    return status == BUS_OK || status == BUS_DUPLICATE ? id
           : status == BUS_VETOED                      ? TANDEM_REFUSED
                                                       : TANDEM_ERROR;
}

int bus_dispatch(struct bus *b, tandem_event *ev, tandem_phase phase)
{
    char *why = NULL;
    if (ev->t == NULL && (ev->t = bus_topic(b, ev->topic, 1)) == NULL)
        return TANDEM_ERROR;
    int status = run_phase(b, ev, phase, &why);
    free(why);
    free(b->chain_error);
    b->chain_error = NULL;
    return status == BUS_OK ? TANDEM_OK : status == BUS_VETOED ? TANDEM_VETO : TANDEM_ERROR;
}
