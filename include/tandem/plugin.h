/*
** tandem/plugin.h — the whole public API for tandem C plugins.
**
** A plugin is a shared object that exports exactly one symbol,
** tandem_plugin_entry(), returning a constant descriptor. The host reads the
** descriptor before it runs any other plugin code: it checks the magic and the
** ABI version, resolves the declared dependencies, validates the plugin's INI
** options against the declared schema and applies its schema migrations. Only
** then does it call init(self, api). From then on the plugin reaches the host
** only through the function table `api`; the tandem binary exports no symbols.
**
** ABI rules (the SQLite rule): struct tandem_api only ever grows at its end,
** and new variants of a function get a suffix (_v2). A plugin built against
** ABI 1.N runs on any host 1.M with M >= N. A plugin that declares an older
** abi_minor than its header's (to run on older hosts) tests for the newer
** functions it would like with TANDEM_API_HAS() before calling them.
**
** Threading: the host calls every plugin function on its one loop thread.
** Plugins need no locks and must not start threads that call the API.
**
** See docs/PLUGINS.md for a walk-through and plugins/guestbook/ for a
** complete example.
*/
#ifndef TANDEM_PLUGIN_H
#define TANDEM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TANDEM_ABI_MAJOR 1    /* changed only by an incompatible change */
#define TANDEM_ABI_MINOR 1    /* bumped when functions are appended to tandem_api */
#define TANDEM_PLUGIN_MAGIC 0x544e4450u /* "TNDP" */

#if defined(__GNUC__)
#define TANDEM_EXPORT __attribute__((visibility("default")))
#define TANDEM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TANDEM_EXPORT
#define TANDEM_PRINTF(f, a)
#endif

typedef struct tandem_plugin tandem_plugin; /* the host's record of one plugin */
typedef struct tandem_event tandem_event;   /* one event: a topic and fields */
typedef struct tandem_api tandem_api;       /* the host's function table */

/*
** Values. One model for event fields, options, key/value entries and SQL
** parameters and columns; it maps one to one onto Lua 5.4 values and SQLite
** storage classes.
*/
typedef enum tandem_type {
    TANDEM_NIL = 0,
    TANDEM_BOOL,
    TANDEM_INT,
    TANDEM_REAL,
    TANDEM_TEXT, /* UTF-8; the host always NUL-terminates the bytes it hands out */
    TANDEM_BLOB
} tandem_type;

typedef struct tandem_value {
    tandem_type type;
    union {
        int b;
        int64_t i;
        double r;
        struct {
            const char *p;
            size_t n;
        } s; /* TEXT and BLOB */
    } u;
} tandem_value;

static inline tandem_value tandem_nil(void)
{
    tandem_value v = {TANDEM_NIL, {0}};
    return v;
}
static inline tandem_value tandem_bool(int b)
{
    tandem_value v = {TANDEM_BOOL, {0}};
    v.u.b = b != 0;
    return v;
}
static inline tandem_value tandem_int(int64_t i)
{
    tandem_value v = {TANDEM_INT, {0}};
    v.u.i = i;
    return v;
}
static inline tandem_value tandem_real(double r)
{
    tandem_value v = {TANDEM_REAL, {0}};
    v.u.r = r;
    return v;
}
static inline tandem_value tandem_text(const char *p)
{
    tandem_value v = {TANDEM_TEXT, {0}};
    size_t n = 0;
    while (p[n])
        n++;
    v.u.s.p = p;
    v.u.s.n = n;
    return v;
}
static inline tandem_value tandem_blob(const void *p, size_t n)
{
    tandem_value v = {TANDEM_BLOB, {0}};
    v.u.s.p = (const char *)p;
    v.u.s.n = n;
    return v;
}

