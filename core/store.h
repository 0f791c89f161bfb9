/*
** store.h — the persistence interface. Everything the core and the plugins
** keep goes through these functions; nothing else in tandem calls sqlite3_*.
** The interface is kept narrow (transactions, journal, key/value, outbox,
** schema versions, parameterised SQL) so that a PostgreSQL backend can
** implement it later without touching plugins or scripts.
**
** The SQLite backend (store_sqlite.c) runs in WAL mode on one connection,
** owned by the core's single loop thread.
*/
#ifndef TANDEM_STORE_H
#define TANDEM_STORE_H

#include <stdint.h>
#include <tandem/plugin.h>

typedef struct store store;

enum store_sync { STORE_SYNC_FULL = 0, STORE_SYNC_NORMAL = 1, STORE_SYNC_OFF = 2 };

struct store_options {
    int sync;             /* enum store_sync */
    int64_t busy_timeout; /* milliseconds */
    int create;           /* create the database if the file does not exist */
    int readonly;         /* open only to read (or to copy into memory) */
};

/* Opens (or creates) the database at path; ":memory:" gives a private
** in-memory store. Refuses a file that is not a tandem database or is empty.
** On failure returns -1 and writes the reason to err. */
int store_open(store **out, const char *path, const struct store_options *opt, char *err,
               size_t errlen);
void store_close(store *s);

/* Message of the last failure. */
const char *store_errmsg(const store *s);

/* Copies the whole database into a new private in-memory store (for dry runs
** that must leave the file untouched). */
int store_clone_memory(store *s, store **out, char *err, size_t errlen);

/*
** Transactions nest: the outermost store_begin starts a write transaction,
** inner ones are savepoints. Each begin is closed by exactly one commit or
** rollback. If the engine rolled the whole transaction back on its own (disk
** full), every later commit fails until the outermost rollback.
*/
int store_begin(store *s);
int store_commit(store *s);
int store_rollback(store *s);
int store_depth(const store *s);

/* ---- journal (append-only) ---- */
struct journal_row {
    int64_t id;
    int64_t time;
    int64_t cause; /* 0: none */
    const char *topic;
    const char *actor;
    const char *source;
    const char *key;    /* idempotency key, or NULL */
    const char *fields; /* JSON object */
    const char *private_fields; /* comma-separated names of personal fields, or NULL */
};

struct journal_query {
    const char *topic; /* exact, "prefix.*", or NULL for all */
    int64_t since;     /* ids greater than this */
    int64_t cause;     /* only events caused by this id, or 0 */
    int64_t limit;     /* 0: no limit */
};

typedef int (*journal_fn)(void *ud, const struct journal_row *row); /* nonzero stops */

int store_journal_append(store *s, struct journal_row *row); /* sets row->id */
int store_journal_by_key(store *s, const char *key, int64_t *id); /* TANDEM_NOTFOUND */
int store_journal_get(store *s, int64_t id, journal_fn fn, void *ud);
int store_journal_scan(store *s, const struct journal_query *q, journal_fn fn, void *ud);

/* ---- key/value, bound to an owner name ---- */
int store_kv_get(store *s, const char *owner, const char *key, tandem_value *out); /* owned */
int store_kv_set(store *s, const char *owner, const char *key, const tandem_value *v);
/* The owner's keys that start with prefix, in order; fn gets each (nonzero stops). */
int store_kv_keys(store *s, const char *owner, const char *prefix,
                  int (*fn)(void *ud, const char *key), void *ud);

/* ---- outbox of AFTER deliveries ---- */
struct outbox_item {
    int64_t event;
    const char *subscriber;
    int64_t attempts;
};
typedef int (*outbox_fn)(void *ud, const struct outbox_item *item);

int store_outbox_add(store *s, int64_t event, const char *subscriber, int64_t due);
int store_outbox_due(store *s, int64_t now, outbox_fn fn, void *ud);
int store_outbox_done(store *s, int64_t event, const char *subscriber);
int store_outbox_retry(store *s, int64_t event, const char *subscriber, int64_t due,
                       const char *error);
int store_outbox_count(store *s, int64_t *pending);

/* ---- schema versions of plugins' private tables ---- */
int store_schema_version(store *s, const char *owner, int *version); /* 0 if none */
int store_schema_set(store *s, const char *owner, int version);

/*
** Parameterised SQL. With scope == NULL the statement runs as the core. With
** a scope it runs as a plugin: it may name only tables p_OWNER_*, may not use
** ATTACH, PRAGMA, transactions or views/triggers, and may write only when
** scope->writable. Statements are prepared once and cached.
** Returns TANDEM_OK, TANDEM_DENIED or TANDEM_ERROR (see store_errmsg).
*/
struct store_scope {
    const char *owner;
    int writable;
};

int store_exec(store *s, const struct store_scope *scope, const char *sql,
               const tandem_value *args, int nargs, tandem_row_fn row, void *ud);

/* Runs a script of ;-separated statements (the core's own schema). */
int store_exec_script(store *s, const struct store_scope *scope, const char *sql);

/* Rows changed by the last statement, and the last inserted rowid. */
int64_t store_changes(const store *s);
int64_t store_last_id(const store *s);

#endif
