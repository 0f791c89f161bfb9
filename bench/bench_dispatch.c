/*
** bench_dispatch.c — the cost of the bus itself, with no persistence:
** bus_dispatch() of one event to the handlers subscribed to its topic.
**
**   dispatch_c    a C handler through the bus, against calling the same
**                 handler through a function pointer
**   dispatch_lua  a Lua handler of a sandboxed script (instruction, time and
**                 memory limits on), against a bare lua_State calling the
**                 same function with lua_pcall and a fresh 6-field table
*/
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bus.h"
#include "event.h"

#define MAX_RUNS 64

/* What a handler does in both cases: read the event, count it. Not inlined,
** so that the baseline really makes the call. */
__attribute__((noinline)) static int count_handler(tandem_plugin *self, tandem_event *ev, void *ud)
{
    (void)self;
    *(uint64_t *)ud += ev->n;
    return TANDEM_OK;
}

/* volatile: the compiler must load the pointer and call through it. */
static tandem_handler volatile handler_table[1] = {count_handler};

static tandem_event *six_field_event(const char *topic)
{
    tandem_event *ev = event_new(topic);
    if (ev == NULL || event_set_text(ev, "type", "checkin") ||
        event_set_int(ev, "volunteer_id", 42) || event_set_int(ev, "shift_id", 7) ||
        event_set_int(ev, "ts", 1772323200) ||
        event_set(ev, "hours", &(tandem_value){TANDEM_REAL, {.r = 1.5}}) ||
        event_set_text(ev, "location", "Hall A"))
        exit(2);
    return ev;
}

static double time_bus(struct bus *b, tandem_event *ev, long n)
{
    double t0 = bench_now();
    for (long i = 0; i < n; i++)
        if (bus_dispatch(b, ev, TANDEM_ON) != TANDEM_OK)
            exit(2);
    return (double)n / (bench_now() - t0);
}

static double time_table(tandem_plugin *self, tandem_event *ev, void *ud, long n)
{
    double t0 = bench_now();
    for (long i = 0; i < n; i++)
        if (handler_table[0](self, ev, ud) != TANDEM_OK)
            exit(2);
    return (double)n / (bench_now() - t0);
}

static void report(const char *key, const char *figure, const double *s, const double *b, int runs,
                   double goal_ratio, double goal_rate, const char *goal)
{
    char v[64], base[64], ratio[64];
    double r[MAX_RUNS];
    for (int i = 0; i < runs; i++)
        r[i] = s[i] / b[i];
    double ms = bench_median(s, (size_t)runs), ratio_median = bench_median(r, (size_t)runs);
    snprintf(ratio, sizeof ratio, "%.0f %%", ratio_median * 100);
    bench_row(key, figure, bench_rate(ms, v, sizeof v),
              bench_rate(bench_median(b, (size_t)runs), base, sizeof base), ratio, goal,
              ratio_median >= goal_ratio && ms >= goal_rate);
}

static void dispatch_c(int runs)
{
    double bus[MAX_RUNS], raw[MAX_RUNS];
    uint64_t sink = 0;
    long n = bench_full() ? 50000000 : 20000000;
    bench_log("bus dispatch to a C handler (%d runs of %ld events)", runs, n);
    struct core *c = bench_core("[core]\nlog_level = error\n", bench_path("dispatch-c.db"));
    if (bus_subscribe(c->bus, c->self, TANDEM_ON, "bench.ping", count_handler, &sink) != 0)
        exit(2);
    tandem_event *ev = six_field_event("bench.ping");
    time_bus(c->bus, ev, n / 10); /* warm-up */
    for (int i = 0; i < runs; i++) {
        bus[i] = time_bus(c->bus, ev, n);
        raw[i] = time_table(c->self, ev, &sink, n);
    }
    report("dispatch_c", "bus dispatch to a C handler, no persistence", bus, raw, runs, 0, 20e6,
           "≥ 20 M events/s");
    bench_about("dispatch_c",
                "bus_dispatch() of one 6-field event to the one C handler subscribed to its "
                "topic (the handler reads the event and counts it), %ld times per run; the "
                "baseline calls the same handler through a function-pointer table.",
                n);
    event_free(ev);
    core_close(c);
}

