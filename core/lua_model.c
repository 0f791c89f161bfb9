/*
** lua_model.c — what scripts read of the shared model and how they move
** points: tandem.get, tandem.points.*, tandem.scorer. Reads leave out the
** personal data a record marks private; points move only as events.
*/
#include <inttypes.h>
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "core.h"
#include "event.h"
#include "ledger.h"
#include "log.h"
#include "lua_host.h"
#include "lua_script.h"
#include "match.h"
#include "model.h"
#include "sandbox.h"
#include "scheduler.h"
#include "value.h"
#include "store.h"

/* ---------------------------------------------------------------------- */
/* tandem.get                                                             */

struct record_fields {
    lua_State *L;
    const char *names[48];
    int n;
    int found;
};

static int push_record(void *ud, int ncols, const tandem_value *cols)
{
    struct record_fields *r = ud;
    lua_createtable(r->L, 0, ncols);
    for (int i = 0; i < ncols && i < r->n; i++) {
        lua_api_push_value(r->L, &cols[i]);
        lua_setfield(r->L, -2, r->names[i]);
    }
    r->found = 1;
    return 1;
}

/* The SELECT of an entity's readable columns. */
static void entity_sql(const struct entity *e, struct record_fields *r, buf *sql)
{
    buf_puts(sql, "SELECT id");
    for (const struct spec *sp = e->specs; sp->name && r->n < 44; sp++) {
        if (sp->flags & SPEC_PRIVATE)
            continue;
        buf_printf(sql, ", %s", sp->name);
        r->names[r->n++] = sp->name;
    }
    if (strcmp(e->table, "person") == 0) {
        buf_puts(sql, ", volunteer_no, consent_at IS NOT NULL AND guardian IS NOT NULL");
        r->names[r->n++] = "volunteer_no";
        r->names[r->n++] = "consent";
    }
    buf_printf(sql, " FROM %s WHERE id = ?", e->table);
}

/* The SELECT of another record's readable columns: the same columns (and
** view) tandem.list and plugins' record_get read (model_readable_columns). */
static int record_sql(const char *noun, struct record_fields *r, buf *sql)
{
    const char *table;
    r->n = model_readable_columns(noun, &table, r->names, 48);
    if (r->n == 0)
        return -1;
    buf_puts(sql, "SELECT ");
    for (int i = 0; i < r->n; i++)
        buf_printf(sql, "%s%s", i ? ", " : "", r->names[i]);
    buf_printf(sql, " FROM %s WHERE id = ?", table);
    return 0;
}

/* tandem.get(noun, id) -> the record's fields, or nil. */
static int l_get(lua_State *L)
{
    struct script *s = lua_script_of(L);
    const char *noun = luaL_checkstring(L, 1);
    lua_Integer id = luaL_checkinteger(L, 2);
    sandbox_check(L);
    struct record_fields r = {L, {"id"}, 1, 0};
    buf sql = BUF_INIT;
    const struct entity *e = model_entity(noun);
    if (e) {
        entity_sql(e, &r, &sql);
    } else if (record_sql(noun, &r, &sql) != 0) {
        buf_free(&sql);
        return luaL_error(L, "tandem.get: no records are called '%s' (place, org, person, "
                             "team, project, shift, attendance, signup, redemption, alert ...)",
                          noun);
    }
    tandem_value arg = tandem_int(id);
    store_exec(s->core->store, NULL, buf_str(&sql), &arg, 1, push_record, &r);
    buf_free(&sql);
    if (!r.found)
        lua_pushnil(L);
    return 1;
}

/* ---------------------------------------------------------------------- */
/* tandem.points                                                          */

static int emit_result(lua_State *L, struct script *s, tandem_event *ev)
{
    s->node->error[0] = '\0';
    int64_t id = bus_emit(s->core->bus, s->node, ev);
    if (id > 0) {
        lua_pushinteger(L, id);
        return 1;
    }
    lua_pushnil(L);
    lua_pushstring(L, s->node->error[0] ? s->node->error : "failed");
    return 2;
}

