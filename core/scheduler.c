/*
** scheduler.c — timers that emit timer.NAME events.
*/
#include "scheduler.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "config.h"
#include "event.h"
#include "log.h"
#include "model.h"
#include "store.h"
#include "text.h"

struct timer {
    char *name;
    char *schedule;
    node *owner;
};

struct scheduler {
    struct timer *v;
    size_t n, cap;
};

static const tandem_field timer_fields[] = {{"scheduled", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                            {"missed", TANDEM_INT, 0},
                                            {NULL, 0, 0}};

/* ---------------------------------------------------------------------- */
/* Schedules                                                              */

static int parse_clock(const char *s, int *h, int *m)
{
    char tail;
    return sscanf(s, "%d:%d%c", h, m, &tail) == 2 && *h >= 0 && *h < 24 && *m >= 0 && *m < 60
               ? 0
               : -1;
}

static int weekday(const char *s)
{
    static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    for (int i = 0; i < 7; i++)
        if (strncasecmp(s, days[i], 3) == 0)
            return i;
    return -1;
}

/* Local midnight-based time of day d (a struct tm day) at h:m. */
static int64_t at_clock(struct tm day, int h, int m)
{
    day.tm_hour = h;
    day.tm_min = m;
    day.tm_sec = 0;
    day.tm_isdst = -1;
    return (int64_t)mktime(&day);
}

int sched_next(const char *schedule, int64_t after, int64_t *next, char *err, size_t errlen)
{
    char kind[16] = "", a[32] = "", b[32] = "";
    int h, m, n = sscanf(schedule, "%15s %31s %31s", kind, a, b);
    time_t t = (time_t)after;
    struct tm now;
    localtime_r(&t, &now);
    if (n == 2 && strcmp(kind, "every") == 0) {
        int64_t ms;
        if (config_parse_duration(a, &ms) != 0 || ms < 60000)
            goto bad;
        *next = after + ms / 1000;
        return 0;
    }
    if (n == 2 && strcmp(kind, "daily") == 0 && parse_clock(a, &h, &m) == 0) {
        for (int d = 0; d < 3; d++) {
            struct tm day = now;
            day.tm_mday += d;
            int64_t x = at_clock(day, h, m);
            if (x > after)
                return *next = x, 0;
        }
    }
    int w;
    if (n == 3 && strcmp(kind, "weekly") == 0 && (w = weekday(a)) >= 0 &&
        parse_clock(b, &h, &m) == 0) {
        for (int d = 0; d < 15; d++) {
            struct tm day = now;
            day.tm_mday += d;
            int64_t x = at_clock(day, h, m);
            time_t tx = (time_t)x;
            struct tm check;
            localtime_r(&tx, &check);
            if (check.tm_wday == w && x > after)
                return *next = x, 0;
        }
    }
    char *end;
    long dom;
    if (n == 3 && strcmp(kind, "monthly") == 0 && (dom = strtol(a, &end, 10)) >= 1 && dom <= 28 &&
        *end == '\0' && parse_clock(b, &h, &m) == 0) {
        for (int k = 0; k < 3; k++) {
            struct tm day = now;
            day.tm_mon += k;
            day.tm_mday = (int)dom;
            int64_t x = at_clock(day, h, m);
            if (x > after)
                return *next = x, 0;
        }
    }
bad:
    snprintf(err, errlen,
             "'%s' is not a schedule: write every 15m, daily 07:00, weekly mon 09:30 or "
             "monthly 1 08:00 (every at least 1m; monthly on days 1 to 28)",
             schedule);
    return -1;
}

/* ---------------------------------------------------------------------- */
/* Registration                                                           */

static struct scheduler *sched_of(struct core *c)
{
    if (c->scheduler == NULL)
        c->scheduler = calloc(1, sizeof(struct scheduler));
    return c->scheduler;
}

static struct timer *find_timer(struct scheduler *s, const char *name)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (strcmp(s->v[i].name, name) == 0)
            return &s->v[i];
    return NULL;
}

