/*
** lua_api.c — the `tandem` table scripts program against: registration,
** handlers, emit, the key/value area, options, logging and reads of the
** shared model. docs/SCRIPTING.md documents it.
*/
#include <inttypes.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "core.h"
#include "event.h"
#include "log.h"
#include "lua_host.h"
#include "lua_script.h"
#include "model.h"
#include "sandbox.h"
#include "store.h"
#include "text.h"
#include "tier.h"
#include "value.h"

#define script_of lua_script_of
#define push_value lua_api_push_value
#define to_value lua_api_to_value
#define push_event lua_api_push_event

static const char *script_label(const struct script *s, char *out, size_t len)
{
    snprintf(out, len, "script %s", s->node->name);
    return out;
}

/* ---------------------------------------------------------------------- */
/* Values between Lua and C                                               */

void lua_api_push_value(lua_State *L, const tandem_value *v)
{
    switch (v->type) {
    case TANDEM_NIL: lua_pushnil(L); break;
    case TANDEM_BOOL: lua_pushboolean(L, v->u.b); break;
    case TANDEM_INT: lua_pushinteger(L, v->u.i); break;
    case TANDEM_REAL: lua_pushnumber(L, v->u.r); break;
    default: lua_pushlstring(L, v->u.s.p, v->u.s.n); break;
    }
}

/* The value at idx (strings borrowed from the stack). A string that is not
** UTF-8 becomes a blob. Returns -1 for values that have no field form. */
int lua_api_to_value(lua_State *L, int idx, tandem_value *out)
{
    switch (lua_type(L, idx)) {
    case LUA_TNIL: *out = tandem_nil(); return 0;
    case LUA_TBOOLEAN: *out = tandem_bool(lua_toboolean(L, idx)); return 0;
    case LUA_TNUMBER:
        *out = lua_isinteger(L, idx) ? tandem_int(lua_tointeger(L, idx))
                                     : tandem_real(lua_tonumber(L, idx));
        return 0;
    case LUA_TSTRING: {
        size_t n;
        const char *p = lua_tolstring(L, idx, &n);
        *out = text_utf8_valid(p, n) ? tandem_text(p) : tandem_blob(p, n);
        out->u.s.n = n;
        return 0;
    }
    default: return -1;
    }
}

void lua_api_push_event(lua_State *L, const tandem_event *ev)
{
    lua_createtable(L, 0, (int)ev->n);
    for (size_t i = 0; i < ev->n; i++) {
        push_value(L, &ev->f[i].v);
        lua_setfield(L, -2, ev->f[i].name);
    }
}

/* ---------------------------------------------------------------------- */
/* The tandem table                                                       */

static int must_be_registering(lua_State *L, const char *fn)
{
    if (!script_of(L)->node->registering)
        return luaL_error(L, "tandem.%s can only be called while the script loads "
                             "(at its top level)",
                          fn);
    return 0;
}

static int add_handler(lua_State *L, tandem_phase phase, const char *fn)
{
    struct script *s = script_of(L);
    const char *pattern = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    must_be_registering(L, fn);
    struct lua_handler **list = realloc(s->handlers, (s->nhandlers + 1) * sizeof *list);
    struct lua_handler *h = malloc(sizeof *h);
    if (list)
        s->handlers = list;
    if (list == NULL || h == NULL) {
        free(h);
        return luaL_error(L, "out of memory");
    }
    lua_pushvalue(L, 2);
    *h = (struct lua_handler){s, luaL_ref(L, LUA_REGISTRYINDEX), phase};
    s->handlers[s->nhandlers++] = h;
    if (bus_subscribe(s->core->bus, s->node, phase, pattern, lua_host_dispatch, h) != TANDEM_OK)
        return luaL_error(L, "tandem.%s: %s", fn, s->node->error);
    return 0;
}

static int l_before(lua_State *L)
{
    return add_handler(L, TANDEM_BEFORE, "before");
}

static int l_on(lua_State *L)
{
    return add_handler(L, TANDEM_ON, "on");
}

static int l_after(lua_State *L)
{
    return add_handler(L, TANDEM_AFTER, "after");
}

