/*
** attendance.c — check-in and check-out, service hours, forgotten
** check-outs, back-entry (补录), corrections, approval and revocation.
**
** Service hours are the actual time on duty in whole minutes. Only closed,
** automatically closed and corrected attendance counts; back-entries and
** corrections count once an approver (a social worker, supervisor or staff
** member who is not the volunteer) approves them, and the original stays in
** the journal and in the row. service_month keeps counted minutes per
** person, project and month, so reports never scan raw attendance.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "model.h"
#include "store.h"
#include "value.h"

const tandem_option attendance_schema[] = {
    {"checkin_early", TANDEM_OPT_DURATION, "30m", 0, 86400000, 0,
     "how long before a shift starts check-in opens"},
    {"max_checkins_per_day", TANDEM_OPT_INT, "3", 1, 100, 0,
     "check-ins per person per day (i志愿's rule is 3)"},
    {"forgotten_checkout", TANDEM_OPT_TEXT, "shift_end", 0, 0, 0,
     "shift_end, or minutes after check-in, to close a forgotten check-out"},
    {"close_after", TANDEM_OPT_DURATION, "2h", 0, 604800000, 0,
     "how long after a shift ends an open check-in counts as forgotten"},
    {"walk_in", TANDEM_OPT_BOOL, "no", 0, 0, 0, "allow check-in without a confirmed sign-up"},
    {NULL, 0, NULL, 0, 0, 0, NULL}};

#define COUNTED "'closed', 'auto_closed', 'corrected'"

static const tandem_field checked_in_fields[] = {{"shift", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                                 {"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                                 {"at", TANDEM_INT, 0},
                                                 {"source", TANDEM_TEXT, 0},
                                                 {NULL, 0, 0}};
static const tandem_field checked_out_fields[] = {
    {"attendance", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"at", TANDEM_INT, 0},
    {"source", TANDEM_TEXT, 0},
    {NULL, 0, 0}};
static const tandem_field auto_closed_fields[] = {
    {"attendance", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"at", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"rule", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {NULL, 0, 0}};
static const tandem_field back_entered_fields[] = {
    {"shift", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"checkin_at", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"checkout_at", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"reason", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {NULL, 0, 0}};
static const tandem_field correction_fields[] = {
    {"attendance", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"checkin_at", TANDEM_INT, 0},
    {"checkout_at", TANDEM_INT, 0},
    {"reason", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {NULL, 0, 0}};
static const tandem_field approved_fields[] = {{"approver", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {"attendance", TANDEM_INT, 0},
                                               {"correction", TANDEM_INT, 0},
                                               {NULL, 0, 0}};
static const tandem_field revoked_fields[] = {{"attendance", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                              {"reason", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
                                              {NULL, 0, 0}};

/* ---------------------------------------------------------------------- */
/* Shared pieces                                                          */

struct visit {
    int64_t id, shift, person, project, community;
    int64_t checkin, checkout, minutes;
    int64_t starts, ends;
    char status[16];
};

static int read_visit(void *ud, int ncols, const tandem_value *cols)
{
    struct visit *v = ud;
    (void)ncols;
    v->id = cols[0].u.i;
    v->shift = cols[1].u.i;
    v->person = cols[2].u.i;
    v->project = cols[3].u.i;
    v->community = cols[4].type == TANDEM_INT ? cols[4].u.i : 0;
    v->checkin = cols[5].u.i;
    v->checkout = cols[6].type == TANDEM_INT ? cols[6].u.i : 0;
    v->minutes = cols[7].u.i;
    snprintf(v->status, sizeof v->status, "%s", cols[8].u.s.p);
    v->starts = cols[9].u.i;
    v->ends = cols[10].u.i;
    return 1;
}

static int load_visit(struct core *c, int64_t id, struct visit *v)
{
    tandem_value arg = tandem_int(id);
    v->id = 0;
    store_exec(c->store, NULL,
               "SELECT a.id, a.shift, a.person, a.project, a.community, a.checkin_at, "
               "a.checkout_at, a.minutes, a.status, s.starts_at, s.ends_at "
               "FROM attendance a JOIN shift s ON s.id = a.shift WHERE a.id = ?",
               &arg, 1, read_visit, v);
    return v->id ? 0 : -1;
}

