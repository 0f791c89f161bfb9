/*
** escalation.c — an incident nobody took. Every hour the timer
** river_patrol_escalate fires; each incident still `reported` (not assigned)
** escalate_after (for its community) after its report is escalated once:
** incident.escalated, and the core's alert.raised {kind =
** river.incident_unassigned, place, subject = the incident} naming the
** community's responsible_unit. The alert stays open until someone closes
** it (tandem alerts --close), also when the incident is assigned meanwhile.
*/
#include "river_patrol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ESCALATION_TIMER "river_patrol_escalate"
#define ESCALATION_ALERT "river.incident_unassigned"

static const tandem_field escalated_fields[] = {{"incident", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                                {"hours", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                                {NULL, 0, 0}};

struct waiting {
    int64_t id, place, reported_at;
};

struct waiting_list {
    struct waiting *v;
    size_t n, cap;
    int out_of_memory;
};

static int collect_waiting(void *ud, int ncols, const tandem_value *cols)
{
    struct waiting_list *l = ud;
    (void)ncols;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct waiting *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return l->out_of_memory = 1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (struct waiting){cols[0].u.i, cols[1].u.i, cols[2].u.i};
    return 0;
}

static int escalate(tandem_plugin *self, const struct waiting *w, int64_t now)
{
    tandem_event *e = rp_api->event_new(self, "incident.escalated");
    if (e == NULL || rp_set_int(e, "incident", w->id) ||
        rp_set_int(e, "hours", (now - w->reported_at) / 3600))
        return rp_abandon(self, e);
    return rp_emit(self, e);
}

/* ON timer.river_patrol_escalate. The list is read first: emitting writes
** the table the read walks. */
static int escalate_waiting(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct waiting_list l = {NULL, 0, 0, 0};
    int64_t now = rp_api->event_time(ev);
    (void)ud;
    int rc = rp_api->db_exec(self,
                             "SELECT id, place, reported_at FROM p_river_patrol_incidents "
                             "WHERE state = 'reported' AND escalated_at IS NULL ORDER BY id",
                             NULL, 0, collect_waiting, &l);
    if (rc == TANDEM_OK && l.out_of_memory)
        rc = rp_api->error(self, "out of memory");
    for (size_t i = 0; i < l.n && rc == TANDEM_OK; i++) {
        const struct waiting *w = &l.v[i];
        int64_t after = rp_option_int(self, "escalate_after", w->place, w->reported_at) / 1000;
        if (w->reported_at + after <= now)
            rc = escalate(self, w, now);
    }
    free(l.v);
    return rc;
}

/* BEFORE incident.escalated: once, and only while nobody took it. */
static int check_escalated(tandem_plugin *self, tandem_event *ev, void *ud)
{
    tandem_value arg = tandem_int(rp_field_int(ev, "incident", 0));
    char state[16];
    (void)ud;
    if (incident_state(self, arg.u.i, state, sizeof state, NULL) != 0)
        return rp_api->veto(ev, "没有事件 %lld (there is no incident %lld)", (long long)arg.u.i,
                            (long long)arg.u.i);
    if (strcmp(state, "reported") != 0)
        return rp_api->veto(ev,
                            "事件 %lld 已派单，无须督办 (incident %lld is %s, not waiting "
                            "for a unit)",
                            (long long)arg.u.i, (long long)arg.u.i, state);
    if (rp_select_int(self, "SELECT escalated_at FROM p_river_patrol_incidents WHERE id = ?", &arg,
                      1, 0))
        return rp_api->veto(ev, "事件 %lld 已督办过 (incident %lld was already escalated)",
                            (long long)arg.u.i, (long long)arg.u.i);
    return TANDEM_OK;
}

static int apply_escalated(tandem_plugin *self, const tandem_event *ev)
{
    tandem_value args[2] = {tandem_int(rp_api->event_time(ev)),
                            tandem_int(rp_field_int(ev, "incident", 0))};
    return rp_api->db_exec(self,
                           "UPDATE p_river_patrol_incidents SET escalated_at = ? "
                           "WHERE id = ? AND escalated_at IS NULL",
                           args, 2, NULL, NULL);
}

struct escalated_row {
    int64_t place;
    char kind[32];
};

static int read_escalated(void *ud, int ncols, const tandem_value *cols)
{
    struct escalated_row *r = ud;
    (void)ncols;
    r->place = cols[0].u.i;
    snprintf(r->kind, sizeof r->kind, "%s", cols[1].u.s.p);
    return 1;
}

static void alert_message(tandem_plugin *self, tandem_event *ev, const struct escalated_row *r,
                          char *out, size_t len)
{
    tandem_value unit;
    char place[160];
    const char *label = incident_kind_label(r->kind);
    int has_unit = rp_api->option_at(self, "responsible_unit", r->place, rp_api->event_time(ev),
                                     &unit) == TANDEM_OK &&
                   unit.type == TANDEM_TEXT && unit.u.s.n > 0;
    if (rp_record_text(self, "place", r->place, "name", place, sizeof place) != 0)
        snprintf(place, sizeof place, "地点 %lld", (long long)r->place);
    snprintf(out, len, "河心事件 %lld（%s，%s）上报 %lld 小时仍未派单，请%s%s",
             (long long)rp_field_int(ev, "incident", 0), label ? label : r->kind, place,
             (long long)rp_field_int(ev, "hours", 0), has_unit ? unit.u.s.p : "尽快派单",
             has_unit ? "处理" : "");
}

/* ON incident.escalated: the alert people see in `tandem alerts`. */
static int raise_alert(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct escalated_row r = {0, ""};
    tandem_value arg = tandem_int(rp_field_int(ev, "incident", 0));
    char message[600];
    (void)ud;
    rp_api->db_exec(self, "SELECT place, kind FROM p_river_patrol_incidents WHERE id = ?", &arg, 1,
                    read_escalated, &r);
    alert_message(self, ev, &r, message, sizeof message);
    tandem_event *e = rp_api->event_new(self, "alert.raised");
    if (e == NULL || rp_set_text(e, "kind", ESCALATION_ALERT) ||
        rp_set_text(e, "message", message) || rp_set_int(e, "place", r.place) ||
        rp_set_int(e, "subject", arg.u.i))
        return rp_abandon(self, e);
    return rp_emit(self, e);
}

int escalation_declare(tandem_plugin *self)
{
    const tandem_api *a = rp_api;
    if (a->topic_declare(self, "incident.escalated", escalated_fields, apply_escalated) ||
        a->subscribe(self, TANDEM_BEFORE, "incident.escalated", check_escalated, NULL) ||
        a->subscribe(self, TANDEM_ON, "incident.escalated", raise_alert, NULL) ||
        a->timer_add(self, ESCALATION_TIMER, "every 1h") ||
        a->subscribe(self, TANDEM_ON, "timer." ESCALATION_TIMER, escalate_waiting, NULL))
        return TANDEM_ERROR;
    return TANDEM_OK;
}
