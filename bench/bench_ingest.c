/*
** bench_ingest.c — durable ingest: check-outs through the real core (command
** layer → bus → core projection → scripts/points.lua → points.awarded
** follow-up → ledger projection → journal), against the same rows written
** raw, and against the same workload in Redis.
**
**   ingest_group   group commit (bus_batch_begin/commit), synchronous=FULL,
**                  against raw prepared inserts in the same batches
**   ingest_single  one acknowledged commit per event, WAL + NORMAL, against
**                  raw one-event commits
**   ingest_redis   tandem's group-commit rate against pipelined EVALSHA of a
**                  points script with a stream append, appendfsync everysec
**
** Runs are interleaved (tandem, raw, Redis, tandem, raw, Redis …) so that
** noise on this shared machine hits every subject alike.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "raw_ingest.h"
#include "redis_points.h"
#include "workload.h"

#define MAX_RUNS 64

/* Events per transaction in group commit: at tandem's rate a batch of 256
** closes in a few milliseconds, inside the 10 ms window of the design. */
#define GROUP_BATCH 256

struct sizes {
    size_t people;     /* check-outs per round */
    int group_rounds;  /* rounds per timed run, group commit */
    int single_rounds; /* rounds per timed run, one commit each */
};

static struct sizes pick_sizes(void)
{
    struct sizes s = {2000, 3, 1};
    if (bench_full())
        s = (struct sizes){5000, 8, 2};
    return s;
}

/* Rate of one timed tandem run of `rounds` rounds. */
static double tandem_run(struct workload *w, int rounds, size_t batch)
{
    double total = 0;
    size_t events = 0, failed = 0;
    for (int r = 0; r < rounds; r++) {
        workload_checkin_round(w, GROUP_BATCH);
        double t0 = bench_now();
        failed += workload_checkout_round(w, batch);
        total += bench_now() - t0;
        events += w->npeople;
    }
    if (failed) {
        fprintf(stderr, "bench: %zu check-outs were refused; the figure would be wrong\n", failed);
        exit(2);
    }
    return (double)events / total;
}

static double raw_run(struct raw_ingest *r, int *day, int rounds, size_t batch)
{
    double total = 0;
    size_t events = 0;
    for (int k = 0; k < rounds; k++) {
        *day += 1;
        int64_t in = WORKLOAD_DAY0 + (int64_t)*day * 86400;
        raw_ingest_round(r, in);
        double t0 = bench_now();
        raw_ingest_checkouts(r, in + WORKLOAD_MINUTES * 60, batch);
        total += bench_now() - t0;
        events += pick_sizes().people;
    }
    return (double)events / total;
}

static double median_ratio(const double *a, const double *b, int n)
{
    double r[MAX_RUNS];
    for (int i = 0; i < n; i++)
        r[i] = a[i] / b[i];
    return bench_median(r, (size_t)n);
}

static void report_pair(const char *key, const char *figure, const double *subject,
                        const double *baseline, int runs, double goal_ratio, double goal_rate,
                        const char *goal)
{
    char v[64], b[64], ratio[64];
    double ms = bench_median(subject, (size_t)runs), mb = bench_median(baseline, (size_t)runs);
    double q = median_ratio(subject, baseline, runs);
    bench_rate(ms, v, sizeof v);
    bench_rate(mb, b, sizeof b);
    snprintf(ratio, sizeof ratio, "%.0f %%", q * 100);
    bench_row(key, figure, v, b, ratio, goal, q >= goal_ratio && ms >= goal_rate);
}

/* Redis rates for the same runs, or the reason there are none. */
struct redis_leg {
    struct redis_points *rp;
    double rates[MAX_RUNS];
    char why[300];
};

static void redis_once(struct redis_leg *leg, size_t events, int i)
{
    if (leg->rp == NULL)
        return;
    if ((leg->rates[i] = redis_points_run(leg->rp, events, leg->why, sizeof leg->why)) < 0) {
        redis_points_stop(leg->rp);
        leg->rp = NULL;
    }
}

static void report_redis(const struct redis_leg *leg, const double *tandem, int runs)
{
    char v[300], b[64], ratio[64];
    const char *figure = "the same workload through Redis 7 (EVALSHA points script + XADD, "
                         "pipelined 256, appendfsync everysec): tandem's group-commit rate "
                         "against Redis's";
    if (leg->rp == NULL && leg->why[0]) {
        snprintf(v, sizeof v, "skipped: %s", leg->why);
        bench_row("ingest_redis", figure, v, "—", "—", "tandem ≥ 1.0 × Redis", -1);
        return;
    }
    double mt = bench_median(tandem, (size_t)runs), mr = bench_median(leg->rates, (size_t)runs);
    double q = median_ratio(tandem, leg->rates, runs);
    bench_rate(mt, v, sizeof v);
    bench_rate(mr, b, sizeof b);
    snprintf(ratio, sizeof ratio, "%.2f ×", q);
    bench_row("ingest_redis", figure, v, b, ratio, "tandem ≥ 1.0 × Redis", q >= 1.0);
}

