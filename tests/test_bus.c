/*
** test_bus.c — the pipeline: handler order, vetoes, schema checks, the
** recursion cap, atomic chains, AFTER delivery with retry from the outbox.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "command.h"
#include "harness.h"
#include "host.h"
#include "store.h"
#include "tap.h"
#include "value.h"

static int count_cb(void *ud, int ncols, const tandem_value *cols)
{
    (void)ncols;
    *(int64_t *)ud = cols[0].u.i;
    return 0;
}

static int64_t count(struct core *c, const char *sql)
{
    int64_t n = -1;
    store_exec(c->store, NULL, sql, NULL, 0, count_cb, &n);
    return n;
}

/* Submits and keeps the status and message. */
static int emit(struct core *c, const char *topic, const char *json, char *msg, size_t len)
{
    struct bus_result res;
    int status = command_emit(c, topic, json, NULL, "test", &res);
    snprintf(msg, len, "%s", res.message ? res.message : "");
    bus_result_clear(&res);
    return status;
}

static int collect_trace(void *ud, const struct journal_row *row)
{
    buf *b = ud;
    const char *who = strstr(row->fields, "\"who\":\"");
    if (who)
        buf_printf(b, "%s%.*s", b->n ? "," : "", (int)strcspn(who + 7, "\""), who + 7);
    return 0;
}

static char *trace(struct core *c)
{
    buf b = BUF_INIT;
    struct journal_query q = {"trace.step", 0, 0, 0};
    store_journal_scan(c->store, &q, collect_trace, &b);
    return buf_steal(&b);
}

static const char *script(const char *name, const char *body)
{
    char file[80];
    snprintf(file, sizeof file, "%s.lua", name);
    return harness_write(file, body);
}

static void test_order(void)
{
    char ini[2000];
    const char *tracer = "local me = tandem.name\n"
                         "tandem.on('order.test', function() tandem.emit('trace.step', {who = me}) end)\n";
    script("late", "tandem.register{ requires = { 'early' } }\n");
    char late[400];
    snprintf(late, sizeof late, "tandem.register{ requires = { 'early' } }\n%s", tracer);
    snprintf(ini, sizeof ini,
             "[core]\nscript_dir = %s\n[script.late]\n[script.early]\n[script.middle]\n",
             harness_dir());
    script("late", late);
    script("early", tracer);
    script("middle", tracer);
    struct core *c = harness_core(ini, "order.db");
    ok(c != NULL, "three scripts load");
    if (c == NULL)
        return;
    is_str(host_node(c->host, 0)->name, "early", "a dependency starts first");
    is_str(host_node(c->host, 1)->name, "late", "then what needs it");
    char msg[300];
    is_int(emit(c, "order.test", "{}", msg, sizeof msg), BUS_OK, "the event runs");
    char *t = trace(c);
    is_str(t, "early,late,middle", "handlers run in start order, not configuration order");
    free(t);
    core_close(c);
}

static void test_veto_and_schema(void)
{
    char ini[1200];
    script("guard", "tandem.before('fx.ping', function(ev)\n"
                    "  if ev.n == 13 then return false, '不吉利的数字' end\n"
                    "end)\n"
                    "tandem.on('fx.ping', function(ev) tandem.kv.set('seen', ev.n) end)\n"
                    "tandem.before('fx.*', function(ev, topic) tandem.kv.set('wild', topic) end)\n");
    snprintf(ini, sizeof ini,
             "[core]\nplugin_dir = %s\nscript_dir = %s\n[plugin.fx_ok]\n[script.guard]\n",
             getenv("FIXTURE_DIR"), harness_dir());
    struct core *c = harness_core(ini, "veto.db");
    ok(c != NULL, "a C plugin and a script on one topic");
    if (c == NULL)
        return;
    char msg[300];
    is_int(emit(c, "fx.ping", "{\"n\": 13}", msg, sizeof msg), BUS_VETOED,
           "a script's before handler vetoes");
    is_str(msg, "不吉利的数字", "with its reason");
    is_int(emit(c, "fx.ping", "{\"n\": -1}", msg, sizeof msg), BUS_VETOED,
           "a C plugin's before handler vetoes");
    is_str(msg, "n must not be negative", "with its reason");
    is_int(count(c, "SELECT count(*) FROM journal"), 0, "vetoed events leave no trace");
    tandem_value v;
    is_int(store_kv_get(c->store, "guard", "seen", &v), TANDEM_NOTFOUND,
           "and their ON handlers never ran");
    is_int(emit(c, "fx.ping", "{\"n\": 7}", msg, sizeof msg), BUS_OK, "an allowed event passes");
    ok(store_kv_get(c->store, "guard", "seen", &v) == TANDEM_OK && v.u.i == 7,
       "its ON handler saw the field");
    ok(store_kv_get(c->store, "guard", "wild", &v) == TANDEM_OK && strcmp(v.u.s.p, "fx.ping") == 0,
       "a prefix subscription (fx.*) gets the topic as its second argument");
    value_clear(&v);
    store_kv_get(c->store, "fx_ok", "trace", &v);
    char before_nested[600];
    snprintf(before_nested, sizeof before_nested, "%s,fx_ok.on", v.u.s.p);
    value_clear(&v);
    is_int(emit(c, "fx.ping", "{\"n\": 77}", msg, sizeof msg), BUS_OK,
           "a plugin emits an event its own handlers handle");
    ok(store_kv_get(c->store, "fx_ok", "held", &v) == TANDEM_OK &&
           strcmp(v.u.s.p, before_nested) == 0,
       "a value it read before stays valid after the nested handlers returned");
    value_clear(&v);
    is_int(emit(c, "fx.ping", "{}", msg, sizeof msg), BUS_INVALID, "a required field is checked");
    is_str(msg, "fx.ping needs the field 'n' (integer)", "and named");
    emit(c, "fx.ping", "{\"n\": \"seven\"}", msg, sizeof msg);
    is_str(msg, "fx.ping: field 'n' must be integer, not text", "types are checked");
    emit(c, "fx.ping", "{\"n\": 1, \"colour\": \"red\"}", msg, sizeof msg);
    is_str(msg, "fx.ping has no field 'colour' (its fields: n, note)", "unknown fields are named");
    is_int(emit(c, "Not A Topic", "{}", msg, sizeof msg), BUS_INVALID, "a malformed topic");
    like(msg, "is not a topic", "is refused with an explanation");
    is_int(emit(c, "weather.rain", "{\"level\": 3}", msg, sizeof msg), BUS_OK,
           "a well-formed undeclared topic is a custom event");
    core_close(c);
}

