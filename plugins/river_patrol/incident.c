/*
** incident.c — what patrols find on the river: litter, pollution, illegal
** fishing, a drowning hazard, a damaged facility. An incident goes
**
**   reported → assigned (to a unit, an organisation) → resolved → verified
**
** one step at a time; a before handler refuses any other step with the
** incident's state and what must come first. The incident's id is the
** journal id of its incident.reported. Once verified, its reporter earns
** points_per_incident (for the incident's community).
*/
#include "river_patrol.h"

#include <stdio.h>
#include <string.h>

static const tandem_field reported_fields[] = {
    {"kind", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"place", TANDEM_INT, TANDEM_FIELD_REQUIRED},     /* the community */
    {"location", TANDEM_TEXT, TANDEM_FIELD_REQUIRED}, /* "LAT,LON" */
    {"description", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"photo", TANDEM_TEXT, 0},   /* a reference: file name, URL */
    {"reporter", TANDEM_INT, 0}, /* a person */
    {"shift", TANDEM_INT, 0},    /* the patrol that found it */
    {NULL, 0, 0}};
static const tandem_field assigned_fields[] = {{"incident", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {"unit", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {"note", TANDEM_TEXT, 0},
                                               {NULL, 0, 0}};
static const tandem_field resolved_fields[] = {
    {"incident", TANDEM_INT, TANDEM_FIELD_REQUIRED}, {"note", TANDEM_TEXT, 0}, {NULL, 0, 0}};
static const tandem_field verified_fields[] = {{"incident", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {"verifier", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {"note", TANDEM_TEXT, 0},
                                               {NULL, 0, 0}};

static const struct {
    const char *kind, *label;
} kinds[] = {{"litter", "垃圾"},
             {"pollution", "污染"},
             {"illegal_fishing", "非法捕鱼"},
             {"drowning_hazard", "溺水隐患"},
             {"damaged_facility", "设施损坏"},
             {NULL, NULL}};

/* The states in order, with the Chinese verb of the step that reaches each. */
static const struct {
    const char *state, *verb, *step;
} states[] = {{"reported", "上报", "report"},
              {"assigned", "派单", "assign"},
              {"resolved", "办结", "resolve"},
              {"verified", "核实", "verify"},
              {NULL, NULL, NULL}};

/* A step of the life cycle: its topic, the state it leaves and the field it records. */
struct step {
    const char *topic;
    int from; /* index into states; the step reaches from + 1 */
    const char *field;
    const char *sql; /* ?1 incident, ?2 the field, ?3 the event's time */
};

static const struct step steps[] = {
    {"incident.assigned", 0, "unit",
     "UPDATE p_river_patrol_incidents SET state = 'assigned', unit = ?2, assigned_at = ?3 "
     "WHERE id = ?1 AND state = 'reported'"},
    {"incident.resolved", 1, "note",
     "UPDATE p_river_patrol_incidents SET state = 'resolved', resolution = ?2, resolved_at = ?3 "
     "WHERE id = ?1 AND state = 'assigned'"},
    {"incident.verified", 2, "verifier",
     "UPDATE p_river_patrol_incidents SET state = 'verified', verifier = ?2, verified_at = ?3 "
     "WHERE id = ?1 AND state = 'resolved'"}};

const char *incident_kind_label(const char *kind)
{
    for (int i = 0; kinds[i].kind; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return kinds[i].label;
    return NULL;
}

static int state_index(const char *state)
{
    for (int i = 0; states[i].state; i++)
        if (strcmp(states[i].state, state) == 0)
            return i;
    return -1;
}

struct incident_row {
    char state[16];
    int64_t place;
};

static int read_incident(void *ud, int ncols, const tandem_value *cols)
{
    struct incident_row *r = ud;
    (void)ncols;
    snprintf(r->state, sizeof r->state, "%s", cols[0].u.s.p);
    r->place = cols[1].u.i;
    return 1;
}

int incident_state(tandem_plugin *self, int64_t incident, char *state, size_t len, int64_t *place)
{
    struct incident_row r = {"", 0};
    tandem_value arg = tandem_int(incident);
    rp_api->db_exec(self, "SELECT state, place FROM p_river_patrol_incidents WHERE id = ?", &arg, 1,
                    read_incident, &r);
    if (r.state[0] == '\0')
        return -1;
    snprintf(state, len, "%s", r.state);
    if (place)
        *place = r.place;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* incident.reported                                                      */

static int check_kind(tandem_event *ev)
{
    const char *kind = rp_field_text(ev, "kind");
    if (incident_kind_label(kind))
        return TANDEM_OK;
    return rp_api->veto(ev,
                        "kind: 不认识的事件类型 '%s' (use litter, pollution, illegal_fishing, "
                        "drowning_hazard or damaged_facility)",
                        kind);
}

static int check_reported(tandem_plugin *self, tandem_event *ev, void *ud)
{
    const char *location = rp_field_text(ev, "location");
    int64_t place = rp_field_int(ev, "place", 0), reporter = rp_field_int(ev, "reporter", 0);
    int64_t shift = rp_field_int(ev, "shift", 0), project;
    char text[160];
    double lat, lon;
    (void)ud;
    if (check_kind(ev) != TANDEM_OK)
        return TANDEM_VETO;
    if (rp_record_text(self, "place", place, "kind", text, sizeof text) != 0)
        return rp_api->veto(ev, "place: 没有地点 %lld (there is no place %lld)", (long long)place,
                            (long long)place);
    if (route_parse_point(location, location + strlen(location), &lat, &lon) != 0)
        return rp_api->veto(ev, "location: '%s' is not LAT,LON, e.g. 39.9012,116.4603", location);
    if (reporter && rp_record_text(self, "person", reporter, "name", text, sizeof text) != 0)
        return rp_api->veto(ev, "reporter: 没有人员 %lld (there is no person %lld)",
                            (long long)reporter, (long long)reporter);
    if (shift && rp_record_int(self, "shift", shift, "project", &project) != 0)
        return rp_api->veto(ev, "shift: 没有班次 %lld (there is no shift %lld)", (long long)shift,
                            (long long)shift);
    return TANDEM_OK;
}

static tandem_value field_or_nil(const tandem_event *ev, const char *name)
{
    tandem_value v;
    return rp_api->event_get(ev, name, &v) == TANDEM_OK ? v : tandem_nil();
}

static int apply_reported(tandem_plugin *self, const tandem_event *ev)
{
    const char *location = rp_field_text(ev, "location");
    double lat, lon;
    if (route_parse_point(location, location + strlen(location), &lat, &lon) != 0)
        return rp_api->error(self, "incident.reported: location '%s' is not LAT,LON", location);
    tandem_value args[10] = {tandem_int(rp_api->event_id(ev)),
                             field_or_nil(ev, "kind"),
                             field_or_nil(ev, "place"),
                             tandem_real(lat),
                             tandem_real(lon),
                             field_or_nil(ev, "photo"),
                             field_or_nil(ev, "description"),
                             field_or_nil(ev, "reporter"),
                             field_or_nil(ev, "shift"),
                             tandem_int(rp_api->event_time(ev))};
    return rp_api->db_exec(self,
                           "INSERT INTO p_river_patrol_incidents(id, kind, place, lat, lon, photo, "
                           "description, reporter, shift, reported_at, state) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reported')",
                           args, 10, NULL, NULL);
}

/* ---------------------------------------------------------------------- */
/* The steps                                                              */

/* Refuses a step the incident's state does not allow, saying why. */
static int check_order(tandem_plugin *self, tandem_event *ev, const struct step *s)
{
    int64_t id = rp_field_int(ev, "incident", 0);
    char state[16];
    if (incident_state(self, id, state, sizeof state, NULL) != 0)
        return rp_api->veto(ev, "没有事件 %lld (there is no incident %lld)", (long long)id,
                            (long long)id);
    int at = state_index(state), to = s->from + 1;
    if (at > s->from)
        return rp_api->veto(ev, "事件 %lld 已%s，不能再%s (incident %lld was already %s)",
                            (long long)id, states[at].verb, states[to].verb, (long long)id,
                            states[at].state);
    if (at < s->from)
        return rp_api->veto(ev,
                            "事件 %lld 尚未%s，不能%s (incident %lld is %s: it must be %s "
                            "before it can be %s)",
                            (long long)id, states[s->from].verb, states[to].verb, (long long)id,
                            states[at].state, states[s->from].state, states[to].state);
    return TANDEM_OK;
}

static int has_role(tandem_plugin *self, int64_t person, const char *const *roles)
{
    char list[256], padded[260];
    if (rp_record_text(self, "person", person, "roles", list, sizeof list) != 0)
        return 0;
    snprintf(padded, sizeof padded, ",%s,", list);
    for (int i = 0; roles[i]; i++) {
        char want[64];
        snprintf(want, sizeof want, ",%s,", roles[i]);
        if (strstr(padded, want))
            return 1;
    }
    return 0;
}

/* Who may do the step: a unit that is an organisation; a verifier who
** answers for the programme (a social worker, supervisor or staff member). */
static int check_actor(tandem_plugin *self, tandem_event *ev, const struct step *s)
{
    static const char *const verifiers[] = {"social_worker", "supervisor", "staff", NULL};
    int64_t who = rp_field_int(ev, s->field, 0);
    char name[160];
    if (strcmp(s->field, "unit") == 0 &&
        rp_record_text(self, "org", who, "name", name, sizeof name) != 0)
        return rp_api->veto(ev, "unit: 没有组织 %lld (there is no organisation %lld)",
                            (long long)who, (long long)who);
    if (strcmp(s->field, "verifier") == 0 && !has_role(self, who, verifiers))
        return rp_api->veto(ev,
                            "verifier: 事件须由社工、督导或工作人员核实 (person %lld is not "
                            "a social worker, supervisor or staff member)",
                            (long long)who);
    return TANDEM_OK;
}

static int check_step(tandem_plugin *self, tandem_event *ev, void *ud)
{
    const struct step *s = ud;
    if (check_order(self, ev, s) != TANDEM_OK)
        return TANDEM_VETO;
    return check_actor(self, ev, s);
}

static const struct step *step_of(const char *topic)
{
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (strcmp(steps[i].topic, topic) == 0)
            return &steps[i];
    return NULL;
}

static int apply_step(tandem_plugin *self, const tandem_event *ev)
{
    const struct step *s = step_of(rp_api->event_topic(ev));
    tandem_value args[3] = {field_or_nil(ev, "incident"), field_or_nil(ev, s->field),
                            tandem_int(rp_api->event_time(ev))};
    return rp_api->db_exec(self, s->sql, args, 3, NULL, NULL);
}

struct reporter_row {
    int64_t reporter, place;
    char kind[32];
};

static int read_reporter(void *ud, int ncols, const tandem_value *cols)
{
    struct reporter_row *r = ud;
    (void)ncols;
    r->reporter = cols[0].type == TANDEM_INT ? cols[0].u.i : 0;
    r->place = cols[1].u.i;
    snprintf(r->kind, sizeof r->kind, "%s", cols[2].u.s.p);
    return 1;
}

/* ON incident.verified: points_per_incident for whoever reported it. */
static int award_incident(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct reporter_row r = {0, 0, ""};
    tandem_value arg = tandem_int(rp_field_int(ev, "incident", 0));
    char reason[200];
    const char *label;
    (void)ud;
    rp_api->db_exec(self, "SELECT reporter, place, kind FROM p_river_patrol_incidents WHERE id = ?",
                    &arg, 1, read_reporter, &r);
    if (r.reporter == 0)
        return TANDEM_OK; /* reported by nobody on record: no one to credit */
    label = incident_kind_label(r.kind);
    snprintf(reason, sizeof reason, "上报河心事件 %lld（%s）已核实", (long long)arg.u.i,
             label ? label : r.kind);
    return rp_award(self, r.reporter,
                    rp_option_real(self, "points_per_incident", r.place, rp_api->event_time(ev)),
                    reason, 0);
}

int incident_declare(tandem_plugin *self)
{
    const tandem_api *a = rp_api;
    if (a->topic_declare(self, "incident.reported", reported_fields, apply_reported) ||
        a->topic_declare(self, "incident.assigned", assigned_fields, apply_step) ||
        a->topic_declare(self, "incident.resolved", resolved_fields, apply_step) ||
        a->topic_declare(self, "incident.verified", verified_fields, apply_step) ||
        a->subscribe(self, TANDEM_BEFORE, "incident.reported", check_reported, NULL) ||
        a->subscribe(self, TANDEM_ON, "incident.verified", award_incident, NULL))
        return TANDEM_ERROR;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (a->subscribe(self, TANDEM_BEFORE, steps[i].topic, check_step, (void *)&steps[i]))
            return TANDEM_ERROR;
    return TANDEM_OK;
}
