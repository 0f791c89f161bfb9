/*
** raw_ingest.c — see raw_ingest.h. The SQL is the SQL the core runs for the
** same rows (core/bus.c, core/attendance.c, core/ledger.c, store_sqlite.c),
** so the ratio measures everything tandem does around those writes.
*/
#include "raw_ingest.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "model.h"

enum {
    RAW_BEGIN,
    RAW_COMMIT,
    RAW_JOURNAL,
    RAW_OPEN,
    RAW_CLOSE,
    RAW_MONTH,
    RAW_PERSON,
    RAW_COMMUNITY,
    RAW_TRANSFER,
    RAW_BALANCE,
    RAW_COUNT
};

static const char *const raw_sql[RAW_COUNT] = {
    [RAW_BEGIN] = "BEGIN IMMEDIATE",
    [RAW_COMMIT] = "COMMIT",
    [RAW_JOURNAL] = "INSERT INTO journal(time, topic, actor, source, fields, caused_by, "
                    "idem_key, private) VALUES (?,?,?,?,?,?,NULL,NULL)",
    [RAW_OPEN] = "INSERT INTO attendance(id, shift, person, project, community, month, "
                 "checkin_at, checkin_source, minutes, status, back_entry) "
                 "VALUES (?, 1, ?, 1, ?, ?, ?, 'kiosk', 0, 'open', 0)",
    [RAW_CLOSE] = "UPDATE attendance SET checkout_at = ?, checkout_source = ?, minutes = ?, "
                  "status = ?, flag = NULL WHERE id = ?",
    [RAW_MONTH] = "INSERT INTO service_month(person, project, month, community, minutes, times) "
                  "VALUES (?, 1, ?, ?, ?, 1) ON CONFLICT(person, project, month) DO UPDATE SET "
                  "minutes = minutes + excluded.minutes, times = times + excluded.times",
    [RAW_PERSON] = "INSERT INTO service_person(person, minutes, times) VALUES (?, ?, 1) "
                   "ON CONFLICT(person) DO UPDATE SET minutes = minutes + excluded.minutes, "
                   "times = times + excluded.times",
    [RAW_COMMUNITY] = "INSERT INTO service_community_month(community, month, minutes, times) "
                      "VALUES (?, ?, ?, 1) ON CONFLICT(community, month) DO UPDATE SET "
                      "minutes = minutes + excluded.minutes, times = times + excluded.times",
    [RAW_TRANSFER] = "INSERT INTO transfer(id, from_account, to_account, amount, kind, rule, "
                     "cause, attendance, person, reason, at, reverses) "
                     "VALUES (?,?,?,100,'award','points',?,?,?,?,?,NULL)",
    [RAW_BALANCE] = "INSERT INTO balance(account, amount) VALUES (?, ?) ON CONFLICT(account) "
                    "DO UPDATE SET amount = amount + excluded.amount",
};

struct raw_ingest {
    sqlite3 *db;
    sqlite3_stmt *st[RAW_COUNT];
    size_t npeople;
    int64_t first_open; /* id of person 0's open attendance this round */
    int64_t next_id;    /* attendance ids live far above the journal's */
    int month;
};

static void raw_fail(struct raw_ingest *r, const char *what)
{
    fprintf(stderr, "bench: raw baseline: %s: %s\n", what, sqlite3_errmsg(r->db));
    exit(2);
}

static void step(struct raw_ingest *r, int which)
{
    sqlite3_stmt *st = r->st[which];
    if (sqlite3_step(st) != SQLITE_DONE)
        raw_fail(r, raw_sql[which]);
    sqlite3_reset(st);
}