/* tandem.points.award{person=, points=, reason=, attendance=, category=, at=} */
static int l_award(lua_State *L)
{
    struct script *s = lua_script_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    sandbox_check(L);
    lua_getfield(L, 1, "person");
    lua_getfield(L, 1, "points");
    lua_Integer person = luaL_checkinteger(L, -2);
    lua_Number points = luaL_checknumber(L, -1);
    tandem_event *ev = event_new("points.awarded");
    static const char *const ints[] = {"attendance", "at", NULL};
    static const char *const texts[] = {"reason", "category", NULL};
    int bad = ev == NULL || event_set_int(ev, "person", person) != TANDEM_OK ||
              event_set(ev, "points", &(tandem_value){TANDEM_REAL, {.r = points}}) != TANDEM_OK ||
              event_set_text(ev, "rule", s->node->name) != TANDEM_OK;
    for (int i = 0; !bad && ints[i]; i++) {
        lua_getfield(L, 1, ints[i]);
        if (lua_isinteger(L, -1))
            bad = event_set_int(ev, ints[i], lua_tointeger(L, -1)) != TANDEM_OK;
        lua_pop(L, 1);
    }
    for (int i = 0; !bad && texts[i]; i++) {
        lua_getfield(L, 1, texts[i]);
        if (lua_isstring(L, -1))
            bad = event_set_text(ev, texts[i], lua_tostring(L, -1)) != TANDEM_OK;
        lua_pop(L, 1);
    }
    if (bad) {
        event_free(ev);
        return luaL_error(L, "out of memory");
    }
    return emit_result(L, s, ev);
}

/* tandem.points.expire(person, points, reason) */
static int l_expire(lua_State *L)
{
    struct script *s = lua_script_of(L);
    lua_Integer person = luaL_checkinteger(L, 1);
    lua_Number points = luaL_checknumber(L, 2);
    const char *reason = luaL_optstring(L, 3, NULL);
    sandbox_check(L);
    tandem_event *ev = event_new("points.expired");
    if (ev == NULL || event_set_int(ev, "person", person) != TANDEM_OK ||
        event_set(ev, "points", &(tandem_value){TANDEM_REAL, {.r = points}}) != TANDEM_OK ||
        event_set_text(ev, "rule", s->node->name) != TANDEM_OK ||
        event_set_text(ev, "reason", reason) != TANDEM_OK) {
        event_free(ev);
        return luaL_error(L, "out of memory");
    }
    return emit_result(L, s, ev);
}

static void push_points(lua_State *L, int64_t hundredths)
{
    if (hundredths % LEDGER_SCALE == 0)
        lua_pushinteger(L, hundredths / LEDGER_SCALE);
    else
        lua_pushnumber(L, (double)hundredths / LEDGER_SCALE);
}

/* tandem.points.total(person, from, to [, rule]) -> points awarded for
** service in [from, to) */
static int l_total(lua_State *L)
{
    struct script *s = lua_script_of(L);
    lua_Integer person = luaL_checkinteger(L, 1);
    lua_Integer from = luaL_checkinteger(L, 2), to = luaL_checkinteger(L, 3);
    const char *rule = luaL_optstring(L, 4, NULL);
    push_points(L, ledger_awarded(s->core, person, from, to, rule));
    return 1;
}

static int l_balance(lua_State *L)
{
    push_points(L, ledger_balance(lua_script_of(L)->core, luaL_checkinteger(L, 1)));
    return 1;
}

static int l_expirable(lua_State *L)
{
    struct script *s = lua_script_of(L);
    push_points(L, ledger_expirable(s->core, luaL_checkinteger(L, 1), luaL_checkinteger(L, 2)));
    return 1;
}

static int push_holder(void *ud, int ncols, const tandem_value *cols)
{
    lua_State *L = ud;
    (void)ncols;
    lua_pushinteger(L, cols[0].u.i);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -1) + 1);
    return 0;
}

/* tandem.points.holders() -> ids of the people with points */
static int l_holders(lua_State *L)
{
    struct script *s = lua_script_of(L);
    lua_newtable(L);
    store_exec(s->core->store, NULL,
               "SELECT a.ref FROM balance b JOIN account a ON a.id = b.account "
               "WHERE a.kind = 'person' AND b.amount > 0 ORDER BY a.ref",
               NULL, 0, push_holder, L);
    return 1;
}

/* ---------------------------------------------------------------------- */
/* tandem.scorer                                                          */

struct scorer {
    struct script *script;
    int ref;
};

static void push_need(lua_State *L, const struct match_need *n)
{
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, n->id);
    lua_setfield(L, -2, "id");
    lua_pushinteger(L, n->place);
    lua_setfield(L, -2, "place");
    lua_pushstring(L, n->category);
    lua_setfield(L, -2, "category");
    lua_pushstring(L, n->text);
    lua_setfield(L, -2, "text");
    lua_pushstring(L, n->urgency);
    lua_setfield(L, -2, "urgency");
}