/* tandem.emit(topic, fields) -> id | nil, reason */
static int l_emit(lua_State *L)
{
    sandbox_check(L);
    struct script *s = script_of(L);
    const char *topic = luaL_checkstring(L, 1);
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    tandem_event *ev = event_new(topic);
    if (ev == NULL)
        return luaL_error(L, "out of memory");
    if (lua_istable(L, 2)) {
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            tandem_value v;
            if (lua_type(L, -2) != LUA_TSTRING || !text_is_name(lua_tostring(L, -2))) {
                event_free(ev);
                return luaL_error(L, "tandem.emit: field names must be lower-case words");
            }
            const char *name = lua_tostring(L, -2);
            if (to_value(L, -1, &v) != 0) {
                event_free(ev);
                return luaL_error(L, "tandem.emit: field %s is a %s; fields hold nil, "
                                     "booleans, numbers and strings",
                                  name, luaL_typename(L, -1));
            }
            if (event_set(ev, name, &v) != TANDEM_OK) {
                event_free(ev);
                return luaL_error(L, "out of memory");
            }
            lua_pop(L, 1);
        }
    }
    /* a Lua table has no order: give undeclared topics a stable one */
    for (size_t i = 1; i < ev->n; i++)
        for (size_t j = i; j > 0 && strcmp(ev->f[j - 1].name, ev->f[j].name) > 0; j--) {
            struct event_field tmp = ev->f[j];
            ev->f[j] = ev->f[j - 1];
            ev->f[j - 1] = tmp;
        }
    s->node->error[0] = '\0';
    int64_t id = bus_emit(s->core->bus, s->node, ev);
    if (id > 0) {
        lua_pushinteger(L, id);
        return 1;
    }
    lua_pushnil(L);
    lua_pushstring(L, s->node->error[0] ? s->node->error : id == TANDEM_REFUSED ? "vetoed"
                                                                                : "failed");
    return 2;
}

static int l_kv_get(lua_State *L)
{
    sandbox_check(L);
    struct script *s = script_of(L);
    const char *key = luaL_checkstring(L, 1);
    tandem_value v;
    int rc = store_kv_get(s->core->store, s->node->name, key, &v);
    if (rc == TANDEM_NOTFOUND) {
        lua_pushnil(L);
        return 1;
    }
    if (rc != TANDEM_OK)
        return luaL_error(L, "tandem.kv.get: %s", store_errmsg(s->core->store));
    push_value(L, &v);
    value_clear(&v);
    return 1;
}

static int l_kv_set(lua_State *L)
{
    sandbox_check(L);
    struct script *s = script_of(L);
    const char *key = luaL_checkstring(L, 1);
    tandem_value v;
    if (to_value(L, 2, &v) != 0)
        return luaL_error(L, "tandem.kv.set: a %s cannot be stored; use nil, a boolean, a "
                             "number or a string",
                          luaL_typename(L, 2));
    if (store_kv_set(s->core->store, s->node->name, key, &v) != TANDEM_OK)
        return luaL_error(L, "tandem.kv.set: %s", store_errmsg(s->core->store));
    return 0;
}

static int push_key(void *ud, const char *key)
{
    lua_State *L = ud;
    lua_pushstring(L, key);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    return 0;
}

/* tandem.kv.keys(prefix) -> the script's keys that start with prefix */
static int l_kv_keys(lua_State *L)
{
    struct script *s = script_of(L);
    const char *prefix = luaL_optstring(L, 1, "");
    sandbox_check(L);
    lua_newtable(L);
    if (store_kv_keys(s->core->store, s->node->name, prefix, push_key, L) != TANDEM_OK)
        return luaL_error(L, "tandem.kv.keys: %s", store_errmsg(s->core->store));
    return 1;
}

/* Joins the arguments like print does. */
static void log_args(lua_State *L, int level)
{
    struct script *s = script_of(L);
    luaL_Buffer b;
    int n = lua_gettop(L);
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *str = luaL_tolstring(L, i, &len);
        if (i > 1)
            luaL_addchar(&b, ' ');
        luaL_addvalue(&b);
        (void)str;
    }
    luaL_pushresult(&b);
    char label[80];
    log_msg(level, script_label(s, label, sizeof label), "%s", lua_tostring(L, -1));
}

static int l_log_debug(lua_State *L)
{
    log_args(L, LOG_DEBUG);
    return 0;
}

static int l_log_info(lua_State *L)
{
    log_args(L, LOG_INFO);
    return 0;
}

static int l_log_warn(lua_State *L)
{
    log_args(L, LOG_WARN);
    return 0;
}

static int l_log_error(lua_State *L)
{
    log_args(L, LOG_ERROR);
    return 0;
}

static int l_now(lua_State *L)
{
    lua_pushinteger(L, core_now(script_of(L)->core));
    return 1;
}

/* tandem.current() -> {id, time, topic, actor, source, cause} or nil; id is
** nil in a `before` handler (the event is not journaled yet) */
static int l_current(lua_State *L)
{
    tandem_event *ev = bus_current(script_of(L)->core->bus);
    if (ev == NULL) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 6);
    if (ev->id) {
        lua_pushinteger(L, ev->id);
        lua_setfield(L, -2, "id");
    }
    lua_pushinteger(L, ev->time);
    lua_setfield(L, -2, "time");
    lua_pushstring(L, ev->topic);
    lua_setfield(L, -2, "topic");
    lua_pushstring(L, ev->actor);
    lua_setfield(L, -2, "actor");
    lua_pushstring(L, ev->source);
    lua_setfield(L, -2, "source");
    lua_pushinteger(L, ev->cause);
    lua_setfield(L, -2, "cause");
    return 1;
}

