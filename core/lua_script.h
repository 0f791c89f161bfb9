/*
** lua_script.h — what the Lua host's two files share: the record of one
** loaded script and the value conversions. Internal to core/lua_*.c.
*/
#ifndef TANDEM_LUA_SCRIPT_H
#define TANDEM_LUA_SCRIPT_H

#include <lua.h>
#include <tandem/plugin.h>

#include "node.h"
#include "sandbox.h"

struct core;

struct lua_handler {
    struct script *script;
    int ref; /* the function, in the registry */
    tandem_phase phase;
};

struct script {
    node *node;
    struct core *core;
    lua_State *L;
    struct sandbox sb;
    struct sandbox_limits limits; /* per handler call */
    char chunkname[256];
    struct lua_handler **handlers;
    size_t nhandlers;
    tandem_option *schema; /* options declared with tandem.register */
    char **schema_strings;
    size_t nschema_strings;
};


/* The script a state (or any of its threads) belongs to. */
struct script *lua_script_of(lua_State *L);

/* Values between Lua and C. A string that is not UTF-8 becomes a blob;
** to_value returns -1 for values that have no field form (tables ...). */
void lua_api_push_value(lua_State *L, const tandem_value *v);
int lua_api_to_value(lua_State *L, int idx, tandem_value *out);
void lua_api_push_event(lua_State *L, const tandem_event *ev);

/* Builds the `tandem` table (and print) in a new script's state. */
void lua_api_open(lua_State *L, struct script *s);

/* Adds the model's functions (tandem.get, list, count, candidates, hours,
** recent, timer, report, scorer and tandem.points) to the tandem table on
** top of the stack (lua_model.c). */
void lua_model_open(lua_State *L);

/* Reports a script registered: forgotten when it closes, moved to the node
** when a reload succeeds. */
void lua_model_forget(struct core *c, node *n);
void lua_model_move(struct core *c, node *from, node *to);

/* The bus calls every script handler through here (lua_host.c). */
int lua_host_dispatch(tandem_plugin *self, tandem_event *ev, void *ud);

#endif
