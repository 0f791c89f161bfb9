/*
** store_sqlite.c — the SQLite backend of store.h.
**
** One connection in WAL mode. Plugins' SQL runs on the same connection, so
** that their writes share the event's transaction; their namespace is
** enforced by an authorizer that looks at the scope of the statement being
** prepared, and their write permission by sqlite3_stmt_readonly().
*/
#include "store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define APPLICATION_ID 0x544e444d /* "TNDM" */
#define STORE_SCHEMA 1
#define CACHE_SLOTS 512

enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_JOURNAL_APPEND,
    ST_JOURNAL_BY_KEY,
    ST_JOURNAL_GET,
    ST_KV_GET,
    ST_KV_SET,
    ST_KV_DEL,
    ST_OUTBOX_ADD,
    ST_OUTBOX_DUE,
    ST_OUTBOX_DONE,
    ST_OUTBOX_RETRY,
    ST_OUTBOX_COUNT,
    ST_SCHEMA_GET,
    ST_SCHEMA_SET,
    ST_COUNT
};

static const char *const fixed_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_JOURNAL_APPEND] = "INSERT INTO journal(time, topic, actor, source, fields, caused_by, "
                          "idem_key, private) VALUES (?,?,?,?,?,?,?,?)",
    [ST_JOURNAL_BY_KEY] = "SELECT id FROM journal WHERE idem_key = ?",
    [ST_JOURNAL_GET] = "SELECT id, time, topic, actor, source, fields, caused_by, idem_key, "
                       "private FROM journal WHERE id = ?",
    [ST_KV_GET] = "SELECT type, value FROM kv WHERE owner = ? AND key = ?",
    [ST_KV_SET] = "INSERT INTO kv(owner, key, type, value) VALUES (?,?,?,?) "
                  "ON CONFLICT(owner, key) DO UPDATE SET type = excluded.type, "
                  "value = excluded.value",
    [ST_KV_DEL] = "DELETE FROM kv WHERE owner = ? AND key = ?",
    [ST_OUTBOX_ADD] = "INSERT OR IGNORE INTO outbox(event, subscriber, attempts, due) "
                      "VALUES (?,?,0,?)",
    [ST_OUTBOX_DUE] = "SELECT event, subscriber, attempts FROM outbox WHERE due <= ? "
                      "ORDER BY event, subscriber",
    [ST_OUTBOX_DONE] = "DELETE FROM outbox WHERE event = ? AND subscriber = ?",
    [ST_OUTBOX_RETRY] = "UPDATE outbox SET attempts = attempts + 1, due = ?, last_error = ? "
                        "WHERE event = ? AND subscriber = ?",
    [ST_OUTBOX_COUNT] = "SELECT count(*) FROM outbox",
    [ST_SCHEMA_GET] = "SELECT version FROM plugin_schema WHERE owner = ?",
    [ST_SCHEMA_SET] = "INSERT INTO plugin_schema(owner, version, applied_at) "
                      "VALUES (?, ?, unixepoch()) ON CONFLICT(owner) DO UPDATE SET "
                      "version = excluded.version, applied_at = excluded.applied_at",
};

