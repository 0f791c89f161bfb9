/*
** signup.c — sign-ups to shifts: pending → confirmed / waitlisted /
** cancelled. The core's own checks (the shift has not started, no clash
** with another shift, required skills, a minor's guardian consent) are a
** BEFORE handler like any plugin's or script's, so their vetoes read the
** same and a programme can add its own.
*/
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "model.h"
#include "store.h"
#include "value.h"

static const tandem_field created_fields[] = {{"shift", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                              {"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                              {"note", TANDEM_TEXT, 0},
                                              {NULL, 0, 0}};
static const tandem_field cancelled_fields[] = {{"signup", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                                {"reason", TANDEM_TEXT, 0},
                                                {NULL, 0, 0}};
static const tandem_field promoted_fields[] = {{"signup", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {NULL, 0, 0}};

struct shift_info {
    int64_t starts, ends, capacity;
    char status[16];
    char skills[512];
    char title[200];
};

static int read_shift(void *ud, int ncols, const tandem_value *cols)
{
    struct shift_info *s = ud;
    (void)ncols;
    s->starts = cols[0].u.i;
    s->ends = cols[1].u.i;
    s->capacity = cols[2].u.i;
    snprintf(s->status, sizeof s->status, "%s", cols[3].u.s.p);
    snprintf(s->skills, sizeof s->skills, "%s", cols[4].type == TANDEM_TEXT ? cols[4].u.s.p : "");
    snprintf(s->title, sizeof s->title, "%s", cols[5].u.s.p);
    return 1;
}

static int load_shift(struct core *c, const tandem_value *id, struct shift_info *s)
{
    s->starts = -1;
    store_exec(c->store, NULL,
               "SELECT starts_at, ends_at, capacity, status, skills, title FROM shift "
               "WHERE id = ?",
               id, 1, read_shift, s);
    return s->starts >= 0 ? 0 : -1;
}

/* ---------------------------------------------------------------------- */
/* The core's rules                                                       */

static int missing_skill(struct core *c, const tandem_value *person, const char *skills,
                         char *missing, size_t len)
{
    char list[512];
    entity_normalise_list(skills, list, sizeof list);
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tandem_value args[2] = {*person, tandem_text(tok)};
        if (!model_int(c, "SELECT 1 FROM person_skill WHERE person = ? AND skill = ?", args, 2,
                       0)) {
            snprintf(missing, len, "%s", tok);
            return 1;
        }
    }
    return 0;
}

struct person_info {
    char birth[16];
    int64_t consent_at;
    int has_guardian;
};

static int read_person(void *ud, int ncols, const tandem_value *cols)
{
    struct person_info *p = ud;
    (void)ncols;
    snprintf(p->birth, sizeof p->birth, "%s", cols[0].type == TANDEM_TEXT ? cols[0].u.s.p : "");
    p->consent_at = cols[1].type == TANDEM_INT ? cols[1].u.i : 0;
    p->has_guardian = cols[2].type == TANDEM_TEXT && cols[2].u.s.n > 0;
    return 1;
}

/* A second sign-up for the same shift is a duplicate, said as such before
** the clash check would call the shift a clash with itself. */
static int already_signed_up(struct core *c, tandem_event *ev, const tandem_value *shift,
                             const tandem_value *person)
{
    char why[200];
    tandem_value args[2] = {*shift, *person};
    int64_t existing = model_int(c,
                                 "SELECT id FROM signup WHERE shift = ? AND person = ? "
                                 "AND status IN ('confirmed', 'waitlisted', 'pending')",
                                 args, 2, 0);
    if (existing == 0)
        return TANDEM_OK;
    snprintf(why, sizeof why, "已报名这个班次 (already signed up for shift %" PRId64
                              ": sign-up %" PRId64 ")",
             shift->u.i, existing);
    return event_veto(ev, why);
}

static int signup_rules(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct core *c = self->core;
    const tandem_value *shift = event_find(ev, "shift"), *person = event_find(ev, "person");
    struct shift_info s;
    char missing[120];
    (void)ud;
    if (load_shift(c, shift, &s) != 0)
        return TANDEM_OK; /* the projection reports the unknown shift */
    if (strcmp(s.status, "cancelled") == 0)
        return event_veto(ev, "这个班次已取消 (the shift was cancelled)");
    if (s.starts <= core_now(c))
        return event_veto(ev, "班次已经开始，不能再报名 (the shift has already started)");
    if (already_signed_up(c, ev, shift, person) != TANDEM_OK)
        return TANDEM_VETO;
    tandem_value args[3] = {*person, tandem_int(s.ends), tandem_int(s.starts)};
    int64_t clash = model_int(c,
                              "SELECT s.id FROM signup g JOIN shift s ON s.id = g.shift "
                              "WHERE g.person = ? AND g.status IN ('confirmed', 'waitlisted') "
                              "AND s.starts_at < ? AND s.ends_at > ? LIMIT 1",
                              args, 3, 0);
    if (clash) {
        char why[200];
        snprintf(why, sizeof why, "与已报名的班次 %" PRId64 " 时间冲突 (clashes with shift %" PRId64 ")",
                 clash, clash);
        return event_veto(ev, why);
    }
    if (s.skills[0] && missing_skill(c, person, s.skills, missing, sizeof missing)) {
        char why[300];
        snprintf(why, sizeof why, "这个班次需要技能“%s” (the shift needs the skill %s)", missing,
                 missing);
        return event_veto(ev, why);
    }
    struct person_info p = {"", 0, 0};
    store_exec(c->store, NULL, "SELECT birth_date, consent_at, guardian FROM person WHERE id = ?",
               person, 1, read_person, &p);
    int age = model_age(p.birth, s.starts);
    if (age >= 0 && age < 18 && (!p.has_guardian || p.consent_at == 0))
        return event_veto(ev, "未成年人报名需要监护人同意，请先登记监护人同意 "
                                 "(a minor needs a guardian's recorded consent)");
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Projections                                                            */

static int signup_apply_created(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    const tandem_value *shift = event_find(ev, "shift"), *person = event_find(ev, "person");
    struct shift_info s;
    if (load_shift(c, shift, &s) != 0)
        return model_fail(self, "%s: shift: there is no shift %" PRId64, ev->topic, shift->u.i);
    if (!entity_exists(c, "person", person->u.i))
        return model_fail(self, "%s: person: there is no person %" PRId64, ev->topic,
                          person->u.i);
    tandem_value args[6] = {*shift, *person};
    int64_t existing = model_int(c,
                                 "SELECT id FROM signup WHERE shift = ? AND person = ? "
                                 "AND status IN ('confirmed', 'waitlisted', 'pending')",
                                 args, 2, 0);
    if (existing)
        return model_fail(self, "%s: person %" PRId64 " is already signed up for shift %" PRId64
                                " (sign-up %" PRId64 ")",
                          ev->topic, person->u.i, shift->u.i, existing);
    int64_t confirmed = model_int(c, "SELECT count(*) FROM signup WHERE shift = ? "
                                     "AND status = 'confirmed'",
                                  shift, 1, 0);
    int64_t waiting = model_int(c, "SELECT count(*) FROM signup WHERE shift = ? "
                                   "AND status = 'waitlisted'",
                                shift, 1, 0);
    if (confirmed >= s.capacity && waiting >= s.capacity)
        return model_fail(self, "%s: shift %" PRId64 " is full: %" PRId64
                                " places taken and %" PRId64 " waiting",
                          ev->topic, shift->u.i, confirmed, waiting);
    const char *status = confirmed < s.capacity ? "confirmed" : "waitlisted";
    args[0] = tandem_int(ev->id);
    args[1] = *shift;
    args[2] = *person;
    args[3] = tandem_text(status);
    args[4] = tandem_int(ev->time);
    const tandem_value *note = event_find(ev, "note");
    args[5] = note ? *note : tandem_nil();
    if (store_exec(c->store, NULL,
                   "INSERT INTO signup(id, shift, person, status, created_at, changed_at, reason) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                   args, 6, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    return TANDEM_OK;
}

static int set_status(tandem_plugin *self, const tandem_event *ev, const char *from,
                      const char *to)
{
    const tandem_value *id = event_find(ev, "signup"), *reason = event_find(ev, "reason");
    tandem_value args[4] = {tandem_text(to), tandem_int(ev->time),
                            reason ? *reason : tandem_nil(), *id};
    char sql[300];
    snprintf(sql, sizeof sql,
             "UPDATE signup SET status = ?, changed_at = ?, reason = coalesce(?, reason) "
             "WHERE id = ? AND status IN (%s)",
             from);
    if (store_exec(self->core->store, NULL, sql, args, 4, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(self->core->store));
    if (store_changes(self->core->store) == 0)
        return model_fail(self, "%s: sign-up %" PRId64 " does not exist or is not %s", ev->topic,
                          id->u.i, strcmp(to, "cancelled") == 0 ? "active" : "waitlisted");
    return TANDEM_OK;
}

static int signup_apply_cancelled(tandem_plugin *self, const tandem_event *ev)
{
    return set_status(self, ev, "'pending', 'confirmed', 'waitlisted'", "cancelled");
}

static int signup_apply_promoted(tandem_plugin *self, const tandem_event *ev)
{
    return set_status(self, ev, "'waitlisted'", "confirmed");
}

/* A freed place goes to the longest-waiting volunteer, as an event of its
** own so that rules and notifications can react to it. */
static int promote_waiting(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct core *c = self->core;
    (void)ud;
    int64_t shift = model_int(c, "SELECT shift FROM signup WHERE id = ?",
                              event_find(ev, "signup"), 1, 0);
    tandem_value s = tandem_int(shift);
    int64_t capacity = model_int(c, "SELECT capacity FROM shift WHERE id = ?", &s, 1, 0);
    int64_t confirmed = model_int(c, "SELECT count(*) FROM signup WHERE shift = ? "
                                     "AND status = 'confirmed'",
                                  &s, 1, 0);
    int64_t next = model_int(c, "SELECT id FROM signup WHERE shift = ? AND status = 'waitlisted' "
                                "ORDER BY created_at, id LIMIT 1",
                             &s, 1, 0);
    if (next == 0 || confirmed >= capacity)
        return TANDEM_OK;
    tandem_event *p = event_new("signup.promoted");
    if (p == NULL || event_set_int(p, "signup", next) != TANDEM_OK) {
        event_free(p);
        return TANDEM_NOMEM;
    }
    return bus_emit(c->bus, self, p) > 0 ? TANDEM_OK : TANDEM_ERROR;
}

int signup_declare(struct core *c)
{
    if (bus_declare(c->bus, c->self, "signup.created", created_fields, signup_apply_created) ||
        bus_declare(c->bus, c->self, "signup.cancelled", cancelled_fields,
                    signup_apply_cancelled) ||
        bus_declare(c->bus, c->self, "signup.promoted", promoted_fields, signup_apply_promoted) ||
        bus_subscribe(c->bus, c->self, TANDEM_BEFORE, "signup.created", signup_rules, NULL) ||
        bus_subscribe(c->bus, c->self, TANDEM_ON, "signup.cancelled", promote_waiting, NULL))
        return -1;
    return 0;
}
