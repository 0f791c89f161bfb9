/*
** demo.c — the simulation behind `tandem demo`: a clock the demo moves, a
** day's agenda of what people do (in time order, with the scheduler ticking
** every hour), the commands they give, and the summary read back from the
** state. What the pilots' people do is in demo_pilots.c.
*/
#include "demo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "command.h"
#include "core.h"
#include "host.h"
#include "ledger.h"
#include "model.h"
#include "scheduler.h"

#define DEMO_FIRST_DAY "2026-03-02" /* a Monday, the first day of the spring term */
#define DEMO_SETUP_TIME "2026-03-01 09:00"
#define DEMO_MAX_FAILURES 5

struct item {
    int64_t t;
    size_t seq; /* keeps items of one time in the order they were planned */
    demo_fn fn;
    int64_t a, b;
};

struct demo {
    struct core *c;
    uint64_t rng;
    int64_t t0; /* 00:00 of the first simulated day */
    struct item *items;
    size_t nitems, capitems;
    int64_t commands, refused, failed;
    void *state; /* demo_pilots.c's */
    int day;     /* the simulated day being run */
    char failures[DEMO_MAX_FAILURES][400];
};

/* ---------------------------------------------------------------------- */
/* Randomness and time                                                    */

uint32_t demo_rand(struct demo *d, uint32_t n)
{
    uint64_t z = (d->rng += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return n ? (uint32_t)(z % n) : 0;
}

int demo_chance(struct demo *d, int percent)
{
    return (int)demo_rand(d, 100) < percent;
}

void demo_at(struct demo *d, int64_t t)
{
    d->c->fixed_now = t;
}

int64_t demo_now(const struct demo *d)
{
    return d->c->fixed_now;
}

int demo_today(const struct demo *d)
{
    return d->day;
}

int64_t demo_time(const struct demo *d, int day, int hour, int minute)
{
    time_t base = (time_t)d->t0;
    struct tm tm;
    localtime_r(&base, &tm);
    tm.tm_mday += day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

struct core *demo_core(struct demo *d)
{
    return d->c;
}

void *demo_state(struct demo *d)
{
    return d->state;
}

void demo_set_state(struct demo *d, void *state)
{
    d->state = state;
}

void demo_name(struct demo *d, char *out, size_t len)
{
    static const char *const family[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周",
                                         "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
                                         "林", "罗", "郑", "梁", "谢", "宋", "唐", "韩", "冯"};
    static const char *const given[] = {
        "伟",   "芳",   "娜",   "敏",   "静",   "丽",   "强",   "磊",   "军",
        "洋",   "勇",   "艳",   "杰",   "娟",   "涛",   "明",   "超",   "秀英",
        "霞",   "平",   "刚",   "桂英", "建华", "志强", "晓东", "文静", "海燕",
        "子涵", "浩然", "雨萱", "欣怡", "宇轩", "思远", "佳怡", "俊杰", "梓萱"};
    snprintf(out, len, "%s%s", family[demo_rand(d, sizeof family / sizeof *family)],
             given[demo_rand(d, sizeof given / sizeof *given)]);
}

/* ---------------------------------------------------------------------- */
/* Commands                                                               */

static void record_failure(struct demo *d, const char *what, const char *why)
{
    if (d->failed < DEMO_MAX_FAILURES)
        snprintf(d->failures[d->failed], sizeof d->failures[0], "%s: %s", what,
                 why ? why : "failed");
    d->failed++;
}

/* Counts the command's outcome; the journal id, 0 if a rule refused it, -1
** on a failure. */
static int64_t outcome(struct demo *d, const char *what, struct bus_result *res)
{
    int64_t id = -1;
    d->commands++;
    switch (res->status) {
    case BUS_OK:
    case BUS_DUPLICATE: id = res->id; break;
    case BUS_VETOED:
        d->refused++;
        id = 0;
        break;
    default: record_failure(d, what, res->message);
    }
    return id;
}

int64_t demo_add(struct demo *d, const char *noun, ...)
{
    struct field_input in[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, noun);
    for (const char *name; n < 32 && (name = va_arg(ap, const char *)) != NULL; n++) {
        in[n].name = name;
        in[n].text = va_arg(ap, const char *);
    }
    va_end(ap);
    struct bus_result res = {0};
    command_add(d->c, model_entity(noun), in, n, &res);
    char what[300];
    snprintf(what, sizeof what, "%s add %s", noun, n && in[0].text ? in[0].text : "");
    int64_t id = outcome(d, what, &res);
    if (id == 0) /* the pilots' records are never refused */
        record_failure(d, what, res.message);
    bus_result_clear(&res);
    return id > 0 ? id : 0;
}

int64_t demo_id(struct demo *d, const char *noun, const char *name)
{
    int64_t id = 0;
    struct bus_result res = {0};
    if (command_resolve(d->c, noun, name, &id, &res) != 0)
        id = 0;
    bus_result_clear(&res);
    return id;
}

static int64_t emit_v(struct demo *d, const char *want, int64_t *followup, const char *topic,
                      const char *fmt, va_list ap)
{
    char json[4096];
    vsnprintf(json, sizeof json, fmt, ap);
    struct bus_result res = {0};
    command_emit(d->c, topic, json, NULL, "demo", &res);
    int64_t id = outcome(d, topic, &res);
    if (followup) {
        *followup = 0;
        for (size_t i = 0; id > 0 && i < res.nfollowups && !*followup; i++)
            if (strcmp(res.followups[i].topic, want) == 0)
                *followup = res.followups[i].id;
    }
    bus_result_clear(&res);
    return id;
}

int64_t demo_emit(struct demo *d, const char *topic, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int64_t id = emit_v(d, NULL, NULL, topic, fmt, ap);
    va_end(ap);
    return id;
}

int64_t demo_emit_followup(struct demo *d, const char *want, int64_t *followup, const char *topic,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int64_t id = emit_v(d, want, followup, topic, fmt, ap);
    va_end(ap);
    return id;
}

struct ids {
    int64_t *out;
    size_t n, max;
};

static int collect_id(void *ud, int ncols, const tandem_value *cols)
{
    struct ids *ids = ud;
    if (ncols > 0 && cols[0].type == TANDEM_INT && ids->n < ids->max)
        ids->out[ids->n++] = cols[0].u.i;
    return 0;
}

size_t demo_ids(struct demo *d, int64_t *out, size_t max, const char *sql, int nargs, int64_t a,
                int64_t b)
{
    tandem_value args[2] = {tandem_int(a), tandem_int(b)};
    struct ids ids = {out, 0, max};
    if (command_query(d->c, sql, args, nargs, collect_id, &ids) != TANDEM_OK)
        record_failure(d, "query", sql);
    return ids.n;
}

int64_t demo_int(struct demo *d, const char *sql, int nargs, int64_t a, int64_t b)
{
    int64_t v = 0;
    demo_ids(d, &v, 1, sql, nargs, a, b);
    return v;
}

/* ---------------------------------------------------------------------- */
/* The agenda                                                             */

void demo_later(struct demo *d, int64_t t, demo_fn fn, int64_t a, int64_t b)
{
    if (d->nitems == d->capitems) {
        size_t cap = d->capitems ? d->capitems * 2 : 256;
        struct item *v = realloc(d->items, cap * sizeof *v);
        if (v == NULL) {
            record_failure(d, "agenda", "out of memory");
            return;
        }
        d->items = v;
        d->capitems = cap;
    }
    d->items[d->nitems] = (struct item){t, d->nitems, fn, a, b};
    d->nitems++;
}

static int by_time(const void *x, const void *y)
{
    const struct item *p = x, *q = y;
    if (p->t != q->t)
        return p->t < q->t ? -1 : 1;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static void tick(struct demo *d, int64_t a, int64_t b)
{
    (void)a;
    (void)b;
    if (sched_tick(d->c) < 0)
        record_failure(d, "tick", "the scheduler could not fire its timers");
}

/* Plans one day (the scheduler every hour, then the people), then runs it
** in time order. */
static void run_day(struct demo *d, int day)
{
    d->nitems = 0;
    d->day = day;
    for (int h = 0; h < 24; h++)
        demo_later(d, demo_time(d, day, h, 0), tick, 0, 0);
    demo_pilots_plan(d, day);
    qsort(d->items, d->nitems, sizeof *d->items, by_time);
    for (size_t i = 0; i < d->nitems && d->failed == 0; i++) {
        size_t planned = d->nitems;
        struct item it = d->items[i];
        demo_at(d, it.t);
        it.fn(d, it.a, it.b);
        if (d->nitems > planned) /* it planned more of the day: keep the order */
            qsort(d->items + i + 1, d->nitems - i - 1, sizeof *d->items, by_time);
    }
}

static void progress(int day, int days)
{
    int width = 30, done = days ? (day * width) / days : width;
    fprintf(stderr, "\r模拟中 [%.*s%*s] 第 %d/%d 天", done * 3, "■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■",
            width - done, "", day, days);
    if (day == days)
        fputc('\n', stderr);
    fflush(stderr);
}

/* ---------------------------------------------------------------------- */
/* The database file                                                      */

static int journal_source(void *ud, const struct journal_row *row)
{
    snprintf(ud, 32, "%s", row->actor ? row->actor : "");
    return 1;
}

/* A file an earlier demo made (its first event's actor is the demo) may be
** replaced; anything else is somebody's data. Read on a private copy. */
static int replaceable(const struct demo_options *o, char *err, size_t errlen)
{
    if (access(o->database, F_OK) != 0)
        return 1;
    struct core *c = NULL;
    struct core_args args = {.config_path = o->config_path,
                             .database = o->database,
                             .mode = HOST_CHECK,
                             .store = CORE_STORE_MEMORY,
                             .no_config_ok = 1,
                             .store_only = 1};
    char source[32] = "";
    if (core_open(&c, &args) == 0) {
        struct journal_query q = {0};
        q.limit = 1;
        command_events(c, &q, journal_source, source);
        core_close(c);
    }
    if (strcmp(source, "demo") == 0)
        return 1;
    snprintf(err, errlen,
             "%s exists and was not made by tandem demo; give another file with --db PATH",
             o->database);
    return 0;
}

static int remove_database(const char *path, char *err, size_t errlen)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char name[4096];
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        if (unlink(name) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot replace %s: %s", name, strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* The summary                                                            */

static int read_community(void *ud, int ncols, const tandem_value *cols)
{
    struct demo_report *r = ud;
    (void)ncols;
    struct demo_row *v = realloc(r->rows, (r->n + 1) * sizeof *v);
    if (v == NULL)
        return 1;
    r->rows = v;
    memset(&v[r->n], 0, sizeof *v);
    v[r->n].place = cols[0].u.i;
    snprintf(v[r->n].community, sizeof v[r->n].community, "%s", cols[1].u.s.p);
    r->n++;
    return 0;
}

/* One community's figures, from the state, in one query (?1: the community). */
static const char community_figures[] = DEMO_INSIDE
    "SELECT (SELECT count(*) FROM person p JOIN person_role r ON r.person = p.id AND "
    "r.role = 'volunteer' WHERE p.community = ?1), "
    "(SELECT count(*) FROM team WHERE place = ?1), "
    "(SELECT coalesce(sum(s.minutes), 0) FROM service_person s JOIN person p ON "
    "p.id = s.person WHERE p.community = ?1), "
    "(SELECT coalesce(sum(s.times), 0) FROM service_person s JOIN person p ON "
    "p.id = s.person WHERE p.community = ?1), "
    "(SELECT count(*) FROM alert WHERE place IN (SELECT id FROM inside)), "
    "(SELECT coalesce(sum(t.amount), 0) FROM transfer t JOIN person p ON p.id = t.person "
    "WHERE t.kind = 'award' AND p.community = ?1), "
    "(SELECT coalesce(sum(r.cost), 0) FROM redemption r JOIN person p ON p.id = r.person "
    "WHERE r.status != 'cancelled' AND p.community = ?1)";

static int read_figures(void *ud, int ncols, const tandem_value *cols)
{
    struct demo_row *row = ud;
    (void)ncols;
    row->volunteers = cols[0].u.i;
    row->teams = cols[1].u.i;
    row->minutes = cols[2].u.i;
    row->times = cols[3].u.i;
    row->alerts = cols[4].u.i;
    row->issued = (double)cols[5].u.i / LEDGER_SCALE;
    row->redeemed = (double)cols[6].u.i / LEDGER_SCALE;
    return 1;
}

static void summarise(struct demo *d, struct demo_report *r)
{
    command_query(d->c, "SELECT id, name FROM place WHERE kind = 'community' ORDER BY id", NULL, 0,
                  read_community, r);
    for (size_t i = 0; i < r->n; i++) {
        tandem_value place = tandem_int(r->rows[i].place);
        if (command_query(d->c, community_figures, &place, 1, read_figures, &r->rows[i]) !=
            TANDEM_OK)
            record_failure(d, "summary", r->rows[i].community);
    }
    r->events = demo_int(d, "SELECT count(*) FROM journal", 0, 0, 0);
    r->commands = d->commands;
    r->refused = d->refused;
}

/* ---------------------------------------------------------------------- */

static int failures(struct demo *d, char *err, size_t errlen)
{
    size_t used =
        (size_t)snprintf(err, errlen, "the demo failed (%lld command%s):", (long long)d->failed,
                         d->failed == 1 ? "" : "s");
    for (int64_t i = 0; i < d->failed && i < DEMO_MAX_FAILURES && used < errlen; i++)
        used += (size_t)snprintf(err + used, errlen - used, "\n  %s", d->failures[i]);
    return -1;
}

int demo_run(const struct demo_options *o, struct demo_report *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (!replaceable(o, err, errlen) || remove_database(o->database, err, errlen) != 0)
        return -1;
    /* timers are scheduled from the clock the core opens with: the Sunday
    ** before the first day, when the pilots are set up */
    setenv("TANDEM_NOW", DEMO_SETUP_TIME, 1);
    struct core_args args = {.config_path = o->config_path,
                             .database = o->database,
                             .mode = HOST_RUN,
                             .store = CORE_STORE_FILE,
                             .no_config_ok = 1};
    struct demo d = {0};
    int opened = core_open(&d.c, &args);
    unsetenv("TANDEM_NOW");
    if (opened != 0) {
        snprintf(err, errlen, "cannot open %s (see above)", o->database);
        return -1;
    }
    if (host_count(d.c->host) == 0)
        fprintf(stderr, "tandem: warn: demo: no plugin or script is switched on (no "
                        "configuration?), so no programme will run; try -c etc/tandem.ini\n");
    int64_t t0;
    core_parse_time(DEMO_FIRST_DAY, &t0); /* in the configured time zone */
    d.rng = o->seed;
    d.c->seed = o->seed ^ 0x7A6D656D6F64ULL; /* redemption codes */
    snprintf(d.c->actor, sizeof d.c->actor, "demo");
    d.t0 = t0;
    int days = o->weeks * 7, rc = 0;
    if (demo_pilots_setup(&d) != 0 || d.failed)
        rc = failures(&d, err, errlen);
    for (int day = 0; rc == 0 && day < days; day++) {
        run_day(&d, day);
        if (d.failed)
            rc = failures(&d, err, errlen);
        if (o->progress)
            progress(day + 1, days);
    }
    if (rc == 0) {
        model_date(t0, r->first_day);
        model_date(demo_time(&d, days - 1, 12, 0), r->last_day);
        summarise(&d, r);
        if (d.failed) {
            rc = failures(&d, err, errlen);
            demo_report_free(r);
        }
    }
    free(d.items);
    free(d.state);
    core_close(d.c);
    return rc;
}

void demo_report_free(struct demo_report *r)
{
    free(r->rows);
    r->rows = NULL;
    r->n = 0;
}