static const char store_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS journal ("
    "  id INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  topic TEXT NOT NULL,"
    "  actor TEXT,"
    "  source TEXT,"
    "  fields TEXT NOT NULL,"
    "  caused_by INTEGER REFERENCES journal(id),"
    "  idem_key TEXT UNIQUE,"
    "  private TEXT" /* names of personal fields: masked wherever events are shown */
    ") STRICT;"
    "CREATE INDEX IF NOT EXISTS journal_topic ON journal(topic, id);"
    "CREATE INDEX IF NOT EXISTS journal_cause ON journal(caused_by) WHERE caused_by IS NOT NULL;"
    "CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal "
    "  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal "
    "  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;"
    "CREATE TABLE IF NOT EXISTS outbox ("
    "  event INTEGER NOT NULL REFERENCES journal(id),"
    "  subscriber TEXT NOT NULL,"
    "  attempts INTEGER NOT NULL,"
    "  due INTEGER NOT NULL,"
    "  last_error TEXT,"
    "  PRIMARY KEY (event, subscriber)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS kv ("
    "  owner TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  type INTEGER NOT NULL,"
    "  value ANY,"
    "  PRIMARY KEY (owner, key)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS plugin_schema ("
    "  owner TEXT PRIMARY KEY,"
    "  version INTEGER NOT NULL,"
    "  applied_at INTEGER NOT NULL"
    ") STRICT;";

struct cached {
    char *owner; /* NULL for the core */
    char *sql;
    sqlite3_stmt *stmt;
};

#define STORE_MAX_SAVEPOINTS 128

struct store {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    const struct store_scope *scope; /* scope of the statement being prepared */
    int depth;
    int doomed; /* the engine rolled back the outer transaction by itself */
    /* SAVEPOINT sN and RELEASE sN, prepared once per depth: every follow-up
    ** event takes one of each */
    sqlite3_stmt *savepoint[STORE_MAX_SAVEPOINTS][2];
    struct cached cache[CACHE_SLOTS];
    char err[512];
};

static int store_fail(store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int store_fail(store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    return TANDEM_ERROR;
}

static int store_db_fail(store *s, const char *what)
{
    return store_fail(s, "%s: %s", what, sqlite3_errmsg(s->db));
}

const char *store_errmsg(const store *s)
{
    return s->err;
}

/* ---------------------------------------------------------------------- */
/* Namespace of plugins                                                   */

static int in_namespace(const char *owner, const char *table)
{
    if (table == NULL)
        return 1;
    if (strncmp(table, "sqlite_", 7) == 0) /* the schema itself; DEFENSIVE guards it */
        return 1;
    size_t n = strlen(owner);
    return strncmp(table, "p_", 2) == 0 && strncmp(table + 2, owner, n) == 0 &&
           table[2 + n] == '_';
}

static int store_authorize(void *ud, int action, const char *a1, const char *a2, const char *db,
                           const char *trigger)
{
    store *s = ud;
    (void)db;
    (void)trigger;
    if (s->scope == NULL)
        return SQLITE_OK;
    const char *owner = s->scope->owner;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_READ:
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_CREATE_TABLE:
    case SQLITE_DROP_TABLE:
    case SQLITE_ANALYZE:
    case SQLITE_REINDEX:
        return in_namespace(owner, a1) ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_CREATE_INDEX:
    case SQLITE_DROP_INDEX:
        return in_namespace(owner, a1) && in_namespace(owner, a2) ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_ALTER_TABLE:
        return in_namespace(owner, a2) ? SQLITE_OK : SQLITE_DENY;
    default: /* ATTACH, DETACH, PRAGMA, TRANSACTION, SAVEPOINT, views, triggers, vtabs */
        return SQLITE_DENY;
    }
}

/* ---------------------------------------------------------------------- */
/* Opening                                                                */

static int store_prepare_fixed(store *s)
{
    for (int i = 0; i < ST_COUNT; i++)
        if (sqlite3_prepare_v3(s->db, fixed_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
                               NULL) != SQLITE_OK)
            return store_db_fail(s, "preparing the store's statements");
    return TANDEM_OK;
}

static int store_pragma_int(store *s, const char *sql, int *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_db_fail(s, sql);
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TANDEM_OK : store_db_fail(s, sql);
}

/* Checks that the file is ours (or new) and creates the store's tables. */
static int store_init_schema(store *s, const char *path)
{
    int app = 0, tables = 0;
    if (store_pragma_int(s, "PRAGMA application_id", &app) ||
        store_pragma_int(s, "SELECT count(*) FROM sqlite_schema", &tables))
        return TANDEM_ERROR;
    if (app != APPLICATION_ID && tables > 0)
        return store_fail(s, "%s is an SQLite database but not a tandem database", path);
    if (app == APPLICATION_ID && tables > 0 && sqlite3_db_readonly(s->db, "main") == 1)
        return TANDEM_OK;
    char sql[160];
    snprintf(sql, sizeof sql, "%s PRAGMA user_version = %d;",
             app == APPLICATION_ID ? "" : "PRAGMA application_id = 1414415437;", STORE_SCHEMA);
    if (sqlite3_exec(s->db, store_schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_db_fail(s, "creating the store's tables");
    return TANDEM_OK;
}

static int store_configure(store *s, const char *path, const struct store_options *opt)
{
    static const char *const sync[] = {"FULL", "NORMAL", "OFF"};
    char sql[200];
    int defensive = 0;
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, &defensive);
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, (int)(opt ? opt->busy_timeout : 5000));
    snprintf(sql, sizeof sql,
             "PRAGMA journal_mode = WAL; PRAGMA synchronous = %s; PRAGMA foreign_keys = ON;",
             sync[opt && opt->sync >= 0 && opt->sync <= 2 ? opt->sync : 0]);
    if (opt && opt->readonly)
        snprintf(sql, sizeof sql, "PRAGMA query_only = 1;");
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_db_fail(s, path);
    if (store_init_schema(s, path) != TANDEM_OK)
        return TANDEM_ERROR;
    sqlite3_set_authorizer(s->db, store_authorize, s);
    return store_prepare_fixed(s);
}

/* A zero-length file opens as a valid empty database: refuse it, since it is
** far more likely a truncated tandem database than a wish for a new one. */
static int store_check_file(const char *path, int create, char *err, size_t errlen)
{
    struct stat st;
    if (strcmp(path, ":memory:") == 0)
        return 0;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && create)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is not a regular file", path);
        return -1;
    }
    if (st.st_size == 0) {
        snprintf(err, errlen,
                 "%s is empty (0 bytes), not a tandem database; remove it to start a new one",
                 path);
        return -1;
    }
    return 0;
}

