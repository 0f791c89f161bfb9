/*
** command.h — what users can ask of the core, whatever the interface (CLI,
** HTTP, import). A command validates its input, turns it into events and
** submits them to the bus; reads go through here too. Interfaces never touch
** the store or the bus directly.
*/
#ifndef TANDEM_COMMAND_H
#define TANDEM_COMMAND_H

#include <stdint.h>

#include "bus.h"
#include "core.h"
#include "store.h"

/* Submits TOPIC with fields from a JSON object. On a malformed argument
** returns BUS_INVALID with the reason in res->message. */
int command_emit(struct core *c, const char *topic, const char *json, const char *key,
                 const char *source, struct bus_result *res);

/* Reads the journal. */
int command_events(struct core *c, const struct journal_query *q, journal_fn fn, void *ud);

/* The read path of interfaces: a query over the state, row by row. */
int command_query(struct core *c, const char *sql, const tandem_value *args, int nargs,
                  tandem_row_fn row, void *ud);

/* Submits an event built by the caller (ownership passes). */
int command_submit_event(struct core *c, tandem_event *ev, struct bus_result *res);

/* ---- the shared model (command_model.c) ---- */

struct spec;
struct entity;

/* A field given as text: a flag's value, a CSV cell, a JSON string. */
struct field_input {
    const char *name; /* the entity's field */
    const char *text; /* NULL or "" means not given */
};

/* Converts text to the typed value a spec wants (dates in the forms
** spreadsheets use, times, yes/no/是/否, names of referenced records ...).
** On failure writes "field: what is wrong". The value is owned. */
int command_value(struct core *c, const struct spec *s, const char *text, tandem_value *out,
                  char *err, size_t errlen);

/* The added (update_id == 0) or updated event of an entity from text inputs;
** NULL with a message on bad input. */
tandem_event *command_entity_event(struct core *c, const struct entity *e, int64_t update_id,
                                   const struct field_input *in, size_t n, const char *source,
                                   char *err, size_t errlen);

int command_add(struct core *c, const struct entity *e, const struct field_input *in, size_t n,
                struct bus_result *res);
/* `which` is an id, a volunteer number or a unique name. */
int command_update(struct core *c, const struct entity *e, const char *which,
                   const struct field_input *in, size_t n, struct bus_result *res);

/* Submits TOPIC with fields given as pairs: "i:NAME", (int64_t) value or
** "s:NAME", (const char *) value (NULL skips it); the list ends with NULL. */
int command_submit(struct core *c, const char *topic, struct bus_result *res, ...);

/* Resolves a reference to a record of kind noun; on failure fills res with
** BUS_INVALID and the reason, and returns -1. */
int command_resolve(struct core *c, const char *noun, const char *text, int64_t *id,
                    struct bus_result *res);

/* ---- service hours (command_service.c) ---- */

struct service_total {
    char name[128];
    char volunteer_no[40];
    int64_t minutes; /* counted service, in whole minutes */
    int64_t times;   /* person-times */
};

/* A person's counted service with check-in dates in [from, to] (either may
** be NULL). -1 on a malformed date. */
int command_hours(struct core *c, int64_t person, const char *from, const char *to,
                  struct service_total *out);

/* ---- spreadsheets (command_exchange.c) ---- */

struct import_defaults {
    const char *roles;     /* for rows without a roles column (default volunteer) */
    const char *community; /* for rows without a community column */
    int skip_bad;          /* import the good rows and report the bad ones */
};

struct import_report {
    const char *encoding; /* what the file was read as */
    size_t rows, imported, skipped, bad;
    buf errors; /* "row R, column C (...): reason" lines; caller frees */
};

/* Imports "people" or "needs" from a CSV file. All or nothing, unless
** skip_bad: then the good rows are kept. Returns -1 when nothing was
** imported. */
int command_import(struct core *c, const char *kind, const char *path,
                   const struct import_defaults *d, struct import_report *r);

struct csv_column;
/* The columns a people spreadsheet may have, with their Chinese and English
** header names (for import and for export headers). */
const struct csv_column *command_people_columns(size_t *n);

#endif
