/*
** host.c — the plugin graph: discovery from the configuration, dependency
** resolution across C plugins and scripts, start in dependency order and
** stop in reverse.
*/
#include "host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "bus.h"
#include "core.h"
#include "loader.h"
#include "log.h"
#include "lua_host.h"
#include "text.h"
#include "tier.h"

struct host {
    struct core *core;
    node **nodes; /* config order while loading, start order afterwards */
    size_t n;
    enum host_mode mode;
};

struct host *host_new(struct core *core)
{
    struct host *h = calloc(1, sizeof *h);
    if (h)
        h->core = core;
    return h;
}

size_t host_count(const struct host *h)
{
    return h->n;
}

node *host_node(const struct host *h, size_t i)
{
    return i < h->n ? h->nodes[i] : NULL;
}

node *host_find(const struct host *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->nodes[i]->name, name) == 0)
            return h->nodes[i];
    return NULL;
}

int host_version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
        if (x != y)
            return x < y ? -1 : 1;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
        if ((*a && (*a < '0' || *a > '9')) || (*b && (*b < '0' || *b > '9')))
            return strcmp(a, b);
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Refusals                                                               */

/* Undoes whatever a node registered or opened. */
static void host_drop(struct host *h, node *n)
{
    bus_forget(h->core->bus, n);
    if (n->kind == NODE_C)
        loader_close(n);
    else if (n->kind == NODE_LUA)
        lua_host_close(n);
}

static void host_log_refusal(const node *n)
{
    log_msg(LOG_ERROR, NULL, "refused %s %s (%s): %s", n->kind == NODE_LUA ? "script" : "plugin",
            n->name, n->file ? n->file : n->section, n->refusal ? n->refusal : "");
}

static void host_refuse(struct host *h, node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void host_refuse(struct host *h, node *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    node_refuse(n, "%s", msg);
    host_drop(h, n);
    host_log_refusal(n);
}

/* ---------------------------------------------------------------------- */
/* Discovery                                                              */

static int host_add(struct host *h, node *n)
{
    node **nodes = realloc(h->nodes, (h->n + 1) * sizeof *nodes);
    if (nodes == NULL)
        return -1;
    h->nodes = nodes;
    h->nodes[h->n++] = n;
    return 0;
}

static char *default_file(const char *dir, const char *name, const char *ext)
{
    size_t len = strlen(dir) + strlen(name) + strlen(ext) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s%s", dir, name, ext);
    return p;
}

/* The file named by the section's `file` key, or DIR/NAME.EXT. A bare file
** name ("school_guard.lua") is first looked for in DIR, so that a section can
** run a shipped script under another name wherever tandem is installed; a
** path is relative to the INI file's directory. */
static char *node_file(struct host *h, const char *section, const char *dir, const char *name,
                       const char *ext)
{
    const struct config *c = h->core->config;
    if (h->core->override_script && strncmp(section, "script.", 7) == 0 &&
        strcmp(section + 7, h->core->override_script) == 0)
        return strdup(h->core->override_file);
    for (size_t i = 0; c && i < c->n; i++)
        if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, "file") == 0) {
            const char *v = c->e[i].value;
            char *in_dir = strchr(v, '/') ? NULL : default_file(dir, v, "");
            if (in_dir && access(in_dir, F_OK) == 0)
                return in_dir;
            free(in_dir);
            return config_resolve_path(c, v);
        }
    return default_file(dir, name, ext);
}

static node *node_create(struct host *h, const char *section, enum node_kind kind)
{
    node *n = calloc(1, sizeof *n);
    if (n == NULL)
        return NULL;
    const char *name = strchr(section, '.') + 1;
    n->kind = kind;
    n->core = h->core;
    n->name = strdup(name);
    n->section = strdup(section);
    n->file = kind == NODE_C ? node_file(h, section, h->core->plugin_dir, name, ".so")
                             : node_file(h, section, h->core->script_dir, name, ".lua");
    if (!n->name || !n->section || !n->file || host_add(h, n) != 0) {
        node_free(n);
        return NULL;
    }
    return n;
}

static int bind_plugin_options(struct host *h, node *n)
{
    static const char *const reserved[] = {"file", NULL};
    buf errors = BUF_INIT;
    int nerrors = 0;
    static const tandem_option none[] = {{NULL, 0, NULL, 0, 0, 0, NULL}};
    const tandem_option *schema = n->desc->options ? n->desc->options : none;
    n->opts = options_bind(h->core->config, n->section, schema, reserved, &errors, &nerrors);
    if (n->opts)
        tier_bind(h->core, n, schema, reserved, &errors, &nerrors);
    if (n->opts && nerrors == 0) {
        buf_free(&errors);
        return 0;
    }
    fputs(buf_str(&errors), stderr);
    host_refuse(h, n, "%d error%s in its [%s] section (listed above)", nerrors,
                nerrors == 1 ? "" : "s", n->section);
    buf_free(&errors);
    return -1;
}

