/*
** redis_points.c — see redis_points.h. The script does what points.lua does
** for a check-out, in Redis's terms: read what the person got today and this
** month, cap the award, move it, record the event. It writes less than
** tandem (no attendance row, no service_month, one stream entry instead of
** two journal rows) and is durable only to the last second (everysec).
*/
#include "redis_points.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "resp.h"

static const char points_script[] =
    "local person, day, month = ARGV[1], ARGV[2], ARGV[3]\n"
    "local points = tonumber(ARGV[4])\n"
    "local got = redis.call('HMGET', KEYS[2], person .. ':' .. day, person .. ':' .. month)\n"
    "points = math.min(points, tonumber(ARGV[5]) - tonumber(got[1] or 0),\n"
    "                  tonumber(ARGV[6]) - tonumber(got[2] or 0))\n"
    "redis.call('XADD', KEYS[3], '*', 'topic', 'attendance.checked_out', 'attendance', ARGV[7],\n"
    "           'at', ARGV[8], 'person', person, 'points', points)\n"
    "if points <= 0 then return 0 end\n"
    "redis.call('HINCRBY', KEYS[1], person, points)\n"
    "redis.call('HINCRBY', KEYS[2], person .. ':' .. day, points)\n"
    "redis.call('HINCRBY', KEYS[2], person .. ':' .. month, points)\n"
    "return points\n";

struct redis_points {
    struct resp r;
    char sha[64];
    size_t people, batch;
    size_t done; /* events so far: the next event's person and day */
};

struct redis_points *redis_points_start(const char *dir, size_t people, size_t batch, char *why,
                                        size_t whylen)
{
    struct redis_points *rp = calloc(1, sizeof *rp);
    if (rp == NULL)
        return NULL;
    if (resp_start(&rp->r, dir) != 0) {
        snprintf(why, whylen, "%s", rp->r.err);
        free(rp);
        return NULL;
    }
    const char *load[] = {"SCRIPT", "LOAD", points_script};
    resp_command(&rp->r, 3, load);
    if (resp_flush(&rp->r, 1, rp->sha, sizeof rp->sha) != 0) {
        snprintf(why, whylen, "SCRIPT LOAD failed: %s", rp->sha);
        redis_points_stop(rp);
        return NULL;
    }
    rp->people = people;
    rp->batch = batch;
    return rp;
}

/* Queues the EVALSHA of event number k. */
static void queue_checkout(struct redis_points *rp, size_t k)
{
    char person[24], day[24], month[24], att[24], at[24];
    size_t p = k % rp->people, d = k / rp->people;
    snprintf(person, sizeof person, "%zu", p + 1);
    snprintf(day, sizeof day, "d%zu", d);
    snprintf(month, sizeof month, "m%zu", d / 30);
    snprintf(att, sizeof att, "%zu", k + 1);
    snprintf(at, sizeof at, "%zu", (size_t)1772323200 + d * 86400);
    const char *argv[] = {"EVALSHA", rp->sha, "3",   "balance", "points:totals", "journal", person,
                          day,       month,   "100", "800",     "10000",         att,       at};
    resp_command(&rp->r, 14, argv);
}

double redis_points_run(struct redis_points *rp, size_t events, char *why, size_t whylen)
{
    char last[256] = "";
    double t0 = bench_now();
    for (size_t i = 0; i < events; i += rp->batch) {
        size_t n = events - i < rp->batch ? events - i : rp->batch;
        for (size_t k = 0; k < n; k++)
            queue_checkout(rp, rp->done++);
        int errors = resp_flush(&rp->r, n, last, sizeof last);
        if (errors != 0) {
            snprintf(why, whylen, "%s", errors < 0 ? "connection lost" : last);
            return -1;
        }
    }
    return (double)events / (bench_now() - t0);
}

void redis_points_stop(struct redis_points *rp)
{
    if (rp == NULL)
        return;
    resp_stop(&rp->r);
    free(rp);
}
