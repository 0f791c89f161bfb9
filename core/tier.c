/*
** tier.c — options by place and date.
*/
#include "tier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "model.h"
#include "store.h"
#include "log.h"

void tier_base_section(const char *section, char *out, size_t len)
{
    size_t n = strcspn(section, "@ ");
    snprintf(out, len, "%.*s", (int)n, section);
}

/* Splits "NAME@PLACE from DATE" after the node's section. 0 if it is an
** override of base. */
static int parse_override(const char *section, const char *base, char *place, size_t plen,
                          char *from, size_t flen)
{
    size_t bl = strlen(base);
    if (strncmp(section, base, bl) != 0 || (section[bl] != '@' && section[bl] != ' '))
        return 0;
    const char *p = section + bl;
    const char *at_from = strstr(p, " from ");
    place[0] = from[0] = '\0';
    if (*p == '@') {
        size_t n = at_from ? (size_t)(at_from - p - 1) : strlen(p + 1);
        snprintf(place, plen, "%.*s", (int)n, p + 1);
    }
    if (at_from)
        snprintf(from, flen, "%s", at_from + 6);
    return 1;
}

static int valid_date(const char *s)
{
    int y, m, d;
    char tail;
    return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 &&
           m <= 12 && d >= 1 && d <= 31;
}

static int add_tier(node *n, struct tier *t)
{
    struct tier *v = realloc(n->tiers, (n->ntiers + 1) * sizeof *v);
    if (v == NULL)
        return -1;
    n->tiers = v;
    n->tiers[n->ntiers++] = *t;
    return 0;
}

/* Finds the place a section names and its depth; t->place stays 0 when none
** is recorded yet. -1 with a message when the name is ambiguous. */
static int resolve_place(struct core *c, struct tier *t, char *why, size_t whylen)
{
    tandem_value arg = tandem_text(t->place_name);
    if (model_int(c, "SELECT count(*) FROM place WHERE name = ?", &arg, 1, 0) == 0 &&
        strspn(t->place_name, "0123456789") != strlen(t->place_name))
        return 0;
    if (entity_resolve(c, model_entity("place"), t->place_name, &t->place, why, whylen) != 0)
        return -1;
    arg = tandem_int(t->place);
    t->depth = (int)model_int(c,
                              "WITH RECURSIVE up(id, parent) AS (SELECT id, parent FROM "
                              "place WHERE id = ? UNION ALL SELECT p.id, p.parent FROM "
                              "place p JOIN up ON p.id = up.parent) "
                              "SELECT count(*) FROM up",
                              &arg, 1, 1);
    return 0;
}

static int bind_place(struct core *c, struct tier *t, const char *place, char *why, size_t whylen)
{
    t->place_name = strdup(place);
    if (t->place_name == NULL) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    if (resolve_place(c, t, why, whylen) == 0)
        return 0;
    free(t->place_name);
    t->place_name = NULL;
    return -1;
}

int tier_bind(struct core *c, node *n, const tandem_option *schema,
              const char *const *extra_keys, buf *errors, int *nerrors)
{
    const struct config *cfg = c->config;
    tier_free(n);
    for (size_t i = 0; cfg && i < cfg->ns; i++) {
        char place[128], from[64], why[400];
        if (!parse_override(cfg->s[i].name, n->section, place, sizeof place, from, sizeof from))
            continue;
        struct tier t = {NULL, cfg->s[i].line, 0, NULL, 0, "", NULL};
        if (from[0] && !valid_date(from)) {
            buf_printf(errors, "%s:%d: [%s]: '%s' is not a date such as 2026-04-01\n", cfg->path,
                       t.line, cfg->s[i].name, from);
            (*nerrors)++;
            continue;
        }
        snprintf(t.from, sizeof t.from, "%s", from);
        if (place[0] && bind_place(c, &t, place, why, sizeof why) != 0) {
            buf_printf(errors, "%s:%d: [%s]: %s\n", cfg->path, t.line, cfg->s[i].name, why);
            (*nerrors)++;
            continue;
        }
        if (place[0] && t.place == 0 && c->checking)
            log_msg(LOG_WARN, NULL,
                    "%s:%d: [%s]: there is no place %s yet; the section applies once it "
                    "is recorded",
                    cfg->path, t.line, cfg->s[i].name, place);
        t.section = strdup(cfg->s[i].name);
        t.opts = options_bind_overlay(cfg, cfg->s[i].name, schema, extra_keys, errors, nerrors);
        if (t.section == NULL || t.opts == NULL || add_tier(n, &t) != 0) {
            free(t.section);
            free(t.place_name);
            options_free(t.opts);
            return -1;
        }
    }
    return 0;
}

void tier_free(node *n)
{
    for (size_t i = 0; i < n->ntiers; i++) {
        free(n->tiers[i].section);
        free(n->tiers[i].place_name);
        options_free(n->tiers[i].opts);
    }
    free(n->tiers);
    n->tiers = NULL;
    n->ntiers = 0;
}

struct ancestry {
    int64_t id[32];
    int n;
};

static int add_ancestor(void *ud, int ncols, const tandem_value *cols)
{
    struct ancestry *a = ud;
    (void)ncols;
    if (a->n < 32)
        a->id[a->n++] = cols[0].u.i;
    return 0;
}

static int is_within(const struct ancestry *a, int64_t place)
{
    for (int i = 0; i < a->n; i++)
        if (a->id[i] == place)
            return 1;
    return 0;
}

const options *tier_pick(struct core *c, node *n, const char *key, int64_t place,
                         int64_t t)
{
    struct ancestry a = {{0}, 0};
    char day[11];
    const struct tier *best = NULL;
    model_date(t, day);
    if (place && n->ntiers) {
        tandem_value arg = tandem_int(place);
        store_exec(c->store, NULL,
                   "WITH RECURSIVE up(id, parent) AS (SELECT id, parent FROM place WHERE id = ? "
                   "UNION ALL SELECT p.id, p.parent FROM place p JOIN up ON p.id = up.parent) "
                   "SELECT id FROM up",
                   &arg, 1, add_ancestor, &a);
    }
    for (size_t i = 0; i < n->ntiers; i++) {
        struct tier *tr = &n->tiers[i];
        char why[200];
        if (tr->place_name && tr->place == 0 && (resolve_place(c, tr, why, sizeof why) != 0 ||
                                                 tr->place == 0))
            continue; /* its place is not recorded yet (or now ambiguous) */
        if ((tr->from[0] && strcmp(tr->from, day) > 0) || (tr->place && !is_within(&a, tr->place)))
            continue;
        if (options_line(tr->opts, key) == 0)
            continue; /* this section does not set the key */
        if (best == NULL || tr->depth > best->depth ||
            (tr->depth == best->depth && strcmp(tr->from, best->from) > 0))
            best = tr;
    }
    return best ? best->opts : n->opts;
}

int tier_get(struct core *c, node *n, const char *key, int64_t place, int64_t t,
             tandem_value *out)
{
    return options_get(tier_pick(c, n, key, place, t), key, out);
}
