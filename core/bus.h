/*
** bus.h — the event bus: topics and their schemas, subscriptions, and the
** pipeline every state change goes through:
**
**   check ─▶ before (veto) ─▶ journal append + apply ─▶ on (follow-ups) ─▶ commit ─▶ after
**             └────────────── one transaction (a savepoint per event) ──┘          (outbox)
**
** The bus knows nothing of Lua: a script's handler is a C trampoline with
** the script's function as its user data.
*/
#ifndef TANDEM_BUS_H
#define TANDEM_BUS_H

#include <stdint.h>
#include <tandem/plugin.h>

#include "buf.h"
#include "event.h"
#include "node.h"

struct core;
struct bus;

struct topic {
    char *name;
    node *owner;         /* who declared it; NULL for a custom topic */
    tandem_field *fields; /* copied schema, {NULL}-terminated; NULL if undeclared */
    tandem_apply apply;  /* state projection, or NULL */
    node *pending_owner; /* a script being reloaded redeclares its topic */
    tandem_field *pending_fields;
    struct sub **subs[3];
    size_t nsubs[3];
};

/* The outcome of submitting an event. */
enum bus_status { BUS_OK = 0, BUS_DUPLICATE, BUS_VETOED, BUS_INVALID, BUS_FAILED };

struct bus_followup {
    int64_t id;
    char *topic;
};

struct bus_result {
    enum bus_status status;
    int64_t id;       /* journal id (the first one, for a duplicate) */
    char *message;    /* veto reason or error, NULL when OK */
    struct bus_followup *followups;
    size_t nfollowups;
};

struct bus *bus_new(struct core *core);
void bus_free(struct bus *b);

/* The topic record, created (undeclared) when create is set and the name
** is well-formed; NULL otherwise. */
struct topic *bus_topic(struct bus *b, const char *name, int create);

/* Declares a topic with a schema and an optional projection. Fails (with a
** message in owner->error) if another node declared it already. */
int bus_declare(struct bus *b, node *owner, const char *topic, const tandem_field *fields,
                tandem_apply apply);

/* Subscribes fn to a topic, a prefix ("patrol.*") or everything ("*"). */
int bus_subscribe(struct bus *b, node *owner, tandem_phase phase, const char *pattern,
                  tandem_handler fn, void *ud);

/* Removes everything a node registered (declared topics and subscriptions). */
void bus_forget(struct bus *b, node *owner);

/* Moves the subscriptions of `from` to `to` (a script's reload). */
void bus_transfer(struct bus *b, node *from, node *to);

/* Re-sorts handlers by their owners' ranks (after the start order is known). */
void bus_sort(struct bus *b);

/* Runs an event through the whole pipeline. Takes ownership of ev. Fills
** res (free it with bus_result_clear). Returns res->status. */
int bus_submit(struct bus *b, tandem_event *ev, struct bus_result *res);
void bus_result_clear(struct bus_result *res);

/* Groups submits into one transaction (group commit): each event still gets
** its own savepoint, so a vetoed one leaves the others. */
int bus_batch_begin(struct bus *b);
int bus_batch_commit(struct bus *b);
/* Drops every event of the batch: none of them is kept. */
void bus_batch_rollback(struct bus *b);

/* Emits from inside a handler (see api->emit for the meaning per phase). */
int64_t bus_emit(struct bus *b, node *origin, tandem_event *ev);

/* Runs the AFTER deliveries that are due. Returns how many failed. */
int bus_deliver(struct bus *b);

/* Calls the handlers of one phase without any persistence (benchmarks and
** tests of ordering). Returns TANDEM_OK, TANDEM_VETO or an error. */
int bus_dispatch(struct bus *b, tandem_event *ev, tandem_phase phase);

/* Checks an event against its topic's schema; message in err. */
int bus_check(struct bus *b, tandem_event *ev, char *err, size_t errlen);

/* The event being handled now, or NULL. */
tandem_event *bus_current(struct bus *b);
tandem_phase bus_current_phase(struct bus *b);

/* Rebuilds an event from a journal row. NULL on error (message in err). */
struct journal_row;
tandem_event *bus_event_from_row(const struct journal_row *row, char *err, size_t errlen);

/* Re-applies the projections of every journaled event with id > since, in
** order, without handlers: state is derived from the journal. */
int bus_replay(struct bus *b, int64_t since, int64_t *count, char *err, size_t errlen);

/* Iteration over topics (for `tandem topics`, docs and tests). */
size_t bus_topic_count(const struct bus *b);
struct topic *bus_topic_at(const struct bus *b, size_t i);

#endif
