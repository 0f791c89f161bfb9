/*
** api.c — the host side of <tandem/plugin.h>. Plugins reach the core only
** through this table; it checks what they pass and when they may pass it.
*/
#include "api.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "core.h"
#include "event.h"
#include "log.h"
#include "model.h"
#include "node.h"
#include "scheduler.h"
#include "store.h"
#include "tier.h"
#include "text.h"
#include "value.h"

static void api_log(tandem_plugin *self, int level, const char *fmt, ...)
{
    char label[80];
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, node_label(self, label, sizeof label), fmt, ap);
    va_end(ap);
}

static int api_error(tandem_plugin *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->error, sizeof self->error, fmt, ap);
    va_end(ap);
    return TANDEM_ERROR;
}

static int api_option(tandem_plugin *self, const char *key, tandem_value *out)
{
    return options_get(self->opts, key, out);
}

static int api_option_item(tandem_plugin *self, const char *key, size_t i, const char **item)
{
    return options_item(self->opts, key, i, item);
}

static int only_while_registering(tandem_plugin *self, const char *what)
{
    if (self->registering)
        return 0;
    snprintf(self->error, sizeof self->error, "%s is only allowed during init", what);
    return -1;
}

static int api_topic_declare(tandem_plugin *self, const char *topic, const tandem_field *fields,
                             tandem_apply apply)
{
    if (only_while_registering(self, "topic_declare"))
        return TANDEM_MISUSE;
    return bus_declare(self->core->bus, self, topic, fields, apply);
}

static int api_subscribe(tandem_plugin *self, tandem_phase phase, const char *topic,
                         tandem_handler fn, void *ud)
{
    if (only_while_registering(self, "subscribe"))
        return TANDEM_MISUSE;
    return bus_subscribe(self->core->bus, self, phase, topic, fn, ud);
}

static int api_veto(tandem_event *ev, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return event_veto(ev, reason);
}

static const char *api_event_topic(const tandem_event *ev)
{
    return ev->topic;
}

static int64_t api_event_id(const tandem_event *ev)
{
    return ev->id;
}

static int64_t api_event_time(const tandem_event *ev)
{
    return ev->time;
}

static int64_t api_event_cause(const tandem_event *ev)
{
    return ev->cause;
}

static const char *api_event_actor(const tandem_event *ev)
{
    return ev->actor;
}

static int api_event_get(const tandem_event *ev, const char *name, tandem_value *out)
{
    const tandem_value *v = event_find(ev, name);
    if (v == NULL)
        return TANDEM_NOTFOUND;
    *out = *v;
    return TANDEM_OK;
}

static size_t api_event_count(const tandem_event *ev)
{
    return ev->n;
}

static int api_event_field(const tandem_event *ev, size_t i, const char **name, tandem_value *out)
{
    if (i >= ev->n)
        return TANDEM_NOTFOUND;
    *name = ev->f[i].name;
    *out = ev->f[i].v;
    return TANDEM_OK;
}

static tandem_event *api_event_new(tandem_plugin *self, const char *topic)
{
    if (topic == NULL || !text_is_topic(topic)) {
        snprintf(self->error, sizeof self->error, "'%s' is not a topic", topic ? topic : "");
        return NULL;
    }
    tandem_event *ev = event_new(topic);
    if (ev)
        ev->origin = self;
    return ev;
}

static int api_event_set(tandem_event *ev, const char *name, const tandem_value *v)
{
    if (name == NULL || !text_is_name(name) || v == NULL || (unsigned)v->type > TANDEM_BLOB)
        return TANDEM_MISUSE;
    if (v->type == TANDEM_TEXT && !text_utf8_valid(v->u.s.p, v->u.s.n))
        return TANDEM_MISUSE;
    return event_set(ev, name, v);
}

static void api_event_free(tandem_event *ev)
{
    event_free(ev);
}

static int64_t api_emit(tandem_plugin *self, tandem_event *ev)
{
    if (ev == NULL)
        return TANDEM_MISUSE;
    return bus_emit(self->core->bus, self, ev);
}

/* The value stays valid until the handler (or init/start) returns. */
static int api_kv_get(tandem_plugin *self, const char *key, tandem_value *out)
{
    tandem_value v;
    int rc = store_kv_get(self->core->store, self->name, key, &v);
    if (rc == TANDEM_OK && node_keep(self, &v) != 0) {
        value_clear(&v);
        rc = TANDEM_NOMEM;
    }
    if (rc == TANDEM_OK)
        *out = v;
    else if (rc != TANDEM_NOTFOUND)
        snprintf(self->error, sizeof self->error, "%s", store_errmsg(self->core->store));
    return rc;
}

static int api_kv_set(tandem_plugin *self, const char *key, const tandem_value *v)
{
    if (key == NULL || v == NULL || (unsigned)v->type > TANDEM_BLOB)
        return TANDEM_MISUSE;
    int rc = store_kv_set(self->core->store, self->name, key, v);
    if (rc != TANDEM_OK)
        snprintf(self->error, sizeof self->error, "%s", store_errmsg(self->core->store));
    return rc;
}

static int api_db_exec(tandem_plugin *self, const char *sql, const tandem_value *args, int nargs,
                       tandem_row_fn row, void *ud)
{
    struct store_scope scope = {self->name, self->applying};
    int rc = store_exec(self->core->store, &scope, sql, args, nargs, row, ud);
    if (rc != TANDEM_OK)
        snprintf(self->error, sizeof self->error, "%s", store_errmsg(self->core->store));
    return rc;
}

static int64_t api_now(tandem_plugin *self)
{
    return core_now(self->core);
}

static int api_timer_add(tandem_plugin *self, const char *name, const char *schedule)
{
    if (only_while_registering(self, "timer_add"))
        return TANDEM_MISUSE;
    if (sched_add(self->core, self, name, schedule, self->error, sizeof self->error) != 0)
        return TANDEM_MISUSE;
    return TANDEM_OK;
}

static int api_option_at(tandem_plugin *self, const char *key, int64_t place, int64_t t,
                         tandem_value *out)
{
    return tier_get(self->core, self, key, place, t, out);
}

static int api_record_get(tandem_plugin *self, const char *noun, int64_t id, const char *field,
                          tandem_value *out)
{
    tandem_value v;
    int rc = model_field(self->core, noun, id, field, &v);
    if (rc == TANDEM_OK && node_keep(self, &v) != 0) {
        value_clear(&v);
        return TANDEM_NOMEM;
    }
    if (rc == TANDEM_OK)
        *out = v;
    return rc;
}

static const tandem_api table = {
    sizeof(tandem_api),
    TANDEM_ABI_MAJOR,
    TANDEM_ABI_MINOR,
    api_log,
    api_error,
    api_option,
    api_option_item,
    api_topic_declare,
    api_subscribe,
    api_veto,
    api_event_topic,
    api_event_id,
    api_event_time,
    api_event_cause,
    api_event_actor,
    api_event_get,
    api_event_count,
    api_event_field,
    api_event_new,
    api_event_set,
    api_event_free,
    api_emit,
    api_kv_get,
    api_kv_set,
    api_db_exec,
    api_now,
    api_timer_add,
    api_option_at,
    api_record_get,
};

const tandem_api *api_table(void)
{
    return &table;
}
