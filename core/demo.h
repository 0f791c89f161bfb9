/*
** demo.h — `tandem demo`: a demo database built from the Beijing and Yiliang
** pilots (../shared/seed), then weeks of their programmes simulated through
** the real command layer, bus, plugins and scripts, with an injected clock
** and a seeded random sequence, so that one seed always gives one database.
**
** demo.c drives the simulation (clock, agenda, commands, summary);
** demo_pilots.c holds the pilots' records, demo_days.c what each
** programme's people do on a day. The demo is a client like the CLI: it gives its commands through
** command.h, and moves the clock and ticks the scheduler as `tick` does.
*/
#ifndef TANDEM_DEMO_H
#define TANDEM_DEMO_H

#include <stddef.h>
#include <stdint.h>

struct core;

struct demo_options {
    const char *config_path; /* NULL: the usual lookup (etc/tandem.ini) */
    const char *database;    /* the file to (re)build */
    uint64_t seed;
    int weeks;    /* simulated weeks, from Monday 2026-03-02 */
    int progress; /* draw a progress bar on standard error */
};

/* One community's numbers, read from the state (the projections). */
struct demo_row {
    int64_t place;
    char community[128];
    int64_t volunteers, teams, minutes, times, alerts;
    double issued, redeemed; /* points */
};

struct demo_report {
    struct demo_row *rows;
    size_t n;
    int64_t events;   /* journaled events */
    int64_t commands; /* commands the simulated people gave */
    int64_t refused;  /* of which a rule refused (a full shift, a cap ...) */
    char first_day[11], last_day[11];
};

/* Builds the database. Returns 0, or -1 with a message in err (the file is
** then incomplete). A file that exists is replaced only if an earlier demo
** made it. */
int demo_run(const struct demo_options *o, struct demo_report *r, char *err, size_t errlen);
void demo_report_free(struct demo_report *r);

/* ---- shared by demo.c and demo_pilots.c ---- */

struct demo;
typedef void (*demo_fn)(struct demo *d, int64_t a, int64_t b);

/* A uniform random number in [0, n). */
uint32_t demo_rand(struct demo *d, uint32_t n);
/* 1 with probability percent/100. */
int demo_chance(struct demo *d, int percent);

/* The core's clock, and local time on simulated day `day` (0 = the first). */
void demo_at(struct demo *d, int64_t t);
int64_t demo_now(const struct demo *d);
int demo_today(const struct demo *d); /* the simulated day being run */
int64_t demo_time(const struct demo *d, int day, int hour, int minute);
struct core *demo_core(struct demo *d);

/* Adds a record from (field, text) pairs ending with NULL; its id, or 0
** after recording a failure (the pilots' data must always be accepted). */
int64_t demo_add(struct demo *d, const char *noun, ...) __attribute__((sentinel));
/* A person's, team's, place's ... id by name; 0 if there is none. */
int64_t demo_id(struct demo *d, const char *noun, const char *name);

/* Submits TOPIC with fields as JSON (printf-style). A refusal by a rule is
** counted and returns 0; the journal id otherwise (-1 on a failure, which
** is recorded). *followup, if given, gets the id of the first follow-up of
** topic `want` (0 if none). */
int64_t demo_emit(struct demo *d, const char *topic, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int64_t demo_emit_followup(struct demo *d, const char *want, int64_t *followup, const char *topic,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The first column of each row of a query with up to two integer
** arguments (nargs of them); how many were written to out. */
size_t demo_ids(struct demo *d, int64_t *out, size_t max, const char *sql, int nargs, int64_t a,
                int64_t b);
int64_t demo_int(struct demo *d, const char *sql, int nargs, int64_t a, int64_t b);

/* A query's opening that names `inside`: the place ?1 and every place
** within it (a community's sites, say). */
#define DEMO_INSIDE                                                                                \
    "WITH RECURSIVE inside(id) AS (SELECT ?1 UNION ALL SELECT p.id FROM place p "                  \
    "JOIN inside ON p.parent = inside.id) "

/* Runs fn(d, a, b) at time t of the day being planned. */
void demo_later(struct demo *d, int64_t t, demo_fn fn, int64_t a, int64_t b);

/* The pilots' own state (demo_pilots.c), freed with free() at the end. */
void *demo_state(struct demo *d);
void demo_set_state(struct demo *d, void *state);

/* A plausible Chinese name (deterministic from the random sequence). */
void demo_name(struct demo *d, char *out, size_t len);

/* ---- the pilots (demo_pilots.c, demo_days.c) ---- */

/* Records places, organisations, people, teams, projects and rewards. */
int demo_pilots_setup(struct demo *d);
/* Puts what the pilots' people do on simulated day `day` on the agenda. */
void demo_pilots_plan(struct demo *d, int day);

#endif
