/*
** bench_report.c — the service-hours report over many attendance rows.
**
** The database is a real tandem database (made by core_open, so every
** migration ran) whose attendance and service_month tables are filled
** directly with SQLite: generating millions of check-outs through the bus
** would take longer than the rest of `make bench`. The rows are what the
** projections write: service_month holds each person's counted minutes and
** person-times per project and month, summed from the attendance rows, and
** the reports' totals (service_person, service_community_month) are summed
** from it as the model's migration 5 does.
**
** The queries run through the core (command_query → store_exec), as the CLI
** runs its reports. The baseline computes the same figures from attendance
** with NOT INDEXED: a GROUP BY as one would write it without the model's
** summary table and its indexes.
*/
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "command.h"

#define MAX_RUNS 64
#define COMMUNITIES 200
#define PROJECTS 500
#define MONTHS 24
#define COUNTED "status IN ('closed', 'auto_closed', 'corrected')"

/* The report: hours per volunteer, and person-times (and hours) per
** community per month, from the totals the attendance projection keeps. */
static const char *const report_sql[2] = {
    "SELECT person, minutes, times FROM service_person",
    "SELECT community, month, times, minutes FROM service_community_month"};
static const char *const naive_sql[2] = {
    "SELECT person, sum(minutes), count(*) FROM attendance NOT INDEXED WHERE " COUNTED
    " GROUP BY person",
    "SELECT community, month, count(*), sum(minutes) FROM attendance NOT INDEXED WHERE " COUNTED
    " GROUP BY community, month"};

/* The same for one month: the monthly return a street office hands in. */
static const char *const month_sql[2] = {
    "SELECT person, sum(minutes), sum(times) FROM service_month WHERE month = ?1 GROUP BY person",
    "SELECT community, times, minutes FROM service_community_month WHERE month = ?1"};
static const char *const naive_month_sql[2] = {
    "SELECT person, sum(minutes), count(*) FROM attendance NOT INDEXED WHERE month = ?1 "
    "AND " COUNTED " GROUP BY person",
    "SELECT community, count(*), sum(minutes) FROM attendance NOT INDEXED WHERE month = ?1 "
    "AND " COUNTED " GROUP BY community"};

/* ---------------------------------------------------------------------- */
/* Filling the database                                                   */

struct filler {
    sqlite3 *db;
    sqlite3_stmt *att, *month;
    uint64_t rng;
    int64_t rows, target, people;
};

static uint32_t next_random(struct filler *f)
{
    f->rng ^= f->rng << 13;
    f->rng ^= f->rng >> 7;
    f->rng ^= f->rng << 17;
    return (uint32_t)(f->rng >> 11);
}

static void sql_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "bench: report data: %s: %s\n", what, sqlite3_errmsg(db));
    exit(2);
}

static void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        sql_fail(db, sql);
}

static void step_reset(struct filler *f, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        sql_fail(f->db, "insert");
    sqlite3_reset(st);
}

static int month_of(int m)
{
    return 202501 + m / 12 * 100 + m % 12;
}

/* One visit: an attendance row as attendance.c writes it when closed. */
static int64_t add_visit(struct filler *f, int64_t person, int64_t project, int m, int day)
{
    sqlite3_stmt *st = f->att;
    int64_t in = 1735689600 + (int64_t)m * 30 * 86400 + (int64_t)day * 86400 + 8 * 3600;
    int64_t minutes = 30 + next_random(f) % 150;
    uint32_t roll = next_random(f) % 100;
    const char *status = roll < 92   ? "closed"
                         : roll < 96 ? "auto_closed"
                         : roll < 98 ? "pending"
                                     : "revoked";
    sqlite3_bind_int64(st, 1, ++f->rows);
    sqlite3_bind_int64(st, 2, person);
    sqlite3_bind_int64(st, 3, project);
    sqlite3_bind_int64(st, 4, person % COMMUNITIES + 1);
    sqlite3_bind_int(st, 5, month_of(m));
    sqlite3_bind_int64(st, 6, in);
    sqlite3_bind_int64(st, 7, in + minutes * 60);
    sqlite3_bind_int64(st, 8, minutes);
    sqlite3_bind_text(st, 9, status, -1, SQLITE_STATIC);
    step_reset(f, st);
    return roll < 96 ? minutes : -1; /* counted, or not */
}

