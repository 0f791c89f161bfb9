/*
** event.c — building, reading and serialising events.
*/
#include "event.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "text.h"
#include "value.h"

tandem_event *event_new(const char *topic)
{
    tandem_event *ev = calloc(1, sizeof *ev);
    if (ev == NULL)
        return NULL;
    ev->topic = strdup(topic);
    if (ev->topic == NULL) {
        free(ev);
        return NULL;
    }
    return ev;
}

void event_free(tandem_event *ev)
{
    if (ev == NULL)
        return;
    for (size_t i = 0; i < ev->n; i++) {
        free(ev->f[i].name);
        value_clear(&ev->f[i].v);
    }
    free(ev->f);
    free(ev->topic);
    free(ev->actor);
    free(ev->source);
    free(ev->key);
    free(ev->veto);
    free(ev);
}

static struct event_field *event_slot(tandem_event *ev, const char *name)
{
    for (size_t i = 0; i < ev->n; i++)
        if (strcmp(ev->f[i].name, name) == 0)
            return &ev->f[i];
    if (ev->n == ev->cap) {
        size_t cap = ev->cap ? ev->cap * 2 : 8;
        struct event_field *f = realloc(ev->f, cap * sizeof *f);
        if (f == NULL)
            return NULL;
        ev->f = f;
        ev->cap = cap;
    }
    struct event_field *slot = &ev->f[ev->n];
    slot->name = strdup(name);
    if (slot->name == NULL)
        return NULL;
    slot->v = tandem_nil();
    ev->n++;
    return slot;
}

int event_set(tandem_event *ev, const char *name, const tandem_value *v)
{
    tandem_value copy;
    if (value_copy(&copy, v) != 0)
        return TANDEM_NOMEM;
    struct event_field *slot = event_slot(ev, name);
    if (slot == NULL) {
        value_clear(&copy);
        return TANDEM_NOMEM;
    }
    value_clear(&slot->v);
    slot->v = copy;
    return TANDEM_OK;
}

int event_set_int(tandem_event *ev, const char *name, int64_t i)
{
    tandem_value v = tandem_int(i);
    return event_set(ev, name, &v);
}

int event_set_text(tandem_event *ev, const char *name, const char *s)
{
    tandem_value v = s ? tandem_text(s) : tandem_nil();
    return event_set(ev, name, &v);
}

const tandem_value *event_find(const tandem_event *ev, const char *name)
{
    for (size_t i = 0; i < ev->n; i++)
        if (strcmp(ev->f[i].name, name) == 0)
            return &ev->f[i].v;
    return NULL;
}

int event_veto(tandem_event *ev, const char *reason)
{
    free(ev->veto);
    ev->veto = strdup(reason);
    return TANDEM_VETO;
}

static int replace_string(char **slot, const char *s)
{
    char *copy = NULL;
    if (s && (copy = strdup(s)) == NULL)
        return TANDEM_NOMEM;
    free(*slot);
    *slot = copy;
    return TANDEM_OK;
}

int event_set_meta(tandem_event *ev, const char *actor, const char *source, const char *key)
{
    if (replace_string(&ev->actor, actor) || replace_string(&ev->source, source) ||
        replace_string(&ev->key, key))
        return TANDEM_NOMEM;
    return TANDEM_OK;
}

void event_fields_json(const tandem_event *ev, buf *out)
{
    jw w;
    jw_init(&w, out, 0);
    jw_object(&w);
    for (size_t i = 0; i < ev->n; i++) {
        jw_key(&w, ev->f[i].name);
        value_write_json(&w, &ev->f[i].v);
    }
    jw_end(&w);
}

int event_fields_parse(tandem_event *ev, const char *json, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        snprintf(err, errlen, "line %d, column %d: %s", je.line, je.column, je.text);
        return -1;
    }
    int rc = -1;
    if (!json_is_object(root)) {
        snprintf(err, errlen, "expected a JSON object such as {\"name\": \"张伟\"}");
        goto done;
    }
    const char *name;
    json_t *val;
    json_object_foreach(root, name, val) {
        tandem_value v;
        char why[160];
        if (!text_is_name(name)) {
            snprintf(err, errlen, "field \"%s\": names are lower-case letters, digits and _", name);
            goto done;
        }
        if (value_from_json(val, &v, why, sizeof why) != 0) {
            snprintf(err, errlen, "field %s: %s", name, why);
            goto done;
        }
        int set = event_set(ev, name, &v);
        value_clear(&v);
        if (set != TANDEM_OK) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
    }
    rc = 0;
done:
    json_decref(root);
    return rc;
}
