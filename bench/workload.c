/*
** workload.c — see workload.h. Only the command layer (command.h) and the
** bus's group commit are used: what `tandem person add`, `tandem checkin`
** and `tandem checkout` do, minus the printing.
*/
#include "workload.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "command.h"
#include "model.h"

#ifndef BENCH_SRCDIR
#define BENCH_SRCDIR "."
#endif

const char *workload_ini(const char *synchronous)
{
    static char ini[1024];
    snprintf(ini, sizeof ini,
             "[core]\n"
             "script_dir = " BENCH_SRCDIR "/scripts\n"
             "log_level = error\n"
             "synchronous = %s\n"
             "[attendance]\n"
             "walk_in = yes\n"
             "[script.points]\n",
             synchronous);
    return ini;
}

static void refused(const char *what, struct bus_result *res)
{
    fprintf(stderr, "bench: %s refused: %s\n", what, res->message ? res->message : "?");
    exit(2);
}

/* command_add of one record from name=value pairs; returns its id. */
static int64_t add(struct core *c, const char *noun, const struct field_input *in, size_t n)
{
    struct bus_result res;
    if (command_add(c, model_entity(noun), in, n, &res) != BUS_OK)
        refused(noun, &res);
    int64_t id = res.id;
    bus_result_clear(&res);
    return id;
}

static void add_places(struct workload *w)
{
    char parent[32];
    int64_t city =
        add(w->c, "place", (struct field_input[]){{"name", "北京市"}, {"kind", "city"}}, 2);
    snprintf(parent, sizeof parent, "%" PRId64, city);
    int64_t district = add(
        w->c, "place",
        (struct field_input[]){{"name", "朝阳区"}, {"kind", "district"}, {"parent", parent}}, 3);
    snprintf(parent, sizeof parent, "%" PRId64, district);
    w->street = add(
        w->c, "place",
        (struct field_input[]){{"name", "劲松街道"}, {"kind", "street"}, {"parent", parent}}, 3);
    snprintf(parent, sizeof parent, "%" PRId64, w->street);
    for (int i = 0; i < WORKLOAD_COMMUNITIES; i++) {
        char name[64];
        snprintf(name, sizeof name, "第%d社区", i + 1);
        w->community[i] = add(
            w->c, "place",
            (struct field_input[]){{"name", name}, {"kind", "community"}, {"parent", parent}}, 3);
    }
}

static void add_people(struct workload *w, size_t n)
{
    w->people = calloc(n, sizeof *w->people);
    w->open = calloc(n, sizeof *w->open);
    if (w->people == NULL || w->open == NULL)
        exit(2);
    w->npeople = n;
    bus_batch_begin(w->c->bus);
    for (size_t i = 0; i < n; i++) {
        char name[64], community[32];
        snprintf(name, sizeof name, "志愿者%06zu", i + 1);
        snprintf(community, sizeof community, "%" PRId64, w->community[i % WORKLOAD_COMMUNITIES]);
        w->people[i] = add(w->c, "person",
                           (struct field_input[]){
                               {"name", name}, {"roles", "volunteer"}, {"community", community}},
                           3);
        if (i % 1000 == 999) { /* keep setup transactions short */
            bus_batch_commit(w->c->bus);
            bus_batch_begin(w->c->bus);
        }
    }
    bus_batch_commit(w->c->bus);
}

void workload_setup(struct workload *w, struct core *c, size_t npeople)
{
    char place[32], team[32];
    memset(w, 0, sizeof *w);
    w->c = c;
    add_places(w);
    add_people(w, npeople);
    snprintf(place, sizeof place, "%" PRId64, w->street);
    w->team =
        add(c, "team",
            (struct field_input[]){{"name", "红绿先锋"}, {"place", place}, {"status", "new"}}, 3);
    snprintf(team, sizeof team, "%" PRId64, w->team);
    w->project = add(c, "project",
                     (struct field_input[]){{"name", "护学蓝"},
                                            {"team", team},
                                            {"place", place},
                                            {"programme", "school_guard"},
                                            {"walk_in", "yes"}},
                     5);
}

void workload_free(struct workload *w)
{
    free(w->people);
    free(w->open);
    memset(w, 0, sizeof *w);
}

int64_t workload_checkin_at(const struct workload *w)
{
    return WORKLOAD_DAY0 + (int64_t)w->day * 86400;
}

int64_t workload_checkout_at(const struct workload *w)
{
    return workload_checkin_at(w) + WORKLOAD_MINUTES * 60;
}

int64_t workload_next_shift(struct workload *w)
{
    char project[32], starts[32], ends[32], capacity[32];
    w->day++;
    snprintf(project, sizeof project, "%" PRId64, w->project);
    snprintf(starts, sizeof starts, "%" PRId64, workload_checkin_at(w));
    snprintf(ends, sizeof ends, "%" PRId64, workload_checkin_at(w) + 2 * 3600);
    snprintf(capacity, sizeof capacity, "%zu", w->npeople);
    w->shift = add(w->c, "shift",
                   (struct field_input[]){{"project", project},
                                          {"title", "护学岗"},
                                          {"kind", "guard"},
                                          {"starts_at", starts},
                                          {"ends_at", ends},
                                          {"capacity", capacity}},
                   6);
    return w->shift;
}

void workload_checkin_round(struct workload *w, size_t batch)
{
    workload_next_shift(w);
    for (size_t i = 0; i < w->npeople; i += batch) {
        bus_batch_begin(w->c->bus);
        for (size_t k = i; k < i + batch && k < w->npeople; k++) {
            struct bus_result res;
            if (command_submit(w->c, "attendance.checked_in", &res, "i:shift", w->shift, "i:person",
                               w->people[k], "i:at", workload_checkin_at(w), "s:source", "kiosk",
                               NULL) != BUS_OK)
                refused("attendance.checked_in", &res);
            w->open[k] = res.id;
            bus_result_clear(&res);
        }
        bus_batch_commit(w->c->bus);
    }
}

static int read_id(void *ud, int ncols, const tandem_value *cols)
{
    (void)ncols;
    *(int64_t *)ud = cols[0].u.i;
    return 1;
}

int workload_checkout(struct workload *w, size_t i)
{
    /* `tandem checkout PERSON` looks up the open attendance, then submits */
    tandem_value person = tandem_int(w->people[i]);
    int64_t open = 0;
    command_query(w->c, "SELECT id FROM attendance WHERE person = ? AND status = 'open'", &person,
                  1, read_id, &open);
    struct bus_result res;
    int status = command_submit(w->c, "attendance.checked_out", &res, "i:attendance", open, "i:at",
                                workload_checkout_at(w), "s:source", "kiosk", NULL);
    if (status != BUS_OK && getenv("BENCH_VERBOSE"))
        fprintf(stderr, "bench: check-out refused: %s\n", res.message ? res.message : "?");
    bus_result_clear(&res);
    return status;
}

size_t workload_checkout_round(struct workload *w, size_t batch)
{
    size_t failed = 0;
    for (size_t i = 0; i < w->npeople; i += batch) {
        if (batch > 1)
            bus_batch_begin(w->c->bus);
        for (size_t k = i; k < i + batch && k < w->npeople; k++)
            failed += workload_checkout(w, k) != BUS_OK;
        if (batch > 1 && bus_batch_commit(w->c->bus) != TANDEM_OK)
            failed += batch;
    }
    return failed;
}
