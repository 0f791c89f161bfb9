/*
** sandbox.c — a Lua state that scripts cannot use to hang, crash or escape
** the service. This file uses only Lua's public C API.
*/
#include "sandbox.h"

#include "pattern.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Memory                                                                 */

/* Refuses growth past the cap; never refuses a shrink. In Lua 5.4, osize is
** a type tag (not a size) when ptr is NULL. */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        sb->mem -= old;
        return NULL;
    }
    if (nsize > old && sb->limits.memory && sb->mem - old + nsize > sb->limits.memory) {
        /* Lua answers a refusal with a full collection and one retry of the
        ** same request; only if that fails too is the limit really hit. */
        sb->refused = 1;
        sb->refused_size = nsize;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL)
        return nsize <= old ? ptr : NULL;
    if (sb->refused && nsize == sb->refused_size && nsize > old)
        sb->refused = 0; /* the retry after the emergency collection worked */
    sb->mem = sb->mem - old + nsize;
    if (sb->mem > sb->mem_peak)
        sb->mem_peak = sb->mem;
    return p;
}

struct sandbox *sandbox_of(lua_State *L)
{
    return *(struct sandbox **)lua_getextraspace(L);
}

/* ---------------------------------------------------------------------- */
/* Instructions and time                                                  */

static int past(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline->tv_sec ||
           (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

const char *sandbox_kill_reason(const struct sandbox *sb)
{
    switch (sb->killed) {
    case SANDBOX_INSTRUCTIONS: return "instruction limit exceeded";
    case SANDBOX_TIME: return "time limit exceeded";
    case SANDBOX_MEMORY: return "memory limit exceeded";
    default: return "";
    }
}

/* Adds work to the call's budget and marks the sandbox killed past a limit. */
static void spend(struct sandbox *sb, int64_t steps)
{
    if (sb->killed)
        return;
    sb->used += steps;
    if (sb->limits.instructions && sb->used > sb->limits.instructions)
        sb->killed = SANDBOX_INSTRUCTIONS;
    else if (sb->limits.time_ms && past(&sb->deadline))
        sb->killed = SANDBOX_TIME;
}

static void sandbox_hook(lua_State *L, lua_Debug *ar);

/* From now on the hook fires at every instruction in this thread. */
static void raise_kill(lua_State *L, struct sandbox *sb)
{
    lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "%s", sandbox_kill_reason(sb));
}

static void sandbox_hook(lua_State *L, lua_Debug *ar)
{
    struct sandbox *sb = sandbox_of(L);
    if (!sb->killed && lua_gethookcount(L) != SANDBOX_HOOK_STEP) {
        /* a coroutine still carrying the fast hook of an earlier kill */
        lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, SANDBOX_HOOK_STEP);
        return;
    }
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
        sb->where_source = ar->source;
        sb->where_line = ar->currentline;
    }
    spend(sb, SANDBOX_HOOK_STEP);
    if (sb->killed)
        raise_kill(L, sb);
}

void sandbox_charge(lua_State *L, int64_t steps)
{
    struct sandbox *sb = sandbox_of(L);
    spend(sb, steps);
    if (sb->killed)
        raise_kill(L, sb);
}

/* The string library's matcher reports its steps here (see pattern.h). */
static void charge_pattern(lua_State *L, void *ud, int64_t steps)
{
    (void)ud;
    sandbox_charge(L, steps);
}

static void sandbox_arm(lua_State *L, struct sandbox *sb)
{
    sb->used = 0;
    sb->killed = SANDBOX_ALIVE;
    sb->refused = 0;
    clock_gettime(CLOCK_MONOTONIC, &sb->deadline);
    sb->deadline.tv_sec += sb->limits.time_ms / 1000;
    sb->deadline.tv_nsec += (sb->limits.time_ms % 1000) * 1000000;
    if (sb->deadline.tv_nsec >= 1000000000) {
        sb->deadline.tv_sec++;
        sb->deadline.tv_nsec -= 1000000000;
    }
    lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, SANDBOX_HOOK_STEP);
}

/* ---------------------------------------------------------------------- */
/* pcall and xpcall that cannot swallow a kill                            */

