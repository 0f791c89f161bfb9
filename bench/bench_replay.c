/*
** bench_replay.c — rebuilding state from a journal (core/rebuild.c: copy the
** journal into a new database, bus_replay every chunk's projections).
**
** The source journal starts as real events through the command layer: the
** places, the volunteers, the team and project, one day of check-ins and
** check-outs with points.lua's awards, and every day's shift. The remaining
** days' check-ins, check-outs and points.awarded follow-ups are appended
** with SQLite in the exact form the bus writes (checked against the real
** day), since pushing millions of events through the bus first would take
** longer than the rest of `make bench`. The rebuilt database is checked
** against the source: the real day's rows must come out identical, and every
** check-in, check-out and award must be there.
*/
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bus.h"
#include "rebuild.h"
#include "workload.h"

#define MAX_RUNS 64

struct journal_gen {
    sqlite3 *db;
    sqlite3_stmt *ins;
    int64_t next; /* the next journal id */
};

static void gen_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "bench: replay journal: %s: %s\n", what, sqlite3_errmsg(db));
    exit(2);
}

static int64_t append(struct journal_gen *g, int64_t time, const char *topic, const char *actor,
                      const char *source, const char *fields, int64_t cause)
{
    sqlite3_stmt *st = g->ins;
    sqlite3_bind_int64(st, 1, g->next);
    sqlite3_bind_int64(st, 2, time);
    sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, fields, -1, SQLITE_TRANSIENT);
    if (cause)
        sqlite3_bind_int64(st, 7, cause);
    else
        sqlite3_bind_null(st, 7);
    if (sqlite3_step(st) != SQLITE_DONE)
        gen_fail(g->db, "insert");
    sqlite3_reset(st);
    return g->next++;
}

/* One day of the workload as the bus journals it: every check-in, then
** every check-out, each followed by points.lua's award. */
static void append_day(struct journal_gen *g, const struct workload *w, int64_t shift, int day)
{
    char f[400];
    int64_t in_at = WORKLOAD_DAY0 + (int64_t)day * 86400, out_at = in_at + 3600;
    int64_t first = g->next;
    for (size_t p = 0; p < w->npeople; p++) {
        snprintf(f, sizeof f,
                 "{\"shift\":%" PRId64 ",\"person\":%" PRId64 ",\"at\":%" PRId64
                 ",\"source\":\"kiosk\"}",
                 shift, w->people[p], in_at);
        append(g, in_at, "attendance.checked_in", "cli:bench", "cli", f, 0);
    }
    for (size_t p = 0; p < w->npeople; p++) {
        snprintf(f, sizeof f,
                 "{\"attendance\":%" PRId64 ",\"at\":%" PRId64 ",\"source\":\"kiosk\"}",
                 first + (int64_t)p, out_at);
        int64_t cause = append(g, out_at, "attendance.checked_out", "cli:bench", "cli", f, 0);
        snprintf(f, sizeof f,
                 "{\"person\":%" PRId64 ",\"points\":1.0,\"rule\":\"points\",\"reason\":\"护学岗 "
                 "60分钟 × 1 × 1\",\"attendance\":%" PRId64
                 ",\"category\":\"guard\",\"at\":%" PRId64 "}",
                 w->people[p], first + (int64_t)p, in_at);
        append(g, out_at, "points.awarded", "script:points", "plugin", f, cause);
    }
}

