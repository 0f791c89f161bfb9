/*
** test_sandbox.c — a script cannot hang, exhaust or escape the service:
** limits hold under pcall, xpcall and coroutines; unsafe libraries are gone;
** binary chunks are refused; errors carry scripts/NAME.lua:LINE; a reload
** that fails keeps the running version.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "command.h"
#include "harness.h"
#include "host.h"
#include "lua_host.h"
#include "store.h"
#include "tap.h"
#include "value.h"

static struct core *core_with(const char *name, const char *body, const char *limits)
{
    char file[80], ini[1200];
    snprintf(file, sizeof file, "%s.lua", name);
    harness_write(file, body);
    snprintf(ini, sizeof ini, "[core]\nscript_dir = %s\n[script.%s]\n%s\n", harness_dir(), name,
             limits ? limits : "");
    char db[80];
    snprintf(db, sizeof db, "%s.db", name);
    return harness_core(ini, db);
}

struct outcome {
    int status;
    char msg[600];
    char *log;
};

static struct outcome run(struct core *c, const char *topic)
{
    struct outcome o = {0, "", NULL};
    struct bus_result res;
    harness_capture();
    o.status = command_emit(c, topic, "{}", NULL, "test", &res);
    o.log = harness_captured();
    snprintf(o.msg, sizeof o.msg, "%s", res.message ? res.message : "");
    bus_result_clear(&res);
    return o;
}

static const char kills[] =
    "local parked = coroutine.create(function() while true do end end)\n"
    "tandem.on('loop.plain', function() while true do end end)\n"
    "tandem.on('loop.pcall', function()\n"
    "  local ok, err = pcall(function() while true do end end)\n"
    "  tandem.kv.set('swallowed', tostring(err))\n"
    "end)\n"
    "tandem.on('loop.xpcall', function()\n"
    "  xpcall(function() while true do end end, function(e) return e end)\n"
    "  tandem.kv.set('swallowed', 'xpcall')\n"
    "end)\n"
    "tandem.on('loop.coroutine', function()\n"
    "  coroutine.resume(coroutine.create(function() while true do end end))\n"
    "  tandem.kv.set('swallowed', 'coroutine')\n"
    "end)\n"
    "tandem.on('loop.parked', function()\n"
    "  coroutine.resume(parked)\n"
    "  tandem.kv.set('swallowed', 'parked')\n"
    "end)\n"
    "tandem.on('nested.inner', function() end)\n"
    "tandem.on('loop.nested', function()\n"
    "  tandem.emit('nested.inner', {})\n" /* its own handler runs, then returns */
    "  while true do end\n"
    "end)\n"
    "tandem.on('memory.table', function()\n"
    "  local t = {} for i = 1, 1e9 do t[i] = i end\n"
    "end)\n"
    "tandem.on('memory.pcall', function()\n"
    "  pcall(function() local t = {} for i = 1, 1e9 do t[i] = {i} end end)\n"
    "  tandem.kv.set('swallowed', 'memory')\n"
    "end)\n"
    "tandem.on('memory.rep', function()\n"
    "  local ok = pcall(string.rep, 'x', 1e9)\n"
    "  tandem.kv.set('swallowed', 'rep')\n"
    "end)\n"
    "tandem.on('fine.event', function() tandem.kv.set('fine', (tandem.kv.get('fine') or 0) + 1) end)\n";

static void expect_killed(struct core *c, const char *topic, const char *why)
{
    struct outcome o = run(c, topic);
    is_int(o.status, BUS_FAILED, "%s: the handler is stopped", topic);
    like(o.msg, why, "%s: because %s", topic, why);
    like(o.msg, "script killer", "%s: the error names the script", topic);
    like(o.log, topic, "%s: the log names the topic", topic);
    tandem_value v;
    is_int(store_kv_get(c->store, "killer", "swallowed", &v), TANDEM_NOTFOUND,
           "%s: the script could not catch it and go on", topic);
    o.status = command_emit(c, "fine.event", "{}", NULL, "test", &(struct bus_result){0});
    is_int(o.status, BUS_OK, "%s: the next event still dispatches", topic);
    free(o.log);
}

