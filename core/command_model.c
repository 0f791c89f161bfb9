/*
** command_model.c — commands on the shared model, whatever interface asks:
** they turn text input (from flags, CSV cells or JSON) into typed event
** fields, resolve names to ids, and submit.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "event.h"
#include "idcard.h"
#include "model.h"
#include "value.h"

static int parse_bool(const char *s, int *out)
{
    if (config_parse_bool(s, out) == 0)
        return 0;
    if (strcmp(s, "是") == 0)
        return *out = 1, 0;
    if (strcmp(s, "否") == 0)
        return *out = 0, 0;
    return -1;
}

/* Accepts the forms Chinese spreadsheets use for a date: 2026-03-02,
** 2026/3/2, 2026.3.2, 2026年3月2日, 20260302. */
static int parse_date(const char *s, char out[11])
{
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%d-%d%c", &y, &m, &d, &tail) == 3 ||
        sscanf(s, "%4d/%d/%d%c", &y, &m, &d, &tail) == 3 ||
        sscanf(s, "%4d.%d.%d%c", &y, &m, &d, &tail) == 3 ||
        sscanf(s, "%4d年%d月%d日%c", &y, &m, &d, &tail) == 3 ||
        (strlen(s) == 8 && sscanf(s, "%4d%2d%2d%c", &y, &m, &d, &tail) == 3)) {
        snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
        return 0;
    }
    return -1;
}

/* Chinese words people write in spreadsheets for the model's enum values. */
static const char *const enum_aliases[][2] = {
    {"场地", "venue"},     {"人力", "staff"},        {"物资", "material"},
    {"资金", "funding"},   {"服务", "service"},      {"兑换", "reward"},
    {"照料", "care"},      {"陪伴", "companionship"}, {"维修", "repair"},
    {"健康", "health"},    {"医疗", "health"},       {"教育", "education"},
    {"安全", "safety"},    {"其他", "other"},        {"问卷", "survey"},
    {"调研", "survey"},    {"走访", "visit"},        {"热线", "hotline"},
    {"低", "low"},         {"一般", "normal"},       {"普通", "normal"},
    {"高", "high"},        {"紧急", "urgent"},       {"志愿者", "volunteer"},
    {"社工", "social_worker"}, {"督导", "supervisor"}, {"工作人员", "staff"},
    {"居民", "resident"},  {NULL, NULL}};

static const char *enum_word(const char *s)
{
    for (int i = 0; enum_aliases[i][0]; i++)
        if (strcmp(s, enum_aliases[i][0]) == 0)
            return enum_aliases[i][1];
    return s;
}

static const char *gender_word(const char *s)
{
    static const char *const male[] = {"男", "M", "m", "male", "Male", "1", NULL};
    static const char *const female[] = {"女", "F", "f", "female", "Female", "2", NULL};
    for (int i = 0; male[i]; i++) {
        if (strcmp(s, male[i]) == 0)
            return "男";
        if (strcmp(s, female[i]) == 0)
            return "女";
    }
    return s;
}

int command_value(struct core *c, const struct spec *s, const char *text, tandem_value *out,
                  char *err, size_t errlen)
{
    char tmp[64];
    int64_t i;
    int b;
    tandem_value v = tandem_text(text);
    switch (s->kind) {
    case SPEC_INT:
        if (config_parse_int(text, &i) != 0)
            return snprintf(err, errlen, "%s: '%s' is not a whole number", s->name, text), -1;
        v = tandem_int(i);
        break;
    case SPEC_REAL: {
        double r;
        if (config_parse_real(text, &r) != 0)
            return snprintf(err, errlen, "%s: '%s' is not a number", s->name, text), -1;
        v = tandem_real(r);
        break;
    }
    case SPEC_BOOL:
        if (parse_bool(text, &b) != 0)
            return snprintf(err, errlen, "%s: '%s' is not yes or no", s->name, text), -1;
        v = tandem_bool(b);
        break;
    case SPEC_TIME:
        if (core_parse_time(text, &i) != 0)
            return snprintf(err, errlen, "%s: '%s' is not a time such as 2026-03-02 07:20",
                            s->name, text),
                   -1;
        v = tandem_int(i);
        break;
    case SPEC_DATE:
        if (parse_date(text, tmp) != 0)
            return snprintf(err, errlen, "%s: '%s' is not a date such as 2026-03-02", s->name,
                            text),
                   -1;
        v = tandem_text(tmp);
        break;
    case SPEC_REF: {
        const struct entity *target = model_entity(s->arg);
        char why[400];
        if (entity_resolve(c, target, text, &i, why, sizeof why) != 0)
            return snprintf(err, errlen, "%s: %s", s->name, why), -1;
        v = tandem_int(i);
        break;
    }
    case SPEC_ID_NUMBER:
        snprintf(tmp, sizeof tmp, "%s", text);
        idcard_normalise(tmp);
        v = tandem_text(tmp);
        break;
    case SPEC_ENUM:
        v = tandem_text(strcmp(s->name, "gender") == 0 ? gender_word(text) : enum_word(text));
        break;
    case SPEC_LIST:
        if (s->arg) { /* a list of enum words: translate each */
            char list[1024], joined[1024] = "";
            size_t used = 0;
            entity_normalise_list(text, list, sizeof list);
            char *save = NULL;
            for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save))
                used += (size_t)snprintf(joined + used, used < sizeof joined ? sizeof joined - used
                                                                              : 0,
                                         "%s%s", used ? "," : "", enum_word(w));
            if (value_copy(out, &(tandem_value){TANDEM_TEXT, {.s = {joined, strlen(joined)}}}))
                return snprintf(err, errlen, "out of memory"), -1;
            return 0;
        }
        break;
    default: break;
    }
    if (value_copy(out, &v) != 0)
        return snprintf(err, errlen, "out of memory"), -1;
    return 0;
}