static const char lua_handler[] =
    "local n, hours = 0, 0\n"
    "tandem.on('bench.checkin', function(ev)\n"
    "  n = n + 1\n"
    "  hours = hours + ev.hours\n"
    "  if ev.volunteer_id < 0 or ev.location == '' then error('impossible') end\n"
    "end)\n";

/* The same function in a bare state: `handler` is a global there. */
static const char lua_bare[] = "local n, hours = 0, 0\n"
                               "function handler(ev)\n"
                               "  n = n + 1\n"
                               "  hours = hours + ev.hours\n"
                               "  if ev.volunteer_id < 0 or ev.location == '' then "
                               "error('impossible') end\n"
                               "end\n";

static lua_State *bare_state(int *ref)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_dostring(L, lua_bare) != LUA_OK)
        exit(2);
    lua_getglobal(L, "handler");
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return L;
}

/* A fresh table per call, the six fields set one by one, then lua_pcall. */
static double time_bare(lua_State *L, int ref, const tandem_event *ev, long n)
{
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        lua_createtable(L, 0, 6);
        lua_pushstring(L, ev->f[0].v.u.s.p);
        lua_setfield(L, -2, "type");
        lua_pushinteger(L, ev->f[1].v.u.i);
        lua_setfield(L, -2, "volunteer_id");
        lua_pushinteger(L, ev->f[2].v.u.i);
        lua_setfield(L, -2, "shift_id");
        lua_pushinteger(L, ev->f[3].v.u.i);
        lua_setfield(L, -2, "ts");
        lua_pushnumber(L, ev->f[4].v.u.r);
        lua_setfield(L, -2, "hours");
        lua_pushstring(L, ev->f[5].v.u.s.p);
        lua_setfield(L, -2, "location");
        if (lua_pcall(L, 1, 0, 0) != LUA_OK)
            exit(2);
    }
    return (double)n / (bench_now() - t0);
}

static void dispatch_lua(int runs)
{
    double bus[MAX_RUNS], bare[MAX_RUNS];
    int ref;
    long n = bench_full() ? 5000000 : 2000000;
    char ini[1024];
    bench_log("bus dispatch to a Lua handler (%d runs of %ld events)", runs, n);
    bench_write("bench_handler.lua", lua_handler);
    snprintf(ini, sizeof ini,
             "[core]\nlog_level = error\nscript_dir = %s\n[script.bench_handler]\n", bench_dir());
    struct core *c = bench_core(ini, bench_path("dispatch-lua.db"));
    tandem_event *ev = six_field_event("bench.checkin");
    lua_State *L = bare_state(&ref);
    time_bus(c->bus, ev, n / 10); /* warm-up */
    time_bare(L, ref, ev, n / 10);
    for (int i = 0; i < runs; i++) {
        bus[i] = time_bus(c->bus, ev, n);
        bare[i] = time_bare(L, ref, ev, n);
    }
    report("dispatch_lua", "bus dispatch to a Lua handler (6-field event, limits on)", bus, bare,
           runs, 0.75, 0, "≥ 75 % of baseline");
    bench_about("dispatch_lua",
                "bus_dispatch() of a 6-field event to a script's tandem.on handler, through the "
                "sandbox with its default limits armed (instruction count hook, time limit, "
                "capped allocator), %ld times per run; the baseline is a bare lua_State "
                "(luaL_openlibs, no hook, default allocator) calling the same Lua function with "
                "lua_pcall and a fresh 6-field table each time.",
                n);
    lua_close(L);
    event_free(ev);
    core_close(c);
}

int main(void)
{
    int runs = bench_runs();
    if (runs > MAX_RUNS)
        runs = MAX_RUNS;
    if (bench_wanted("dispatch_c"))
        dispatch_c(runs);
    if (bench_wanted("dispatch_lua"))
        dispatch_lua(runs);
    return 0;
}
