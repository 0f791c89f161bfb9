/*
** event.h — the event record: a topic, typed fields and the journal's
** metadata. The opaque tandem_event of the public API is this struct.
*/
#ifndef TANDEM_EVENT_H
#define TANDEM_EVENT_H

#include <stdint.h>
#include <tandem/plugin.h>

#include "buf.h"

struct topic;


struct event_field {
    char *name;
    tandem_value v; /* owned */
};

struct tandem_event {
    char *topic;
    struct topic *t;     /* resolved by the bus when submitted */
    int64_t id;          /* journal id, 0 until appended */
    int64_t time;        /* Unix seconds, set when appended */
    int64_t cause;       /* journal id of the causing event, or 0 */
    char *actor;         /* who asked: "cli:wang", "script:welcome" */
    char *source;        /* through what: cli, api, kiosk, import, plugin */
    char *key;           /* idempotency key, or NULL */
    struct tandem_plugin *origin;/* the plugin or script that built it, or NULL */
    char *veto;          /* reason given by a BEFORE handler */
    size_t n, cap;
    struct event_field *f;
};

/* A new empty event; NULL when out of memory. The topic is not checked here. */
tandem_event *event_new(const char *topic);
void event_free(tandem_event *ev);

/* Sets (or replaces) a field with a copy of v. 0, or TANDEM_NOMEM. */
int event_set(tandem_event *ev, const char *name, const tandem_value *v);
int event_set_int(tandem_event *ev, const char *name, int64_t i);
int event_set_text(tandem_event *ev, const char *name, const char *s);

/* The field's value (borrowed), or NULL. */
const tandem_value *event_find(const tandem_event *ev, const char *name);

/* Records a BEFORE handler's reason and returns TANDEM_VETO. */
int event_veto(tandem_event *ev, const char *reason);

/* Metadata setters copy their strings; NULL clears. 0, or TANDEM_NOMEM. */
int event_set_meta(tandem_event *ev, const char *actor, const char *source, const char *key);

/* Fields as a compact JSON object, in insertion order. */
void event_fields_json(const tandem_event *ev, buf *out);

/* Adds the fields of a JSON object text. On error writes "line L, column C:
** reason" or "field NAME: reason" to err and returns -1. */
int event_fields_parse(tandem_event *ev, const char *json, char *err, size_t errlen);

#endif