static void test_limits(void)
{
    struct core *c = core_with("killer", kills,
                               "instruction_limit = 100000\nmemory_limit = 4M\ntime_limit = 10s");
    ok(c != NULL, "the killer script loads");
    if (c == NULL)
        return;
    expect_killed(c, "loop.plain", "instruction limit exceeded");
    expect_killed(c, "loop.pcall", "instruction limit exceeded");
    expect_killed(c, "loop.xpcall", "instruction limit exceeded");
    expect_killed(c, "loop.coroutine", "instruction limit exceeded");
    expect_killed(c, "loop.parked", "instruction limit exceeded");
    expect_killed(c, "loop.nested", "instruction limit exceeded");
    struct outcome o = run(c, "loop.plain");
    like(o.log, "scripts/killer.lua:2", "the log has a traceback with scripts/NAME.lua:LINE");
    free(o.log);
    core_close(c);
    /* the same script with a budget large enough to reach the memory cap */
    c = core_with("killer", kills, "instruction_limit = 1000000000\nmemory_limit = 4M\n"
                                   "time_limit = 20s");
    expect_killed(c, "memory.table", "memory limit exceeded");
    expect_killed(c, "memory.pcall", "memory limit exceeded");
    expect_killed(c, "memory.rep", "memory limit exceeded");
    ok(lua_host_memory(host_find(c->host, "killer")) < 4u << 20,
       "after a memory kill the script's state is back under its cap");
    core_close(c);
}

static void test_time_limit(void)
{
    struct core *c = core_with("slow", "tandem.on('loop.slow', function() while true do end end)\n",
                               "instruction_limit = 1000000000000\ntime_limit = 30ms");
    struct outcome o = run(c, "loop.slow");
    like(o.msg, "time limit exceeded", "a wall-clock limit stops a loop with a huge budget");
    free(o.log);
    core_close(c);
}

static int scan_first(void *ud, const struct journal_row *row)
{
    char err[200];
    *(tandem_event **)ud = bus_event_from_row(row, err, sizeof err);
    return 1;
}

static void test_libraries(void)
{
    struct core *c = core_with(
        "probe",
        "local absent = {}\n"
        "local function check(name, v) if v ~= nil then absent[#absent + 1] = name end end\n"
        "check('io', io) check('debug', debug) check('package', package)\n"
        "check('require', require) check('dofile', dofile) check('loadfile', loadfile)\n"
        "check('os.execute', os.execute) check('os.getenv', os.getenv)\n"
        "check('os.remove', os.remove) check('os.exit', os.exit)\n"
        "check('string.dump', string.dump) check('rawget(string, dump)', rawget(string, 'dump'))\n"
        "local f, err = load('\\27Lua\\84\\0')\n"
        "local g = load('return 6 * 7')\n"
        "local h = pcall(load, 'return 1', 'x', 'b')\n"
        "tandem.on('probe.run', function()\n"
        "  tandem.emit('probe.result', { present = table.concat(absent, ','),\n"
        "    binary = tostring(err), text = g(), mode_b = h, time = os.time() > 0,\n"
        "    utf8 = utf8.len('护学蓝'), co = coroutine ~= nil, math = math.floor(2.5) })\n"
        "end)\n",
        NULL);
    ok(c != NULL, "the probe script loads");
    if (c == NULL)
        return;
    struct bus_result res;
    command_emit(c, "probe.run", "{}", NULL, "test", &res);
    bus_result_clear(&res);
    struct journal_query q = {"probe.result", 0, 0, 0};
    tandem_event *ev = NULL;
    store_journal_scan(c->store, &q, scan_first, &ev);
    ok(ev != NULL, "the probe reported");
    if (ev) {
        const tandem_value *v = event_find(ev, "present");
        is_str(v ? v->u.s.p : NULL, "", "io, debug, package, require, dofile, loadfile, "
                                        "os.execute/getenv/remove/exit and string.dump are absent");
        v = event_find(ev, "binary");
        like(v ? v->u.s.p : "", "attempt to load a binary chunk", "load() refuses binary chunks");
        v = event_find(ev, "text");
        ok(v && v->type == TANDEM_INT && v->u.i == 42, "load() of text still works");
        v = event_find(ev, "mode_b");
        ok(v && v->type == TANDEM_BOOL && v->u.b == 0, "load() with mode 'b' is refused");
        v = event_find(ev, "utf8");
        ok(v && v->u.i == 3, "utf8, os.time, coroutine and math are there");
    }
    event_free(ev);
    core_close(c);
}