static void push_candidate(lua_State *L, const struct match_candidate *m)
{
    lua_createtable(L, 0, 10);
    lua_pushstring(L, match_kind_names[m->kind]);
    lua_setfield(L, -2, "kind");
    lua_pushinteger(L, m->id);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, m->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, m->category);
    lua_setfield(L, -2, "category");
    lua_pushstring(L, m->keywords);
    lua_setfield(L, -2, "keywords");
    lua_pushinteger(L, m->place);
    lua_setfield(L, -2, "place");
    lua_pushinteger(L, m->distance);
    lua_setfield(L, -2, "distance");
    lua_pushboolean(L, m->fresh);
    lua_setfield(L, -2, "fresh");
    lua_pushnumber(L, m->score);
    lua_setfield(L, -2, "score");
}

/* Called by match.c for each candidate. */
static int run_scorer(void *ud, const struct match_need *need, struct match_candidate *m)
{
    struct scorer *sc = ud;
    struct script *s = sc->script;
    lua_State *L = s->L;
    char err[2048];
    int top = lua_gettop(L);
    s->sb.limits.instructions = s->limits.instructions;
    s->sb.limits.time_ms = s->limits.time_ms;
    lua_rawgeti(L, LUA_REGISTRYINDEX, sc->ref);
    push_need(L, need);
    push_candidate(L, m);
    if (sandbox_call(L, 2, 1, err, sizeof err) != LUA_OK) {
        log_msg(LOG_ERROR, s->node->name, "scorer stopped: %s", err);
        lua_settop(L, top);
        return -1;
    }
    if (lua_isnumber(L, -1))
        m->score = lua_tonumber(L, -1);
    lua_settop(L, top);
    return 0;
}

/* tandem.scorer(function(need, candidate) return score end) */
static int l_scorer(lua_State *L)
{
    struct script *s = lua_script_of(L);
    struct core *c = s->core;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    if (!s->node->registering)
        return luaL_error(L, "tandem.scorer can only be called while the script loads");
    if (c->scorer_owner && strcmp(c->scorer_owner->name, s->node->name) != 0)
        return luaL_error(L, "tandem.scorer: script %s already scores matches; only one may",
                          c->scorer_owner->name);
    struct scorer *sc = lua_newuserdatauv(L, sizeof *sc, 0); /* lives with the state */
    sc->script = s;
    lua_pushvalue(L, 1);
    sc->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    luaL_ref(L, LUA_REGISTRYINDEX); /* keep the userdata alive */
    c->scorer = run_scorer;
    c->scorer_ud = sc;
    c->scorer_owner = s->node;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* tandem.list, tandem.count                                              */

/* Builds "FROM table WHERE ..." from a filter table: field = value for
** equality, field_min / field_max for ranges. Fields must be readable. */
static int build_where(lua_State *L, int idx, const char *noun, const char **table, buf *sql,
                       tandem_value *args, int *nargs, int max)
{
    const char *names[48];
    if (model_readable_columns(noun, table, names, 48) == 0)
        return luaL_error(L, "no records are called '%s'", noun);
    buf_printf(sql, " FROM %s WHERE 1", *table);
    if (lua_isnoneornil(L, idx))
        return 0;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        char field[64];
        const char *key = lua_tostring(L, -2);
        const char *op = " = ";
        size_t len = key ? strlen(key) : 0;
        snprintf(field, sizeof field, "%s", key ? key : "");
        if (len > 4 && strcmp(field + len - 4, "_min") == 0)
            field[len - 4] = '\0', op = " >= ";
        else if (len > 4 && strcmp(field + len - 4, "_max") == 0)
            field[len - 4] = '\0', op = " <= ";
        if (lua_type(L, -2) != LUA_TSTRING || !model_is_readable(noun, field))
            return luaL_error(L, "%s has no readable field '%s'", noun, key ? key : "?");
        if (*nargs >= max || lua_api_to_value(L, -1, &args[*nargs]) != 0)
            return luaL_error(L, "filter %s: use a number, a string or a boolean", key);
        buf_printf(sql, " AND %s%s?", field, op);
        (*nargs)++;
        lua_pop(L, 1);
    }
    return 0;
}

struct listing {
    lua_State *L;
    const char **names;
    int n;
    lua_Integer count;
};