static int invalid(struct bus_result *res, const char *message)
{
    memset(res, 0, sizeof *res);
    res->status = BUS_INVALID;
    res->message = strdup(message);
    return BUS_INVALID;
}

/* Fills ev from inputs; NULL text means "clear" for updates. */
static int fill(struct core *c, const struct entity *e, tandem_event *ev,
                const struct field_input *in, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        const struct spec *s = entity_spec(e, in[i].name);
        tandem_value v;
        if (s == NULL)
            return snprintf(err, errlen, "%s has no field '%s'", e->noun, in[i].name), -1;
        if (in[i].text == NULL || in[i].text[0] == '\0')
            continue; /* an empty cell or flag: not given */
        if (command_value(c, s, in[i].text, &v, err, errlen) != 0)
            return -1;
        int rc = event_set(ev, s->name, &v);
        value_clear(&v);
        if (rc != TANDEM_OK)
            return snprintf(err, errlen, "out of memory"), -1;
    }
    return 0;
}

tandem_event *command_entity_event(struct core *c, const struct entity *e, int64_t update_id,
                                   const struct field_input *in, size_t n, const char *source,
                                   char *err, size_t errlen)
{
    tandem_event *ev = event_new(update_id ? e->updated : e->added);
    if (ev == NULL || event_set_meta(ev, c->actor, source, NULL) != TANDEM_OK ||
        (update_id && event_set_int(ev, e->noun, update_id) != TANDEM_OK)) {
        snprintf(err, errlen, "out of memory");
        event_free(ev);
        return NULL;
    }
    if (fill(c, e, ev, in, n, err, errlen) != 0) {
        event_free(ev);
        return NULL;
    }
    return ev;
}

int command_add(struct core *c, const struct entity *e, const struct field_input *in, size_t n,
                struct bus_result *res)
{
    char err[600];
    tandem_event *ev = command_entity_event(c, e, 0, in, n, "cli", err, sizeof err);
    if (ev == NULL)
        return invalid(res, err);
    return bus_submit(c->bus, ev, res);
}

int command_update(struct core *c, const struct entity *e, const char *which,
                   const struct field_input *in, size_t n, struct bus_result *res)
{
    char err[600];
    int64_t id;
    if (e->updated == NULL)
        return invalid(res, "this record cannot be changed; record a new one instead");
    if (entity_resolve(c, e, which, &id, err, sizeof err) != 0)
        return invalid(res, err);
    tandem_event *ev = command_entity_event(c, e, id, in, n, "cli", err, sizeof err);
    if (ev == NULL)
        return invalid(res, err);
    if (ev->n <= 1) {
        event_free(ev);
        return invalid(res, "nothing to change: give at least one field");
    }
    return bus_submit(c->bus, ev, res);
}

/* Submits TOPIC with integer and text fields given as name/value pairs:
** "i:shift" takes an int64_t, "s:note" a string (NULL skips it). */
int command_submit(struct core *c, const char *topic, struct bus_result *res, ...)
{
    va_list ap;
    tandem_event *ev = event_new(topic);
    int bad = ev == NULL || event_set_meta(ev, c->actor, "cli", NULL) != TANDEM_OK;
    va_start(ap, res);
    for (const char *name; !bad && (name = va_arg(ap, const char *)) != NULL;) {
        if (name[0] == 'i') {
            int64_t v = va_arg(ap, int64_t);
            bad = event_set_int(ev, name + 2, v) != TANDEM_OK;
        } else {
            const char *v = va_arg(ap, const char *);
            bad = v && event_set_text(ev, name + 2, v) != TANDEM_OK;
        }
    }
    va_end(ap);
    if (bad) {
        event_free(ev);
        return invalid(res, "out of memory");
    }
    return bus_submit(c->bus, ev, res);
}

int command_resolve(struct core *c, const char *noun, const char *text, int64_t *id,
                    struct bus_result *res)
{
    char err[600];
    const struct entity *e = model_entity(noun);
    if (e && entity_resolve(c, e, text, id, err, sizeof err) == 0)
        return 0;
    char msg[700];
    snprintf(msg, sizeof msg, "%s: %s", noun, e ? err : "unknown kind of record");
    invalid(res, msg);
    return -1;
}
