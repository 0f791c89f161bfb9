/*
** loader.h — C plugins: dlopen, the descriptor checks, schema migrations and
** the calls into init/start/stop/fini. Every failure refuses the node with a
** reason a person can act on.
*/
#ifndef TANDEM_LOADER_H
#define TANDEM_LOADER_H

#include <tandem/plugin.h>

#include "node.h"
#include "store.h"

/* Opens the shared object and checks its descriptor before running any of
** its code (other than the entry function). Fills n->desc, version, deps. */
int loader_open(node *n, const char *path);

/* Applies the descriptor's pending migrations in one transaction. */
int loader_migrate(node *n, store *st);

int loader_init(node *n, const tandem_api *api);
int loader_start(node *n);
void loader_stop(node *n);
void loader_close(node *n); /* fini (if init ran) and dlclose */

#endif