static int list_row(void *ud, int ncols, const tandem_value *cols)
{
    struct listing *l = ud;
    lua_createtable(l->L, 0, ncols);
    for (int i = 0; i < ncols && i < l->n; i++) {
        lua_api_push_value(l->L, &cols[i]);
        lua_setfield(l->L, -2, l->names[i]);
    }
    lua_rawseti(l->L, -2, ++l->count);
    return 0;
}

/* tandem.list(noun [, where [, limit]]) -> array of records, by id */
static int l_list(lua_State *L)
{
    struct script *s = lua_script_of(L);
    const char *noun = luaL_checkstring(L, 1);
    lua_Integer limit = luaL_optinteger(L, 3, 1000);
    const char *table, *names[48];
    tandem_value args[24];
    int nargs = 0;
    sandbox_check(L);
    int n = model_readable_columns(noun, &table, names, 48);
    buf sql = BUF_INIT, where = BUF_INIT;
    build_where(L, 2, noun, &table, &where, args, &nargs, 24);
    buf_puts(&sql, "SELECT ");
    for (int i = 0; i < n; i++)
        buf_printf(&sql, "%s%s", i ? ", " : "", names[i]);
    buf_printf(&sql, "%s ORDER BY id LIMIT %lld", buf_str(&where),
               (long long)(limit > 0 && limit <= 10000 ? limit : 1000));
    struct listing l = {L, names, n, 0};
    lua_newtable(L);
    store_exec(s->core->store, NULL, buf_str(&sql), args, nargs, list_row, &l);
    buf_free(&sql);
    buf_free(&where);
    return 1;
}

/* tandem.count(noun [, where]) -> how many records match */
static int l_count(lua_State *L)
{
    struct script *s = lua_script_of(L);
    const char *noun = luaL_checkstring(L, 1), *table;
    tandem_value args[24];
    int nargs = 0;
    buf sql = BUF_INIT, where = BUF_INIT;
    build_where(L, 2, noun, &table, &where, args, &nargs, 24);
    buf_printf(&sql, "SELECT count(*)%s", buf_str(&where));
    lua_pushinteger(L, model_int(s->core, buf_str(&sql), args, nargs, 0));
    buf_free(&sql);
    buf_free(&where);
    return 1;
}

/* tandem.candidates(shift [, limit]) -> volunteers who could take the shift:
** the volunteer role, every skill it needs, no clash, not signed up yet. */
static int l_candidates(lua_State *L)
{
    struct script *s = lua_script_of(L);
    lua_Integer shift = luaL_checkinteger(L, 1), limit = luaL_optinteger(L, 2, 20);
    static const char *names[] = {"id", "name", "volunteer_no"};
    tandem_value args[2] = {tandem_int(shift), tandem_int(limit > 0 ? limit : 20)};
    struct listing l = {L, names, 3, 0};
    lua_newtable(L);
    store_exec(s->core->store, NULL,
               "SELECT p.id, p.name, p.volunteer_no FROM person p, shift s WHERE s.id = ?1 "
               "AND EXISTS (SELECT 1 FROM person_role r WHERE r.person = p.id "
               "AND r.role = 'volunteer') "
               "AND NOT EXISTS (SELECT 1 FROM signup g WHERE g.person = p.id AND g.shift = s.id "
               "AND g.status IN ('confirmed', 'waitlisted', 'pending')) "
               "AND NOT EXISTS (SELECT 1 FROM signup g JOIN shift o ON o.id = g.shift "
               "WHERE g.person = p.id AND g.status IN ('confirmed', 'waitlisted') "
               "AND o.starts_at < s.ends_at AND o.ends_at > s.starts_at) "
               "AND (s.skills IS NULL OR s.skills = '' OR NOT EXISTS ("
               "WITH RECURSIVE need(skill, rest) AS (SELECT '', s.skills || ',' UNION ALL "
               "SELECT trim(substr(rest, 1, instr(rest, ',') - 1)), substr(rest, instr(rest, ',') "
               "+ 1) FROM need WHERE rest <> '') SELECT 1 FROM need WHERE skill <> '' AND "
               "NOT EXISTS (SELECT 1 FROM person_skill k WHERE k.person = p.id AND "
               "k.skill = need.skill))) ORDER BY p.id LIMIT ?2",
               args, 2, list_row, &l);
    return 1;
}

