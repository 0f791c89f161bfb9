/*
** redis_points.h — the check-out workload in Redis, for comparison: one
** EVALSHA per check-out of a script that applies points.lua's caps (day and
** month), moves the points (HINCRBY) and appends the event to a stream
** (XADD), pipelined in batches.
*/
#ifndef TANDEM_BENCH_REDIS_POINTS_H
#define TANDEM_BENCH_REDIS_POINTS_H

#include <stddef.h>

struct redis_points;

/* Starts a redis-server in dir and loads the script. NULL with the reason
** in why ("redis-server not installed", …). */
struct redis_points *redis_points_start(const char *dir, size_t people, size_t batch, char *why,
                                        size_t whylen);

/* One timed run of `events` check-outs; returns events per second, or -1
** with the reason in why. */
double redis_points_run(struct redis_points *rp, size_t events, char *why, size_t whylen);

/* Stops the server. */
void redis_points_stop(struct redis_points *rp);

#endif
