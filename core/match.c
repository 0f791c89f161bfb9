/*
** match.c — candidates for a need and their scores, and need.matched.
*/
#include "match.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "model.h"
#include "store.h"
#include "value.h"

const char *const match_kind_names[] = {"resource", "project", "person"};

const tandem_option resources_schema[] = {
    {"stale_after", TANDEM_OPT_DURATION, "90d", 86400000, 3650LL * 86400000, 0,
     "a resource not confirmed for this long is flagged stale"},
    {NULL, 0, NULL, 0, 0, 0, NULL}};

static const tandem_field matched_fields[] = {{"need", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                              {"kind", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
                                              {"target", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                              {"score", TANDEM_REAL, 0},
                                              {"note", TANDEM_TEXT, 0},
                                              {NULL, 0, 0}};

int match_stale_days(struct core *c)
{
    tandem_value v;
    if (c->resources && options_get(c->resources, "stale_after", &v) == TANDEM_OK)
        return (int)(v.u.i / 86400000);
    return 90;
}

/* ---------------------------------------------------------------------- */
/* The need                                                               */

static int read_need(void *ud, int ncols, const tandem_value *cols)
{
    struct match_need *n = ud;
    (void)ncols;
    n->id = cols[0].u.i;
    n->place = cols[1].u.i;
    snprintf(n->category, sizeof n->category, "%s", cols[2].u.s.p);
    snprintf(n->text, sizeof n->text, "%s %s", cols[3].u.s.p,
             cols[4].type == TANDEM_TEXT ? cols[4].u.s.p : "");
    snprintf(n->urgency, sizeof n->urgency, "%s", cols[5].u.s.p);
    return 1;
}

int match_load_need(struct core *c, int64_t id, struct match_need *out)
{
    tandem_value arg = tandem_int(id);
    memset(out, 0, sizeof *out);
    store_exec(c->store, NULL,
               "SELECT id, place, category, description, tags, urgency FROM need WHERE id = ?",
               &arg, 1, read_need, out);
    return out->id ? 0 : -1;
}

/* ---------------------------------------------------------------------- */
/* Distance in the place tree                                             */

struct chain {
    int64_t id[16]; /* the place, its parent, ... up to the root */
    int n;
};

static int add_link(void *ud, int ncols, const tandem_value *cols)
{
    struct chain *ch = ud;
    (void)ncols;
    if (ch->n < 16)
        ch->id[ch->n++] = cols[0].u.i;
    return 0;
}

static void ancestors(struct core *c, int64_t place, struct chain *ch)
{
    tandem_value arg = tandem_int(place);
    ch->n = 0;
    store_exec(c->store, NULL,
               "WITH RECURSIVE up(id, parent, d) AS (SELECT id, parent, 0 FROM place WHERE id = ? "
               "UNION ALL SELECT p.id, p.parent, up.d + 1 FROM place p JOIN up ON p.id = up.parent) "
               "SELECT id FROM up ORDER BY d",
               &arg, 1, add_link, ch);
}

/* Steps from a to b through their nearest common place; -1 if unrelated. */
static int distance(const struct chain *a, const struct chain *b)
{
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (a->id[i] == b->id[j])
                return i + j;
    return -1;
}

/* ---------------------------------------------------------------------- */
/* Candidates                                                             */

struct gather {
    struct match_candidate *v;
    size_t n, cap;
    enum match_kind kind;
    int stale_days;
    char today[11];
    int failed;
};

static int add_candidate(void *ud, int ncols, const tandem_value *cols)
{
    struct gather *g = ud;
    (void)ncols;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        struct match_candidate *v = realloc(g->v, cap * sizeof *v);
        if (v == NULL) {
            g->failed = 1;
            return 1;
        }
        g->v = v;
        g->cap = cap;
    }
    struct match_candidate *m = &g->v[g->n++];
    memset(m, 0, sizeof *m);
    m->kind = g->kind;
    m->id = cols[0].u.i;
    snprintf(m->name, sizeof m->name, "%s", cols[1].type == TANDEM_TEXT ? cols[1].u.s.p : "");
    snprintf(m->category, sizeof m->category, "%s",
             cols[2].type == TANDEM_TEXT ? cols[2].u.s.p : "");
    snprintf(m->keywords, sizeof m->keywords, "%s",
             cols[3].type == TANDEM_TEXT ? cols[3].u.s.p : "");
    m->place = cols[4].type == TANDEM_INT ? cols[4].u.i : 0;
    m->fresh = cols[5].type == TANDEM_INT ? (int)cols[5].u.i : 1;
    return 0;
}

/* Each query takes (today, stale days) as its first parameters, as many as
** it needs. */
static const struct {
    const char *sql;
    int nargs;
} candidate_sql[] = {
    [MATCH_RESOURCE] =
        {"SELECT id, name, category, coalesce(tags, '') || ',' || coalesce(description, ''), "
         "place, confirmed_on IS NOT NULL AND julianday(?1) - julianday(confirmed_on) <= ?2 "
         "FROM resource",
         2},
    [MATCH_PROJECT] =
        {"SELECT id, name, coalesce(programme, ''), coalesce(target_groups, '') || ',' || name, "
         "place, ends_on IS NULL OR ends_on >= ?1 FROM project",
         1},
    [MATCH_PERSON] =
        {"SELECT p.id, p.name || ' ' || p.volunteer_no, '', coalesce(p.skills, ''), p.community, "
         "1 FROM person p WHERE EXISTS (SELECT 1 FROM person_role r WHERE r.person = p.id "
         "AND r.role = 'volunteer')",
         0},
};

/* Keywords of the candidate found in the need's text, counted and named. */
static int shared_keywords(const char *need_text, const char *keywords, char *why, size_t len)
{
    char copy[512];
    int n = 0;
    size_t used = strlen(why);
    entity_normalise_list(keywords, copy, sizeof copy);
    char *save = NULL;
    for (char *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        if (strlen(k) < 3 || strstr(need_text, k) == NULL) /* one CJK character is 3 bytes */
            continue;
        n++;
        if (used + strlen(k) + 4 < len)
            used += (size_t)snprintf(why + used, len - used, "%s%s",
                                     n == 1 ? (used ? " 关键词:" : "关键词:") : ",", k);
    }
    return n;
}

/* The default score: what a social worker would weigh first. */
static void default_score(const struct match_need *need, struct match_candidate *m)
{
    double s = 0;
    m->why[0] = '\0';
    if (m->kind == MATCH_RESOURCE && strcmp(m->category, need->category) == 0) {
        s += 40;
        snprintf(m->why, sizeof m->why, "类别相同");
    }
    int shared = shared_keywords(need->text, m->keywords, m->why, sizeof m->why);
    s += (shared > 3 ? 3 : shared) * (m->kind == MATCH_RESOURCE ? 10 : 15);
    if (m->distance >= 0)
        s += m->distance >= 4 ? 0 : 20 - 5 * m->distance;
    if (m->kind == MATCH_RESOURCE)
        s += m->fresh ? 10 : 0;
    else if (m->fresh)
        s += 5;
    if (m->distance >= 0) {
        size_t used = strlen(m->why);
        snprintf(m->why + used, sizeof m->why - used, "%s距离:%d", used ? " " : "", m->distance);
    }
    m->score = s;
}

static int by_score(const void *a, const void *b)
{
    const struct match_candidate *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    return (x->id > y->id) - (x->id < y->id);
}

int match_rank(struct core *c, const struct match_need *need, struct match_candidate **out,
               size_t *n, char *err, size_t errlen)
{
    struct gather g = {NULL, 0, 0, MATCH_RESOURCE, match_stale_days(c), "", 0};
    struct chain here, there;
    model_date(core_now(c), g.today);
    ancestors(c, need->place, &here);
    tandem_value args[2] = {tandem_text(g.today), tandem_int(g.stale_days)};
    for (int k = MATCH_RESOURCE; k <= MATCH_PERSON && !g.failed; k++) {
        g.kind = (enum match_kind)k;
        store_exec(c->store, NULL, candidate_sql[k].sql, args, candidate_sql[k].nargs,
                   add_candidate, &g);
    }
    if (g.failed) {
        free(g.v);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < g.n; i++) {
        struct match_candidate *m = &g.v[i];
        m->distance = -1;
        if (m->place) {
            ancestors(c, m->place, &there);
            m->distance = distance(&here, &there);
        }
        default_score(need, m);
        if (c->scorer && c->scorer(c->scorer_ud, need, m) != 0) {
            snprintf(err, errlen, "the scoring script failed (see the log); default scores kept");
            for (size_t j = i + 1; j < g.n; j++) /* score the rest by default */
                default_score(need, &g.v[j]);
            break;
        }
    }
    if (g.n)
        qsort(g.v, g.n, sizeof *g.v, by_score);
    *out = g.v;
    *n = g.n;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* need.matched                                                           */

static int apply_matched(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    const tandem_value *need = event_find(ev, "need"), *kind = event_find(ev, "kind");
    const tandem_value *target = event_find(ev, "target");
    static const char *const tables[] = {"resource", "project", "person"};
    int k = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(kind->u.s.p, match_kind_names[i]) == 0)
            k = i;
    if (!entity_exists(c, "need", need->u.i))
        return model_fail(self, "%s: need: there is no need %" PRId64, ev->topic, need->u.i);
    if (k < 0)
        return model_fail(self, "%s: kind: use resource, project or person", ev->topic);
    if (!entity_exists(c, tables[k], target->u.i))
        return model_fail(self, "%s: target: there is no %s %" PRId64, ev->topic, tables[k],
                          target->u.i);
    const tandem_value *score = event_find(ev, "score"), *note = event_find(ev, "note");
    tandem_value args[6] = {tandem_int(ev->id), *need, *kind, *target,
                            score ? *score : tandem_nil(), note ? *note : tandem_nil()};
    if (store_exec(c->store, NULL,
                   "INSERT INTO need_match(id, need, kind, target, score, note) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   args, 6, NULL, NULL) != TANDEM_OK ||
        store_exec(c->store, NULL,
                   "UPDATE need SET status = 'matched' WHERE id = ? AND status = 'open'", need,
                   1, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    return TANDEM_OK;
}

int match_declare(struct core *c)
{
    return bus_declare(c->bus, c->self, "need.matched", matched_fields, apply_matched) ? -1 : 0;
}
