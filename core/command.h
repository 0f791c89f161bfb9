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

#endif
