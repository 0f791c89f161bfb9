/*
** test_value.c — one value model: nil, bool, integer, real, text and blob
** survive C → JSON → C, C → SQLite → C, and C → Lua → C unchanged.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "command.h"
#include "event.h"
#include "harness.h"
#include "store.h"
#include "tap.h"
#include "value.h"

static tandem_value samples[7];
static const char *const names[] = {"nil",  "yes",     "count", "ratio",
                                    "name", "picture", "big"};

static void make_samples(void)
{
    static const char blob[] = {0x00, (char)0xff, 0x10, (char)0xe5, 0x00};
    samples[0] = tandem_nil();
    samples[1] = tandem_bool(1);
    samples[2] = tandem_int(-9007199254740993LL); /* not exact as a double */
    samples[3] = tandem_real(0.1);
    samples[4] = tandem_text("张伟 \"quoted\" \\ 换行\n");
    samples[5] = tandem_blob(blob, sizeof blob);
    samples[6] = tandem_int(INT64_MAX);
}

static void test_json_round_trip(void)
{
    tandem_event *ev = event_new("test.values");
    for (int i = 0; i < 7; i++)
        event_set(ev, names[i], &samples[i]);
    buf json = BUF_INIT;
    event_fields_json(ev, &json);
    like(buf_str(&json), "\"ratio\":0.1", "reals print in their shortest exact form");
    tandem_event *back = event_new("test.values");
    char err[200] = "";
    ok(event_fields_parse(back, buf_str(&json), err, sizeof err) == 0, "JSON parses back (%s)",
       err);
    for (int i = 0; i < 7; i++) {
        const tandem_value *v = event_find(back, names[i]);
        ok(v && value_equal(v, &samples[i]), "JSON round trip keeps %s (%s)", names[i],
           value_type_name(samples[i].type));
    }
    buf_free(&json);
    event_free(ev);
    event_free(back);
}

static void test_json_errors(void)
{
    tandem_event *ev = event_new("test.values");
    char err[200] = "";
    ok(event_fields_parse(ev, "{\"a\": 1,}", err, sizeof err) != 0, "bad JSON is refused");
    like(err, "line 1", "the error names the line and column");
    ok(event_fields_parse(ev, "{\"a\": [1, 2]}", err, sizeof err) != 0, "lists are refused");
    like(err, "field a", "the error names the field");
    ok(event_fields_parse(ev, "{\"Bad-Name\": 1}", err, sizeof err) != 0, "bad names are refused");
    ok(event_fields_parse(ev, "{\"x\": \"\\u00e5\\u0000\"}", err, sizeof err) != 0,
       "NUL inside text is refused");
    event_free(ev);
}

struct row_copy {
    tandem_value v[8];
    int n;
};

static int copy_row(void *ud, int ncols, const tandem_value *cols)
{
    struct row_copy *r = ud;
    r->n = ncols;
    for (int i = 0; i < ncols && i < 8; i++)
        value_copy(&r->v[i], &cols[i]);
    return 0;
}

static void test_sqlite_round_trip(struct core *c)
{
    store *s = c->store;
    struct row_copy r = {{{0}}, 0};
    ok(store_exec(s, NULL, "CREATE TABLE vals(a ANY, b ANY, c ANY, d ANY, e ANY, f ANY, g ANY) STRICT",
                  NULL, 0, NULL, NULL) == TANDEM_OK,
       "a STRICT table with ANY columns");
    ok(store_exec(s, NULL, "INSERT INTO vals VALUES (?,?,?,?,?,?,?)", samples, 7, NULL, NULL) ==
           TANDEM_OK,
       "every value binds");
    store_exec(s, NULL, "SELECT * FROM vals", NULL, 0, copy_row, &r);
    is_int(r.n, 7, "seven columns come back");
    for (int i = 0; i < 7; i++) {
        tandem_value want = samples[i];
        if (want.type == TANDEM_BOOL) /* SQLite has no boolean: documented */
            want = tandem_int(want.u.b);
        ok(value_equal(&r.v[i], &want), "SQLite round trip keeps %s", names[i]);
        value_clear(&r.v[i]);
    }
    for (int i = 0; i < 7; i++) {
        tandem_value got;
        store_kv_set(s, "test", names[i], &samples[i]);
        int rc = store_kv_get(s, "test", names[i], &got);
        if (samples[i].type == TANDEM_NIL) {
            is_int(rc, TANDEM_NOTFOUND, "setting nil in the key/value area deletes");
            continue;
        }
        ok(rc == TANDEM_OK && value_equal(&got, &samples[i]),
           "key/value round trip keeps %s exactly (booleans too)", names[i]);
        value_clear(&got);
    }
}

struct grab_ctx {
    tandem_event **ev;
    char *err;
};

static int grab(void *ud, const struct journal_row *row)
{
    struct grab_ctx *g = ud;
    *g->ev = bus_event_from_row(row, g->err, 200);
    return 1;
}

/* A script copies every field of the event into a follow-up: what comes
** back from the journal is what went in. */
static void test_lua_round_trip(void)
{
    const char *script = harness_write("mirror.lua",
                                       "tandem.on('test.values', function(ev)\n"
                                       "  local copy = {}\n"
                                       "  for k, v in pairs(ev) do copy[k] = v end\n"
                                       "  copy.int_is_integer = math.type(ev.count) == 'integer'\n"
                                       "  copy.real_is_float = math.type(ev.ratio) == 'float'\n"
                                       "  tandem.emit('test.mirrored', copy)\n"
                                       "end)\n");
    char ini[600];
    snprintf(ini, sizeof ini, "[script.mirror]\nfile = %s\n", script);
    struct core *c = harness_core(ini, "lua.db");
    ok(c != NULL, "a core with the mirror script opens");
    if (c == NULL)
        return;
    tandem_event *ev = event_new("test.values");
    event_set_meta(ev, "test", "test", NULL);
    for (int i = 0; i < 7; i++)
        event_set(ev, names[i], &samples[i]);
    struct bus_result res;
    bus_submit(c->bus, ev, &res);
    is_int(res.status, BUS_OK, "the event is accepted (%s)", res.message ? res.message : "");
    is_int(res.nfollowups, 1, "the script emitted one follow-up");
    struct journal_query q = {"test.mirrored", 0, 0, 0};
    tandem_event *back = NULL;
    char err[200];
    struct grab_ctx ctx = {&back, err};
    store_journal_scan(c->store, &q, grab, &ctx);
    ok(back != NULL, "the follow-up is in the journal");
    for (int i = 1; back && i < 7; i++) { /* nil fields do not exist in a Lua table */
        const tandem_value *v = event_find(back, names[i]);
        ok(v && value_equal(v, &samples[i]), "Lua round trip keeps %s", names[i]);
    }
    const tandem_value *t = back ? event_find(back, "int_is_integer") : NULL;
    ok(t && t->type == TANDEM_BOOL && t->u.b, "integers arrive in Lua as integers");
    t = back ? event_find(back, "real_is_float") : NULL;
    ok(t && t->type == TANDEM_BOOL && t->u.b, "reals arrive in Lua as floats");
    event_free(back);
    bus_result_clear(&res);
    core_close(c);
}

int main(void)
{
    make_samples();
    test_json_round_trip();
    test_json_errors();
    struct core *c = harness_core("[core]\nlog_level = warn\n", "values.db");
    ok(c != NULL, "a core opens on a minimal configuration");
    if (c) {
        test_sqlite_round_trip(c);
        core_close(c);
    }
    test_lua_round_trip();
    return done_testing();
}
