/*
** lua_host.h — Lua scripts as nodes of the plugin graph: one sandboxed
** lua_State per script, the `tandem` table they program against, and the
** trampoline that lets the bus call their handlers like any C handler.
** docs/SCRIPTING.md documents the Lua side.
*/
#ifndef TANDEM_LUA_HOST_H
#define TANDEM_LUA_HOST_H

#include "buf.h"
#include "node.h"

struct core;

/* Keys of a [script.NAME] section that belong to the host, not the script. */
extern const char *const lua_host_reserved_keys[];

/* Creates the script's state, binds its options and runs its top level
** (which registers handlers). On failure refuses the node. */
int lua_host_load(struct core *c, node *n, const char *path);

/* Replaces the script with a fresh load of its file. If that fails, the
** running version stays and -1 is returned with the reason in n->error. */
int lua_host_reload(struct core *c, node *n);

/* Closes the script's state and frees its handlers. */
void lua_host_close(node *n);

/* The rows a script's report returned: ncols headers, then nrows × ncols
** cells, each a NUL-terminated string in cells. */
struct report_rows {
    size_t ncols, nrows;
    buf cells;
};

/* Runs the report a script registered with tandem.report; args are
** name/value pairs handed to it as a table. -1 with a message on failure. */
int lua_model_run_report(struct core *c, const char *name, const char *const *args, size_t nargs,
                         struct report_rows *out, char *err, size_t errlen);
/* The registered reports' names and summaries. */
size_t lua_model_reports(struct core *c, const char **names, const char **summaries, size_t max);
void lua_model_free(struct core *c);

/* Bytes the script's state uses now. */
size_t lua_host_memory(const node *n);

#endif
