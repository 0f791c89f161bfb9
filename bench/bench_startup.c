/*
** bench_startup.c — start-up and memory.
**
**   bench_startup PLUGIN_DIR       core_open + core_close with 200 C plugins
**                                  (PLUGIN_DIR/bp001.so … bp200.so, built by
**                                  run.sh from bench/tiny_plugin.c) and 1,000
**                                  tiny scripts
**   bench_startup --memory SODIR   resident memory of a process whose core
**                                  runs the shipped plugins (each .so in SODIR) and
**                                  100 scripts, and each script's own state
**
** The memory figure needs a process of its own (run.sh starts one), so
** that nothing the start-up runs allocated is counted.
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "buf.h"
#include "host.h"
#include "lua_host.h"

#define MAX_RUNS 64
#define PLUGINS 200
#define SCRIPTS 1000
#define MEMORY_SCRIPTS 100

#ifndef BENCH_SRCDIR
#define BENCH_SRCDIR "."
#endif

static const char tiny_script[] =
    "tandem.register{ version = \"1.0.0\", summary = \"start-up benchmark script\" }\n"
    "local n = 0\n"
    "tandem.on(\"bench.tick\", function(ev) n = n + 1 end)\n";

/* Nodes of the host that run, by kind. */
static size_t running(struct core *c, enum node_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < host_count(c->host); i++) {
        node *x = host_node(c->host, i);
        n += x->kind == kind && x->state == NODE_RUNNING;
    }
    return n;
}

static const char *startup_ini(const char *plugin_dir)
{
    buf ini = BUF_INIT;
    char name[64];
    buf_printf(&ini, "[core]\nlog_level = error\nplugin_dir = %s\nscript_dir = %s\n", plugin_dir,
               bench_dir());
    for (int i = 1; i <= PLUGINS; i++)
        buf_printf(&ini, "[plugin.bp%03d]\n", i);
    for (int i = 1; i <= SCRIPTS; i++) {
        snprintf(name, sizeof name, "s%04d.lua", i);
        bench_write(name, tiny_script);
        buf_printf(&ini, "[script.s%04d]\n", i);
    }
    return buf_steal(&ini);
}

static void startup(const char *plugin_dir)
{
    int runs = bench_runs();
    double total[MAX_RUNS], open[MAX_RUNS];
    char v[64], about[64];
    const char *ini = startup_ini(plugin_dir), *db = bench_path("startup.db");
    if (runs > MAX_RUNS)
        runs = MAX_RUNS;
    bench_log("start-up with %d plugins and %d scripts (%d runs)", PLUGINS, SCRIPTS, runs);
    struct core *c = bench_core(ini, db); /* warm-up; creates the database */
    size_t np = running(c, NODE_C), ns = running(c, NODE_LUA);
    core_close(c);
    for (int i = 0; i < runs; i++) {
        double t0 = bench_now();
        c = bench_core(ini, db);
        double t1 = bench_now();
        core_close(c);
        open[i] = t1 - t0;
        total[i] = bench_now() - t0;
    }
    double ms = bench_median(total, (size_t)runs) * 1000;
    snprintf(v, sizeof v, "%.1f ms", ms);
    snprintf(about, sizeof about, "%.1f ms", bench_median(open, (size_t)runs) * 1000);
    bench_row("startup", "start-up with 200 C plugins and 1,000 scripts (core_open + core_close)",
              v, "—", "—", "≤ 150 ms", ms <= 150 && np == PLUGINS && ns == SCRIPTS);
    bench_about("startup",
                "core_open (configuration, database, model migrations checked, %zu C plugins "
                "dlopen'ed, checked, initialised and started, %zu scripts each in its own "
                "sandboxed lua_State with its top level run) plus core_close, on an existing "
                "database, median of %d runs after one warm-up; core_open alone is %s.",
                np, ns, runs, about);
    free((char *)ini);
}