static void test_chains(void)
{
    char ini[1200];
    script("looper", "tandem.on('loop.ping', function(ev)\n"
                     "  tandem.emit('loop.ping', { n = (ev.n or 0) + 1 })\n"
                     "end)\n"
                     "tandem.on('chain.start', function() tandem.emit('chain.next', {}) end)\n"
                     "tandem.on('boom.now', function() error('河道数据不可用') end)\n");
    script("blocker", "tandem.before('chain.next', function() return false, '下一步不允许' end)\n");
    snprintf(ini, sizeof ini,
             "[core]\nscript_dir = %s\nmax_depth = 5\n[script.looper]\n[script.blocker]\n",
             harness_dir());
    harness_capture();
    struct core *c = harness_core(ini, "chain.db");
    char msg[600];
    int status = emit(c, "loop.ping", "{}", msg, sizeof msg);
    char *log = harness_captured();
    is_int(status, BUS_FAILED, "an endless chain of follow-ups is stopped");
    like(msg, "nest deeper than 5", "at the configured depth");
    is_int(count(c, "SELECT count(*) FROM journal"), 0, "and none of the chain is kept");
    free(log);
    status = emit(c, "chain.start", "{}", msg, sizeof msg);
    is_int(status, BUS_FAILED, "a vetoed follow-up fails its whole chain");
    like(msg, "下一步不允许", "with the follow-up's reason");
    is_int(count(c, "SELECT count(*) FROM journal"), 0, "atomically: nothing is journaled");
    harness_capture();
    status = emit(c, "boom.now", "{}", msg, sizeof msg);
    log = harness_captured();
    is_int(status, BUS_FAILED, "an error in an ON handler fails the event");
    like(msg, "script looper failed in its on handler for boom.now", "naming script and topic");
    like(log, "scripts/looper.lua:5:", "the log has the script's file and line");
    like(log, "stack traceback", "and a traceback");
    is_int(count(c, "SELECT count(*) FROM journal"), 0, "a failed event is not journaled");
    free(log);
    core_close(c);
}

static void test_outbox(void)
{
    char ini[1200];
    script("notifier", "tandem.after('visit.logged', function(ev)\n"
                       "  tandem.kv.set('attempts', (tandem.kv.get('attempts') or 0) + 1)\n"
                       "  if tandem.kv.get('sms_down') then error('短信网关不可用') end\n"
                       "  tandem.emit('sms.sent', { to = ev.worker })\n"
                       "end)\n");
    snprintf(ini, sizeof ini, "[core]\nscript_dir = %s\n[script.notifier]\n", harness_dir());
    struct core *c = harness_core(ini, "outbox.db");
    c->fixed_now = 1772409600; /* 2026-03-02 08:00 +08:00 */
    tandem_value down = tandem_bool(1), nil = tandem_nil(), v;
    store_kv_set(c->store, "notifier", "sms_down", &down);
    char msg[300];
    harness_capture();
    int status = emit(c, "visit.logged", "{\"worker\": \"王芳\"}", msg, sizeof msg);
    char *log = harness_captured();
    is_int(status, BUS_OK, "the event commits although its AFTER handler fails");
    like(log, "after handler for visit.logged (event 1) failed, attempt 1, retrying in 10s",
         "the failure is logged with when it retries");
    free(log);
    is_int(count(c, "SELECT count(*) FROM outbox"), 1, "the delivery waits in the outbox");
    is_int(count(c, "SELECT count(*) FROM journal WHERE topic = 'sms.sent'"), 0,
           "the failed attempt's effects were rolled back");
    ok(store_kv_get(c->store, "notifier", "attempts", &v) == TANDEM_NOTFOUND,
       "including its key/value writes");
    bus_deliver(c->bus);
    is_int(count(c, "SELECT attempts FROM outbox"), 1, "it is not retried before it is due");
    store_kv_set(c->store, "notifier", "sms_down", &nil);
    c->fixed_now += 11;
    is_int(bus_deliver(c->bus), 0, "once due and the gateway is back, delivery succeeds");
    is_int(count(c, "SELECT count(*) FROM outbox"), 0, "the outbox is empty");
    is_int(count(c, "SELECT count(*) FROM journal WHERE topic = 'sms.sent' AND caused_by = 1"), 1,
           "its event is journaled, caused by the original");
    c->fixed_now += 3600;
    bus_deliver(c->bus);
    is_int(count(c, "SELECT count(*) FROM journal WHERE topic = 'sms.sent'"), 1,
           "and it never runs twice");
    core_close(c);
}

int main(void)
{
    test_order();
    test_veto_and_schema();
    test_chains();
    test_outbox();
    return done_testing();
}