/* A refused allocation means the cap was hit: that is a kill too (some
** library code reports it as an ordinary error, not LUA_ERRMEM). */
static void rethrow_if_killed(lua_State *L, int status)
{
    struct sandbox *sb = sandbox_of(L);
    if ((status == LUA_ERRMEM || sb->refused) && !sb->killed)
        sb->killed = SANDBOX_MEMORY;
    if (sb->killed)
        luaL_error(L, "%s", sandbox_kill_reason(sb));
}

void sandbox_check(lua_State *L)
{
    rethrow_if_killed(L, LUA_OK);
}

/* coroutine.resume returns a kill as (false, message); re-raise it here. */
static int safe_resume(lua_State *L)
{
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    sandbox_check(L);
    return lua_gettop(L);
}

static int finish_pcall(lua_State *L, int status, lua_KContext extra)
{
    rethrow_if_killed(L, status);
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

static int safe_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
    return finish_pcall(L, status, 0);
}

static int safe_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
    return finish_pcall(L, status, 2);
}

/* ---------------------------------------------------------------------- */
/* Other replaced functions                                               */

/* load(chunk [, chunkname [, mode [, env]]]) for text chunks only. */
static int safe_load(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "=(load)");
    const char *mode = luaL_optstring(L, 3, "t");
    int env = !lua_isnone(L, 4) ? 4 : 0;
    if (strcmp(mode, "t") != 0)
        return luaL_error(L, "load: only text chunks may be loaded (mode \"t\")");
    if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if (env) {
        lua_pushvalue(L, env);
        if (!lua_setupvalue(L, -2, 1))
            lua_pop(L, 1);
    }
    return 1;
}

static int safe_collectgarbage(lua_State *L)
{
    static const char *const allowed[] = {"collect", "count", "step", "isrunning", NULL};
    static const int what[] = {LUA_GCCOLLECT, LUA_GCCOUNT, LUA_GCSTEP, LUA_GCISRUNNING};
    int o = luaL_checkoption(L, 1, "collect", allowed);
    int r = lua_gc(L, what[o], 0);
    if (what[o] == LUA_GCCOUNT)
        lua_pushnumber(L, (lua_Number)r + (lua_Number)lua_gc(L, LUA_GCCOUNTB, 0) / 1024);
    else if (what[o] == LUA_GCSTEP || what[o] == LUA_GCISRUNNING)
        lua_pushboolean(L, r);
    else
        lua_pushinteger(L, 0);
    return 1;
}

static void remove_field(lua_State *L, const char *table, const char *field)
{
    if (lua_getglobal(L, table) == LUA_TTABLE) {
        lua_pushnil(L);
        lua_setfield(L, -2, field);
    }
    lua_pop(L, 1);
}

/* Keeps only the listed fields of a library table. */
static void keep_fields(lua_State *L, const char *table, const char *const *keep)
{
    lua_getglobal(L, table);
    lua_newtable(L);
    for (; *keep; keep++) {
        lua_getfield(L, -2, *keep);
        lua_setfield(L, -2, *keep);
    }
    lua_setglobal(L, table);
    lua_pop(L, 1);
}

static void open_libraries(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},     {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine},
        {LUA_OSLIBNAME, luaopen_os},   {NULL, NULL}};
    static const char *const os_keep[] = {"time", "date", "clock", NULL};
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    keep_fields(L, LUA_OSLIBNAME, os_keep);
    remove_field(L, LUA_GNAME, "dofile");
    remove_field(L, LUA_GNAME, "loadfile");
    remove_field(L, LUA_GNAME, "require");
    remove_field(L, LUA_STRLIBNAME, "dump");
    lua_getglobal(L, LUA_STRLIBNAME); /* also the strings' __index */
    pattern_install(L, charge_pattern, NULL);
    lua_pop(L, 1);
    lua_register(L, "load", safe_load);
    lua_register(L, "pcall", safe_pcall);
    lua_register(L, "xpcall", safe_xpcall);
    lua_register(L, "collectgarbage", safe_collectgarbage);
    lua_getglobal(L, LUA_COLIBNAME);
    lua_getfield(L, -1, "resume");
    lua_pushcclosure(L, safe_resume, 1);
    lua_setfield(L, -2, "resume");
    lua_pop(L, 1);
}