static void append_days(const char *path, const struct workload *w, const int64_t *shifts,
                        int first_day, int days)
{
    struct journal_gen g = {NULL, NULL, 0};
    if (sqlite3_open(path, &g.db) != SQLITE_OK)
        gen_fail(g.db, path);
    if (sqlite3_exec(g.db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(g.db,
                           "INSERT INTO journal(id, time, topic, actor, source, fields, "
                           "caused_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           -1, &g.ins, NULL) != SQLITE_OK)
        gen_fail(g.db, "prepare");
    sqlite3_stmt *max;
    sqlite3_prepare_v2(g.db, "SELECT max(id) FROM journal", -1, &max, NULL);
    sqlite3_step(max);
    g.next = sqlite3_column_int64(max, 0) + 1;
    sqlite3_finalize(max);
    for (int d = 0; d < days; d++)
        append_day(&g, w, shifts[d], first_day + d);
    if (sqlite3_exec(g.db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) !=
        SQLITE_OK)
        gen_fail(g.db, "commit");
    sqlite3_finalize(g.ins);
    sqlite3_close(g.db);
}

/* The source database; returns its number of events. */
static int64_t make_source(const char *path, size_t people, int64_t target)
{
    struct workload w;
    struct core *c = bench_core(workload_ini("normal"), path);
    workload_setup(&w, c, people);
    workload_checkin_round(&w, 256); /* one real day: the bus's own rows */
    workload_checkout_round(&w, 256);
    int days = (int)((target - 4 * (int64_t)people) / (3 * (int64_t)people));
    int64_t *shifts = calloc((size_t)(days > 0 ? days : 1), sizeof *shifts);
    int first_day = w.day + 1;
    bus_batch_begin(c->bus);
    for (int d = 0; d < days; d++)
        shifts[d] = workload_next_shift(&w);
    bus_batch_commit(c->bus);
    core_close(c);
    append_days(path, &w, shifts, first_day, days);
    free(shifts);
    workload_free(&w);
    sqlite3 *db;
    sqlite3_stmt *st;
    sqlite3_open(path, &db);
    sqlite3_prepare_v2(db, "SELECT count(*) FROM journal", -1, &st, NULL);
    sqlite3_step(st);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        gen_fail(db, sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The rebuilt state against the source: a failed check stops the bench. */
static void verify(const char *rebuilt, const char *source)
{
    static const char *const zero[] = {
        "SELECT count(*) FROM (SELECT id, shift, person, project, community, month, checkin_at, "
        "checkout_at, minutes, status FROM src.attendance EXCEPT SELECT id, shift, person, "
        "project, community, month, checkin_at, checkout_at, minutes, status FROM attendance)",
        "SELECT count(*) FROM (SELECT * FROM src.transfer EXCEPT SELECT * FROM transfer)",
        "SELECT (SELECT count(*) FROM attendance) - (SELECT count(*) FROM src.journal WHERE "
        "topic = 'attendance.checked_in')",
        "SELECT (SELECT count(*) FROM attendance WHERE status = 'closed') - (SELECT count(*) "
        "FROM src.journal WHERE topic = 'attendance.checked_out')",
        "SELECT (SELECT count(*) FROM transfer) - (SELECT count(*) FROM src.journal WHERE "
        "topic = 'points.awarded')",
        "SELECT (SELECT sum(times) FROM service_month) - (SELECT count(*) FROM src.journal "
        "WHERE topic = 'attendance.checked_out')",
        "SELECT (SELECT sum(amount) FROM balance) + 0"};
    sqlite3 *db;
    char attach[800];
    sqlite3_open(rebuilt, &db);
    snprintf(attach, sizeof attach, "ATTACH '%s' AS src", source);
    if (sqlite3_exec(db, attach, NULL, NULL, NULL) != SQLITE_OK)
        gen_fail(db, attach);
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        if (scalar(db, zero[i]) != 0) {
            fprintf(stderr, "bench: the rebuilt state differs from the journal's: %s\n", zero[i]);
            exit(2);
        }
    sqlite3_close(db);
}

static double rebuild_once(const char *source, const char *target, int check)
{
    struct rebuild_stats st;
    char err[1000];
    bench_remove_db(target);
    struct core *c = bench_core(workload_ini("full"), target);
    double t0 = bench_now();
    if (rebuild_from(c, source, 10000, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench: rebuild: %s\n", err);
        exit(2);
    }
    double dt = bench_now() - t0;
    core_close(c);
    if (check)
        verify(target, source);
    return (double)st.copied / dt;
}

int main(void)
{
    int runs = bench_full() ? 3 : bench_runs();
    int64_t target = bench_full() ? 10000000 : 200000;
    size_t people = bench_full() ? 5000 : 2000;
    double rates[MAX_RUNS];
    char v[64], figure[200];
    if (runs > MAX_RUNS)
        runs = MAX_RUNS;
    const char *source = bench_path("journal-source.db"), *rebuilt = bench_path("rebuilt.db");
    bench_log("replay: writing a journal of about %" PRId64 " events", target);
    double t0 = bench_now();
    int64_t events = make_source(source, people, target);
    bench_log("replay: %" PRId64 " events in %.1f s; %d rebuilds", events, bench_now() - t0, runs);
    for (int i = 0; i < runs; i++)
        rates[i] = rebuild_once(source, rebuilt, i == 0);
    double m = bench_median(rates, (size_t)runs);
    snprintf(figure, sizeof figure, "replay of a %.1f M-event journal (rebuild state)%s",
             (double)events / 1e6, bench_full() ? "" : " (quick mode: smaller than 10 M)");
    bench_row("replay", figure, bench_rate(m, v, sizeof v), "—", "—", "≥ 500 k events/s",
              m >= 500e3);
    bench_about("replay",
                "rebuild_from() (core/rebuild.c) into a freshly migrated database: copies the "
                "journal (%" PRId64 " events: setup, then %zu volunteers' daily check-in, "
                "check-out and points.awarded) in chunks of 10,000 events per transaction and "
                "runs each event's projection through bus_replay; the rebuilt attendance, "
                "service_month and ledger are checked against the journal. Median of %d "
                "rebuilds%s.",
                events, people, runs, bench_full() ? " (each takes minutes at this size)" : "");
    return 0;
}
