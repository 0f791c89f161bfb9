/*
** workload.h — the volunteer workload the durable benchmarks drive, built
** through the command layer exactly as the CLI builds it: places, people, a
** team and a walk-in project; each "round" is one day's shift that every
** volunteer checks in to and out of. A check-out runs the core's projection
** (attendance, service_month) and the shipped scripts/points.lua, whose
** award is a follow-up event with its own projection (transfer, balance).
*/
#ifndef TANDEM_BENCH_WORKLOAD_H
#define TANDEM_BENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#define WORKLOAD_COMMUNITIES 8
#define WORKLOAD_DAY0 1772323200 /* 2026-03-01 08:00 in Asia/Shanghai */
#define WORKLOAD_MINUTES 60      /* every visit is an hour of guard duty */

struct workload {
    struct core *c;
    int64_t street;
    int64_t community[WORKLOAD_COMMUNITIES];
    int64_t team, project;
    int64_t *people;
    size_t npeople;
    int64_t *open; /* each person's open attendance in this round */
    int day;       /* rounds so far: one day each */
    int64_t shift; /* this round's shift */
};

/* The INI text of a core that loads the shipped points rule, with walk-in
** check-in (no sign-ups needed) and the given [core] synchronous. */
const char *workload_ini(const char *synchronous);

/* Places, npeople volunteers (spread over the communities), a team and a
** project, through command_add in batches. Exits on a refusal. */
void workload_setup(struct workload *w, struct core *c, size_t npeople);
void workload_free(struct workload *w);

/* Moves to the next day and adds its shift (this round's shift). */
int64_t workload_next_shift(struct workload *w);

/* Starts the next day's round: its shift, and every person checked in
** (through command_submit, in batches of `batch`). Not timed. */
void workload_checkin_round(struct workload *w, size_t batch);

/* Checks out person i of this round as `tandem checkout` does: finds the
** open attendance, submits attendance.checked_out. Returns the bus status. */
int workload_checkout(struct workload *w, size_t i);

/* Checks out everyone of this round; batch > 1 groups that many check-outs
** per transaction (bus_batch_begin/commit), batch == 1 commits each one.
** Returns the number of refused or failed check-outs. */
size_t workload_checkout_round(struct workload *w, size_t batch);

/* When person i checks in and out in this round (Unix seconds). */
int64_t workload_checkin_at(const struct workload *w);
int64_t workload_checkout_at(const struct workload *w);

#endif
