/*
** river_patrol — the 首善河心 programme: volunteers patrol a river along a
** route of checkpoints and report what they find. This file holds the
** descriptor, the options, the migrations, init, and the helpers the other
** files share; docs/programmes/river_patrol.md describes the programme.
**
**   options      [plugin.river_patrol] credit_percent, escalate_after,
**                points_per_patrol, points_per_incident, responsible_unit;
**                each may be overridden per community by
**                [plugin.river_patrol@COMMUNITY] (read with option_at)
**   topics       patrol.route_added, patrol.checkpoint_scanned,
**                patrol.credited, patrol.not_credited (route.c, patrol.c);
**                incident.reported, .assigned, .resolved, .verified,
**                .escalated (incident.c, escalation.c)
**   tables       p_river_patrol_routes, _checkpoints, _scans, _patrols,
**                _incidents, written only by the apply functions
**   timer        timer.river_patrol_escalate, every hour
**
** It uses only <tandem/plugin.h>.
*/
#include "river_patrol.h"

#include <stdio.h>
#include <string.h>

const tandem_api *rp_api;

static const tandem_option options[] = {
    {"credit_percent", TANDEM_OPT_INT, "80", 0, 100, 0,
     "a patrol is credited when it scanned at least this share of its route's checkpoints "
     "in order (%)"},
    {"escalate_after", TANDEM_OPT_DURATION, "24h", 60000, 2592000000, 0,
     "an incident still unassigned this long after its report is escalated"},
    {"points_per_patrol", TANDEM_OPT_REAL, "2", 0, 1000, 0, "points for a credited patrol"},
    {"points_per_incident", TANDEM_OPT_REAL, "1", 0, 1000, 0,
     "points for the reporter of a verified incident"},
    {"responsible_unit", TANDEM_OPT_TEXT, NULL, 0, 0, 0,
     "who must take an incident nobody took (named in the escalation alert)"},
    {NULL, 0, NULL, 0, 0, 0, NULL}};

static const tandem_migration migrations[] = {
    {1, "CREATE TABLE p_river_patrol_routes ("
        "  id INTEGER PRIMARY KEY," /* journal id of patrol.route_added */
        "  name TEXT NOT NULL UNIQUE,"
        "  place INTEGER NOT NULL,"
        "  checkpoints INTEGER NOT NULL,"
        "  length_m REAL NOT NULL);"
        "CREATE TABLE p_river_patrol_checkpoints ("
        "  route INTEGER NOT NULL,"
        "  seq INTEGER NOT NULL," /* 1, 2, ... along the route */
        "  name TEXT NOT NULL,"
        "  lat REAL NOT NULL,"
        "  lon REAL NOT NULL,"
        "  PRIMARY KEY (route, seq),"
        "  UNIQUE (route, name));"
        "CREATE TABLE p_river_patrol_scans ("
        "  event INTEGER PRIMARY KEY,"
        "  shift INTEGER NOT NULL,"
        "  person INTEGER NOT NULL,"
        "  route INTEGER NOT NULL,"
        "  seq INTEGER NOT NULL,"
        "  at INTEGER NOT NULL);"
        "CREATE INDEX p_river_patrol_scans_by_patrol ON p_river_patrol_scans(shift, person, at);"
        "CREATE TABLE p_river_patrol_patrols ("
        "  event INTEGER PRIMARY KEY," /* patrol.credited or patrol.not_credited */
        "  shift INTEGER NOT NULL,"
        "  person INTEGER NOT NULL,"
        "  route INTEGER,"
        "  attendance INTEGER,"
        "  scanned INTEGER NOT NULL,"
        "  total INTEGER,"
        "  percent INTEGER NOT NULL,"
        "  metres INTEGER NOT NULL,"
        "  credited INTEGER NOT NULL,"
        "  ended_at INTEGER NOT NULL,"
        "  UNIQUE (shift, person));"
        "CREATE TABLE p_river_patrol_incidents ("
        "  id INTEGER PRIMARY KEY," /* journal id of incident.reported */
        "  kind TEXT NOT NULL,"
        "  place INTEGER NOT NULL,"
        "  lat REAL NOT NULL,"
        "  lon REAL NOT NULL,"
        "  photo TEXT,"
        "  description TEXT NOT NULL,"
        "  reporter INTEGER,"
        "  shift INTEGER,"
        "  reported_at INTEGER NOT NULL,"
        "  state TEXT NOT NULL," /* reported, assigned, resolved, verified */
        "  unit INTEGER,"
        "  assigned_at INTEGER,"
        "  resolved_at INTEGER,"
        "  resolution TEXT,"
        "  verifier INTEGER,"
        "  verified_at INTEGER,"
        "  escalated_at INTEGER);"
        "CREATE INDEX p_river_patrol_incidents_open ON p_river_patrol_incidents(state, "
        "escalated_at)"},
    {0, NULL}};

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

int64_t rp_field_int(const tandem_event *ev, const char *name, int64_t def)
{
    tandem_value v;
    if (rp_api->event_get(ev, name, &v) != TANDEM_OK || v.type != TANDEM_INT)
        return def;
    return v.u.i;
}

const char *rp_field_text(const tandem_event *ev, const char *name)
{
    tandem_value v;
    if (rp_api->event_get(ev, name, &v) != TANDEM_OK || v.type != TANDEM_TEXT)
        return NULL;
    return v.u.s.p;
}

struct first_int {
    int64_t value;
};

