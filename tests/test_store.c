/*
** test_store.c — the store: plugin namespaces, migrations (order, rollback,
** no downgrade), idempotency, an append-only journal, nested transactions,
** and refusal of files that are not tandem databases.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "command.h"
#include "harness.h"
#include "host.h"
#include "store.h"
#include "tap.h"

static char ini[1024];

static const char *fixture_ini(void)
{
    snprintf(ini, sizeof ini, "[core]\nplugin_dir = %s\n[plugin.fx_migrate]\n",
             getenv("FIXTURE_DIR") ? getenv("FIXTURE_DIR") : "tests/fixtures/.libs");
    return ini;
}

static int count_cb(void *ud, int ncols, const tandem_value *cols)
{
    (void)ncols;
    *(int64_t *)ud = cols[0].u.i;
    return 0;
}

static int64_t count(store *s, const char *sql)
{
    int64_t n = -1;
    store_exec(s, NULL, sql, NULL, 0, count_cb, &n);
    return n;
}

static int emit_note(struct core *c, const char *text, char **message)
{
    char json[200];
    struct bus_result res;
    snprintf(json, sizeof json, "{\"text\": \"%s\"}", text);
    int status = command_emit(c, "fx.note", json, NULL, "test", &res);
    if (message)
        *message = res.message ? strdup(res.message) : NULL;
    bus_result_clear(&res);
    return status;
}

static int add_key(void *ud, const char *key)
{
    buf_printf(ud, "%s ", key);
    return 0;
}

static void test_namespace(void)
{
    setenv("FX_MIGRATE", "good", 1);
    struct core *c = harness_core(fixture_ini(), "ns.db");
    ok(c != NULL, "a core with fx_migrate opens");
    if (c == NULL)
        return;
    node *n = host_find(c->host, "fx_migrate");
    is_int(n ? (int)n->state : -1, NODE_RUNNING, "fx_migrate runs after its migrations");
    int version = 0;
    store_schema_version(c->store, "fx_migrate", &version);
    is_int(version, 2, "both migrations were applied");
    is_int(emit_note(c, "河道有垃圾", NULL), BUS_OK, "an event applied into a private table");
    is_int(count(c->store, "SELECT count(*) FROM p_fx_migrate_notes"), 1,
           "the projection wrote its row");
    tandem_value v;
    store_kv_get(c->store, "fx_migrate", "write_in_on", &v);
    is_int(v.u.i, TANDEM_DENIED, "a write from an ON handler (not apply) is denied");

    store_exec(c->store, NULL, "CREATE TABLE p_other_notes (x)", NULL, 0, NULL, NULL);
    struct store_scope scope = {"fx_migrate", 0};
    static const char *const denied[] = {
        "SELECT * FROM journal",          "SELECT * FROM kv",
        "SELECT * FROM p_other_notes",    "ATTACH DATABASE ':memory:' AS x",
        "PRAGMA writable_schema = 1",     "SELECT * FROM p_fx_migrate_notes, plugin_schema",
        "BEGIN",                          NULL};
    for (int i = 0; denied[i]; i++)
        is_int(store_exec(c->store, &scope, denied[i], NULL, 0, NULL, NULL), TANDEM_DENIED,
               "a plugin may not run: %s", denied[i]);
    is_int(store_exec(c->store, &scope, "SELECT count(*) FROM p_fx_migrate_notes", NULL, 0, NULL,
                      NULL),
           TANDEM_OK, "but it reads its own tables");

    setenv("FX_MIGRATE_TRESPASS", "1", 1);
    char *msg = NULL;
    int64_t before = count(c->store, "SELECT count(*) FROM journal");
    int status = emit_note(c, "越界", &msg);
    unsetenv("FX_MIGRATE_TRESPASS");
    ok(status == BUS_FAILED, "a projection that touches the core's tables fails the event");
    like(msg ? msg : "", "not allowed", "with a message that says why");
    is_int(count(c->store, "SELECT count(*) FROM journal"), before,
           "and the failed event left nothing in the journal");
    free(msg);
    core_close(c);
}

static void test_migrations(void)
{
    setenv("FX_MIGRATE", "broken", 1);
    harness_capture();
    struct core *c = harness_core(fixture_ini(), "broken.db");
    char *log = harness_captured();
    node *n = c ? host_find(c->host, "fx_migrate") : NULL;
    is_int(n ? (int)n->state : -1, NODE_REFUSED, "a plugin whose migration fails is refused");
    like(log, "migration 3 failed, every pending step was rolled back", "the log says so");
    int version = -1;
    if (c)
        store_schema_version(c->store, "fx_migrate", &version);
    is_int(version, 0, "no step of the failed upgrade remains recorded");
    is_int(c ? count(c->store, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'p_fx%'") : -1,
           0, "and none of its tables exist");
    free(log);
    core_close(c);

    setenv("FX_MIGRATE", "good", 1);
    c = harness_core(fixture_ini(), "down.db");
    core_close(c);
    setenv("FX_MIGRATE", "old", 1);
    harness_capture();
    c = harness_core(fixture_ini(), "down.db");
    log = harness_captured();
    n = c ? host_find(c->host, "fx_migrate") : NULL;
    is_int(n ? (int)n->state : -1, NODE_REFUSED, "an older plugin on a newer schema is refused");
    like(log, "the database holds schema version 2 of fx_migrate, but this plugin knows only up "
              "to 1: downgrades are refused",
         "naming both versions");
    free(log);
    core_close(c);

    setenv("FX_MIGRATE", "foreign", 1);
    harness_capture();
    c = harness_core(fixture_ini(), "foreign.db");
    log = harness_captured();
    like(log, "not allowed", "a migration that creates a table outside p_NAME_* is refused");
    is_int(c ? count(c->store, "SELECT count(*) FROM sqlite_schema WHERE name = 'person_copy'")
             : -1,
           0, "and the table was not created");
    free(log);
    core_close(c);
    setenv("FX_MIGRATE", "good", 1);
}

static void test_idempotency_and_journal(void)
{
    struct core *c = harness_core("", "journal.db");
    struct bus_result a, b;
    command_emit(c, "weather.rain", "{\"level\": \"暴雨\"}", "rain-2026-03-02", "test", &a);
    command_emit(c, "weather.rain", "{\"level\": \"小雨\"}", "rain-2026-03-02", "test", &b);
    is_int(a.status, BUS_OK, "a custom topic is accepted");
    is_int(b.status, BUS_DUPLICATE, "a repeated idempotency key is a duplicate");
    is_int(b.id, a.id, "which answers with the first event's id");
    is_int(count(c->store, "SELECT count(*) FROM journal"), 1, "and changes nothing");
    bus_result_clear(&a);
    bus_result_clear(&b);
    ok(store_exec(c->store, NULL, "UPDATE journal SET topic = 'x.y'", NULL, 0, NULL, NULL) !=
           TANDEM_OK,
       "the journal refuses updates");
    like(store_errmsg(c->store), "append-only", "saying it is append-only");
    ok(store_exec(c->store, NULL, "DELETE FROM journal", NULL, 0, NULL, NULL) != TANDEM_OK,
       "the journal refuses deletes");

    tandem_value one = tandem_int(1), two = tandem_int(2), got;
    store_begin(c->store);
    store_kv_set(c->store, "t", "a", &one);
    store_begin(c->store);
    store_kv_set(c->store, "t", "b", &two);
    store_rollback(c->store);
    store_commit(c->store);
    ok(store_kv_get(c->store, "t", "a", &got) == TANDEM_OK, "an outer transaction commits");
    is_int(store_kv_get(c->store, "t", "b", &got), TANDEM_NOTFOUND,
           "an inner savepoint rolls back alone");
    static const char *const keys[] = {"visits:张伟", "visits:张芳", "visits:李娜", "vis"};
    for (size_t i = 0; i < 4; i++)
        store_kv_set(c->store, "t", keys[i], &one);
    buf found = BUF_INIT;
    store_kv_keys(c->store, "t", "visits:张", add_key, &found);
    is_str(buf_str(&found), "visits:张伟 visits:张芳 ", "keys by a Chinese prefix, in byte order");
    buf_reset(&found);
    store_kv_keys(c->store, "t", "visits:", add_key, &found);
    is_str(buf_str(&found), "visits:张伟 visits:张芳 visits:李娜 ", "and by an ASCII one");
    buf_free(&found);
    core_close(c);
}

static void test_refused_files(void)
{
    char err[400] = "";
    store *s = NULL;
    const char *empty = harness_write("empty.db", "");
    ok(store_open(&s, empty, NULL, err, sizeof err) != 0, "an empty file is not opened");
    like(err, "is empty (0 bytes), not a tandem database", "as it may be a truncated database");
    const char *foreign = harness_write("foreign-tables.db", "");
    remove(foreign);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'CREATE TABLE t(x)' 2>/dev/null", foreign);
    if (system(cmd) == 0) {
        ok(store_open(&s, foreign, NULL, err, sizeof err) != 0,
           "another application's database is not opened");
        like(err, "not a tandem database", "and the message says so");
    } else {
        ok(1, "# SKIP sqlite3 command not installed");
        ok(1, "# SKIP sqlite3 command not installed");
    }
}

int main(void)
{
    test_namespace();
    test_migrations();
    test_idempotency_and_journal();
    test_refused_files();
    return done_testing();
}
