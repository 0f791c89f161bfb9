/*
** core.h — the one explicit context that every module hangs off. There is
** no other global state (the log level excepted).
*/
#ifndef TANDEM_CORE_H
#define TANDEM_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "node.h"
#include "store.h"

struct bus;
struct host;
struct match_need;
struct match_candidate;
struct scheduler;
struct lua_reports;

struct core {
    struct config *config; /* NULL when run without a file */
    options *opts;         /* [core] */
    options *attendance;   /* [attendance]: default check-in policies */
    options *certificate;  /* [certificate] */
    options *resources;    /* [resources] */

    /* the need-matching score a script registered (tandem.scorer), or NULL */
    int (*scorer)(void *ud, const struct match_need *need, struct match_candidate *c);
    void *scorer_ud;
    node *scorer_owner;
    struct scheduler *scheduler; /* timers (scheduler.c) */
    struct lua_reports *reports; /* reports scripts registered (lua_model.c) */
    store *store;
    struct bus *bus;
    struct host *host;
    node *self; /* the core as a node: owner of the topics it declares */

    char *config_path;
    char *database;
    char *plugin_dir;
    char *script_dir;
    int strict;
    int checking; /* check-config: warn about what a run passes over quietly */
    int max_depth;
    int64_t fixed_now; /* injected clock (TANDEM_NOW); 0: the real clock */
    uint64_t seed;     /* nonzero: core_random is a seeded sequence (the demo) */
    char actor[64];    /* who runs this process: "cli:USER" */
    const char *override_script; /* a script loaded from another file (previews) */
    const char *override_file;
};

/* The clock: Unix seconds, from TANDEM_NOW when set (tests), else time(). */
int64_t core_now(const struct core *c);

/* The IANA name of the time zone dates and shifts are in ("Asia/Shanghai"):
** [core] timezone, or TZ under TANDEM_TZ_KEEP. NULL when that is a POSIX rule
** ("CST-8") rather than a name. Valid while the core is open. */
const char *core_zone_name(const struct core *c);

/* Random bytes for codes people are given: from libsodium, or, when c->seed
** is set (the demo), a deterministic sequence so that a run can be repeated. */
void core_random(struct core *c, void *out, size_t n);

enum core_store { CORE_STORE_FILE = 0, CORE_STORE_MEMORY };

struct core_args {
    const char *config_path; /* NULL: $TANDEM_CONFIG, else ./etc/tandem.ini */
    const char *database;    /* overrides [core] database */
    int mode;                /* enum host_mode */
    enum core_store store;   /* CORE_STORE_MEMORY for check-config */
    int no_config_ok;        /* run with built-in defaults if no file exists */
    store *use_store;        /* run on this store (taking ownership) instead of opening one */
    const char *script;      /* with script_file: load [script.NAME] from another file */
    const char *script_file;
    int store_only; /* load no plugin or script: only the store and the model */
};

/* Reads the configuration, opens the store and loads the plugins. Errors are
** printed; returns 0, or 1 for a configuration or store error. */
int core_open(struct core **out, const struct core_args *args);
void core_close(struct core *c);

/* Parses "2026-03-02 07:20", "2026-03-02T07:20:00", "2026-03-02" (local
** time) or Unix seconds. 0 on success. */
int core_parse_time(const char *s, int64_t *out);

#endif