static void add_month_row(struct filler *f, int64_t person, int64_t project, int m, int64_t minutes,
                          int64_t times)
{
    sqlite3_stmt *st = f->month;
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_int64(st, 2, project);
    sqlite3_bind_int(st, 3, month_of(m));
    sqlite3_bind_int64(st, 4, person % COMMUNITIES + 1);
    sqlite3_bind_int64(st, 5, minutes);
    sqlite3_bind_int64(st, 6, times);
    step_reset(f, st);
}

/* A person's month: 0–5 visits over their two projects, then the
** service_month rows the projection would hold for them. */
static void person_month(struct filler *f, int64_t person, int m)
{
    int64_t projects[2] = {person % PROJECTS + 1, (person + 1 + person / PROJECTS) % PROJECTS + 1};
    int64_t minutes[2] = {0, 0}, times[2] = {0, 0};
    int visits = (int)(next_random(f) % 6);
    for (int v = 0; v < visits && f->rows < f->target; v++) {
        int k = (int)(next_random(f) % 2);
        int64_t got = add_visit(f, person, projects[k], m, v * 5);
        if (got >= 0) {
            minutes[k] += got;
            times[k]++;
        }
    }
    for (int k = 0; k < 2; k++)
        if (times[k])
            add_month_row(f, person, projects[k], m, minutes[k], times[k]);
}

