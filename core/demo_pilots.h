/*
** demo_pilots.h — what demo_pilots.c (the pilots' records) and demo_days.c
** (what their people do on a day) share: the communities of the demo and
** the state the simulation keeps about them.
*/
#ifndef TANDEM_DEMO_PILOTS_H
#define TANDEM_DEMO_PILOTS_H

#include <stddef.h>
#include <stdint.h>

#include "demo.h"

#define MAX_VOLUNTEERS 24
#define MAX_COURIERS 8
#define MAX_ELDERS 8
#define MAX_OPEN 512

#define NCOMMUNITIES 6

/* What a community is given. */
struct community_data {
    const char *name, *street, *district, *city;
    int volunteers, couriers, elders, students, without_consent;
    const char *team, *team_status, *second_team;
    const char *guard_project, *activity_project, *activity_kind;
    const char *elder_project, *patrol_project, *route, *checkpoints;
    const char *river_unit; /* who deals with river incidents (责任单位) */
    const char *station_project, *school;
    const char *merchant, *reward;
    int reward_cost;
    double lat, lon;
};

struct elder {
    int64_t person;
    int every; /* how often the team actually visits, in days */
    int last;  /* day of the last visit */
};

struct community {
    const struct community_data *data;
    int64_t place, worker, team, second_team, unit, route, rewards[2];
    int64_t guard_project, activity_project, elder_project, patrol_project, station_project;
    int64_t volunteers[MAX_VOLUNTEERS];
    size_t nvolunteers;
    int64_t couriers[MAX_COURIERS];
    size_t ncouriers;
    struct elder elders[MAX_ELDERS];
    size_t nelders;
};

/* Something that happened and is followed up later: an incident, a hazard. */
struct open_case {
    int64_t id;
    int community, day, step;
};

struct state {
    struct community com[NCOMMUNITIES];
    struct open_case incidents[MAX_OPEN], hazards[MAX_OPEN];
    size_t nincidents, nhazards;
};

/* The state demo_pilots_setup makes (the demo frees it). */
static inline struct state *demo_pilots_state(struct demo *d)
{
    return demo_state(d);
}

#endif
