/*
** node.c — small helpers for nodes of the plugin graph.
*/
#include "node.h"

#include "tier.h"
#include "value.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


const char *node_kind_name(enum node_kind k)
{
    static const char *const names[] = {"core", "c", "lua"};
    return names[k];
}

const char *node_state_name(enum node_state s)
{
    static const char *const names[] = {"loaded", "running", "refused", "stopped"};
    return names[s];
}

int node_add_dep(node *n, const char *name, const char *min_version)
{
    struct node_dep *d = realloc(n->deps, (n->ndeps + 1) * sizeof *d);
    if (d == NULL)
        return TANDEM_NOMEM;
    n->deps = d;
    d[n->ndeps].name = strdup(name);
    d[n->ndeps].min_version = min_version ? strdup(min_version) : NULL;
    if (d[n->ndeps].name == NULL || (min_version && d[n->ndeps].min_version == NULL)) {
        free(d[n->ndeps].name);
        free(d[n->ndeps].min_version);
        return TANDEM_NOMEM;
    }
    n->ndeps++;
    return TANDEM_OK;
}

void node_refuse(node *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    free(n->refusal);
    n->refusal = strdup(msg);
    n->state = NODE_REFUSED;
}

const char *node_label(const node *n, char *out, size_t len)
{
    snprintf(out, len, "%s %s", n->kind == NODE_LUA ? "script" : n->kind == NODE_C ? "plugin" : "",
             n->name);
    return out[0] == ' ' ? out + 1 : out;
}

int node_keep(node *n, const tandem_value *v)
{
    if (n->nkept == n->capkept) {
        size_t cap = n->capkept ? n->capkept * 2 : 8;
        tandem_value *k = realloc(n->kept, cap * sizeof *k);
        if (k == NULL)
            return -1;
        n->kept = k;
        n->capkept = cap;
    }
    n->kept[n->nkept++] = *v;
    return 0;
}

size_t node_mark(const node *n)
{
    return n->nkept;
}

void node_release(node *n, size_t mark)
{
    for (size_t i = mark; i < n->nkept; i++)
        value_clear(&n->kept[i]);
    if (mark < n->nkept)
        n->nkept = mark;
}

void node_free(node *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->ndeps; i++) {
        free(n->deps[i].name);
        free(n->deps[i].min_version);
    }
    free(n->deps);
    free(n->name);
    free(n->version);
    free(n->summary);
    free(n->file);
    free(n->section);
    free(n->refusal);
    options_free(n->opts);
    tier_free(n);
    node_release(n, 0);
    free(n->kept);
    free(n);
}
