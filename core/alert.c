/*
** alert.c — one stream of alerts for people to act on, whichever programme
** raises them: an under-filled school gate, an elderly resident not visited
** in time, an incident nobody took. A programme emits alert.raised with its
** own kind ("guard.underfilled"); alert.closed marks it handled.
*/
#include <inttypes.h>
#include <stdio.h>

#include "bus.h"
#include "model.h"
#include "store.h"

static const tandem_field raised_fields[] = {{"kind", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
                                             {"message", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
                                             {"place", TANDEM_INT, 0},
                                             {"person", TANDEM_INT, 0},
                                             {"subject", TANDEM_INT, 0},
                                             {NULL, 0, 0}};
static const tandem_field closed_fields[] = {{"alert", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                             {"note", TANDEM_TEXT, 0},
                                             {NULL, 0, 0}};

static tandem_value field_or_nil(const tandem_event *ev, const char *name)
{
    const tandem_value *v = event_find(ev, name);
    return v ? *v : tandem_nil();
}

static int apply_raised(tandem_plugin *self, const tandem_event *ev)
{
    tandem_value args[7] = {tandem_int(ev->id),         field_or_nil(ev, "kind"),
                            field_or_nil(ev, "place"),  field_or_nil(ev, "message"),
                            field_or_nil(ev, "person"), field_or_nil(ev, "subject"),
                            tandem_int(ev->time)};
    if (store_exec(self->core->store, NULL,
                   "INSERT INTO alert(id, kind, place, message, person, subject, raised_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   args, 7, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(self->core->store));
    return TANDEM_OK;
}

static int apply_closed(tandem_plugin *self, const tandem_event *ev)
{
    const tandem_value *id = event_find(ev, "alert");
    tandem_value args[3] = {tandem_int(ev->time), ev->actor ? tandem_text(ev->actor) : tandem_nil(),
                            *id};
    if (store_exec(self->core->store, NULL,
                   "UPDATE alert SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
                   args, 3, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(self->core->store));
    if (store_changes(self->core->store) == 0)
        return model_fail(self, "%s: alert: there is no open alert %" PRId64, ev->topic,
                          id->u.i);
    return TANDEM_OK;
}

int alert_declare(struct core *c)
{
    if (bus_declare(c->bus, c->self, "alert.raised", raised_fields, apply_raised) ||
        bus_declare(c->bus, c->self, "alert.closed", closed_fields, apply_closed))
        return -1;
    return 0;
}
