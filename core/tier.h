/*
** tier.h — options that differ by place and by date. Beside its section
** [script.NAME], a plugin or script may have override sections
**
**   [script.points@朝阳区]                 the district's own values
**   [script.points@劲松北社区]              a community overrides its district
**   [script.points@劲松北社区 from 2026-04-01]   ... from that day on
**   [script.points from 2026-07-01]         everyone, from that day on
**
** holding only the keys that differ. A rule asks for a value at a place and a
** time; the most specific section that sets the key wins (the deepest place
** in the place tree, then the latest date), else the base section, else the
** default. No code is copied to vary a rule by community.
*/
#ifndef TANDEM_TIER_H
#define TANDEM_TIER_H

#include <stdint.h>
#include <tandem/plugin.h>

#include "buf.h"
#include "node.h"

struct core;

struct tier {
    char *section;
    int line;
    int64_t place;    /* 0: every place, or not recorded yet */
    char *place_name; /* the place the section names, or NULL for every place */
    int depth;        /* the place's depth in the tree (a city is 0) */
    char from[11]; /* "YYYY-MM-DD", or "" for always */
    options *opts;
};

/* The part of a section name that names its node: "script.points@x" ->
** "script.points" (written to out). */
void tier_base_section(const char *section, char *out, size_t len);

/* Binds every override section of node n against schema. Bad dates and
** names shared by several places are errors (FILE:LINE), appended to errors.
** A place not recorded yet is no error: the section applies from when a
** place of that name is recorded (check-config warns about it), so an
** installation can be configured before its places are entered, and a typo
** in one community's section does not switch a rule off everywhere. */
int tier_bind(struct core *c, node *n, const tandem_option *schema,
              const char *const *extra_keys, buf *errors, int *nerrors);
void tier_free(node *n);

/* The options that decide key for place (0: none) at time t: the most
** specific override section that sets it, else the node's own. */
const options *tier_pick(struct core *c, node *n, const char *key, int64_t place,
                         int64_t t);

/* The value of key for place at time t. */
int tier_get(struct core *c, node *n, const char *key, int64_t place, int64_t t,
             tandem_value *out);

#endif
