/*
** bench.h — what the benchmark programs share: a clock, medians, a scratch
** directory, files written into it, a core opened on an INI text, and the
** one line format bench/run.sh turns into docs/BENCHMARKS.md.
**
** Every program measures the real core (core/libtandem.la): it opens it with
** core_open on a configuration it writes, and drives it through the command
** layer or the bus, never through copies of the core's code.
*/
#ifndef TANDEM_BENCH_H
#define TANDEM_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* Monotonic seconds. */
double bench_now(void);

/* Median of n values (sorts a copy). */
double bench_median(const double *v, size_t n);

/* BENCH_FULL=1 in the environment: the large sizes. */
int bench_full(void);

/* Runs per figure: BENCH_RUNS, else 5 (the brief asks for >= 5). */
int bench_runs(void);

/* 0 when BENCH_ONLY is set and does not name this figure's key (for
** profiling one figure: BENCH_ONLY=dispatch_lua perf record …). */
int bench_wanted(const char *key);

/* A fresh scratch directory, removed at exit unless BENCH_KEEP is set. On
** a tmpfs the durable figures would lie, so it lives under BENCH_TMPDIR,
** else the build tree's bench/tmp. */
const char *bench_dir(void);

/* DIR/name, in a static ring of buffers. */
const char *bench_path(const char *name);

/* Writes text to DIR/name; returns the path. Exits on failure. */
const char *bench_write(const char *name, const char *text);

/* Removes a database file with its -wal and -shm. */
void bench_remove_db(const char *path);

/* Opens a running core on an INI text with its database at db_path. Exits
** with a message if core_open fails (a benchmark of a broken core is no
** benchmark). */
struct core *bench_core(const char *ini, const char *db_path);

/* Resident set and its peak, in kB, from /proc/self/status. */
long bench_rss_kb(void);
long bench_hwm_kb(void);

/* One figure for run.sh: tab-separated, on stdout.
**   key      a stable name (notes in bench/notes/KEY.md explain a miss)
**   figure   what was measured, for the table
**   value    the median, with its unit
**   baseline the baseline's median ("—" if none)
**   ratio    value / baseline in the form the goal uses ("—" if none)
**   goal     the goal as text
**   pass     1 PASS, 0 MISS, -1 skipped (value says why) */
void bench_row(const char *key, const char *figure, const char *value, const char *baseline,
               const char *ratio, const char *goal, int pass);

/* A sentence on what a benchmark measures, shown under the table. */
void bench_about(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Progress for the person running `make bench` (standard error). */
void bench_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "12.3 M/s", "456 k/s", "789 /s" for a rate in events per second. */
const char *bench_rate(double per_second, char *out, size_t len);

#endif