/* The row that says when the timer is next due, created or updated when the
** schedule is new or changed. */
static int persist(struct core *c, const char *name, const char *schedule, char *err,
                   size_t errlen)
{
    char stored[128] = "";
    tandem_value arg = tandem_text(name);
    model_text(c, "SELECT schedule FROM timer WHERE name = ?", &arg, 1, stored, sizeof stored);
    if (strcmp(stored, schedule) == 0)
        return 0;
    int64_t next;
    if (sched_next(schedule, core_now(c), &next, err, errlen) != 0)
        return -1;
    tandem_value args[3] = {tandem_text(name), tandem_text(schedule), tandem_int(next)};
    if (store_exec(c->store, NULL,
                   "INSERT INTO timer(name, schedule, next_at) VALUES (?, ?, ?) ON CONFLICT(name) "
                   "DO UPDATE SET schedule = excluded.schedule, next_at = excluded.next_at",
                   args, 3, NULL, NULL) != TANDEM_OK) {
        snprintf(err, errlen, "%s", store_errmsg(c->store));
        return -1;
    }
    return 0;
}

static int apply_timer(tandem_plugin *self, const tandem_event *ev);

int sched_add(struct core *c, node *owner, const char *name, const char *schedule, char *err,
              size_t errlen)
{
    struct scheduler *s = sched_of(c);
    int64_t next;
    char topic[80];
    if (s == NULL)
        return snprintf(err, errlen, "out of memory"), -1;
    if (!text_is_name(name))
        return snprintf(err, errlen, "'%s' is not a timer name (lower-case letters, digits, _)",
                        name),
               -1;
    if (sched_next(schedule, core_now(c), &next, err, errlen) != 0)
        return -1;
    struct timer *t = find_timer(s, name);
    if (t) {
        if (strcmp(t->schedule, schedule) == 0)
            return 0;
        return snprintf(err, errlen, "timer %s is already scheduled '%s' by %s", name,
                        t->schedule, t->owner->name),
               -1;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        struct timer *v = realloc(s->v, cap * sizeof *v);
        if (v == NULL)
            return snprintf(err, errlen, "out of memory"), -1;
        s->v = v;
        s->cap = cap;
    }
    t = &s->v[s->n];
    t->name = strdup(name);
    t->schedule = strdup(schedule);
    t->owner = owner;
    if (t->name == NULL || t->schedule == NULL) {
        free(t->name);
        free(t->schedule);
        return snprintf(err, errlen, "out of memory"), -1;
    }
    s->n++;
    snprintf(topic, sizeof topic, "timer.%s", name);
    if (bus_declare(c->bus, c->self, topic, timer_fields, apply_timer) != TANDEM_OK) {
        snprintf(err, errlen, "%s", c->self->error);
        return -1;
    }
    return persist(c, name, schedule, err, errlen);
}