/* Results. Functions return TANDEM_OK or a negative error code; the message
** that goes with an error is in the host's log or is returned to the caller
** of the command that failed. */
enum {
    TANDEM_OK = 0,
    TANDEM_VETO = 1,        /* a before handler refused the event */
    TANDEM_ERROR = -1,      /* generic failure; see the message */
    TANDEM_NOTFOUND = -2,   /* no such key, field or option */
    TANDEM_MISUSE = -3,     /* the call is not allowed here (wrong phase, ...) */
    TANDEM_DENIED = -4,     /* outside the plugin's namespace */
    TANDEM_NOMEM = -5,
    TANDEM_REFUSED = -6     /* emit: a BEFORE handler vetoed the event (reason: last error) */
};

enum { TANDEM_LOG_ERROR = 0, TANDEM_LOG_WARN, TANDEM_LOG_INFO, TANDEM_LOG_DEBUG };

/*
** The event pipeline. An event goes through three phases:
**   BEFORE  may veto with a reason (return api->veto(ev, ...)); nothing is stored;
**   ON      runs inside the event's transaction, after the event was appended
**           to the journal and its state applied; may emit follow-up events;
**   AFTER   runs once the transaction committed, from an outbox: retried when
**           it fails, never lost, never run twice for one event.
** A handler returns TANDEM_OK, TANDEM_VETO (BEFORE only) or a negative error.
** An error in BEFORE or ON vetoes the event; an error in AFTER retries later.
*/
typedef enum tandem_phase { TANDEM_BEFORE = 0, TANDEM_ON = 1, TANDEM_AFTER = 2 } tandem_phase;

typedef int (*tandem_handler)(tandem_plugin *self, tandem_event *ev, void *ud);

/*
** State projection for a topic the plugin declares. It runs inside the
** event's transaction, right after the journal append, and again for every
** journaled event when state is rebuilt by replay; so it must derive its
** writes from the event alone. It is the only place (besides migrations)
** where a plugin may write to its private tables.
*/
typedef int (*tandem_apply)(tandem_plugin *self, const tandem_event *ev);

/* Declared field of a topic's schema. */
typedef struct tandem_field {
    const char *name;
    tandem_type type; /* TANDEM_NIL means any type */
    unsigned flags;   /* TANDEM_FIELD_REQUIRED */
} tandem_field;
#define TANDEM_FIELD_REQUIRED 1u
#define TANDEM_FIELD_PRIVATE 2u /* personal data: masked wherever events are shown */

/* A dependency: another plugin or script that must be running first. */
typedef struct tandem_dep {
    const char *name;
    const char *min_version; /* "1.2.0", or NULL for any */
} tandem_dep;

/*
** INI option schema for the plugin's section [plugin.NAME]. The host checks
** every key in the section against it (unknown keys, types, ranges, required
** keys) and reports FILE:LINE before init is called.
*/
typedef enum tandem_option_type {
    TANDEM_OPT_TEXT = 0,
    TANDEM_OPT_INT,      /* decimal integer within [min, max] */
    TANDEM_OPT_REAL,     /* decimal number within [min, max] */
    TANDEM_OPT_BOOL,     /* yes/no, true/false, on/off, 1/0 */
    TANDEM_OPT_SIZE,     /* 512, 64K, 4M, 1G: read as TANDEM_INT bytes */
    TANDEM_OPT_DURATION, /* 50ms, 2s, 5m, 48h, 7d: read as TANDEM_INT milliseconds */
    TANDEM_OPT_LIST,     /* comma-separated words: read as TEXT, see option_item */
    TANDEM_OPT_PATH      /* relative to the config file: read as absolute TEXT */
} tandem_option_type;

typedef struct tandem_option {
    const char *key;
    tandem_option_type type;
    const char *default_value; /* NULL: no default */
    int64_t min, max;          /* for INT/REAL/SIZE/DURATION; min == max == 0: unbounded */
    unsigned flags;            /* TANDEM_OPTION_REQUIRED */
    const char *doc;           /* one line, for docs/OPERATIONS.md and error messages */
} tandem_option;
#define TANDEM_OPTION_REQUIRED 1u