/* Adds (or with sign -1 removes) counted minutes in the monthly summary and
** in the reports' totals per person and per community and month. */
static int count_service(struct core *c, const struct visit *v, int64_t minutes, int sign)
{
    tandem_value args[6] = {tandem_int(v->person), tandem_int(v->project),
                            tandem_int(model_month(v->checkin)),
                            v->community ? tandem_int(v->community) : tandem_nil(),
                            tandem_int(sign * minutes), tandem_int(sign)};
    int rc = store_exec(c->store, NULL,
                        "INSERT INTO service_month(person, project, month, community, minutes, "
                        "times) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(person, project, month) "
                        "DO UPDATE SET minutes = minutes + excluded.minutes, "
                        "times = times + excluded.times",
                        args, 6, NULL, NULL);
    tandem_value person[3] = {args[0], args[4], args[5]};
    if (rc == TANDEM_OK)
        rc = store_exec(c->store, NULL,
                        "INSERT INTO service_person(person, minutes, times) VALUES (?, ?, ?) "
                        "ON CONFLICT(person) DO UPDATE SET minutes = minutes + "
                        "excluded.minutes, times = times + excluded.times",
                        person, 3, NULL, NULL);
    tandem_value place[4] = {args[3], args[2], args[4], args[5]};
    if (rc == TANDEM_OK && v->community)
        rc = store_exec(c->store, NULL,
                        "INSERT INTO service_community_month(community, month, minutes, times) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT(community, month) DO UPDATE SET "
                        "minutes = minutes + excluded.minutes, times = times + excluded.times",
                        place, 4, NULL, NULL);
    return rc;
}

static int64_t whole_minutes(int64_t from, int64_t to)
{
    return to > from ? (to - from) / 60 : 0;
}

static int64_t option_int(const options *o, const char *key, int64_t def)
{
    tandem_value v;
    return options_get(o, key, &v) == TANDEM_OK ? v.u.i : def;
}

static int64_t event_time_field(const tandem_event *ev, const char *name)
{
    const tandem_value *v = event_find(ev, name);
    return v && v->type == TANDEM_INT ? v->u.i : ev->time;
}

/* ---------------------------------------------------------------------- */
/* Check-in rules                                                         */

struct policy {
    int64_t early_s;
    int64_t late_s; /* check-in closes this long after the start; -1: when the shift ends */
    int64_t max_per_day;
    int walk_in;
};

static int read_policy(void *ud, int ncols, const tandem_value *cols)
{
    struct policy *p = ud;
    (void)ncols;
    if (cols[0].type == TANDEM_INT)
        p->early_s = cols[0].u.i * 60;
    if (cols[1].type == TANDEM_INT)
        p->max_per_day = cols[1].u.i;
    if (cols[2].type == TANDEM_INT)
        p->walk_in = (int)cols[2].u.i;
    if (cols[3].type == TANDEM_INT)
        p->late_s = cols[3].u.i * 60;
    return 1;
}

/* [attendance] defaults, overridden by the shift's project. */
static struct policy policy_for(struct core *c, const tandem_value *shift)
{
    struct policy p = {option_int(c->attendance, "checkin_early", 1800000) / 1000, -1,
                       option_int(c->attendance, "max_checkins_per_day", 3), 0};
    tandem_value v;
    if (options_get(c->attendance, "walk_in", &v) == TANDEM_OK)
        p.walk_in = v.u.b;
    store_exec(c->store, NULL,
               "SELECT p.checkin_early, p.max_checkins_per_day, p.walk_in, p.checkin_late "
               "FROM shift s "
               "JOIN project p ON p.id = s.project WHERE s.id = ?",
               shift, 1, read_policy, &p);
    return p;
}

static void clock_text(int64_t t, char out[8])
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, 8, "%H:%M", &tm);
}