static const char *const type_words[] = {"any", "boolean", "integer", "real", "text", "blob", NULL};

/* tandem.declare(topic, {field = "integer", other = "text?"}) */
static int l_declare(lua_State *L)
{
    struct script *s = script_of(L);
    const char *topic = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    must_be_registering(L, "declare");
    tandem_field fields[65];
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        if (n == 64)
            return luaL_error(L, "tandem.declare: a topic has at most 64 fields");
        const char *name = lua_tostring(L, -2);
        const char *type = lua_tostring(L, -1);
        if (lua_type(L, -2) != LUA_TSTRING || type == NULL)
            return luaL_error(L, "tandem.declare: use {field = \"integer\", ...}");
        size_t tl = strlen(type);
        int optional = tl > 0 && type[tl - 1] == '?';
        int t = -1;
        for (int i = 0; type_words[i]; i++)
            if (strncmp(type, type_words[i], tl - (size_t)optional) == 0 &&
                strlen(type_words[i]) == tl - (size_t)optional)
                t = i;
        if (t < 0)
            return luaL_error(L, "tandem.declare: field %s: unknown type '%s' (any, boolean, "
                                 "integer, real, text, blob; add ? for optional)",
                              name, type);
        fields[n++] = (tandem_field){name, (tandem_type)t, optional ? 0 : TANDEM_FIELD_REQUIRED};
        lua_pop(L, 1);
    }
    fields[n] = (tandem_field){NULL, 0, 0};
    /* a Lua table has no order: declare fields alphabetically, so that the
    ** journal's field order is stable */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(fields[j - 1].name, fields[j].name) > 0; j--) {
            tandem_field tmp = fields[j];
            fields[j] = fields[j - 1];
            fields[j - 1] = tmp;
        }
    if (bus_declare(s->core->bus, s->node, topic, fields, NULL) != TANDEM_OK)
        return luaL_error(L, "tandem.declare: %s", s->node->error);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Options                                                                */

/* Pushes an option's value: a list as a table of its items. */
static void push_option(lua_State *L, const options *o, const char *key)
{
    const char *item;
    tandem_value v;
    if (options_is_list(o, key)) {
        lua_newtable(L);
        for (size_t k = 0; options_item(o, key, k, &item) == TANDEM_OK; k++) {
            lua_pushstring(L, item);
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
    } else if (options_get(o, key, &v) == TANDEM_OK) {
        push_value(L, &v);
    } else {
        lua_pushnil(L);
    }
}

/* tandem.option(key [, place [, time]]) -> the value for that place and time,
** from the most specific [script.NAME@PLACE ...] section that sets it. */
static int l_option(lua_State *L)
{
    struct script *s = script_of(L);
    const char *key = luaL_checkstring(L, 1);
    int64_t place = luaL_optinteger(L, 2, 0);
    int64_t t = luaL_optinteger(L, 3, core_now(s->core));
    push_option(L, tier_pick(s->core, s->node, key, place, t), key);
    return 1;
}

/* Sets tandem.options to a fresh table of the node's options. */
static void publish_options(lua_State *L, struct script *s)
{
    options *o = s->node->opts;
    lua_getglobal(L, "tandem");
    lua_pushstring(L, "options");
    lua_newtable(L);
    for (size_t i = 0; i < options_count(o); i++) {
        const char *key = options_key(o, i);
        push_option(L, o, key);
        lua_setfield(L, -2, key);
    }
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

static const char *const option_type_words[] = {"text",  "integer", "real", "boolean", "size",
                                                "duration", "list", "path", NULL};

static char *keep_string(struct script *s, const char *str)
{
    char **list = realloc(s->schema_strings, (s->nschema_strings + 1) * sizeof *list);
    if (list == NULL)
        return NULL;
    s->schema_strings = list;
    return list[s->nschema_strings++] = strdup(str);
}

/* One entry of register{options = {...}}: "integer" or {type=, default=, ...}. */
static int read_option(lua_State *L, struct script *s, tandem_option *o)
{
    const char *key = lua_tostring(L, -2);
    const char *type = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
    memset(o, 0, sizeof *o);
    o->key = keep_string(s, key);
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "type");
        type = lua_tostring(L, -1);
        lua_pop(L, 1);
        lua_getfield(L, -1, "default");
        if (!lua_isnil(L, -1))
            o->default_value = keep_string(s, luaL_tolstring(L, -1, NULL)), lua_pop(L, 1);
        lua_pop(L, 1);
        lua_getfield(L, -1, "min");
        o->min = (int64_t)lua_tonumber(L, -1);
        lua_getfield(L, -2, "max");
        o->max = (int64_t)lua_tonumber(L, -1);
        lua_getfield(L, -3, "required");
        o->flags = lua_toboolean(L, -1) ? TANDEM_OPTION_REQUIRED : 0;
        lua_getfield(L, -4, "doc");
        if (lua_isstring(L, -1))
            o->doc = keep_string(s, lua_tostring(L, -1));
        lua_pop(L, 4);
    }
    for (int i = 0; type && option_type_words[i]; i++)
        if (strcmp(type, option_type_words[i]) == 0) {
            o->type = (tandem_option_type)i;
            return 0;
        }
    return luaL_error(L, "tandem.register: option %s: type must be one of text, integer, real, "
                         "boolean, size, duration, list, path",
                      key);
}