/*
** A schema migration for the plugin's private tables. Steps are applied in
** ascending version order, each in a transaction with the version bump; a
** failing step rolls back and the plugin is refused. A database whose stored
** version is newer than the plugin's last step is refused (no downgrades).
** Table names must start with p_NAME_ (NAME is the plugin's name).
*/
typedef struct tandem_migration {
    int version;
    const char *sql;
} tandem_migration;

/* Row callback for db_exec: return 0 to continue, nonzero to stop. */
typedef int (*tandem_row_fn)(void *ud, int ncols, const tandem_value *cols);

/*
** The descriptor. Fields up to fini form ABI 1.0 and never move; new fields
** are appended and read by the host only when `size` covers them.
*/
typedef struct tandem_plugin_desc {
    uint32_t magic;     /* TANDEM_PLUGIN_MAGIC */
    uint16_t abi_major; /* TANDEM_ABI_MAJOR the plugin was built against */
    uint16_t abi_minor; /* TANDEM_ABI_MINOR the plugin was built against */
    uint32_t size;      /* sizeof(tandem_plugin_desc) */
    const char *name;   /* [a-z][a-z0-9_]{0,31}; must match [plugin.NAME] */
    const char *version;
    const char *summary;
    const tandem_dep *requires;         /* {NULL}-terminated, or NULL */
    const tandem_option *options;       /* {NULL}-terminated, or NULL */
    const tandem_migration *migrations; /* {0, NULL}-terminated, or NULL */
    int (*init)(tandem_plugin *self, const tandem_api *api); /* declare, subscribe */
    int (*start)(tandem_plugin *self);  /* dependencies are running; may emit */
    void (*stop)(tandem_plugin *self);  /* called in reverse dependency order */
    void (*fini)(tandem_plugin *self);  /* free what init allocated */
} tandem_plugin_desc;

/* Initialiser for the first fields of a descriptor. */
#define TANDEM_PLUGIN_HEADER(name, version, summary)                                            \
    TANDEM_PLUGIN_MAGIC, TANDEM_ABI_MAJOR, TANDEM_ABI_MINOR, sizeof(tandem_plugin_desc), name, \
        version, summary

/* The one symbol a plugin exports. */
TANDEM_EXPORT const tandem_plugin_desc *tandem_plugin_entry(void);

/*
** The host's function table, passed to init. Unless said otherwise, strings
** passed in are copied by the host; strings and blobs handed out stay valid
** until the handler (or init/start) that received them returns.
*/
struct tandem_api {
    uint32_t size; /* sizeof(struct tandem_api) in the running host */
    uint16_t abi_major, abi_minor;

    /* ---- ABI 1.0 ---- */

    /* Log a line prefixed with the plugin's name. */
    void (*log)(tandem_plugin *self, int level, const char *fmt, ...) TANDEM_PRINTF(3, 4);

    /* Record an error message for the current operation; returns TANDEM_ERROR. */
    int (*error)(tandem_plugin *self, const char *fmt, ...) TANDEM_PRINTF(2, 3);

    /* The typed value of an option of [plugin.NAME] (or its default).
    ** TANDEM_NOTFOUND if it is neither set nor defaulted. */
    int (*option)(tandem_plugin *self, const char *key, tandem_value *out);

    /* Item i (from 0) of a TANDEM_OPT_LIST option; TANDEM_NOTFOUND past the end. */
    int (*option_item)(tandem_plugin *self, const char *key, size_t i, const char **item);

    /* Declare a topic this plugin owns, with its field schema ({NULL}-terminated)
    ** and an optional state projection. Only during init. */
    int (*topic_declare)(tandem_plugin *self, const char *topic, const tandem_field *fields,
                         tandem_apply apply);

    /* Subscribe to a topic ("word.word"), to all topics under a prefix
    ** ("patrol.*"), or to every topic ("*"). Only during init. Handlers of one
    ** topic run in dependency order of their owners, then registration order. */
    int (*subscribe)(tandem_plugin *self, tandem_phase phase, const char *topic,
                     tandem_handler fn, void *ud);

