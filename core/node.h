/*
** node.h — one node of the plugin graph: the core itself, a C plugin or a
** Lua script. The public API's opaque tandem_plugin is this struct.
*/
#ifndef TANDEM_NODE_H
#define TANDEM_NODE_H

#include <tandem/plugin.h>

#include "config.h"

struct core;
struct script;
struct tier;

enum node_kind { NODE_CORE = 0, NODE_C, NODE_LUA };
enum node_state { NODE_LOADED = 0, NODE_RUNNING, NODE_REFUSED, NODE_STOPPED };

struct node_dep {
    char *name;
    char *min_version; /* NULL: any */
};

struct tandem_plugin {
    char *name;
    enum node_kind kind;
    enum node_state state;
    char *version;
    char *summary;
    char *file;    /* .so or .lua path; NULL for the core */
    char *section; /* "plugin.NAME" or "script.NAME" */
    char *refusal; /* why it is not running */
    int rank;      /* position in start order; handlers run in this order */
    int instances; /* 1: sections running the same file share its topics */
    struct node_dep *deps;
    size_t ndeps;
    options *opts;
    struct tier *tiers; /* override sections by place and date (tier.h) */
    size_t ntiers;
    struct core *core;

    /* C plugins */
    void *dl;
    const tandem_plugin_desc *desc;
    int initialised;

    /* Lua scripts */
    struct script *script;

    /* while the host calls into the node */
    int registering; /* init or a script's top level: may declare and subscribe */
    int applying;    /* inside an apply function: may write its tables */
    char error[512]; /* message of the last api->error() */
    tandem_value *kept; /* values handed out by api->kv_get, freed when the call returns */
    size_t nkept, capkept;
};

typedef struct tandem_plugin node;

const char *node_kind_name(enum node_kind k);
const char *node_state_name(enum node_state s);

/* Adds a dependency (copies strings). 0, or TANDEM_NOMEM. */
int node_add_dep(node *n, const char *name, const char *min_version);

/* Marks the node refused with a reason (formatted). */
void node_refuse(node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "c plugin guestbook" / "script welcome": for log lines. */
const char *node_label(const node *n, char *out, size_t len);

/* Keeps a value handed out to the node until node_release. 0, or -1. */
int node_keep(node *n, const tandem_value *v);
/* Frees what was handed out since `mark` (node_mark before the call): a
** nested call (a handler of the same plugin run inside its emit) frees only
** its own values, never those the outer call still holds. */
size_t node_mark(const node *n);
void node_release(node *n, size_t mark);

void node_free(node *n);

#endif
