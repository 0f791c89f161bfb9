/*
** host.h — the plugin host: finds the nodes the configuration asks for
** ([plugin.NAME] and [script.NAME] sections), loads them, orders them by
** their dependencies (C plugins and scripts form one graph), starts them in
** that order and stops them in reverse. A node that cannot run is refused
** with one log line naming its file and the reason; the others go on,
** unless [core] strict = yes.
*/
#ifndef TANDEM_HOST_H
#define TANDEM_HOST_H

#include <stddef.h>

#include "node.h"

struct core;
struct host;

enum host_mode {
    HOST_RUN = 0, /* init and start everything */
    HOST_CHECK    /* load and init, but start nothing (check-config) */
};

struct host *host_new(struct core *core);

/* Loads, orders, initialises and (in HOST_RUN) starts every node. Returns the
** number of refused nodes, or -1 when strict mode made a refusal fatal. */
int host_load(struct host *h, enum host_mode mode);

/* Stops every running node in reverse order, then frees them. */
void host_free(struct host *h);

size_t host_count(const struct host *h);
node *host_node(const struct host *h, size_t i); /* in start order */
node *host_find(const struct host *h, const char *name);

/* Reloads every script from its file; a script that fails to load keeps its
** running version. Returns the number of scripts that failed. */
int host_reload(struct host *h);

/* Compares dotted version numbers: <0, 0, >0. */
int host_version_cmp(const char *a, const char *b);

#endif
