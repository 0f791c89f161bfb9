/*
** schema.c — migrations. Every pending step and the new version number are
** committed together, so an interrupted or failing upgrade leaves the
** previous schema exactly as it was.
*/
#include "schema.h"

#include <stdio.h>

static int last_version(const tandem_migration *steps, int *last, char *err, size_t errlen)
{
    *last = 0;
    for (const tandem_migration *m = steps; m && m->sql; m++) {
        if (m->version <= *last || (*last == 0 && m->version != 1)) {
            snprintf(err, errlen, "migration versions must ascend from 1 (%d after %d)",
                     m->version, *last);
            return -1;
        }
        *last = m->version;
    }
    return 0;
}

int schema_migrate(store *s, const char *owner, const tandem_migration *steps,
                   const struct store_scope *scope, char *err, size_t errlen)
{
    int last, current;
    if (last_version(steps, &last, err, errlen) != 0)
        return -1;
    if (store_schema_version(s, owner, &current) != TANDEM_OK) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    if (current > last) {
        snprintf(err, errlen,
                 "the database holds schema version %d of %s, but this %s knows only up to %d: "
                 "downgrades are refused (install the newer version)",
                 current, owner, scope ? "plugin" : "tandem", last);
        return -1;
    }
    if (current == last)
        return 0;
    if (store_begin(s) != TANDEM_OK) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    for (const tandem_migration *m = steps; m && m->sql; m++) {
        if (m->version <= current)
            continue;
        if (store_exec_script(s, scope, m->sql) != TANDEM_OK ||
            store_schema_set(s, owner, m->version) != TANDEM_OK) {
            snprintf(err, errlen, "migration %d failed, every pending step was rolled back: %s",
                     m->version, store_errmsg(s));
            store_rollback(s);
            return -1;
        }
    }
    if (store_commit(s) != TANDEM_OK) {
        snprintf(err, errlen, "migrations: %s", store_errmsg(s));
        store_rollback(s);
        return -1;
    }
    return 0;
}