/* When a timer fired, its next firing is computed from then: a timer that
** was due during downtime fires once, not once per missed period. */
static int apply_timer(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    const char *name = strchr(ev->topic, '.') + 1;
    char schedule[128], err[300];
    int64_t next;
    tandem_value arg = tandem_text(name);
    if (model_text(c, "SELECT schedule FROM timer WHERE name = ?", &arg, 1, schedule,
                   sizeof schedule) != 0)
        return TANDEM_OK; /* a timer no longer configured: nothing to move on */
    if (sched_next(schedule, ev->time, &next, err, sizeof err) != 0)
        return model_fail(self, "%s: %s", ev->topic, err);
    const tandem_value *at = event_find(ev, "scheduled");
    tandem_value args[3] = {*at, tandem_int(next), arg};
    if (store_exec(c->store, NULL, "UPDATE timer SET last_at = ?, next_at = ? WHERE name = ?",
                   args, 3, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Firing                                                                 */

struct due {
    char name[64];
    char schedule[128];
    int64_t next;
};

struct due_list {
    struct due v[64];
    int n;
};

static int add_due(void *ud, int ncols, const tandem_value *cols)
{
    struct due_list *l = ud;
    (void)ncols;
    if (l->n >= 64)
        return 1;
    snprintf(l->v[l->n].name, sizeof l->v[0].name, "%s", cols[0].u.s.p);
    snprintf(l->v[l->n].schedule, sizeof l->v[0].schedule, "%s", cols[1].u.s.p);
    l->v[l->n].next = cols[2].u.i;
    l->n++;
    return 0;
}

/* How many firings were due between next and now (the one that fires now
** included). */
static int64_t due_count(const char *schedule, int64_t next, int64_t now)
{
    char err[200];
    int64_t count = 0;
    while (next <= now && count < 100000) {
        count++;
        if (sched_next(schedule, next, &next, err, sizeof err) != 0)
            break;
    }
    return count;
}

int sched_tick(struct core *c)
{
    struct scheduler *s = sched_of(c);
    struct due_list l = {{{"", "", 0}}, 0};
    tandem_value now = tandem_int(core_now(c));
    int fired = 0;
    if (store_exec(c->store, NULL,
                   "SELECT name, schedule, next_at FROM timer WHERE next_at <= ? ORDER BY next_at, "
                   "name",
                   &now, 1, add_due, &l) != TANDEM_OK)
        return -1;
    for (int i = 0; i < l.n; i++) {
        if (find_timer(s, l.v[i].name) == NULL)
            continue; /* configured once, not any more */
        char topic[80], key[160];
        snprintf(topic, sizeof topic, "timer.%s", l.v[i].name);
        snprintf(key, sizeof key, "timer:%s:%" PRId64, l.v[i].name, l.v[i].next);
        tandem_event *ev = event_new(topic);
        struct bus_result res;
        int64_t missed = due_count(l.v[i].schedule, l.v[i].next, now.u.i) - 1;
        if (ev == NULL || event_set_meta(ev, "scheduler", "timer", key) ||
            event_set_int(ev, "scheduled", l.v[i].next) || event_set_int(ev, "missed", missed)) {
            event_free(ev);
            return -1;
        }
        if (bus_submit(c->bus, ev, &res) == BUS_OK)
            fired++;
        else if (res.status != BUS_DUPLICATE)
            log_msg(LOG_ERROR, NULL, "timer %s: %s", l.v[i].name,
                    res.message ? res.message : "failed");
        bus_result_clear(&res);
    }
    return fired;
}

int64_t sched_wait(struct core *c)
{
    int64_t next = model_int(c, "SELECT min(next_at) FROM timer", NULL, 0, 0);
    int64_t wait = next ? next - core_now(c) : 60;
    return wait > 0 ? wait : 0;
}

int sched_init(struct core *c, char *err, size_t errlen)
{
    static const char *const builtin[][2] = {{"daily", "daily 00:05"}, {"hourly", "every 1h"}};
    const struct config *cfg = c->config;
    for (size_t i = 0; cfg && i < cfg->n; i++) {
        if (strcmp(cfg->e[i].section, "timers") != 0)
            continue;
        char why[400];
        if (sched_add(c, c->self, cfg->e[i].key, cfg->e[i].value, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%d: [timers] %s: %s", cfg->path, cfg->e[i].line,
                     cfg->e[i].key, why);
            return -1;
        }
    }
    for (int i = 0; i < 2; i++)
        if (find_timer(sched_of(c), builtin[i][0]) == NULL &&
            sched_add(c, c->self, builtin[i][0], builtin[i][1], err, errlen) != 0)
            return -1;
    return 0;
}

void sched_free(struct core *c)
{
    struct scheduler *s = c->scheduler;
    for (size_t i = 0; s && i < s->n; i++) {
        free(s->v[i].name);
        free(s->v[i].schedule);
    }
    if (s)
        free(s->v);
    free(s);
    c->scheduler = NULL;
}
