/*
** lua_host.c — scripts as nodes: loading with limits, the trampoline the bus
** calls handlers through, and transactional reload. The tandem table is lua_api.c.
*/
#include "lua_host.h"

#include <errno.h>
#include <inttypes.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "core.h"
#include "event.h"
#include "log.h"
#include "model.h"
#include "sandbox.h"
#include "text.h"
#include "tier.h"
#include "lua_script.h"
#include "value.h"

const char *const lua_host_reserved_keys[] = {"file", "instruction_limit", "time_limit",
                                              "memory_limit", NULL};

static const tandem_option limit_schema[] = {
    {"file", TANDEM_OPT_PATH, NULL, 0, 0, 0, "the script file (default: SCRIPT_DIR/NAME.lua)"},
    {"instruction_limit", TANDEM_OPT_INT, "1000000", 1000, 1000000000000LL, 0,
     "Lua instructions per handler call"},
    {"time_limit", TANDEM_OPT_DURATION, "200ms", 1, 600000, 0, "wall time per handler call"},
    {"memory_limit", TANDEM_OPT_SIZE, "16M", 65536, 1LL << 40, 0, "memory of the script's state"},
    {NULL, 0, NULL, 0, 0, 0, NULL}};

/* The top level (registration) gets more time than a handler. */
#define LOAD_TIME_MS 1000

struct script *lua_script_of(lua_State *L)
{
    return sandbox_of(L)->owner;
}

static const char *script_label(const struct script *s, char *out, size_t len)
{
    snprintf(out, len, "script %s", s->node->name);
    return out;
}

/* ---------------------------------------------------------------------- */
/* Calling handlers                                                       */

static const char *const phase_words[] = {"before", "on", "after"};

