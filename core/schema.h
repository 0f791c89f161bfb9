/*
** schema.h — ordered, transactional schema migrations, for the core's own
** tables and for plugins' private tables alike.
*/
#ifndef TANDEM_SCHEMA_H
#define TANDEM_SCHEMA_H

#include <stddef.h>
#include <tandem/plugin.h>

#include "store.h"

/* Applies the pending steps of `steps` (ascending versions, {0, NULL}
** ends) for owner, all in one transaction, under scope (NULL: the core).
** Refuses a database whose version is newer than the last step. On failure
** returns -1 with the reason in err, and nothing of the upgrade remains. */
int schema_migrate(store *s, const char *owner, const tandem_migration *steps,
                   const struct store_scope *scope, char *err, size_t errlen);

#endif