int store_open(store **out, const char *path, const struct store_options *opt, char *err,
               size_t errlen)
{
    *out = NULL;
    int create = opt ? opt->create : 1;
    if (store_check_file(path, create, err, errlen) != 0)
        return -1;
    store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int flags = (opt && opt->readonly ? SQLITE_OPEN_READONLY
                                      : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)) |
                SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK ||
        store_configure(s, path, opt) != TANDEM_OK) {
        snprintf(err, errlen, "%s", s->db && !s->err[0] ? sqlite3_errmsg(s->db) : s->err);
        store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

void store_close(store *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    for (int i = 0; i < STORE_MAX_SAVEPOINTS; i++) {
        sqlite3_finalize(s->savepoint[i][0]);
        sqlite3_finalize(s->savepoint[i][1]);
    }
    for (int i = 0; i < CACHE_SLOTS; i++) {
        sqlite3_finalize(s->cache[i].stmt);
        free(s->cache[i].owner);
        free(s->cache[i].sql);
    }
    sqlite3_close(s->db);
    free(s);
}

int store_clone_memory(store *s, store **out, char *err, size_t errlen)
{
    struct store_options opt = {STORE_SYNC_OFF, 0, 1, 0};
    if (store_open(out, ":memory:", &opt, err, errlen) != 0)
        return -1;
    sqlite3_backup *b = sqlite3_backup_init((*out)->db, "main", s->db, "main");
    int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "copying the database: %s", sqlite3_errmsg((*out)->db));
        store_close(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Statements                                                             */

static void bind_value(sqlite3_stmt *st, int i, const tandem_value *v)
{
    switch (v->type) {
    case TANDEM_NIL: sqlite3_bind_null(st, i); break;
    case TANDEM_BOOL: sqlite3_bind_int(st, i, v->u.b); break;
    case TANDEM_INT: sqlite3_bind_int64(st, i, v->u.i); break;
    case TANDEM_REAL: sqlite3_bind_double(st, i, v->u.r); break;
    case TANDEM_TEXT: sqlite3_bind_text64(st, i, v->u.s.p, v->u.s.n, SQLITE_STATIC, SQLITE_UTF8);
        break;
    case TANDEM_BLOB: sqlite3_bind_blob64(st, i, v->u.s.p, v->u.s.n, SQLITE_STATIC); break;
    }
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_id(sqlite3_stmt *st, int i, int64_t id)
{
    if (id)
        sqlite3_bind_int64(st, i, id);
    else
        sqlite3_bind_null(st, i);
}

static tandem_value column_value(sqlite3_stmt *st, int i)
{
    tandem_value v = tandem_nil();
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: v = tandem_int(sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: v = tandem_real(sqlite3_column_double(st, i)); break;
    case SQLITE_TEXT:
        v.type = TANDEM_TEXT;
        v.u.s.p = (const char *)sqlite3_column_text(st, i);
        v.u.s.n = (size_t)sqlite3_column_bytes(st, i);
        break;
    case SQLITE_BLOB:
        v.type = TANDEM_BLOB;
        v.u.s.p = sqlite3_column_blob(st, i);
        v.u.s.n = (size_t)sqlite3_column_bytes(st, i);
        if (v.u.s.p == NULL)
            v.u.s.p = "";
        break;
    }
    return v;
}

/* Steps a statement that returns no rows, then resets it. */
static int step_done(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_db_fail(s, what);
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Transactions                                                           */

static int exec_fmt(store *s, const char *fmt, int n)
{
    char sql[64];
    snprintf(sql, sizeof sql, fmt, n, n);
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_db_fail(s, sql);
    return TANDEM_OK;
}

int store_depth(const store *s)
{
    return s->depth;
}

/* Steps "SAVEPOINT sN" (release 0) or "RELEASE sN" (release 1) for depth n,
** prepared on first use. */
static int savepoint_step(store *s, int release, int n)
{
    static const char *const forms[2] = {"SAVEPOINT s%d", "RELEASE s%d"};
    if (n >= STORE_MAX_SAVEPOINTS)
        return exec_fmt(s, forms[release], n);
    sqlite3_stmt **st = &s->savepoint[n][release];
    if (*st == NULL) {
        char sql[64];
        snprintf(sql, sizeof sql, forms[release], n);
        if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
            return store_db_fail(s, sql);
    }
    return step_done(s, *st, release ? "releasing a savepoint" : "taking a savepoint");
}

int store_begin(store *s)
{
    int rc = s->depth == 0 ? step_done(s, s->st[ST_BEGIN], "starting a transaction")
                           : savepoint_step(s, 0, s->depth);
    if (rc == TANDEM_OK)
        s->depth++;
    return rc;
}

/* The engine may roll back the whole transaction by itself (SQLITE_FULL,
** some I/O errors). Notice it, so that no later step thinks it still holds
** uncommitted work. */
static void store_check_doomed(store *s)
{
    if (s->depth > 0 && sqlite3_get_autocommit(s->db))
        s->doomed = 1;
}

int store_commit(store *s)
{
    if (s->depth == 0)
        return store_fail(s, "commit without a transaction");
    store_check_doomed(s);
    if (s->doomed)
        return store_fail(s, "the transaction was rolled back by the database (disk full?)");
    int rc = s->depth == 1 ? step_done(s, s->st[ST_COMMIT], "committing")
                           : savepoint_step(s, 1, s->depth - 1);
    if (rc == TANDEM_OK)
        s->depth--;
    return rc;
}

int store_rollback(store *s)
{
    if (s->depth == 0)
        return store_fail(s, "rollback without a transaction");
    store_check_doomed(s);
    int rc = TANDEM_OK;
    s->depth--;
    if (s->depth == 0) {
        if (!sqlite3_get_autocommit(s->db))
            rc = step_done(s, s->st[ST_ROLLBACK], "rolling back");
        s->doomed = 0;
    } else if (!s->doomed) {
        rc = exec_fmt(s, "ROLLBACK TO s%d; RELEASE s%d", s->depth);
    }
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Journal                                                                */

int store_journal_append(store *s, struct journal_row *row)
{
    sqlite3_stmt *st = s->st[ST_JOURNAL_APPEND];
    sqlite3_bind_int64(st, 1, row->time);
    bind_text(st, 2, row->topic);
    bind_text(st, 3, row->actor);
    bind_text(st, 4, row->source);
    bind_text(st, 5, row->fields);
    bind_id(st, 6, row->cause);
    bind_text(st, 7, row->key);
    bind_text(st, 8, row->private_fields);
    if (step_done(s, st, "appending to the journal") != TANDEM_OK)
        return TANDEM_ERROR;
    row->id = sqlite3_last_insert_rowid(s->db);
    return TANDEM_OK;
}

int store_journal_by_key(store *s, const char *key, int64_t *id)
{
    sqlite3_stmt *st = s->st[ST_JOURNAL_BY_KEY];
    bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return TANDEM_OK;
    return rc == SQLITE_DONE ? TANDEM_NOTFOUND : store_db_fail(s, "reading the journal");
}

static void journal_row_read(sqlite3_stmt *st, struct journal_row *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->time = sqlite3_column_int64(st, 1);
    r->topic = (const char *)sqlite3_column_text(st, 2);
    r->actor = (const char *)sqlite3_column_text(st, 3);
    r->source = (const char *)sqlite3_column_text(st, 4);
    r->fields = (const char *)sqlite3_column_text(st, 5);
    r->cause = sqlite3_column_int64(st, 6);
    r->key = (const char *)sqlite3_column_text(st, 7);
    r->private_fields = (const char *)sqlite3_column_text(st, 8);
}

static int journal_rows(store *s, sqlite3_stmt *st, journal_fn fn, void *ud)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct journal_row r;
        journal_row_read(st, &r);
        if (fn(ud, &r) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? TANDEM_OK : store_db_fail(s, "reading the journal");
}

int store_journal_get(store *s, int64_t id, journal_fn fn, void *ud)
{
    sqlite3_stmt *st = s->st[ST_JOURNAL_GET];
    sqlite3_bind_int64(st, 1, id);
    return journal_rows(s, st, fn, ud);
}

int store_journal_scan(store *s, const struct journal_query *q, journal_fn fn, void *ud)
{
    char sql[400];
    const char *topic = q->topic;
    size_t tn = topic ? strlen(topic) : 0;
    int prefix = tn >= 2 && strcmp(topic + tn - 2, ".*") == 0;
    if (topic && strcmp(topic, "*") == 0)
        topic = NULL;
    snprintf(sql, sizeof sql,
             "SELECT id, time, topic, actor, source, fields, caused_by, idem_key, private "
             "FROM journal WHERE id > ?1 %s %s ORDER BY id %s",
             topic ? (prefix ? "AND topic >= ?2 AND topic < ?3" : "AND topic = ?2") : "",
             q->cause ? "AND caused_by = ?4" : "", q->limit > 0 ? "LIMIT ?5" : "");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_db_fail(s, "reading the journal");
    char lo[80], hi[80];
    sqlite3_bind_int64(st, 1, q->since);
    if (topic && prefix) {
        snprintf(lo, sizeof lo, "%.*s", (int)(tn - 1), topic); /* "patrol." */
        snprintf(hi, sizeof hi, "%.*s/", (int)(tn - 2), topic); /* '/' follows '.' */
        sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
    } else if (topic) {
        sqlite3_bind_text(st, 2, topic, -1, SQLITE_STATIC);
    }
    if (q->cause)
        sqlite3_bind_int64(st, 4, q->cause);
    if (q->limit > 0)
        sqlite3_bind_int64(st, 5, q->limit);
    int rc = journal_rows(s, st, fn, ud);
    sqlite3_finalize(st);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Key/value                                                              */

int store_kv_get(store *s, const char *owner, const char *key, tandem_value *out)
{
    sqlite3_stmt *st = s->st[ST_KV_GET];
    bind_text(st, 1, owner);
    bind_text(st, 2, key);
    int rc = sqlite3_step(st);
    int result = TANDEM_NOTFOUND;
    if (rc == SQLITE_ROW) {
        tandem_value v = column_value(st, 1);
        int type = sqlite3_column_int(st, 0);
        if (type == TANDEM_BOOL)
            v = tandem_bool((int)v.u.i);
        result = TANDEM_OK;
        *out = v;
        if (v.type == TANDEM_TEXT || v.type == TANDEM_BLOB) {
            char *p = malloc(v.u.s.n + 1);
            if (p == NULL) {
                result = TANDEM_NOMEM;
                out->type = TANDEM_NIL;
            } else {
                memcpy(p, v.u.s.p, v.u.s.n);
                p[v.u.s.n] = '\0';
                out->u.s.p = p;
            }
        }
    } else if (rc != SQLITE_DONE) {
        result = store_db_fail(s, "reading the key/value area");
    }
    sqlite3_reset(st);
    return result;
}

int store_kv_set(store *s, const char *owner, const char *key, const tandem_value *v)
{
    sqlite3_stmt *st = s->st[v->type == TANDEM_NIL ? ST_KV_DEL : ST_KV_SET];
    bind_text(st, 1, owner);
    bind_text(st, 2, key);
    if (v->type != TANDEM_NIL) {
        sqlite3_bind_int(st, 3, v->type);
        bind_value(st, 4, v);
    }
    return step_done(s, st, "writing the key/value area");
}

struct keys_ctx {
    int (*fn)(void *ud, const char *key);
    void *ud;
};

static int each_key(void *ud, int ncols, const tandem_value *cols)
{
    struct keys_ctx *k = ud;
    (void)ncols;
    return k->fn(k->ud, cols[0].u.s.p);
}

int store_kv_keys(store *s, const char *owner, const char *prefix,
                  int (*fn)(void *ud, const char *key), void *ud)
{
    struct keys_ctx k = {fn, ud};
    tandem_value args[3] = {tandem_text(owner), tandem_text(prefix),
                            tandem_int((int64_t)strlen(prefix))};
    return store_exec(s, NULL,
                      /* bytes, not characters: a prefix may be Chinese */
                      "SELECT key FROM kv WHERE owner = ?1 AND "
                      "substr(CAST(key AS BLOB), 1, ?3) = CAST(?2 AS BLOB) ORDER BY key",
                      args, 3, each_key, &k);
}

/* ---------------------------------------------------------------------- */
/* Outbox                                                                 */

int store_outbox_add(store *s, int64_t event, const char *subscriber, int64_t due)
{
    sqlite3_stmt *st = s->st[ST_OUTBOX_ADD];
    sqlite3_bind_int64(st, 1, event);
    bind_text(st, 2, subscriber);
    sqlite3_bind_int64(st, 3, due);
    return step_done(s, st, "writing the outbox");
}

int store_outbox_due(store *s, int64_t now, outbox_fn fn, void *ud)
{
    /* Collect first: the callback runs handlers that write to the outbox. */
    sqlite3_stmt *st = s->st[ST_OUTBOX_DUE];
    struct {
        int64_t event, attempts;
        char *sub;
    } *items = NULL;
    size_t n = 0, cap = 0;
    int rc, result = TANDEM_OK;
    sqlite3_bind_int64(st, 1, now);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            void *p = realloc(items, (cap = cap ? cap * 2 : 16) * sizeof *items);
            if (p == NULL) {
                result = TANDEM_NOMEM;
                break;
            }
            items = p;
        }
        items[n].event = sqlite3_column_int64(st, 0);
        items[n].sub = strdup((const char *)sqlite3_column_text(st, 1));
        items[n].attempts = sqlite3_column_int64(st, 2);
        if (items[n].sub == NULL) {
            result = TANDEM_NOMEM;
            break;
        }
        n++;
    }
    sqlite3_reset(st);
    if (result == TANDEM_OK && rc != SQLITE_DONE)
        result = store_db_fail(s, "reading the outbox");
    for (size_t i = 0; i < n; i++) {
        struct outbox_item it = {items[i].event, items[i].sub, items[i].attempts};
        if (result == TANDEM_OK && fn(ud, &it) != 0)
            result = TANDEM_ERROR;
        free(items[i].sub);
    }
    free(items);
    return result;
}

int store_outbox_done(store *s, int64_t event, const char *subscriber)
{
    sqlite3_stmt *st = s->st[ST_OUTBOX_DONE];
    sqlite3_bind_int64(st, 1, event);
    bind_text(st, 2, subscriber);
    return step_done(s, st, "writing the outbox");
}

int store_outbox_retry(store *s, int64_t event, const char *subscriber, int64_t due,
                       const char *error)
{
    sqlite3_stmt *st = s->st[ST_OUTBOX_RETRY];
    sqlite3_bind_int64(st, 1, due);
    bind_text(st, 2, error);
    sqlite3_bind_int64(st, 3, event);
    bind_text(st, 4, subscriber);
    return step_done(s, st, "writing the outbox");
}

int store_outbox_count(store *s, int64_t *pending)
{
    sqlite3_stmt *st = s->st[ST_OUTBOX_COUNT];
    int rc = sqlite3_step(st);
    *pending = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? TANDEM_OK : store_db_fail(s, "reading the outbox");
}

/* ---------------------------------------------------------------------- */
/* Schema versions                                                        */

int store_schema_version(store *s, const char *owner, int *version)
{
    sqlite3_stmt *st = s->st[ST_SCHEMA_GET];
    bind_text(st, 1, owner);
    int rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TANDEM_OK
                                                 : store_db_fail(s, "reading schema versions");
}

int store_schema_set(store *s, const char *owner, int version)
{
    sqlite3_stmt *st = s->st[ST_SCHEMA_SET];
    bind_text(st, 1, owner);
    sqlite3_bind_int(st, 2, version);
    return step_done(s, st, "writing schema versions");
}

/* ---------------------------------------------------------------------- */
/* Parameterised SQL                                                      */

static unsigned cache_hash(const char *owner, const char *sql)
{
    unsigned h = 2166136261u;
    for (const char *p = owner ? owner : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (const char *p = sql; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

static int same_owner(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* Finds or prepares the statement for (owner, sql). */
static sqlite3_stmt *store_statement(store *s, const struct store_scope *scope, const char *sql,
                                     int *denied, int *temporary)
{
    const char *owner = scope ? scope->owner : NULL;
    unsigned h = cache_hash(owner, sql) % CACHE_SLOTS;
    struct cached *c = NULL;
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        c = &s->cache[(h + i) % CACHE_SLOTS];
        if (c->sql == NULL || (strcmp(c->sql, sql) == 0 && same_owner(c->owner, owner)))
            break;
    }
    if (c->sql && c->stmt && !sqlite3_stmt_busy(c->stmt))
        return c->stmt;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    s->scope = scope;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    s->scope = NULL;
    if (rc != SQLITE_OK) {
        *denied = rc == SQLITE_AUTH;
        store_fail(s, "%s", *denied ? "not allowed: a plugin may only use its own tables "
                                      "(p_NAME_*), without ATTACH, PRAGMA or transactions"
                                    : sqlite3_errmsg(s->db));
        return NULL;
    }
    if (tail && *tail && strspn(tail, " \t\r\n;") != strlen(tail)) {
        sqlite3_finalize(st);
        store_fail(s, "only one statement at a time");
        return NULL;
    }
    /* A full cache, or the cached statement busy in an outer loop (a row
    ** callback running the same SQL), gets a statement of its own. */
    *temporary = 1;
    if (c->sql == NULL) {
        c->sql = strdup(sql);
        c->owner = owner ? strdup(owner) : NULL;
        if (c->sql && (owner == NULL || c->owner)) {
            c->stmt = st;
            *temporary = 0;
        } else {
            free(c->sql);
            free(c->owner);
            memset(c, 0, sizeof *c);
        }
    }
    return st;
}

int store_exec(store *s, const struct store_scope *scope, const char *sql,
               const tandem_value *args, int nargs, tandem_row_fn row, void *ud)
{
    int denied = 0, temporary = 0, rc, result = TANDEM_OK;
    sqlite3_stmt *st = store_statement(s, scope, sql, &denied, &temporary);
    if (st == NULL)
        return denied ? TANDEM_DENIED : TANDEM_ERROR;
    if (scope && !scope->writable && !sqlite3_stmt_readonly(st)) {
        result = TANDEM_DENIED;
        store_fail(s, "not allowed: a plugin writes its tables only in its apply functions "
                      "and migrations");
        goto done;
    }
    if (sqlite3_bind_parameter_count(st) != nargs) {
        result = store_fail(s, "the statement has %d parameters, %d given",
                            sqlite3_bind_parameter_count(st), nargs);
        goto done;
    }
    for (int i = 0; i < nargs; i++)
        bind_value(st, i + 1, &args[i]);
    int ncols = sqlite3_column_count(st);
    tandem_value small[16], *cols = ncols <= 16 ? small : malloc((size_t)ncols * sizeof *cols);
    if (cols == NULL) {
        result = TANDEM_NOMEM;
        goto done;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++)
            cols[i] = column_value(st, i);
        if (row && row(ud, ncols, cols) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (cols != small)
        free(cols);
    if (rc != SQLITE_DONE)
        result = store_db_fail(s, "running SQL");
done:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (temporary)
        sqlite3_finalize(st);
    return result;
}

int store_exec_script(store *s, const struct store_scope *scope, const char *sql)
{
    char *msg = NULL;
    s->scope = scope;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    s->scope = NULL;
    if (rc != SQLITE_OK) {
        store_fail(s, "%s", rc == SQLITE_AUTH ? "not allowed: a plugin may only create and use "
                                                "its own tables (p_NAME_*)"
                                              : msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return rc == SQLITE_AUTH ? TANDEM_DENIED : TANDEM_ERROR;
    }
    return TANDEM_OK;
}

int64_t store_changes(const store *s)
{
    return sqlite3_changes64(s->db);
}

int64_t store_last_id(const store *s)
{
    return sqlite3_last_insert_rowid(s->db);
}
