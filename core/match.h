/*
** match.h — supply meets demand (供需对接): for a resident's or a
** community's need, the resources, projects and volunteers that could meet
** it, ranked by a score. The default score weighs the category, shared
** keywords and skills, the distance in the place tree and how fresh a
** resource's record is; a script can replace it (tandem.scorer).
*/
#ifndef TANDEM_MATCH_H
#define TANDEM_MATCH_H

#include <stdint.h>

#include "core.h"

enum match_kind { MATCH_RESOURCE = 0, MATCH_PROJECT, MATCH_PERSON };

struct match_need {
    int64_t id, place;
    char category[32];
    char text[1024]; /* description and tags, for keyword matching */
    char urgency[16];
};

struct match_candidate {
    enum match_kind kind;
    int64_t id;
    char name[200];
    char category[32];  /* resources: their category */
    char keywords[512]; /* tags, skills, target groups */
    int64_t place;
    int distance;   /* steps in the place tree between need and candidate; -1 unknown */
    int fresh;      /* resources: confirmed within [resources] stale_after */
    double score;   /* the default score, then the scorer's */
    char why[200];  /* what the default score saw */
};

/* The scorer a script registered, called for each candidate after the
** default score; it may change c->score. Set by lua_api.c. */
typedef int (*match_scorer)(void *ud, const struct match_need *need, struct match_candidate *c);

/* Loads a need. -1 if there is none. */
int match_load_need(struct core *c, int64_t id, struct match_need *out);

/* Every candidate for the need, best first. The caller frees *out. */
int match_rank(struct core *c, const struct match_need *need, struct match_candidate **out,
               size_t *n, char *err, size_t errlen);

/* How many days without confirmation make a resource stale ([resources]
** stale_after). */
int match_stale_days(struct core *c);

extern const char *const match_kind_names[];

#endif