/* The bus calls every script handler through here. */
int lua_host_dispatch(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct lua_handler *h = ud;
    struct script *s = h->script;
    lua_State *L = s->L;
    int top = lua_gettop(L);
    char err[4096], label[80];
    s->sb.limits.instructions = s->limits.instructions;
    s->sb.limits.time_ms = s->limits.time_ms;
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref);
    lua_api_push_event(L, ev);
    lua_pushstring(L, ev->topic);
    if (sandbox_call(L, 2, 2, err, sizeof err) != LUA_OK) {
        log_msg(LOG_ERROR, script_label(s, label, sizeof label),
                "%s handler for %s (event %" PRId64 ") stopped: %s", phase_words[h->phase],
                ev->topic, ev->id, err);
        char *nl = strchr(err, '\n');
        if (nl)
            *nl = '\0';
        snprintf(self->error, sizeof self->error, "%s", err);
        lua_settop(L, top);
        return TANDEM_ERROR;
    }
    int rc = TANDEM_OK;
    if (h->phase == TANDEM_BEFORE && lua_type(L, -2) == LUA_TBOOLEAN && !lua_toboolean(L, -2)) {
        const char *reason = lua_tostring(L, -1);
        char fallback[120];
        snprintf(fallback, sizeof fallback, "refused by script %s", self->name);
        free(ev->veto);
        ev->veto = strdup(reason ? reason : fallback);
        rc = TANDEM_VETO;
    }
    lua_settop(L, top);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Loading                                                                */

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, errno == ENOENT ? "file not found" : strerror(errno));
        return NULL;
    }
    buf b = BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    *len = b.n;
    if (bad || b.failed) {
        snprintf(err, errlen, "%s: cannot read it", path);
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

/* "@scripts/NAME.lua" for files in the script directory, else "@PATH". */
static void make_chunkname(struct script *s, const char *path)
{
    const char *dir = s->core->script_dir;
    size_t dl = dir ? strlen(dir) : 0;
    if (dir && strncmp(path, dir, dl) == 0 && path[dl] == '/')
        snprintf(s->chunkname, sizeof s->chunkname, "@scripts/%s", path + dl + 1);
    else
        snprintf(s->chunkname, sizeof s->chunkname, "@%s", path);
}

static int read_limits(struct core *c, node *n, struct script *s, char *err, size_t errlen)
{
    buf errors = BUF_INIT;
    int nerrors = 0;
    options *o = options_bind(c->config, n->section, limit_schema, config_any_key, &errors,
                              &nerrors);
    tandem_value v;
    if (o == NULL || nerrors) {
        snprintf(err, errlen, "%s", o ? buf_str(&errors) : "out of memory");
        options_free(o);
        buf_free(&errors);
        return -1;
    }
    options_get(o, "instruction_limit", &v);
    s->limits.instructions = v.u.i;
    options_get(o, "time_limit", &v);
    s->limits.time_ms = v.u.i;
    options_get(o, "memory_limit", &v);
    s->limits.memory = (size_t)v.u.i;
    options_free(o);
    buf_free(&errors);
    return 0;
}

/* Override sections ([script.NAME@PLACE from DATE]) with the script's
** declared options, or guessed types when it declares none. */
static int bind_tiers(struct core *c, node *n, struct script *s, char *err, size_t errlen)
{
    buf errors = BUF_INIT;
    int nerrors = 0;
    if (tier_bind(c, n, s->schema, lua_host_reserved_keys, &errors, &nerrors) != 0 || nerrors) {
        snprintf(err, errlen, "%s", errors.n ? buf_str(&errors) : "out of memory");
        size_t len = strlen(err);
        while (len && err[len - 1] == '\n')
            err[--len] = '\0';
        buf_free(&errors);
        return -1;
    }
    buf_free(&errors);
    return 0;
}

static void script_free(struct script *s)
{
    if (s == NULL)
        return;
    if (s->core->scorer_owner == s->node && s->node->script == s) {
        s->core->scorer = NULL; /* its function goes with its state */
        s->core->scorer_ud = NULL;
        s->core->scorer_owner = NULL;
    }
    if (s->L)
        lua_close(s->L);
    for (size_t i = 0; i < s->nhandlers; i++)
        free(s->handlers[i]);
    free(s->handlers);
    free(s->schema);
    for (size_t i = 0; i < s->nschema_strings; i++)
        free(s->schema_strings[i]);
    free(s->schema_strings);
    free(s);
}

/* A script that stops loading on purpose (error(msg, 0)) gives a reason,
** not a bug: its refusal is the message alone, without the traceback. */
static void drop_traceback_if_bare(const struct script *s, char *err)
{
    char *trace = strstr(err, "\nstack traceback:");
    if (s->sb.bare && trace)
        *trace = '\0';
}

/* Builds a script for node n from path and runs its top level. On failure
** returns NULL with the reason in err; everything it registered is gone. */
static struct script *script_load(struct core *c, node *n, const char *path, char *err,
                                  size_t errlen)
{
    struct script *s = calloc(1, sizeof *s);
    size_t len = 0;
    char *text = NULL;
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->node = n;
    s->core = c;
    s->sb.owner = s;
    if (read_limits(c, n, s, err, errlen) != 0 || !(text = read_file(path, &len, err, errlen)))
        goto fail;
    s->sb.limits.memory = s->limits.memory;
    if ((s->L = sandbox_new(&s->sb)) == NULL) {
        snprintf(err, errlen, "cannot create a Lua state (out of memory)");
        goto fail;
    }
    make_chunkname(s, path);
    n->script = s;
    lua_api_open(s->L, s);
    if (sandbox_load(s->L, text, len, s->chunkname) != LUA_OK) {
        snprintf(err, errlen, "%s", lua_tostring(s->L, -1));
        goto fail;
    }
    s->sb.limits.instructions = 0; /* the top level is bounded by time */
    s->sb.limits.time_ms = LOAD_TIME_MS > s->limits.time_ms ? LOAD_TIME_MS : s->limits.time_ms;
    n->registering = 1;
    int status = sandbox_call(s->L, 0, 0, err, errlen);
    n->registering = 0;
    if (status != LUA_OK) {
        drop_traceback_if_bare(s, err);
        goto fail;
    }
    if (bind_tiers(c, n, s, err, errlen) != 0)
        goto fail;
    free(text);
    return s;
fail:
    bus_forget(c->bus, n);
    lua_model_forget(c, n);
    free(text);
    script_free(s);
    return NULL;
}

int lua_host_load(struct core *c, node *n, const char *path)
{
    char err[4096];
    free(n->version);
    n->version = strdup("0");
    if (n->opts == NULL) {
        buf errors = BUF_INIT;
        int nerrors = 0;
        n->opts = options_bind(c->config, n->section, NULL, lua_host_reserved_keys, &errors,
                               &nerrors);
        buf_free(&errors);
    }
    struct script *s = script_load(c, n, path, err, sizeof err);
    if (s == NULL) {
        n->script = NULL;
        node_refuse(n, "%s", err);
        return -1;
    }
    n->script = s;
    return 0;
}

int lua_host_reload(struct core *c, node *n)
{
    char err[4096];
    node staging = *n; /* same name and section; its own registrations */
    staging.deps = NULL;
    staging.ndeps = 0;
    staging.opts = NULL;
    staging.tiers = NULL;
    staging.ntiers = 0;
    staging.kept = NULL;
    staging.nkept = staging.capkept = 0;
    staging.version = strdup("0");
    staging.summary = NULL;
    {
        buf errors = BUF_INIT;
        int nerrors = 0;
        staging.opts = options_bind(c->config, n->section, NULL, lua_host_reserved_keys,
                                    &errors, &nerrors);
        buf_free(&errors);
    }
    /* a script that scores matches re-registers its scorer while it loads */
    int (*old_scorer)(void *, const struct match_need *, struct match_candidate *) = c->scorer;
    void *old_ud = c->scorer_ud;
    node *old_owner = c->scorer_owner;
    struct script *s = script_load(c, &staging, n->file, err, sizeof err);
    if (s == NULL) {
        c->scorer = old_scorer;
        c->scorer_ud = old_ud;
        c->scorer_owner = old_owner;
        snprintf(n->error, sizeof n->error, "%s", err);
        tier_free(&staging);
        free(staging.kept);
        options_free(staging.opts);
        free(staging.version);
        free(staging.summary);
        for (size_t i = 0; i < staging.ndeps; i++) {
            free(staging.deps[i].name);
            free(staging.deps[i].min_version);
        }
        free(staging.deps);
        return -1;
    }
    /* swap: the old handlers go, the new ones take the node's place */
    bus_forget(c->bus, n);
    bus_transfer(c->bus, &staging, n);
    bus_sort(c->bus);
    lua_model_forget(c, n);
    lua_model_move(c, &staging, n);
    script_free(n->script); /* also drops its scorer if the new version has none */
    n->script = s;
    s->node = n;
    if (c->scorer_owner == &staging)
        c->scorer_owner = n;
    options_free(n->opts);
    n->opts = staging.opts;
    tier_free(n);
    n->tiers = staging.tiers;
    n->ntiers = staging.ntiers;
    free(staging.kept);
    free(n->version);
    n->version = staging.version;
    if (staging.summary) {
        free(n->summary);
        n->summary = staging.summary;
    }
    for (size_t i = 0; i < n->ndeps; i++) {
        free(n->deps[i].name);
        free(n->deps[i].min_version);
    }
    free(n->deps);
    n->deps = staging.deps;
    n->ndeps = staging.ndeps;
    return 0;
}

void lua_host_close(node *n)
{
    if (n->script)
        lua_model_forget(n->script->core, n);
    script_free(n->script);
    n->script = NULL;
}

size_t lua_host_memory(const node *n)
{
    return n->script ? n->script->sb.mem : 0;
}