static int veto_fmt(tandem_event *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int veto_fmt(tandem_event *ev, const char *fmt, ...)
{
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return event_veto(ev, why);
}

/* Check-in opens early_s before the start and closes when the shift ends,
** or late_s after the start when the project sets checkin_late. */
static int window_rule(tandem_event *ev, const struct policy *p, int64_t at, int64_t starts,
                       int64_t ends)
{
    char a[8], b[8];
    if (p->late_s >= 0 && at > starts + p->late_s && at < ends) {
        clock_text(starts + p->late_s, a);
        return veto_fmt(ev, "签到已截止：%s (check-in closed at %s, %" PRId64 " minutes after the "
                            "shift starts)",
                        a, a, p->late_s / 60);
    }
    if (at < starts - p->early_s || at >= ends) {
        int closes_early = p->late_s >= 0 && starts + p->late_s < ends;
        clock_text(starts - p->early_s, a);
        clock_text(closes_early ? starts + p->late_s : ends, b);
        return veto_fmt(ev, "不在签到时间内：%s–%s (check-in is open from %s until %s%s)", a, b, a,
                        closes_early ? "" : "the shift ends at ", b);
    }
    return TANDEM_OK;
}

static int checkin_rules(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct core *c = self->core;
    const tandem_value *shift = event_find(ev, "shift"), *person = event_find(ev, "person");
    const tandem_value *given = event_find(ev, "at");
    int64_t at = given && given->type == TANDEM_INT ? given->u.i : core_now(c);
    (void)ud;
    tandem_value sargs[1] = {*shift};
    int64_t starts = model_int(c, "SELECT starts_at FROM shift WHERE id = ?", sargs, 1, -1);
    int64_t ends = model_int(c, "SELECT ends_at FROM shift WHERE id = ?", sargs, 1, -1);
    if (starts < 0)
        return TANDEM_OK; /* the projection reports the unknown shift */
    struct policy p = policy_for(c, shift);
    if (window_rule(ev, &p, at, starts, ends) != TANDEM_OK)
        return TANDEM_VETO;
    tandem_value args[3] = {*shift, *person};
    if (!p.walk_in && !model_int(c, "SELECT 1 FROM signup WHERE shift = ? AND person = ? "
                                    "AND status = 'confirmed'",
                                 args, 2, 0))
        return event_veto(ev, "没有这个班次的确认报名 (no confirmed sign-up for this shift)");
    int64_t open = model_int(c, "SELECT id FROM attendance WHERE person = ? AND status = 'open'",
                             person, 1, 0);
    if (open)
        return veto_fmt(ev, "已在签到中 (attendance %" PRId64 ")，请先签退 (check out first)", open);
    args[1] = tandem_int(at);
    int64_t overlap = model_int(c,
                                "SELECT id FROM attendance WHERE person = ?1 AND status IN "
                                "(" COUNTED ", 'pending') AND checkin_at <= ?2 "
                                "AND checkout_at > ?2 LIMIT 1",
                                (tandem_value[]){*person, tandem_int(at)}, 2, 0);
    if (overlap)
        return veto_fmt(ev, "与已记录的服务时间重叠 (overlaps attendance %" PRId64 ")", overlap);
    char day[11];
    model_date(at, day);
    tandem_value dargs[2] = {*person, tandem_text(day)};
    int64_t today = model_int(c,
                              "SELECT count(*) FROM attendance WHERE person = ? AND "
                              "date(checkin_at, 'unixepoch', 'localtime') = ? "
                              "AND status <> 'revoked'",
                              dargs, 2, 0);
    if (today >= p.max_per_day)
        return veto_fmt(ev, "今天已签到 %" PRId64 " 次，达到上限 (at most %" PRId64
                            " check-ins a day)",
                        today, p.max_per_day);
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Approvals: by a social worker, supervisor or staff member, not oneself */

static int approval_rules(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct core *c = self->core;
    const tandem_value *approver = event_find(ev, "approver");
    const tandem_value *att = event_find(ev, "attendance"), *cor = event_find(ev, "correction");
    (void)ud;
    if (!model_int(c, "SELECT 1 FROM person_role WHERE person = ? AND role IN "
                      "('social_worker', 'supervisor', 'staff')",
                   approver, 1, 0))
        return event_veto(ev, "审核人必须是社工、督导或工作人员 (the approver must be a social "
                              "worker, supervisor or staff member)");
    int64_t volunteer = 0;
    if (att && att->type == TANDEM_INT)
        volunteer = model_int(c, "SELECT person FROM attendance WHERE id = ?", att, 1, 0);
    else if (cor && cor->type == TANDEM_INT)
        volunteer = model_int(c, "SELECT a.person FROM correction k JOIN attendance a "
                                 "ON a.id = k.attendance WHERE k.id = ?",
                              cor, 1, 0);
    if (volunteer && volunteer == approver->u.i)
        return event_veto(ev, "不能审核自己的服务记录 (nobody approves their own hours)");
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Projections                                                            */

static int fail_store(tandem_plugin *self, const tandem_event *ev)
{
    return model_fail(self, "%s: %s", ev->topic, store_errmsg(self->core->store));
}

static int insert_visit(tandem_plugin *self, const tandem_event *ev, int64_t checkin,
                        int64_t checkout, const char *status, int back_entry)
{
    struct core *c = self->core;
    const tandem_value *shift = event_find(ev, "shift"), *person = event_find(ev, "person");
    const tandem_value *source = event_find(ev, "source"), *reason = event_find(ev, "reason");
    int64_t project = model_int(c, "SELECT project FROM shift WHERE id = ?", shift, 1, 0);
    if (project == 0)
        return model_fail(self, "%s: shift: there is no shift %" PRId64, ev->topic, shift->u.i);
    if (!entity_exists(c, "person", person->u.i))
        return model_fail(self, "%s: person: there is no person %" PRId64, ev->topic,
                          person->u.i);
    int64_t community = model_int(c, "SELECT community FROM person WHERE id = ?", person, 1, 0);
    tandem_value args[13] = {
        tandem_int(ev->id),
        *shift,
        *person,
        tandem_int(project),
        community ? tandem_int(community) : tandem_nil(),
        tandem_int(model_month(checkin)),
        tandem_int(checkin),
        checkout ? tandem_int(checkout) : tandem_nil(),
        source ? *source : tandem_text(back_entry ? "back_entry" : "cli"),
        tandem_int(checkout ? whole_minutes(checkin, checkout) : 0),
        tandem_text(status),
        tandem_int(back_entry),
        reason ? *reason : tandem_nil()};
    if (store_exec(c->store, NULL,
                   "INSERT INTO attendance(id, shift, person, project, community, month, "
                   "checkin_at, checkout_at, checkin_source, minutes, status, back_entry, reason) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   args, 13, NULL, NULL) != TANDEM_OK)
        return fail_store(self, ev);
    return TANDEM_OK;
}

static int apply_checked_in(tandem_plugin *self, const tandem_event *ev)
{
    return insert_visit(self, ev, event_time_field(ev, "at"), 0, "open", 0);
}

/* Closes an open attendance at `at` and counts it. */
static int close_visit(tandem_plugin *self, const tandem_event *ev, int64_t at,
                       const char *status, const char *flag, const char *source)
{
    struct core *c = self->core;
    struct visit v;
    const tandem_value *id = event_find(ev, "attendance");
    if (load_visit(c, id->u.i, &v) != 0)
        return model_fail(self, "%s: attendance: there is no attendance %" PRId64, ev->topic,
                          id->u.i);
    if (strcmp(v.status, "open") != 0)
        return model_fail(self, "%s: attendance %" PRId64 " is %s, not open", ev->topic, v.id,
                          v.status);
    if (at < v.checkin)
        return model_fail(self, "%s: at: the check-out is before the check-in", ev->topic);
    int64_t minutes = whole_minutes(v.checkin, at);
    if (flag == NULL && at > v.ends + 3600)
        flag = "late_checkout"; /* counted, but worth a look */
    tandem_value args[6] = {tandem_int(at), tandem_text(source), tandem_int(minutes),
                            tandem_text(status), flag ? tandem_text(flag) : tandem_nil(), *id};
    if (store_exec(c->store, NULL,
                   "UPDATE attendance SET checkout_at = ?, checkout_source = ?, minutes = ?, "
                   "status = ?, flag = ? WHERE id = ?",
                   args, 6, NULL, NULL) != TANDEM_OK ||
        count_service(c, &v, minutes, 1) != TANDEM_OK)
        return fail_store(self, ev);
    return TANDEM_OK;
}

static int apply_checked_out(tandem_plugin *self, const tandem_event *ev)
{
    const tandem_value *source = event_find(ev, "source");
    return close_visit(self, ev, event_time_field(ev, "at"), "closed", NULL,
                       source && source->type == TANDEM_TEXT ? source->u.s.p : "cli");
}

static int apply_auto_closed(tandem_plugin *self, const tandem_event *ev)
{
    return close_visit(self, ev, event_time_field(ev, "at"), "auto_closed", "forgotten_checkout",
                       "auto");
}

static int apply_back_entered(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    int64_t in = event_time_field(ev, "checkin_at"), out = event_time_field(ev, "checkout_at");
    const tandem_value *shift = event_find(ev, "shift"), *person = event_find(ev, "person");
    if (out <= in)
        return model_fail(self, "%s: checkout_at: must be after checkin_at", ev->topic);
    if (out > ev->time)
        return model_fail(self, "%s: checkout_at: back-entry is for service already done",
                          ev->topic);
    int64_t starts = model_int(c, "SELECT starts_at FROM shift WHERE id = ?", shift, 1, -1);
    int64_t ends = model_int(c, "SELECT ends_at FROM shift WHERE id = ?", shift, 1, -1);
    if (starts >= 0 && (out <= starts - 86400 || in >= ends + 86400))
        return model_fail(self, "%s: checkin_at: the times are not on the shift's day",
                          ev->topic);
    /* an open check-in lasts until now */
    tandem_value args[4] = {*person, tandem_int(out), tandem_int(ev->time), tandem_int(in)};
    int64_t overlap = model_int(c,
                                "SELECT id FROM attendance WHERE person = ? AND status IN "
                                "(" COUNTED ", 'pending', 'open') AND checkin_at < ? AND "
                                "coalesce(checkout_at, ?) > ? LIMIT 1",
                                args, 4, 0);
    if (overlap)
        return model_fail(self, "%s: the times overlap attendance %" PRId64, ev->topic, overlap);
    return insert_visit(self, ev, in, out, "pending", 1);
}

static int apply_correction(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    struct visit v;
    const tandem_value *id = event_find(ev, "attendance");
    if (load_visit(c, id->u.i, &v) != 0)
        return model_fail(self, "%s: attendance: there is no attendance %" PRId64, ev->topic,
                          id->u.i);
    if (strcmp(v.status, "revoked") == 0 || strcmp(v.status, "open") == 0)
        return model_fail(self, "%s: attendance %" PRId64 " is %s; only closed attendance is "
                                "corrected",
                          ev->topic, v.id, v.status);
    int64_t in = event_find(ev, "checkin_at") ? event_time_field(ev, "checkin_at") : v.checkin;
    int64_t out = event_find(ev, "checkout_at") ? event_time_field(ev, "checkout_at")
                                                : v.checkout;
    if (out <= in)
        return model_fail(self, "%s: checkout_at: must be after checkin_at", ev->topic);
    const tandem_value *reason = event_find(ev, "reason");
    tandem_value args[6] = {tandem_int(ev->id), *id, tandem_int(in), tandem_int(out), *reason,
                            ev->actor ? tandem_text(ev->actor) : tandem_nil()};
    if (store_exec(c->store, NULL,
                   "INSERT INTO correction(id, attendance, checkin_at, checkout_at, reason, "
                   "requested_by, status) VALUES (?, ?, ?, ?, ?, ?, 'pending')",
                   args, 6, NULL, NULL) != TANDEM_OK)
        return fail_store(self, ev);
    return TANDEM_OK;
}

static int counted(const char *status)
{
    return strcmp(status, "closed") == 0 || strcmp(status, "auto_closed") == 0 ||
           strcmp(status, "corrected") == 0;
}

struct change {
    int64_t attendance, in, out;
    char status[16];
};

static int read_change(void *ud, int ncols, const tandem_value *cols)
{
    struct change *k = ud;
    (void)ncols;
    k->attendance = cols[0].u.i;
    k->in = cols[1].u.i;
    k->out = cols[2].u.i;
    snprintf(k->status, sizeof k->status, "%s", cols[3].u.s.p);
    return 1;
}

/* An approved correction: new times, the old ones kept beside them. */
static int approve_correction(tandem_plugin *self, const tandem_event *ev,
                              const tandem_value *correction, const tandem_value *approver)
{
    struct core *c = self->core;
    struct change k = {0, 0, 0, ""};
    struct visit v;
    store_exec(c->store, NULL,
               "SELECT attendance, checkin_at, checkout_at, status FROM correction WHERE id = ?",
               correction, 1, read_change, &k);
    if (k.attendance == 0)
        return model_fail(self, "%s: correction: there is no correction %" PRId64, ev->topic,
                          correction->u.i);
    if (strcmp(k.status, "pending") != 0)
        return model_fail(self, "%s: correction %" PRId64 " is already %s", ev->topic,
                          correction->u.i, k.status);
    if (load_visit(c, k.attendance, &v) != 0)
        return fail_store(self, ev);
    int64_t minutes = whole_minutes(k.in, k.out);
    tandem_value up[6] = {tandem_int(k.in), tandem_int(k.out), tandem_int(minutes),
                          tandem_int(v.minutes), *approver, tandem_int(v.id)};
    tandem_value done[5] = {*approver, tandem_int(v.checkin), tandem_int(v.checkout),
                            tandem_int(v.minutes), *correction};
    int was_counted = counted(v.status);
    if (store_exec(c->store, NULL,
                   "UPDATE attendance SET checkin_at = ?, checkout_at = ?, minutes = ?, "
                   "original_minutes = coalesce(original_minutes, ?), status = 'corrected', "
                   "approved_by = ? WHERE id = ?",
                   up, 6, NULL, NULL) != TANDEM_OK ||
        store_exec(c->store, NULL,
                   "UPDATE correction SET status = 'approved', approved_by = ?, "
                   "old_checkin_at = ?, old_checkout_at = ?, old_minutes = ? WHERE id = ?",
                   done, 5, NULL, NULL) != TANDEM_OK ||
        (was_counted && count_service(c, &v, v.minutes, -1) != TANDEM_OK))
        return fail_store(self, ev);
    v.checkin = k.in; /* the month follows the corrected check-in */
    if (count_service(c, &v, minutes, 1) != TANDEM_OK)
        return fail_store(self, ev);
    return TANDEM_OK;
}

/* An approved back-entry starts to count. */
static int approve_back_entry(tandem_plugin *self, const tandem_event *ev,
                              const tandem_value *att, const tandem_value *approver)
{
    struct core *c = self->core;
    struct visit v;
    if (load_visit(c, att->u.i, &v) != 0)
        return model_fail(self, "%s: attendance: there is no attendance %" PRId64, ev->topic,
                          att->u.i);
    if (strcmp(v.status, "pending") != 0)
        return model_fail(self, "%s: attendance %" PRId64 " is %s; only a back-entry waits for "
                                "approval (corrections are approved by their own id)",
                          ev->topic, v.id, v.status);
    tandem_value args[2] = {*approver, *att};
    if (store_exec(c->store, NULL,
                   "UPDATE attendance SET status = 'closed', approved_by = ? WHERE id = ?", args,
                   2, NULL, NULL) != TANDEM_OK ||
        count_service(c, &v, v.minutes, 1) != TANDEM_OK)
        return fail_store(self, ev);
    return TANDEM_OK;
}

static int apply_approved(tandem_plugin *self, const tandem_event *ev)
{
    const tandem_value *approver = event_find(ev, "approver");
    const tandem_value *att = event_find(ev, "attendance"), *cor = event_find(ev, "correction");
    if (!entity_exists(self->core, "person", approver->u.i))
        return model_fail(self, "%s: approver: there is no person %" PRId64, ev->topic,
                          approver->u.i);
    if (cor && cor->type == TANDEM_INT)
        return approve_correction(self, ev, cor, approver);
    if (att && att->type == TANDEM_INT)
        return approve_back_entry(self, ev, att, approver);
    return model_fail(self, "%s: name the attendance (a back-entry) or the correction",
                      ev->topic);
}

static int apply_revoked(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    struct visit v;
    const tandem_value *id = event_find(ev, "attendance"), *reason = event_find(ev, "reason");
    if (load_visit(c, id->u.i, &v) != 0)
        return model_fail(self, "%s: attendance: there is no attendance %" PRId64, ev->topic,
                          id->u.i);
    if (strcmp(v.status, "revoked") == 0)
        return model_fail(self, "%s: attendance %" PRId64 " is already revoked", ev->topic,
                          v.id);
    tandem_value args[2] = {*reason, *id};
    if (store_exec(c->store, NULL,
                   "UPDATE attendance SET status = 'revoked', revoked_reason = ? WHERE id = ?",
                   args, 2, NULL, NULL) != TANDEM_OK ||
        (counted(v.status) && count_service(c, &v, v.minutes, -1) != TANDEM_OK))
        return fail_store(self, ev);
    return TANDEM_OK;
}

int attendance_declare(struct core *c)
{
    if (bus_declare(c->bus, c->self, "attendance.checked_in", checked_in_fields,
                    apply_checked_in) ||
        bus_declare(c->bus, c->self, "attendance.checked_out", checked_out_fields,
                    apply_checked_out) ||
        bus_declare(c->bus, c->self, "attendance.auto_closed", auto_closed_fields,
                    apply_auto_closed) ||
        bus_declare(c->bus, c->self, "attendance.back_entered", back_entered_fields,
                    apply_back_entered) ||
        bus_declare(c->bus, c->self, "attendance.correction_requested", correction_fields,
                    apply_correction) ||
        bus_declare(c->bus, c->self, "attendance.approved", approved_fields, apply_approved) ||
        bus_declare(c->bus, c->self, "attendance.revoked", revoked_fields, apply_revoked) ||
        bus_subscribe(c->bus, c->self, TANDEM_BEFORE, "attendance.checked_in", checkin_rules,
                      NULL) ||
        bus_subscribe(c->bus, c->self, TANDEM_BEFORE, "attendance.approved", approval_rules,
                      NULL))
        return -1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Forgotten check-outs                                                   */

struct forgotten {
    int64_t id, checkin, ends;
    char rule[32];
};

struct forgotten_list {
    struct forgotten *v;
    size_t n, cap;
};

static int read_forgotten(void *ud, int ncols, const tandem_value *cols)
{
    struct forgotten_list *l = ud;
    (void)ncols;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct forgotten *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return 1;
        l->v = v;
        l->cap = cap;
    }
    struct forgotten *f = &l->v[l->n++];
    *f = (struct forgotten){cols[0].u.i, cols[1].u.i, cols[2].u.i, ""};
    snprintf(f->rule, sizeof f->rule, "%s", cols[3].type == TANDEM_TEXT ? cols[3].u.s.p : "");
    return 0;
}

/* When a forgotten check-out closes: at the shift's end, or a fixed number
** of minutes after check-in (never later than the shift's end). */
static int64_t closing_time(const struct forgotten *f, const char *rule)
{
    char *end;
    long minutes = strtol(rule, &end, 10);
    if (minutes > 0 && *end == '\0') {
        int64_t at = f->checkin + minutes * 60;
        return at < f->ends ? at : f->ends;
    }
    return f->ends > f->checkin ? f->ends : f->checkin;
}

int attendance_close_forgotten(struct core *c, int *closed, char *err, size_t errlen)
{
    struct forgotten_list l = {NULL, 0, 0};
    tandem_value v;
    const char *rule = options_get(c->attendance, "forgotten_checkout", &v) == TANDEM_OK
                           ? v.u.s.p : "shift_end";
    int64_t after = option_int(c->attendance, "close_after", 7200000) / 1000;
    tandem_value cutoff = tandem_int(core_now(c) - after);
    int rc = 0;
    *closed = 0;
    store_exec(c->store, NULL,
               "SELECT a.id, a.checkin_at, s.ends_at, p.forgotten_checkout FROM attendance a "
               "JOIN shift s ON s.id = a.shift JOIN project p ON p.id = s.project "
               "WHERE a.status = 'open' AND s.ends_at <= ? ORDER BY a.id",
               &cutoff, 1, read_forgotten, &l);
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const char *r = l.v[i].rule[0] ? l.v[i].rule : rule;
        tandem_event *ev = event_new("attendance.auto_closed");
        struct bus_result res;
        if (ev == NULL || event_set_int(ev, "attendance", l.v[i].id) ||
            event_set_int(ev, "at", closing_time(&l.v[i], r)) || event_set_text(ev, "rule", r) ||
            event_set_meta(ev, c->actor, "auto", NULL)) {
            event_free(ev);
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        if (bus_submit(c->bus, ev, &res) == BUS_OK)
            (*closed)++;
        else
            snprintf(err, errlen, "attendance %" PRId64 ": %s", l.v[i].id,
                     res.message ? res.message : "failed");
        bus_result_clear(&res);
    }
    free(l.v);
    return rc;
}