static void fill(const char *path, int64_t rows)
{
    struct filler f = {NULL, NULL, NULL, 0x9E3779B97F4A7C15u, 0, rows, rows / 60 + 1};
    if (sqlite3_open(path, &f.db) != SQLITE_OK)
        sql_fail(f.db, path);
    /* loading speed only: the figures are measured on the closed file */
    exec(f.db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -500000;"
               "DROP INDEX attendance_person; DROP INDEX attendance_shift; DROP INDEX "
               "attendance_open; BEGIN");
    if (sqlite3_prepare_v2(f.db,
                           "INSERT INTO attendance(id, shift, person, project, community, month, "
                           "checkin_at, checkout_at, checkin_source, checkout_source, minutes, "
                           "status, back_entry) VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, 'kiosk', "
                           "'kiosk', ?8, ?9, 0)",
                           -1, &f.att, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(f.db,
                           "INSERT INTO service_month(person, project, month, community, minutes, "
                           "times) VALUES (?, ?, ?, ?, ?, ?)",
                           -1, &f.month, NULL) != SQLITE_OK)
        sql_fail(f.db, "prepare");
    for (int m = 0; f.rows < f.target; m++) /* attendance arrives in time order */
        for (int64_t p = 1; p <= f.people && f.rows < f.target; p++)
            person_month(&f, p, m);
    exec(f.db, "INSERT INTO service_person SELECT person, sum(minutes), sum(times) FROM "
               "service_month GROUP BY person; INSERT INTO service_community_month SELECT "
               "community, month, sum(minutes), sum(times) FROM service_month WHERE community "
               "IS NOT NULL GROUP BY community, month");
    exec(f.db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_finalize(f.att);
    sqlite3_finalize(f.month);
    sqlite3_close(f.db);
}

/* ---------------------------------------------------------------------- */
/* Measuring                                                              */

struct sums {
    int64_t rows, minutes, times;
};

/* Adds up what a query returned: the report and the baseline must agree. */
static int add_row(void *ud, int ncols, const tandem_value *cols)
{
    struct sums *s = ud;
    s->rows++;
    s->minutes += cols[ncols - 1].type == TANDEM_INT ? cols[ncols - 1].u.i : 0;
    s->times += cols[ncols - 2].type == TANDEM_INT ? cols[ncols - 2].u.i : 0;
    return 0;
}

/* Runs a pair of queries; returns seconds. */
static double time_pair(struct core *c, const char *const sql[2], const tandem_value *arg,
                        struct sums out[2])
{
    double t0 = bench_now();
    for (int q = 0; q < 2; q++) {
        memset(&out[q], 0, sizeof out[q]);
        if (command_query(c, sql[q], arg, arg ? 1 : 0, add_row, &out[q]) != TANDEM_OK) {
            fprintf(stderr, "bench: %s: %s\n", sql[q], store_errmsg(c->store));
            exit(2);
        }
    }
    return bench_now() - t0;
}

static void check_same(const struct sums *a, const struct sums *b)
{
    /* sum(minutes) agrees; person-times are sum(times) against count(*) */
    for (int q = 0; q < 2; q++)
        if (a[q].minutes != b[q].minutes || a[q].rows != b[q].rows) {
            fprintf(stderr, "bench: report and baseline disagree (%" PRId64 " vs %" PRId64 ")\n",
                    a[q].minutes, b[q].minutes);
            exit(2);
        }
}

static void measure(struct core *c, const char *key, const char *figure, const char *const *sql,
                    const char *const *naive, const tandem_value *arg, int runs)
{
    double subject[MAX_RUNS], base[MAX_RUNS], ratio[MAX_RUNS];
    struct sums a[2], b[2];
    char v[64], bl[64], r[64];
    time_pair(c, sql, arg, a); /* warm the page cache for both */
    time_pair(c, naive, arg, b);
    check_same(a, b);
    for (int i = 0; i < runs; i++) {
        subject[i] = time_pair(c, sql, arg, a);
        base[i] = time_pair(c, naive, arg, b);
        ratio[i] = base[i] / subject[i];
    }
    double ms = bench_median(subject, (size_t)runs) * 1000;
    snprintf(v, sizeof v, "%.1f ms", ms);
    snprintf(bl, sizeof bl, "%.0f ms", bench_median(base, (size_t)runs) * 1000);
    snprintf(r, sizeof r, "%.1f × faster", bench_median(ratio, (size_t)runs));
    bench_row(key, figure, v, bl, r, "≤ 200 ms", ms <= 200);
}

int main(void)
{
    int runs = bench_runs();
    int64_t rows = bench_full() ? 10000000 : 1000000;
    const char *db = bench_path("report.db");
    char figure[300];
    if (runs > MAX_RUNS)
        runs = MAX_RUNS;
    bench_log("report: filling %" PRId64 " attendance rows", rows);
    core_close(bench_core("[core]\nlog_level = error\n", db)); /* a real, migrated database */
    double t0 = bench_now();
    fill(db, rows);
    bench_log("report: filled in %.1f s; %d runs", bench_now() - t0, runs);
    struct core *c = bench_core("[core]\nlog_level = error\n", db);
    snprintf(figure, sizeof figure,
             "hours per volunteer and person-times per community per month, over %.0f M "
             "attendance rows%s",
             (double)rows / 1e6, bench_full() ? "" : " (quick mode: 1 M, not 10 M)");
    measure(c, "report", figure, report_sql, naive_sql, NULL, runs);
    tandem_value month = tandem_int(202606);
    snprintf(figure, sizeof figure,
             "the same for one month (the monthly return), over %.0f M attendance rows",
             (double)rows / 1e6);
    measure(c, "report_month", figure, month_sql, naive_month_sql, &month, runs);
    bench_about("report",
                "Two queries through command_query on the totals the attendance projection "
                "keeps beside service_month, in the same transaction as each check-out "
                "(%" PRId64 " attendance rows of %" PRId64
                " volunteers in %d communities over %d months): minutes and person-times per "
                "volunteer (service_person), and per community and month "
                "(service_community_month); the baseline computes the same from attendance "
                "with NOT INDEXED (its indexes are dropped for the bulk load; the report does "
                "not use them). Warm page cache, SQLite's default 2 MB cache. The demo's "
                "summary reads service_person the same way.",
                rows, rows / 60 + 1, COMMUNITIES, MONTHS);
    bench_about("report_month",
                "The same two figures for one month (WHERE month = ?), for every volunteer "
                "(service_month through its month-first covering index) and community "
                "(service_community_month); baseline as above.");
    core_close(c);
    return 0;
}