/* tandem.hours(person, from, to) -> counted minutes of service that began
** in [from, to) */
static int l_hours(lua_State *L)
{
    struct script *s = lua_script_of(L);
    tandem_value args[3] = {tandem_int(luaL_checkinteger(L, 1)),
                            tandem_int(luaL_checkinteger(L, 2)),
                            tandem_int(luaL_checkinteger(L, 3))};
    lua_pushinteger(L, model_int(s->core,
                                 "SELECT coalesce(sum(minutes), 0) FROM attendance WHERE "
                                 "person = ? AND checkin_at >= ? AND checkin_at < ? AND status "
                                 "IN ('closed', 'auto_closed', 'corrected')",
                                 args, 3, 0));
    return 1;
}

/* ---------------------------------------------------------------------- */
/* tandem.recent                                                          */

struct recent {
    lua_State *L;
    lua_Integer n;
};

static int push_recent(void *ud, const struct journal_row *row)
{
    struct recent *r = ud;
    char err[200];
    tandem_event *ev = bus_event_from_row(row, err, sizeof err);
    if (ev == NULL)
        return 0;
    lua_api_push_event(r->L, ev);
    lua_pushinteger(r->L, row->id);
    lua_setfield(r->L, -2, "id");
    lua_pushinteger(r->L, row->time);
    lua_setfield(r->L, -2, "time");
    lua_rawseti(r->L, -2, ++r->n);
    event_free(ev);
    return r->n >= 1000;
}

/* tandem.recent(topic, seconds) -> the topic's events of the last seconds,
** oldest first (each a table of its fields plus id and time) */
static int l_recent(lua_State *L)
{
    struct script *s = lua_script_of(L);
    const char *topic = luaL_checkstring(L, 1);
    lua_Integer seconds = luaL_checkinteger(L, 2);
    tandem_value arg = tandem_int(core_now(s->core) - seconds);
    int64_t first = model_int(s->core, "SELECT coalesce(min(id), 0) FROM journal WHERE time >= ?",
                              &arg, 1, 0);
    struct recent r = {L, 0};
    lua_newtable(L);
    if (first == 0)
        return 1;
    struct journal_query q = {topic, first - 1, 0, 1000};
    store_journal_scan(s->core->store, &q, push_recent, &r);
    return 1;
}

/* ---------------------------------------------------------------------- */
/* tandem.timer, tandem.report                                            */

static int l_timer(lua_State *L)
{
    struct script *s = lua_script_of(L);
    const char *name = luaL_checkstring(L, 1), *schedule = luaL_checkstring(L, 2);
    char err[400];
    if (!s->node->registering)
        return luaL_error(L, "tandem.timer can only be called while the script loads");
    if (sched_add(s->core, s->node, name, schedule, err, sizeof err) != 0)
        return luaL_error(L, "tandem.timer: %s", err);
    return 0;
}

struct lua_report {
    char *name;
    char *summary;
    node *owner;
    int ref;
};

struct lua_reports {
    struct lua_report *v;
    size_t n;
};

/* tandem.report(name, summary, function(args) return headers, rows end) */
static int l_report(lua_State *L)
{
    struct script *s = lua_script_of(L);
    struct core *c = s->core;
    const char *name = luaL_checkstring(L, 1), *summary = luaL_checkstring(L, 2);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    if (!s->node->registering)
        return luaL_error(L, "tandem.report can only be called while the script loads");
    if (c->reports == NULL && (c->reports = calloc(1, sizeof *c->reports)) == NULL)
        return luaL_error(L, "out of memory");
    struct lua_reports *r = c->reports;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].name, name) == 0 && r->v[i].owner != s->node &&
            strcmp(r->v[i].owner->name, s->node->name) != 0)
            return luaL_error(L, "tandem.report: script %s already has a report called %s",
                              r->v[i].owner->name, name);
    struct lua_report *v = realloc(r->v, (r->n + 1) * sizeof *v);
    if (v == NULL)
        return luaL_error(L, "out of memory");
    r->v = v;
    lua_pushvalue(L, 3);
    v[r->n] = (struct lua_report){strdup(name), strdup(summary), s->node,
                                  luaL_ref(L, LUA_REGISTRYINDEX)};
    r->n++;
    return 0;
}

void lua_model_forget(struct core *c, node *n)
{
    struct lua_reports *r = c->reports;
    size_t w = 0;
    for (size_t i = 0; r && i < r->n; i++) {
        if (r->v[i].owner == n) {
            free(r->v[i].name);
            free(r->v[i].summary);
            continue;
        }
        r->v[w++] = r->v[i];
    }
    if (r)
        r->n = w;
}

