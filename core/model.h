/*
** model.h — the shared model every programme uses: places, organisations,
** people, teams, projects, shifts, sign-ups, attendance, service hours and
** certificates. Each change is an event the core declares; the tables are
** projections of the journal (model_schema.c).
**
** Entities that are plain records (a place, a project, a training ...) are
** described as data — a list of field specs — and share one generic
** validation, projection, lookup and CLI (entity.c, cli_model.c). What has
** rules of its own has its own file: signup.c, attendance.c, certificate.c.
*/
#ifndef TANDEM_MODEL_H
#define TANDEM_MODEL_H

#include <stdint.h>
#include <tandem/plugin.h>

#include "buf.h"
#include "core.h"
#include "event.h"

extern const tandem_migration model_migrations[];

enum spec_kind {
    SPEC_TEXT = 0,
    SPEC_INT,
    SPEC_BOOL,
    SPEC_DATE,      /* "YYYY-MM-DD" */
    SPEC_TIME,      /* Unix seconds; the CLI reads "2026-03-02 07:20" */
    SPEC_LIST,      /* comma-separated words */
    SPEC_ENUM,      /* one of arg's "a|b|c" */
    SPEC_REF,       /* id of an entity named by arg ("place") */
    SPEC_ID_NUMBER, /* 居民身份证号码, checked with GB 11643 */
    SPEC_PHONE,
    SPEC_REAL
};

#define SPEC_REQUIRED 1u /* needed to create */
#define SPEC_PRIVATE 2u  /* masked wherever it is shown or exported */
#define SPEC_FIXED 4u    /* cannot be changed by an update */

struct spec {
    const char *name; /* event field and table column */
    enum spec_kind kind;
    const char *arg; /* SPEC_ENUM values, or SPEC_REF entity */
    unsigned flags;
    const char *label; /* Chinese label for tables, exports and certificates */
};

struct entity {
    const char *noun;  /* CLI noun and reference name: "place" */
    const char *label; /* 地点 */
    const char *table;
    const char *added;   /* topic that creates one */
    const char *updated; /* topic that changes one, or NULL */
    const struct spec *specs;
    const char *list_order;  /* ORDER BY for lists */
    const char *list_fields; /* fields a list shows, comma-separated */
    /* rules beyond the specs (a shift ends after it starts ...), or NULL */
    int (*check)(struct core *c, const tandem_event *ev, int update, char *err, size_t errlen);
};

/* The entities, NULL-terminated; and one by noun. */
extern const struct entity *const model_entities[];
const struct entity *model_entity(const char *noun);
const struct spec *entity_spec(const struct entity *e, const char *field);

/* Declares the model's topics and the core's own rules; runs the core's
** migrations. Called once by core_open before plugins load. */
int model_init(struct core *c, char *err, size_t errlen);

/* ---- generic entity machinery (entity.c) ---- */

/* The event schema of an entity's added/updated topic ({NULL}-terminated,
** static storage; max 40 fields). */
const tandem_field *entity_fields(const struct entity *e, int update);

/* Checks the event's fields against the specs: formats, enums, that
** references exist, ID check digits. Writes "field: what is wrong". */
int entity_check(struct core *c, const struct entity *e, const tandem_event *ev, char *err,
                 size_t errlen);

/* Inserts (id = event id) or updates (id = the entity field) the row from the
** event's fields that are columns, plus extra columns given by the caller. */
int entity_insert(struct core *c, const struct entity *e, const tandem_event *ev,
                  const char *const *extra_cols, const tandem_value *extra_vals, int nextra,
                  char *err, size_t errlen);
int entity_update(struct core *c, const struct entity *e, const tandem_event *ev, char *err,
                  size_t errlen);

/* "a, b，c" -> "a,b,c". */
void entity_normalise_list(const char *in, char *out, size_t len);

/* 1 unless the event names an id_type other than 居民身份证 (then the ID
** number is not checked with GB 11643). */
int entity_resident_id(const tandem_event *ev);

/* One readable field of a record (an owned copy): entities' non-private
** fields, and those of attendance, correction, signup, redemption (the cost
** in points) and alert.
** TANDEM_NOTFOUND for no such record or field, or a personal one. */
int model_field(struct core *c, const char *noun, int64_t id, const char *field,
                tandem_value *out);

/* The readable columns of a kind of record (names point to static storage)
** and its table; 0 if there is no such kind. */
int model_readable_columns(const char *noun, const char **table, const char **names, int max);
int model_is_readable(const char *noun, const char *field);

/* 1 if the row exists. */
int entity_exists(struct core *c, const char *table, int64_t id);

/* Finds an entity by id, by a person's volunteer number, or by a unique
** name. On failure writes a message (listing candidates if ambiguous). */
int entity_resolve(struct core *c, const struct entity *e, const char *text, int64_t *id,
                   char *err, size_t errlen);

/* Apply functions shared by plain entities. */
int entity_apply_added(tandem_plugin *self, const tandem_event *ev);
int entity_apply_updated(tandem_plugin *self, const tandem_event *ev);

/* ---- small shared helpers ---- */

/* One row's first column as an integer, or def if there is none. */
int64_t model_int(struct core *c, const char *sql, const tandem_value *args, int nargs,
                  int64_t def);
/* One row's first column as text into out; -1 if there is no such row. */
int model_text(struct core *c, const char *sql, const tandem_value *args, int nargs, char *out,
               size_t len);
/* Local calendar month of t as YYYYMM, and date as YYYY-MM-DD. */
int model_month(int64_t t);
void model_date(int64_t t, char out[11]);
/* Age in whole years on the local date of t, from "YYYY-MM-DD"; -1 if unknown. */
int model_age(const char *birth_date, int64_t t);

/* Reports an apply failure through the core node's error slot. */
int model_fail(tandem_plugin *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Apply and rule functions of the special parts, declared by model_init. */
int person_apply_registered(tandem_plugin *self, const tandem_event *ev);
int person_apply_updated(tandem_plugin *self, const tandem_event *ev);
int person_apply_consent(tandem_plugin *self, const tandem_event *ev);
int team_apply_joined(tandem_plugin *self, const tandem_event *ev);
int team_apply_left(tandem_plugin *self, const tandem_event *ev);
extern const tandem_option attendance_schema[];
extern const tandem_option certificate_schema[];
extern const tandem_option resources_schema[];

/* Closes open check-outs whose shift ended more than [attendance]
** close_after ago, by each project's rule; counts them in *closed. */
int attendance_close_forgotten(struct core *c, int *closed, char *err, size_t errlen);

int signup_declare(struct core *c);
int attendance_declare(struct core *c);
int certificate_declare(struct core *c);
int rewards_declare(struct core *c);
/* A fresh redemption code: 10 characters that read unambiguously. */
void rewards_new_code(struct core *c, char out[12]);
int match_declare(struct core *c);
int alert_declare(struct core *c);

#endif