/* [plugin.NAME] for every NAME.so of the shipped plugins. */
static size_t add_shipped_plugins(buf *ini, const char *so_dir)
{
    DIR *d = opendir(so_dir);
    struct dirent *e;
    size_t n = 0;
    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".so") == 0) {
            buf_printf(ini, "[plugin.%.*s]\n", (int)(len - 3), e->d_name);
            n++;
        }
    }
    if (d)
        closedir(d);
    return n;
}

/* The shipped points rule, loaded under 100 names: a real rule, and one
** that can run many times (it declares no topics of its own). */
static const char *memory_ini(const char *so_dir, size_t *nplugins)
{
    buf ini = BUF_INIT;
    buf_printf(&ini, "[core]\nlog_level = error\nplugin_dir = %s\nscript_dir = %s/scripts\n",
               so_dir, BENCH_SRCDIR);
    *nplugins = add_shipped_plugins(&ini, so_dir);
    for (int i = 1; i <= MEMORY_SCRIPTS; i++)
        buf_printf(&ini, "[script.points%03d]\nfile = %s/scripts/points.lua\n", i, BENCH_SRCDIR);
    return buf_steal(&ini);
}

static void memory(const char *so_dir)
{
    size_t nplugins, lua_bytes = 0, nscripts = 0;
    char v[64], per[64], figure[200];
    const char *ini = memory_ini(so_dir, &nplugins);
    long before = bench_rss_kb();
    bench_log("memory with the shipped plugins and %d scripts", MEMORY_SCRIPTS);
    struct core *c = bench_core(ini, bench_path("memory.db"));
    long rss = bench_rss_kb(), hwm = bench_hwm_kb();
    for (size_t i = 0; i < host_count(c->host); i++) {
        node *n = host_node(c->host, i);
        if (n->kind == NODE_LUA && n->state == NODE_RUNNING) {
            lua_bytes += lua_host_memory(n);
            nscripts++;
        }
    }
    size_t np = running(c, NODE_C);
    double per_script = nscripts ? (double)lua_bytes / (double)nscripts / 1024 : 0;
    double rss_per = (double)(rss - before) / MEMORY_SCRIPTS;
    snprintf(v, sizeof v, "%.1f MB", (double)rss / 1024);
    snprintf(figure, sizeof figure,
             "memory: RSS with the shipped plugins (%zu of %zu running) and %zu scripts", np,
             nplugins, nscripts);
    bench_row("memory_rss", figure, v, "—", "—", "≤ 30 MB", rss <= 30 * 1024);
    snprintf(per, sizeof per, "%.1f KB", per_script);
    bench_row("memory_script", "memory: state per script (its lua_State's allocations)", per, "—",
              "—", "≤ 100 KB each", nscripts > 0 && per_script <= 100);
    bench_about("memory_rss",
                "VmRSS from /proc/self/status of a process that did nothing but core_open on a "
                "new database with the shipped plugins and %d copies of scripts/points.lua "
                "(peak VmHWM %.1f MB; %.1f MB before core_open).",
                MEMORY_SCRIPTS, (double)hwm / 1024, (double)before / 1024);
    bench_about("memory_script",
                "The bytes each script's capped allocator holds after loading (the sandbox's own "
                "count, lua_host_memory), averaged over %zu copies of points.lua; the RSS grew "
                "by %.1f KB per script including the core's own share.",
                nscripts, rss_per);
    core_close(c);
    free((char *)ini);
}

int main(int argc, char **argv)
{
    /* the INI's paths are relative to the INI, which lives in the scratch dir */
    char *dir = argc >= 2 ? realpath(argv[argc - 1], NULL) : NULL;
    if (argc == 3 && strcmp(argv[1], "--memory") == 0 && dir)
        memory(dir);
    else if (argc == 2 && dir)
        startup(dir);
    else {
        fprintf(stderr, "usage: bench_startup PLUGIN_DIR | bench_startup --memory SO_DIR\n");
        return 2;
    }
    free(dir);
    return 0;
}
