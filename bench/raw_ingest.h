/*
** raw_ingest.h — the baseline of the durable ingest benchmarks: the rows a
** tandem check-out writes (the checked_out and points.awarded journal rows,
** the attendance update, the service_month and balance upserts, the
** transfer), written with prepared SQLite statements and nothing else: no
** bus, no rules, no Lua, no reads. Same schema (made by core_open), same
** journal mode and synchronous setting, same batches.
*/
#ifndef TANDEM_BENCH_RAW_INGEST_H
#define TANDEM_BENCH_RAW_INGEST_H

#include <stddef.h>
#include <stdint.h>

struct raw_ingest;

/* Creates the database at path with tandem's schema, then opens it raw
** with synchronous "full" or "normal". Exits on failure. */
struct raw_ingest *raw_ingest_open(const char *path, const char *ini, const char *synchronous,
                                   size_t npeople);
void raw_ingest_close(struct raw_ingest *r);

/* Inserts this round's open attendance rows (not timed). */
void raw_ingest_round(struct raw_ingest *r, int64_t checkin_at);

/* Writes the rows of every check-out of the round; batch rows-of-events per
** transaction (1: one commit per event). */
void raw_ingest_checkouts(struct raw_ingest *r, int64_t checkout_at, size_t batch);

#endif