    /* Veto the event with a reason the user sees; returns TANDEM_VETO. BEFORE only. */
    int (*veto)(tandem_event *ev, const char *fmt, ...) TANDEM_PRINTF(2, 3);

    /* Reading an event. */
    const char *(*event_topic)(const tandem_event *ev);
    int64_t (*event_id)(const tandem_event *ev);     /* journal id; 0 in BEFORE */
    int64_t (*event_time)(const tandem_event *ev);   /* Unix seconds it was recorded */
    int64_t (*event_cause)(const tandem_event *ev);  /* id of the causing event, or 0 */
    const char *(*event_actor)(const tandem_event *ev);
    int (*event_get)(const tandem_event *ev, const char *name, tandem_value *out);
    size_t (*event_count)(const tandem_event *ev);
    int (*event_field)(const tandem_event *ev, size_t i, const char **name, tandem_value *out);

    /* Building and emitting an event. event_new returns NULL on a malformed
    ** topic. emit consumes ev (also on failure). Emitted from an ON handler it
    ** is a follow-up inside the same transaction: if it is vetoed or fails, the
    ** whole chain does. From an AFTER handler or from start it is a new event
    ** caused by the current one. Returns the journal id (> 0), TANDEM_REFUSED
    ** when it was vetoed, or another negative error; the reason of a refusal or
    ** an error is then the plugin's last error (see the log). */
    tandem_event *(*event_new)(tandem_plugin *self, const char *topic);
    int (*event_set)(tandem_event *ev, const char *name, const tandem_value *v);
    void (*event_free)(tandem_event *ev);
    int64_t (*emit)(tandem_plugin *self, tandem_event *ev);

    /* The plugin's key/value area (the host binds it to the plugin's name).
    ** Inside a handler, writes are part of the event's transaction. Setting
    ** TANDEM_NIL deletes. */
    int (*kv_get)(tandem_plugin *self, const char *key, tandem_value *out);
    int (*kv_set)(tandem_plugin *self, const char *key, const tandem_value *v);

    /* Run one SQL statement on the plugin's private tables (p_NAME_*), with
    ** ? parameters. Reads are allowed anywhere; writes only inside the
    ** plugin's apply functions. Anything else is TANDEM_DENIED. */
    int (*db_exec)(tandem_plugin *self, const char *sql, const tandem_value *args, int nargs,
                   tandem_row_fn row, void *ud);

    /* The host's clock (Unix seconds); tests inject it. */
    int64_t (*now)(tandem_plugin *self);

    /* ---- ABI 1.1 ---- */

    /* Asks for timer.NAME to be emitted on a schedule: "every 15m",
    ** "daily 07:00", "weekly mon 09:30", "monthly 1 08:00". A timer due while
    ** tandem was down fires once when it runs again. Only during init. */
    int (*timer_add)(tandem_plugin *self, const char *name, const char *schedule);

    /* The value of an option for a place at a time: the most specific
    ** [plugin.NAME@PLACE from DATE] section that sets it, else [plugin.NAME]
    ** (see docs/OPERATIONS.md). place 0 means none. */
    int (*option_at)(tandem_plugin *self, const char *key, int64_t place, int64_t t,
                     tandem_value *out);

    /* One field of a record of the shared model ("shift", 12, "starts_at").
    ** Personal fields (ID numbers, phones ...) are not readable. TANDEM_NOTFOUND
    ** if there is no such record or field. */
    int (*record_get)(tandem_plugin *self, const char *noun, int64_t id, const char *field,
                      tandem_value *out);

};

/* True when the running host provides api->fn. */
#define TANDEM_API_HAS(api, fn) \
    ((api)->size >= offsetof(struct tandem_api, fn) + sizeof((api)->fn) && (api)->fn != NULL)

#ifdef __cplusplus
}
#endif
#endif /* TANDEM_PLUGIN_H */