static int read_first_int(void *ud, int ncols, const tandem_value *cols)
{
    struct first_int *f = ud;
    if (ncols > 0 && cols[0].type == TANDEM_INT)
        f->value = cols[0].u.i;
    else if (ncols > 0 && cols[0].type == TANDEM_REAL)
        f->value = (int64_t)cols[0].u.r;
    return 1;
}

int64_t rp_select_int(tandem_plugin *self, const char *sql, const tandem_value *args, int nargs,
                      int64_t def)
{
    struct first_int f = {def};
    if (rp_api->db_exec(self, sql, args, nargs, read_first_int, &f) != TANDEM_OK)
        return def;
    return f.value;
}

int rp_record_int(tandem_plugin *self, const char *noun, int64_t id, const char *field,
                  int64_t *out)
{
    tandem_value v;
    if (rp_api->record_get(self, noun, id, field, &v) != TANDEM_OK || v.type != TANDEM_INT)
        return -1;
    *out = v.u.i;
    return 0;
}

int rp_record_text(tandem_plugin *self, const char *noun, int64_t id, const char *field, char *out,
                   size_t len)
{
    tandem_value v;
    out[0] = '\0';
    if (rp_api->record_get(self, noun, id, field, &v) != TANDEM_OK || v.type != TANDEM_TEXT)
        return -1;
    snprintf(out, len, "%s", v.u.s.p);
    return 0;
}

int rp_patrol_shift(tandem_plugin *self, int64_t shift, int64_t *place, char *why, size_t len)
{
    int64_t project;
    char programme[64];
    if (rp_record_int(self, "shift", shift, "project", &project) != 0) {
        snprintf(why, len, "没有班次 %lld (there is no shift %lld)", (long long)shift,
                 (long long)shift);
        return 0;
    }
    if (rp_record_text(self, "project", project, "programme", programme, sizeof programme) != 0 ||
        strcmp(programme, RP_PROGRAMME) != 0) {
        snprintf(why, len,
                 "班次 %lld 不是河心巡护班次 (shift %lld belongs to project %lld, whose "
                 "programme is %s, not " RP_PROGRAMME ")",
                 (long long)shift, (long long)shift, (long long)project,
                 programme[0] ? programme : "not set");
        return 0;
    }
    if (rp_record_int(self, "project", project, "place", place) != 0)
        *place = 0;
    return 1;
}

int64_t rp_option_int(tandem_plugin *self, const char *key, int64_t place, int64_t t)
{
    tandem_value v;
    if (rp_api->option_at(self, key, place, t, &v) != TANDEM_OK || v.type != TANDEM_INT)
        return 0;
    return v.u.i;
}

double rp_option_real(tandem_plugin *self, const char *key, int64_t place, int64_t t)
{
    tandem_value v;
    if (rp_api->option_at(self, key, place, t, &v) != TANDEM_OK)
        return 0;
    return v.type == TANDEM_REAL ? v.u.r : v.type == TANDEM_INT ? (double)v.u.i : 0;
}

int rp_set_int(tandem_event *ev, const char *name, int64_t i)
{
    tandem_value v = tandem_int(i);
    return rp_api->event_set(ev, name, &v);
}

int rp_set_text(tandem_event *ev, const char *name, const char *s)
{
    tandem_value v = tandem_text(s);
    return rp_api->event_set(ev, name, &v);
}

int rp_set_real(tandem_event *ev, const char *name, double r)
{
    tandem_value v = tandem_real(r);
    return rp_api->event_set(ev, name, &v);
}

int rp_emit(tandem_plugin *self, tandem_event *ev)
{
    if (ev == NULL)
        return rp_api->error(self, "out of memory");
    /* a refusal's reason is already this plugin's last error */
    return rp_api->emit(self, ev) > 0 ? TANDEM_OK : TANDEM_ERROR;
}

int rp_abandon(tandem_plugin *self, tandem_event *ev)
{
    if (ev)
        rp_api->event_free(ev);
    return rp_api->error(self, "out of memory");
}

int rp_award(tandem_plugin *self, int64_t person, double points, const char *reason,
             int64_t attendance)
{
    if (points <= 0)
        return TANDEM_OK; /* points_per_... = 0 turns the award off */
    tandem_event *e = rp_api->event_new(self, "points.awarded");
    if (e == NULL || rp_set_int(e, "person", person) || rp_set_real(e, "points", points) ||
        rp_set_text(e, "rule", RP_RULE) || rp_set_text(e, "reason", reason) ||
        (attendance && rp_set_int(e, "attendance", attendance)))
        return rp_abandon(self, e);
    return rp_emit(self, e);
}

/* ---------------------------------------------------------------------- */
/* The descriptor                                                         */

static int river_patrol_init(tandem_plugin *self, const tandem_api *host)
{
    rp_api = host;
    if (route_declare(self) || patrol_declare(self) || incident_declare(self) ||
        escalation_declare(self))
        return TANDEM_ERROR;
    return TANDEM_OK;
}

static const tandem_plugin_desc descriptor = {
    TANDEM_PLUGIN_HEADER("river_patrol", "1.0.0",
                         "river patrols (首善河心): routes, checkpoint scans, incidents"),
    NULL, /* no dependencies: points and alerts are the core's */
    options,
    migrations,
    river_patrol_init,
    NULL,
    NULL,
    NULL,
};

TANDEM_EXPORT const tandem_plugin_desc *tandem_plugin_entry(void)
{
    return &descriptor;
}