static void test_load_failures(void)
{
    harness_capture();
    struct core *c = core_with("binary", "\x1bLua\x54\x00\x19\x93\r\n\x1a\n", NULL);
    char *log = harness_captured();
    node *n = c ? host_find(c->host, "binary") : NULL;
    is_int(n ? (int)n->state : -1, NODE_REFUSED, "a precompiled (binary) script is refused");
    like(log, "attempt to load a binary chunk", "and the log says why");
    free(log);
    core_close(c);
    harness_capture();
    c = core_with("syntax", "tandem.on('x.y', function()\n  local = 1\nend)\n", NULL);
    log = harness_captured();
    like(log, "scripts/syntax.lua:2:", "a syntax error names scripts/NAME.lua:LINE");
    free(log);
    core_close(c);
    harness_capture();
    c = core_with("hang", "while true do end\n", NULL);
    log = harness_captured();
    n = c ? host_find(c->host, "hang") : NULL;
    is_int(n ? (int)n->state : -1, NODE_REFUSED, "a top level that never ends is refused");
    like(log, "time limit exceeded", "by the load time limit");
    free(log);
    core_close(c);
}

/* error(msg, 0) at the top level is a script declining to run on purpose:
** its reason is the message alone; other errors keep their traceback. */
static void test_load_refusal_on_purpose(void)
{
    harness_capture();
    struct core *c = core_with("declines", "error('需要配置 river 参数', 0)\n", NULL);
    free(harness_captured());
    node *n = c ? host_find(c->host, "declines") : NULL;
    is_int(n ? (int)n->state : -1, NODE_REFUSED, "a script that raises error(msg, 0) is refused");
    is_str(n ? n->refusal : NULL, "需要配置 river 参数", "with the message alone, no traceback");
    core_close(c);
    harness_capture();
    c = core_with("buggy", "local x = nil\nx.y = 1\n", NULL);
    free(harness_captured());
    n = c ? host_find(c->host, "buggy") : NULL;
    like(n && n->refusal ? n->refusal : "", "stack traceback", "a bug while loading keeps its traceback");
    core_close(c);
    harness_capture();
    c = core_with("positioned", "error('no river configured')\n", NULL);
    free(harness_captured());
    n = c ? host_find(c->host, "positioned") : NULL;
    like(n && n->refusal ? n->refusal : "", "scripts/positioned.lua:1: no river configured",
         "error(msg) with a position is left as it was");
    core_close(c);
}

static void test_reload(void)
{
    const char *v1 = "tandem.register{ version = '1.0' }\n"
                     "tandem.before('enrolment.requested', function() return false, '报名已截止' end)\n";
    struct core *c = core_with("rules", v1, NULL);
    struct outcome o = run(c, "enrolment.requested");
    is_str(o.msg, "报名已截止", "version 1 vetoes");
    free(o.log);
    harness_write("rules.lua", "tandem.register{ version = '2.0' }\n"
                               "tandem.before('enrolment.requested', function( return end)\n");
    harness_capture();
    int failed = host_reload(c->host);
    char *log = harness_captured();
    is_int(failed, 1, "a reload with a syntax error fails");
    like(log, "version 1.0 keeps running", "and says the old version keeps running");
    free(log);
    is_str(host_find(c->host, "rules")->version, "1.0", "the old version is still loaded");
    o = run(c, "enrolment.requested");
    is_str(o.msg, "报名已截止", "and still vetoes");
    free(o.log);
    harness_write("rules.lua", "tandem.register{ version = '2.0' }\n"
                               "tandem.before('enrolment.requested', function() return false, '名额已满' end)\n");
    harness_capture();
    failed = host_reload(c->host);
    free(harness_captured());
    is_int(failed, 0, "a good reload succeeds");
    is_str(host_find(c->host, "rules")->version, "2.0", "the new version is loaded");
    o = run(c, "enrolment.requested");
    is_str(o.msg, "名额已满", "and its handler replaced the old one (not added to it)");
    free(o.log);
    core_close(c);
}

int main(void)
{
    test_limits();
    test_time_limit();
    test_libraries();
    test_load_failures();
    test_load_refusal_on_purpose();
    test_reload();
    return done_testing();
}
