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
#include "lua_script.h"
#include "match.h"
#include "model.h"
#include "sandbox.h"
#include "store.h"

/* ---------------------------------------------------------------------- */
/* tandem.get                                                             */

/* Records that are not plain entities, with the columns scripts may read. */
static const struct {
    const char *noun;
    const char *sql;
    const char *names[14];
} readables[] = {
    {"attendance",
     "SELECT id, shift, person, project, community, month, checkin_at, checkout_at, minutes, "
     "status, flag, back_entry FROM attendance WHERE id = ?",
     {"id", "shift", "person", "project", "community", "month", "checkin_at", "checkout_at",
      "minutes", "status", "flag", "back_entry", NULL}},
    {"correction",
     "SELECT id, attendance, checkin_at, checkout_at, status FROM correction WHERE id = ?",
     {"id", "attendance", "checkin_at", "checkout_at", "status", NULL}},
    {"signup", "SELECT id, shift, person, status FROM signup WHERE id = ?",
     {"id", "shift", "person", "status", NULL}},
    {"redemption", "SELECT id, reward, person, code, cost / 100.0, status FROM redemption "
                   "WHERE id = ?",
     {"id", "reward", "person", "code", "cost", "status", NULL}},
    {NULL, NULL, {NULL}}};

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
    } else {
        int i = 0;
        while (readables[i].noun && strcmp(readables[i].noun, noun) != 0)
            i++;
        if (readables[i].noun == NULL)
            return luaL_error(L, "tandem.get: no records are called '%s' (place, org, person, "
                                 "team, project, shift, attendance, signup ...)",
                              noun);
        buf_puts(&sql, readables[i].sql);
        for (r.n = 0; readables[i].names[r.n]; r.n++)
            r.names[r.n] = readables[i].names[r.n];
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

void lua_model_open(lua_State *L)
{
    static const luaL_Reg points[] = {{"award", l_award},       {"expire", l_expire},
                                      {"total", l_total},       {"balance", l_balance},
                                      {"expirable", l_expirable}, {"holders", l_holders},
                                      {NULL, NULL}};
    lua_pushcfunction(L, l_get);
    lua_setfield(L, -2, "get");
    lua_pushcfunction(L, l_scorer);
    lua_setfield(L, -2, "scorer");
    luaL_newlib(L, points);
    lua_setfield(L, -2, "points");
}
