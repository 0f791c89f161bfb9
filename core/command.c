/*
** command.c — generic commands: emit an event, read the journal.
*/
#include "command.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"

int command_emit(struct core *c, const char *topic, const char *json, const char *key,
                 const char *source, struct bus_result *res)
{
    char err[512];
    memset(res, 0, sizeof *res);
    tandem_event *ev = event_new(topic);
    if (ev == NULL || event_set_meta(ev, c->actor, source, key) != TANDEM_OK) {
        event_free(ev);
        res->status = BUS_FAILED;
        res->message = strdup("out of memory");
        return BUS_FAILED;
    }
    if (json && event_fields_parse(ev, json, err, sizeof err) != 0) {
        event_free(ev);
        res->status = BUS_INVALID;
        res->message = strdup(err);
        return BUS_INVALID;
    }
    return bus_submit(c->bus, ev, res);
}

int command_events(struct core *c, const struct journal_query *q, journal_fn fn, void *ud)
{
    return store_journal_scan(c->store, q, fn, ud);
}

int command_query(struct core *c, const char *sql, const tandem_value *args, int nargs,
                  tandem_row_fn row, void *ud)
{
    return store_exec(c->store, NULL, sql, args, nargs, row, ud);
}

int command_submit_event(struct core *c, tandem_event *ev, struct bus_result *res)
{
    return bus_submit(c->bus, ev, res);
}
