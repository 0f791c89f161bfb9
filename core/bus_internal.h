/*
** bus_internal.h — the bus's own structures, shared by bus.c (topics,
** subscriptions, the pipeline) and bus_outbox.c (AFTER deliveries, replay).
*/
#ifndef TANDEM_BUS_INTERNAL_H
#define TANDEM_BUS_INTERNAL_H

#include "bus.h"

struct sub {
    node *owner;
    tandem_phase phase;
    char *pattern;
    tandem_handler fn;
    void *ud;
    unsigned seq;
    char *id; /* stable name in the outbox: OWNER/PATTERN/N */
};

struct frame {
    tandem_event *ev;
    tandem_phase phase;
    struct frame *up;
};

struct bus {
    struct core *core;
    struct topic **topics;
    size_t ntopics, topic_cap;
    size_t *index; /* open-addressing hash of topic names into topics[] */
    size_t index_cap;
    struct sub **subs;
    size_t nsubs, sub_cap;
    unsigned seq;

    struct frame *frame;     /* the handler call in progress */
    int depth;               /* follow-up nesting */
    struct bus_result *root; /* result of the root event being submitted */
    char *chain_error;       /* a follow-up failed: the whole chain fails */
    int batch;               /* inside bus_batch_begin */
    int outbox_added;        /* deliveries recorded since the last bus_deliver */
    int delivering;
    buf json;
};

/* Calls one handler; on a veto or error writes the reason to *why. */
int bus_run_sub(struct bus *b, struct sub *s, tandem_event *ev, tandem_phase phase, char **why);
/* 1 when the subscription's owner runs (or is loading). */
int bus_runnable(const struct sub *s);
void bus_set_message(char **slot, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs again, for an event already in the journal, the ON handlers that
** filter accepts, in a transaction of their own: their follow-ups are new
** events caused by it. For previews of changed rules. */
int bus_rerun(struct bus *b, tandem_event *ev, int (*filter)(struct sub *s, void *ud), void *ud);

#endif