static void bind_declared_options(lua_State *L, struct script *s)
{
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        n++;
    }
    free(s->schema);
    s->schema = calloc(n + 1, sizeof *s->schema);
    if (s->schema == NULL)
        luaL_error(L, "out of memory");
    size_t i = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "tandem.register: option names are strings");
        read_option(L, s, &s->schema[i++]);
        lua_pop(L, 1);
    }
    buf errors = BUF_INIT;
    int nerrors = 0;
    options *o = options_bind(s->core->config, s->node->section, s->schema,
                              lua_host_reserved_keys, &errors, &nerrors);
    if (o == NULL || nerrors) {
        lua_pushstring(L, o ? buf_str(&errors) : "out of memory");
        options_free(o);
        buf_free(&errors);
        lua_error(L);
    }
    buf_free(&errors);
    options_free(s->node->opts);
    s->node->opts = o;
    publish_options(L, s);
}

/* tandem.register{version=, summary=, requires={...}, options={...},
** instances="many"} */
static int l_register(lua_State *L)
{
    struct script *s = script_of(L);
    node *n = s->node;
    luaL_checktype(L, 1, LUA_TTABLE);
    must_be_registering(L, "register");
    lua_getfield(L, 1, "version");
    if (lua_isstring(L, -1)) {
        free(n->version);
        n->version = strdup(lua_tostring(L, -1));
    }
    lua_getfield(L, 1, "summary");
    if (lua_isstring(L, -1)) {
        free(n->summary);
        n->summary = strdup(lua_tostring(L, -1));
    }
    lua_pop(L, 2);
    lua_getfield(L, 1, "instances");
    const char *inst = lua_tostring(L, -1);
    if (inst && strcmp(inst, "many") != 0 && strcmp(inst, "one") != 0)
        return luaL_error(L, "tandem.register: instances = \"%s\"? write \"one\" (the "
                             "default) or \"many\"",
                          inst);
    n->instances = inst && strcmp(inst, "many") == 0;
    lua_pop(L, 1);
    lua_getfield(L, 1, "requires");
    if (lua_istable(L, -1)) {
        for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
            char name[64], min[32] = "";
            if (sscanf(lua_tostring(L, -1), "%63[a-z0-9_] >= %31s", name, min) < 1)
                return luaL_error(L, "tandem.register: requires \"%s\"? write \"name\" or "
                                     "\"name >= 1.2\"",
                                  lua_tostring(L, -1));
            if (node_add_dep(n, name, min[0] ? min : NULL) != TANDEM_OK)
                return luaL_error(L, "out of memory");
            lua_pop(L, 1);
        }
        lua_pop(L, 1); /* the value that ended the list */
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "options");
    if (lua_istable(L, -1))
        bind_declared_options(L, s);
    lua_pop(L, 1);
    return 0;
}

void lua_api_open(lua_State *L, struct script *s)
{
    static const luaL_Reg fns[] = {{"register", l_register}, {"before", l_before},
                                   {"on", l_on},             {"after", l_after},
                                   {"emit", l_emit},         {"declare", l_declare},
                                   {"now", l_now},           {"current", l_current},
                                   {"option", l_option},     {NULL, NULL}};
    static const luaL_Reg kv[] = {
        {"get", l_kv_get}, {"set", l_kv_set}, {"keys", l_kv_keys}, {NULL, NULL}};
    static const luaL_Reg logf[] = {{"debug", l_log_debug}, {"info", l_log_info},
                                    {"warn", l_log_warn},   {"error", l_log_error},
                                    {NULL, NULL}};
    luaL_newlib(L, fns);
    luaL_newlib(L, kv);
    lua_setfield(L, -2, "kv");
    luaL_newlib(L, logf);
    lua_setfield(L, -2, "log");
    lua_pushstring(L, s->node->name);
    lua_setfield(L, -2, "name");
    lua_model_open(L);
    lua_setglobal(L, "tandem");
    lua_register(L, "print", l_log_info);
    publish_options(L, s);
}