struct raw_ingest *raw_ingest_open(const char *path, const char *ini, const char *synchronous,
                                   size_t npeople)
{
    char pragmas[200];
    core_close(bench_core(ini, path)); /* tandem's own schema and migrations */
    struct raw_ingest *r = calloc(1, sizeof *r);
    if (r == NULL || sqlite3_open(path, &r->db) != SQLITE_OK)
        exit(2);
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode = WAL; PRAGMA synchronous = %s; PRAGMA foreign_keys = ON;",
             synchronous);
    if (sqlite3_exec(r->db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
        raw_fail(r, pragmas);
    for (int i = 0; i < RAW_COUNT; i++)
        if (sqlite3_prepare_v3(r->db, raw_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->st[i], NULL) !=
            SQLITE_OK)
            raw_fail(r, raw_sql[i]);
    r->npeople = npeople;
    r->next_id = 1000000000;
    return r;
}

void raw_ingest_close(struct raw_ingest *r)
{
    for (int i = 0; i < RAW_COUNT; i++)
        sqlite3_finalize(r->st[i]);
    sqlite3_close(r->db);
    free(r);
}

void raw_ingest_round(struct raw_ingest *r, int64_t checkin_at)
{
    sqlite3_stmt *st = r->st[RAW_OPEN];
    r->first_open = r->next_id;
    r->month = model_month(checkin_at);
    step(r, RAW_BEGIN);
    for (size_t i = 0; i < r->npeople; i++) {
        sqlite3_bind_int64(st, 1, r->next_id++);
        sqlite3_bind_int64(st, 2, (int64_t)i + 1);
        sqlite3_bind_int64(st, 3, (int64_t)(i % 8) + 1);
        sqlite3_bind_int(st, 4, r->month);
        sqlite3_bind_int64(st, 5, checkin_at);
        step(r, RAW_OPEN);
    }
    step(r, RAW_COMMIT);
}

static int64_t journal(struct raw_ingest *r, const char *topic, const char *actor,
                       const char *fields, int64_t cause)
{
    sqlite3_stmt *st = r->st[RAW_JOURNAL];
    sqlite3_bind_int64(st, 1, (int64_t)bench_now());
    sqlite3_bind_text(st, 2, topic, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, cause ? "plugin" : "cli", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, fields, -1, SQLITE_TRANSIENT);
    if (cause)
        sqlite3_bind_int64(st, 6, cause);
    else
        sqlite3_bind_null(st, 6);
    step(r, RAW_JOURNAL);
    return sqlite3_last_insert_rowid(r->db);
}

static void close_attendance(struct raw_ingest *r, int64_t att, int64_t at)
{
    sqlite3_stmt *st = r->st[RAW_CLOSE];
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_text(st, 2, "kiosk", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, 60);
    sqlite3_bind_text(st, 4, "closed", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, att);
    step(r, RAW_CLOSE);
}

static void count_month(struct raw_ingest *r, size_t i)
{
    sqlite3_stmt *st = r->st[RAW_MONTH];
    sqlite3_bind_int64(st, 1, (int64_t)i + 1);
    sqlite3_bind_int(st, 2, r->month);
    sqlite3_bind_int64(st, 3, (int64_t)(i % 8) + 1);
    sqlite3_bind_int(st, 4, 60);
    step(r, RAW_MONTH);
    /* the reports' totals the projection keeps beside it */
    st = r->st[RAW_PERSON];
    sqlite3_bind_int64(st, 1, (int64_t)i + 1);
    sqlite3_bind_int(st, 2, 60);
    step(r, RAW_PERSON);
    st = r->st[RAW_COMMUNITY];
    sqlite3_bind_int64(st, 1, (int64_t)(i % 8) + 1);
    sqlite3_bind_int(st, 2, r->month);
    sqlite3_bind_int(st, 3, 60);
    step(r, RAW_COMMUNITY);
}

static void transfer(struct raw_ingest *r, int64_t id, int64_t cause, int64_t att, size_t i,
                     int64_t at)
{
    sqlite3_stmt *st = r->st[RAW_TRANSFER];
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, (int64_t)(i % 8) + 1);
    sqlite3_bind_int64(st, 3, (int64_t)i + 100);
    sqlite3_bind_int64(st, 4, cause);
    sqlite3_bind_int64(st, 5, att);
    sqlite3_bind_int64(st, 6, (int64_t)i + 1);
    sqlite3_bind_text(st, 7, "护学岗 60分钟 × 1 × 1", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, at);
    step(r, RAW_TRANSFER);
    st = r->st[RAW_BALANCE];
    sqlite3_bind_int64(st, 1, (int64_t)(i % 8) + 1);
    sqlite3_bind_int64(st, 2, -100);
    step(r, RAW_BALANCE);
    sqlite3_bind_int64(st, 1, (int64_t)i + 100);
    sqlite3_bind_int64(st, 2, 100);
    step(r, RAW_BALANCE);
}

/* The rows of one check-out of person i. */
static void checkout(struct raw_ingest *r, size_t i, int64_t at)
{
    char fields[300];
    int64_t att = r->first_open + (int64_t)i;
    snprintf(fields, sizeof fields,
             "{\"attendance\":%" PRId64 ",\"at\":%" PRId64 ",\"source\":\"kiosk\"}", att, at);
    int64_t cause = journal(r, "attendance.checked_out", "cli:bench", fields, 0);
    close_attendance(r, att, at);
    count_month(r, i);
    snprintf(fields, sizeof fields,
             "{\"person\":%zu,\"points\":1,\"rule\":\"points\",\"reason\":\"护学岗 60分钟 × 1 × "
             "1\",\"attendance\":%" PRId64 ",\"category\":\"guard\",\"at\":%" PRId64 "}",
             i + 1, att, at - 3600);
    int64_t id = journal(r, "points.awarded", "script:points", fields, cause);
    transfer(r, id, cause, att, i, at - 3600);
}

void raw_ingest_checkouts(struct raw_ingest *r, int64_t checkout_at, size_t batch)
{
    for (size_t i = 0; i < r->npeople; i += batch) {
        step(r, RAW_BEGIN);
        for (size_t k = i; k < i + batch && k < r->npeople; k++)
            checkout(r, k, checkout_at);
        step(r, RAW_COMMIT);
    }
}