static void group_commit(const struct sizes *s, int runs, struct redis_leg *leg)
{
    double tandem[MAX_RUNS], raw[MAX_RUNS];
    struct workload w;
    int raw_day = 0;
    size_t events = s->people * (size_t)s->group_rounds;
    bench_log("durable ingest, group commit, against raw and Redis (%d runs of %zu events)", runs,
              events);
    struct core *c = bench_core(workload_ini("full"), bench_path("ingest-group.db"));
    workload_setup(&w, c, s->people);
    struct raw_ingest *r =
        raw_ingest_open(bench_path("raw-group.db"), workload_ini("full"), "FULL", s->people);
    leg->rp = redis_points_start(bench_dir(), s->people, GROUP_BATCH, leg->why, sizeof leg->why);
    workload_checkin_round(&w, GROUP_BATCH); /* warm-up: caches, accounts */
    workload_checkout_round(&w, GROUP_BATCH);
    raw_run(r, &raw_day, 1, GROUP_BATCH);
    redis_once(leg, s->people, 0);
    for (int i = 0; i < runs; i++) {
        tandem[i] = tandem_run(&w, s->group_rounds, GROUP_BATCH);
        raw[i] = raw_run(r, &raw_day, s->group_rounds, GROUP_BATCH);
        redis_once(leg, events, i);
    }
    redis_points_stop(leg->rp);
    report_pair("ingest_group",
                "durable ingest: check-out → points.lua → journal + attendance + ledger, group "
                "commit of 256, synchronous=FULL",
                tandem, raw, runs, 0.40, 150e3, "≥ 40 % of baseline and ≥ 150 k/s");
    report_redis(leg, tandem, runs);
    raw_ingest_close(r);
    workload_free(&w);
    core_close(c);
}

static void single_commit(const struct sizes *s, int runs)
{
    double tandem[MAX_RUNS], raw[MAX_RUNS];
    struct workload w;
    int raw_day = 0;
    bench_log("durable ingest, one commit per event (%d runs of %zu events)", runs,
              s->people * (size_t)s->single_rounds);
    struct core *c = bench_core(workload_ini("normal"), bench_path("ingest-single.db"));
    workload_setup(&w, c, s->people);
    struct raw_ingest *r =
        raw_ingest_open(bench_path("raw-single.db"), workload_ini("normal"), "NORMAL", s->people);
    workload_checkin_round(&w, GROUP_BATCH);
    workload_checkout_round(&w, 1);
    raw_run(r, &raw_day, 1, 1);
    for (int i = 0; i < runs; i++) {
        tandem[i] = tandem_run(&w, s->single_rounds, 1);
        raw[i] = raw_run(r, &raw_day, s->single_rounds, 1);
    }
    report_pair("ingest_single",
                "the same, one acknowledged commit per event, WAL + synchronous=NORMAL", tandem,
                raw, runs, 0.60, 0, "≥ 60 % of baseline");
    raw_ingest_close(r);
    workload_free(&w);
    core_close(c);
}

int main(void)
{
    struct sizes s = pick_sizes();
    int runs = bench_runs();
    static struct redis_leg leg;
    if (runs > MAX_RUNS)
        runs = MAX_RUNS;
    if (bench_wanted("ingest_group") || bench_wanted("ingest_redis"))
        group_commit(&s, runs, &leg);
    if (bench_wanted("ingest_single"))
        single_commit(&s, runs);
    bench_about("ingest_group",
                "A check-out submitted through command_submit as `tandem checkout` does, run by "
                "the bus (core rules, attendance and service_month projection, the shipped "
                "points.lua ON handler and its points.awarded follow-up with the ledger "
                "projection, two journal rows), %d per transaction on a synchronous=FULL WAL "
                "database; the baseline writes the same rows with prepared statements in the "
                "same batches. %zu volunteers check out once a day for %d days per run.",
                GROUP_BATCH, s.people, s.group_rounds);
    bench_about("ingest_single",
                "The same check-outs, each its own acknowledged transaction (bus_submit "
                "commits), WAL + synchronous=NORMAL; the baseline commits the same rows of one "
                "event per transaction. %zu check-outs per run.",
                s.people * (size_t)s.single_rounds);
    bench_about("ingest_redis",
                "The tandem group-commit figure above against a redis-server started for the "
                "run (loopback, AOF appendfsync everysec, no RDB): one EVALSHA per check-out of "
                "a script that reads the day's and month's points (HMGET), applies the caps as "
                "points.lua does, HINCRBYs the balance and totals and XADDs the event to a "
                "stream, pipelined %d at a time, the same number of events per run, its runs "
                "interleaved with tandem's.",
                GROUP_BATCH);
    return 0;
}