static void open_node(struct host *h, node *n)
{
    node *twin = NULL;
    for (size_t i = 0; i < h->n && h->nodes[i] != n; i++)
        if (strcmp(h->nodes[i]->name, n->name) == 0)
            twin = h->nodes[i];
    if (twin) {
        host_refuse(h, n, "the name '%s' is already used by [%s]", n->name, twin->section);
        return;
    }
    if (n->kind == NODE_C) {
        if (loader_open(n, n->file) != 0)
            host_log_refusal(n);
        else
            bind_plugin_options(h, n);
    } else if (lua_host_load(h->core, n, n->file) != 0) {
        host_log_refusal(n);
    }
}

static int discover(struct host *h)
{
    const struct config *c = h->core->config;
    for (size_t i = 0; c && i < c->ns; i++) {
        const char *s = c->s[i].name;
        enum node_kind kind;
        if (strncmp(s, "plugin.", 7) == 0)
            kind = NODE_C;
        else if (strncmp(s, "script.", 7) == 0)
            kind = NODE_LUA;
        else
            continue;
        if (!text_is_name(strchr(s, '.') + 1))
            continue; /* reported by the configuration check */
        node *n = node_create(h, s, kind);
        if (n == NULL)
            return -1;
        open_node(h, n);
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Dependencies                                                           */

static int alive(const node *n)
{
    return n->state != NODE_REFUSED;
}

/* Refuses nodes whose dependencies are missing, refused or too old, until
** nothing changes. Returns how many it refused. */
static int check_deps(struct host *h)
{
    int refused = 0, changed = 1;
    while (changed) {
        changed = 0;
        for (size_t i = 0; i < h->n; i++) {
            node *n = h->nodes[i];
            for (size_t d = 0; alive(n) && d < n->ndeps; d++) {
                const struct node_dep *dep = &n->deps[d];
                node *m = host_find(h, dep->name);
                if (m == NULL)
                    host_refuse(h, n, "requires '%s', which is not configured (add a "
                                      "[plugin.%s] or [script.%s] section)",
                                dep->name, dep->name, dep->name);
                else if (!alive(m))
                    host_refuse(h, n, "requires '%s', which was refused", dep->name);
                else if (dep->min_version && host_version_cmp(m->version, dep->min_version) < 0)
                    host_refuse(h, n, "requires %s >= %s, but %s is %s", dep->name,
                                dep->min_version, dep->name, m->version);
                else
                    continue;
                changed = 1;
                refused++;
            }
        }
    }
    return refused;
}

enum { WHITE, GREY, BLACK };

struct cycle_search {
    struct host *h;
    int *color;
    size_t *stack; /* the current path */
    size_t first;  /* where the cycle starts in stack */
    size_t last;
};

static size_t node_index(const struct host *h, const char *name)
{
    size_t j = 0;
    while (j < h->n && strcmp(h->nodes[j]->name, name) != 0)
        j++;
    return j;
}

/* Depth-first search from node i; on a back edge records the cycle as
** stack[first..last] and returns 1. */
static int find_cycle(struct cycle_search *cs, size_t i, size_t depth)
{
    struct host *h = cs->h;
    cs->color[i] = GREY;
    cs->stack[depth] = i;
    node *n = h->nodes[i];
    for (size_t d = 0; d < n->ndeps; d++) {
        size_t j = node_index(h, n->deps[d].name);
        if (j == h->n || !alive(h->nodes[j]))
            continue;
        if (cs->color[j] == GREY) {
            cs->first = 0;
            while (cs->stack[cs->first] != j)
                cs->first++;
            cs->last = depth;
            return 1;
        }
        if (cs->color[j] == WHITE && find_cycle(cs, j, depth + 1))
            return 1;
    }
    cs->color[i] = BLACK;
    return 0;
}

/* Refuses every node on a dependency cycle, naming the whole chain. */
static int break_cycles(struct host *h)
{
    int refused = 0;
    struct cycle_search cs = {h, calloc(h->n + 1, sizeof(int)), calloc(h->n + 1, sizeof(size_t)),
                              0, 0};
    for (size_t i = 0; cs.color && cs.stack && i < h->n; i++) {
        memset(cs.color, 0, h->n * sizeof *cs.color);
        if (!alive(h->nodes[i]) || !find_cycle(&cs, i, 0))
            continue;
        char chain[1024];
        size_t used = 0;
        for (size_t k = cs.first; k <= cs.last && used < sizeof chain; k++)
            used += (size_t)snprintf(chain + used, sizeof chain - used, "%s → ",
                                     h->nodes[cs.stack[k]]->name);
        if (used < sizeof chain)
            snprintf(chain + used, sizeof chain - used, "%s", h->nodes[cs.stack[cs.first]]->name);
        for (size_t k = cs.first; k <= cs.last; k++) {
            host_refuse(h, h->nodes[cs.stack[k]], "dependency cycle: %s", chain);
            refused++;
        }
    }
    free(cs.color);
    free(cs.stack);
    return refused;
}

/* Orders nodes so that each comes after its dependencies; among nodes that
** are free to go, configuration order wins. Refused nodes go last. */
static void order_nodes(struct host *h)
{
    node **sorted = calloc(h->n + 1, sizeof *sorted);
    char *placed = calloc(h->n + 1, 1);
    size_t k = 0;
    if (sorted == NULL || placed == NULL)
        goto done;
    for (int progress = 1; progress;) {
        progress = 0;
        for (size_t i = 0; i < h->n; i++) {
            node *n = h->nodes[i];
            if (placed[i] || !alive(n))
                continue;
            int ready = 1;
            for (size_t d = 0; d < n->ndeps && ready; d++)
                for (size_t j = 0; j < h->n; j++)
                    if (!placed[j] && strcmp(h->nodes[j]->name, n->deps[d].name) == 0)
                        ready = 0;
            if (!ready)
                continue;
            placed[i] = 1;
            sorted[k++] = n;
            progress = 1;
            break; /* restart, so that config order decides among the ready */
        }
    }
    for (size_t i = 0; i < h->n; i++)
        if (!placed[i])
            sorted[k++] = h->nodes[i];
    if (h->n)
        memcpy(h->nodes, sorted, h->n * sizeof *sorted);
    for (size_t i = 0; i < h->n; i++)
        h->nodes[i]->rank = (int)i + 1; /* the core is rank 0 */
done:
    free(sorted);
    free(placed);
}

/* ---------------------------------------------------------------------- */
/* Life cycle                                                             */

static int deps_alive(struct host *h, node *n, const char **missing)
{
    for (size_t d = 0; d < n->ndeps; d++) {
        node *m = host_find(h, n->deps[d].name);
        if (m == NULL || !alive(m)) {
            *missing = n->deps[d].name;
            return 0;
        }
    }
    return 1;
}

static void init_node(struct host *h, node *n)
{
    const char *missing;
    if (!alive(n))
        return;
    if (!deps_alive(h, n, &missing)) {
        host_refuse(h, n, "requires '%s', which was refused", missing);
        return;
    }
    if (n->kind != NODE_C)
        return; /* a script registered itself when its top level ran */
    if (loader_migrate(n, h->core->store) != 0 || loader_init(n, api_table()) != 0) {
        host_drop(h, n);
        host_log_refusal(n);
    }
}

static void start_node(struct host *h, node *n)
{
    const char *missing;
    if (!alive(n))
        return;
    if (!deps_alive(h, n, &missing)) {
        host_refuse(h, n, "requires '%s', which was refused", missing);
        return;
    }
    n->state = NODE_RUNNING;
    if (n->kind == NODE_C && loader_start(n) != 0) {
        host_drop(h, n);
        host_log_refusal(n);
    }
}

static int refused_count(const struct host *h)
{
    int refused = 0;
    for (size_t i = 0; i < h->n; i++)
        refused += h->nodes[i]->state == NODE_REFUSED;
    return refused;
}

static int strict_failure(const struct host *h)
{
    int refused = refused_count(h);
    if (refused == 0 || !h->core->strict)
        return 0;
    log_msg(LOG_ERROR, NULL, "[core] strict = yes: %d refusal%s, stopping", refused,
            refused == 1 ? "" : "s");
    return 1;
}

int host_load(struct host *h, enum host_mode mode)
{
    h->mode = mode;
    if (discover(h) != 0) {
        log_msg(LOG_ERROR, NULL, "out of memory while loading plugins");
        return -1;
    }
    check_deps(h);
    if (break_cycles(h))
        check_deps(h);
    order_nodes(h);
    for (size_t i = 0; i < h->n; i++)
        init_node(h, h->nodes[i]);
    bus_sort(h->core->bus);
    if (strict_failure(h))
        return -1; /* nothing was started */
    if (mode == HOST_RUN)
        for (size_t i = 0; i < h->n; i++)
            start_node(h, h->nodes[i]);
    return strict_failure(h) ? -1 : refused_count(h);
}

void host_free(struct host *h)
{
    if (h == NULL)
        return;
    for (size_t i = h->n; i-- > 0;) {
        node *n = h->nodes[i];
        if (n->state == NODE_RUNNING && n->kind == NODE_C)
            loader_stop(n);
        if (n->state == NODE_RUNNING)
            n->state = NODE_STOPPED;
    }
    for (size_t i = h->n; i-- > 0;) {
        host_drop(h, h->nodes[i]);
        node_free(h->nodes[i]);
    }
    free(h->nodes);
    free(h);
}

int host_reload(struct host *h)
{
    int failed = 0;
    for (size_t i = 0; i < h->n; i++) {
        node *n = h->nodes[i];
        if (n->kind != NODE_LUA || n->state != NODE_RUNNING)
            continue;
        char *old = strdup(n->version ? n->version : "0");
        if (lua_host_reload(h->core, n) == 0) {
            log_msg(LOG_INFO, NULL, "reloaded script %s (%s → %s)", n->name, old ? old : "?",
                    n->version);
        } else {
            log_msg(LOG_ERROR, NULL, "script %s (%s) did not reload, version %s keeps running: %s",
                    n->name, n->file, old ? old : "?", n->error);
            failed++;
        }
        free(old);
    }
    return failed;
}