lua_State *sandbox_new(struct sandbox *sb)
{
    size_t cap = sb->limits.memory;
    sb->limits.memory = 0; /* the libraries themselves are not the script's */
    lua_State *L = lua_newstate(sandbox_alloc, sb);
    if (L == NULL) {
        sb->limits.memory = cap;
        return NULL;
    }
    *(struct sandbox **)lua_getextraspace(L) = sb;
    open_libraries(L);
    lua_getglobal(L, "error");
    sb->error_fn = lua_tocfunction(L, -1);
    lua_pop(L, 1);
    lua_gc(L, LUA_GCGEN, 0, 0);
    sb->limits.memory = cap ? cap + sb->mem : 0;
    return L;
}

int sandbox_load(lua_State *L, const char *text, size_t len, const char *chunkname)
{
    /* A UTF-8 byte-order mark (Windows editors add one) is not Lua. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    return luaL_loadbufferx(L, text, len, chunkname, "t");
}

/* 1 when the error being handled is a string the base library's error
** raised without the "chunk:line: " position that error(msg, 1) puts in
** front: error(msg, 0), how a script says why it stops. */
static int raised_bare(lua_State *L, const struct sandbox *sb)
{
    lua_Debug ar;
    size_t n;
    if (lua_type(L, 1) != LUA_TSTRING || !lua_getstack(L, 1, &ar) || !lua_getinfo(L, "f", &ar))
        return 0;
    int by_error = sb->error_fn && lua_tocfunction(L, -1) == sb->error_fn;
    lua_pop(L, 1);
    if (!by_error)
        return 0;
    luaL_where(L, 2); /* where error(msg, 1) would have pointed */
    const char *where = lua_tolstring(L, -1, &n);
    int positioned = n > 0 && strncmp(lua_tostring(L, 1), where, n) == 0;
    lua_pop(L, 1);
    return !positioned;
}

/* Message handler: the error with a traceback (lua.c's msghandler). */
static int traceback_handler(lua_State *L)
{
    sandbox_of(L)->bare = raised_bare(L, sandbox_of(L));
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

static void describe_memory_kill(struct sandbox *sb, char *err, size_t errlen)
{
    char where[LUA_IDSIZE + 32] = "";
    if (sb->where_source && sb->where_line > 0)
        snprintf(where, sizeof where, " near %s:%d",
                 sb->where_source[0] == '@' ? sb->where_source + 1 : sb->where_source,
                 sb->where_line);
    snprintf(err, errlen, "memory limit exceeded (%zu bytes)%s", sb->limits.memory, where);
}

int sandbox_call(lua_State *L, int nargs, int nresults, char *err, size_t errlen)
{
    struct sandbox *sb = sandbox_of(L);
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback_handler);
    lua_insert(L, base);
    sb->bare = 0;
    /* A call made while another runs (the script handles an event it emitted)
    ** spends the outer call's budget, and must leave its hook armed. */
    if (sb->depth++ == 0) {
        sb->where_source = NULL;
        sb->where_line = 0;
        sandbox_arm(L, sb);
    }
    int status = lua_pcall(L, nargs, nresults, base);
    if (--sb->depth == 0)
        lua_sethook(L, NULL, 0, 0);
    lua_remove(L, base);
    if (status == LUA_OK && !sb->killed && !sb->refused)
        return LUA_OK;
    if (status == LUA_OK) { /* a kill the script reached past (in a coroutine) */
        lua_pop(L, nresults > 0 ? nresults : 0);
        if (!sb->killed)
            sb->killed = SANDBOX_MEMORY;
        lua_pushstring(L, sandbox_kill_reason(sb));
        status = LUA_ERRRUN;
    }
    if (status == LUA_ERRMEM || sb->refused)
        sb->killed = SANDBOX_MEMORY;
    const char *msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "error";
    if (sb->killed == SANDBOX_MEMORY) {
        describe_memory_kill(sb, err, errlen);
        size_t used = strlen(err);
        if (status != LUA_ERRMEM && used + 2 < errlen)
            snprintf(err + used, errlen - used, "\n%s", msg);
    } else {
        snprintf(err, errlen, "%s", msg);
    }
    lua_pop(L, 1);
    /* a kill must not leave the next call with a dead budget or a fast hook */
    int killed = sb->killed;
    sb->killed = SANDBOX_ALIVE;
    lua_gc(L, LUA_GCCOLLECT, 0);
    sb->killed = killed;
    return status;
}