void lua_model_move(struct core *c, node *from, node *to)
{
    struct lua_reports *r = c->reports;
    for (size_t i = 0; r && i < r->n; i++)
        if (r->v[i].owner == from)
            r->v[i].owner = to;
}

void lua_model_free(struct core *c)
{
    lua_model_forget(c, NULL);
    struct lua_reports *r = c->reports;
    for (size_t i = 0; r && i < r->n; i++) {
        free(r->v[i].name);
        free(r->v[i].summary);
    }
    if (r)
        free(r->v);
    free(r);
    c->reports = NULL;
}

size_t lua_model_reports(struct core *c, const char **names, const char **summaries, size_t max)
{
    struct lua_reports *r = c->reports;
    size_t n = 0;
    for (size_t i = 0; r && i < r->n && n < max; i++) {
        names[n] = r->v[i].name;
        summaries[n++] = r->v[i].summary;
    }
    return n;
}

static void cell_text(lua_State *L, int idx, buf *out)
{
    tandem_value v;
    if (lua_api_to_value(L, idx, &v) == 0)
        value_format(out, &v);
}

int lua_model_run_report(struct core *c, const char *name, const char *const *args, size_t nargs,
                         struct report_rows *out, char *err, size_t errlen)
{
    struct lua_reports *r = c->reports;
    struct lua_report *rep = NULL;
    for (size_t i = 0; r && i < r->n; i++)
        if (strcmp(r->v[i].name, name) == 0)
            rep = &r->v[i];
    memset(out, 0, sizeof *out);
    if (rep == NULL || rep->owner->script == NULL)
        return snprintf(err, errlen, "no script offers a report called '%s'", name), -1;
    struct script *s = rep->owner->script;
    lua_State *L = s->L;
    int top = lua_gettop(L);
    s->sb.limits.instructions = s->limits.instructions * 100; /* reports read a lot */
    s->sb.limits.time_ms = s->limits.time_ms * 50;
    lua_rawgeti(L, LUA_REGISTRYINDEX, rep->ref);
    lua_createtable(L, 0, (int)(nargs / 2));
    for (size_t i = 0; i + 1 < nargs; i += 2) {
        lua_pushstring(L, args[i + 1]);
        lua_setfield(L, -2, args[i]);
    }
    if (sandbox_call(L, 1, 2, err, errlen) != LUA_OK) {
        lua_settop(L, top);
        return -1;
    }
    if (!lua_istable(L, -2) || !lua_istable(L, -1)) {
        lua_settop(L, top);
        return snprintf(err, errlen, "report %s must return headers and rows (two tables)", name),
               -1;
    }
    out->ncols = (size_t)lua_rawlen(L, -2);
    for (size_t i = 1; i <= out->ncols; i++) {
        lua_rawgeti(L, -2, (lua_Integer)i);
        cell_text(L, -1, &out->cells);
        buf_putc(&out->cells, '\0');
        lua_pop(L, 1);
    }
    size_t rows = (size_t)lua_rawlen(L, -1);
    for (size_t i = 1; i <= rows; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        for (size_t k = 1; k <= out->ncols; k++) {
            if (lua_istable(L, -1))
                lua_rawgeti(L, -1, (lua_Integer)k);
            else
                lua_pushnil(L);
            cell_text(L, -1, &out->cells);
            buf_putc(&out->cells, '\0');
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        out->nrows++;
    }
    lua_settop(L, top);
    return out->cells.failed ? (snprintf(err, errlen, "out of memory"), -1) : 0;
}

void lua_model_open(lua_State *L)
{
    static const luaL_Reg points[] = {{"award", l_award},       {"expire", l_expire},
                                      {"total", l_total},       {"balance", l_balance},
                                      {"expirable", l_expirable}, {"holders", l_holders},
                                      {NULL, NULL}};
    static const luaL_Reg fns[] = {{"get", l_get},       {"list", l_list},
                                   {"count", l_count},   {"candidates", l_candidates},
                                   {"hours", l_hours},   {"recent", l_recent},
                                   {"timer", l_timer},   {"report", l_report},
                                   {"scorer", l_scorer}, {NULL, NULL}};
    luaL_setfuncs(L, fns, 0);
    luaL_newlib(L, points);
    lua_setfield(L, -2, "points");
}
