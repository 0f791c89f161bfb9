/*
** test_loader.c — every way a plugin can be refused gives one log line with
** its file and the reason, and the others keep loading; init failures roll
** back; C plugins and scripts start in dependency order and stop in
** reverse; [core] strict = yes makes a refusal fatal.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "command.h"
#include "harness.h"
#include "host.h"
#include "tap.h"

static char ini[4000];

static const char *fixture_dir(void)
{
    return getenv("FIXTURE_DIR") ? getenv("FIXTURE_DIR") : "tests/fixtures/.libs";
}

static const char *mixed_ini(const char *extra)
{
    const char *text = harness_write("not-elf.so", "this is a text file, not a shared object\n");
    harness_write("needs_ok.lua", "tandem.register{ requires = { 'fx_ok >= 1.0' } }\n");
    harness_write("needs_failed.lua", "tandem.register{ requires = { 'fx_init_fails' } }\n");
    harness_write("too_new.lua", "tandem.register{ requires = { 'fx_ok >= 7' } }\n");
    snprintf(ini, sizeof ini,
             "[core]\nplugin_dir = %s\nscript_dir = %s\n%s\n"
             "[plugin.fx_after]\n"
             "[plugin.fx_ok]\nlabel = 护学蓝\n"
             "[plugin.fx_bad_magic]\n"
             "[plugin.fx_abi_major]\n"
             "[plugin.fx_abi_minor]\n"
             "[plugin.fx_no_entry]\n"
             "[plugin.fx_init_fails]\n"
             "[plugin.fx_cycle_a]\n"
             "[plugin.fx_cycle_b]\n"
             "[plugin.fx_needs_missing]\n"
             "[plugin.fx_absent]\n"
             "[plugin.fx_text]\nfile = %s\n"
             "[script.needs_ok]\n"
             "[script.needs_failed]\n"
             "[script.too_new]\n"
             "[script.fx_ok]\n",
             fixture_dir(), harness_dir(), extra, text);
    return ini;
}

static int count_lines(const char *log, const char *needle)
{
    int n = 0;
    for (const char *p = log; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static node *find_kind(struct core *c, const char *name, enum node_kind kind)
{
    for (size_t i = 0; i < host_count(c->host); i++)
        if (strcmp(host_node(c->host, i)->name, name) == 0 && host_node(c->host, i)->kind == kind)
            return host_node(c->host, i);
    return NULL;
}

static void expect(struct core *c, const char *log, const char *name, const char *reason)
{
    node *n = host_find(c->host, name);
    if (n && n->state != NODE_REFUSED) /* a twin of a running node */
        n = find_kind(c, name, n->kind == NODE_C ? NODE_LUA : NODE_C);
    is_int(n ? (int)n->state : -1, NODE_REFUSED, "%s is refused", name);
    char line[200];
    snprintf(line, sizeof line, "refused %s %s (", n && n->kind == NODE_LUA ? "script" : "plugin",
             name);
    like(log, line, "%s: one log line naming it and its file", name);
    like(n && n->refusal ? n->refusal : "", reason, "%s: %s", name, reason);
}

static void test_refusals(void)
{
    harness_capture();
    struct core *c = harness_core(mixed_ini(""), "loader.db");
    char *log = harness_captured();
    ok(c != NULL, "the core opens although many plugins are refused");
    if (c == NULL)
        return;
    expect(c, log, "fx_bad_magic", "bad magic 0xdeadbeef, not a tandem plugin descriptor");
    expect(c, log, "fx_abi_major", "built for tandem ABI 2.0, but this tandem speaks ABI 1");
    expect(c, log, "fx_abi_minor", "needs ABI 1.99, but this tandem provides 1.");
    expect(c, log, "fx_no_entry", "not a tandem plugin: it has no tandem_plugin_entry symbol");
    expect(c, log, "fx_init_fails",
           "init failed: the test database is not reachable; everything it registered was "
           "rolled back");
    expect(c, log, "fx_cycle_a", "dependency cycle: fx_cycle_a → fx_cycle_b → fx_cycle_a");
    expect(c, log, "fx_cycle_b", "dependency cycle:");
    expect(c, log, "fx_needs_missing", "requires 'fx_nowhere', which is not configured");
    expect(c, log, "fx_absent", "file not found");
    like(log, "fx_absent.so): file not found", "the log line names the missing file");
    expect(c, log, "fx_text", "cannot load");
    like(host_find(c->host, "fx_text")->refusal, "(check for missing libraries with `ldd",
         "a dlopen failure comes with a hint");
    expect(c, log, "needs_failed", "requires 'fx_init_fails', which was refused");
    expect(c, log, "too_new", "requires fx_ok >= 7, but fx_ok is 1.2.0");
    expect(c, log, "fx_ok", "the name 'fx_ok' is already used by [plugin.fx_ok]");
    is_int(count_lines(log, "refused "), 13, "exactly one line per refusal");

    node *okn = find_kind(c, "fx_ok", NODE_C);
    is_int(okn ? (int)okn->state : -1, NODE_RUNNING, "the good plugin runs");
    is_int(host_find(c->host, "needs_ok")->state, NODE_RUNNING,
           "a script that needs a C plugin runs: one dependency graph");
    ok(okn && okn->rank < host_find(c->host, "needs_ok")->rank,
       "and starts after the plugin it needs");
    tandem_value label;
    ok(okn && options_get(okn->opts, "label", &label) == TANDEM_OK &&
           strcmp(label.u.s.p, "护学蓝") == 0,
       "the plugin's options are bound from its section");
    struct topic *t = bus_topic(c->bus, "fx.failing", 0);
    ok(t == NULL || t->owner == NULL, "a topic declared by a failed init is rolled back");
    struct bus_result res;
    command_emit(c, "fx.ping", "{\"n\": 1}", NULL, "test", &res);
    is_int(res.status, BUS_OK, "handlers of a failed init never run (%s)",
           res.message ? res.message : "ok");
    bus_result_clear(&res);
    free(log);
    harness_capture();
    core_close(c);
    log = harness_captured();
    like(log, "fx_after stopped", "fx_after stops");
    ok(strstr(log, "fx_after stopped") && strstr(log, "fx_ok stopped") &&
           strstr(log, "fx_after stopped") < strstr(log, "fx_ok stopped"),
       "plugins stop in reverse dependency order");
    free(log);
}

static void test_start_order(void)
{
    snprintf(ini, sizeof ini, "[core]\nplugin_dir = %s\n[plugin.fx_after]\n[plugin.fx_ok]\n",
             fixture_dir());
    harness_capture();
    struct core *c = harness_core(ini, "order.db");
    char *log = harness_captured();
    ok(strstr(log, "fx_ok started") && strstr(log, "fx_after started") &&
           strstr(log, "fx_ok started") < strstr(log, "fx_after started"),
       "a plugin listed first but depending on another starts after it");
    free(log);
    core_close(c);
}

static void test_strict(void)
{
    harness_capture();
    struct core *c = harness_core(mixed_ini("strict = yes"), "strict.db");
    char *log = harness_captured();
    ok(c == NULL, "with strict = yes a refusal is fatal");
    like(log, "[core] strict = yes: 13 refusals, stopping", "and says why it stopped");
    unlike(log, "fx_ok started", "before starting anything");
    free(log);
}

int main(void)
{
    test_refusals();
    test_start_order();
    test_strict();
    return done_testing();
}
