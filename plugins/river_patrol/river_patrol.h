/*
** river_patrol.h — what the files of the river patrol plugin (首善河心) share.
** Nothing here is visible outside the plugin: it is built with
** -fvisibility=hidden and exports only tandem_plugin_entry.
**
**   river_patrol.c   the descriptor, options, migrations, init, and small
**                    helpers over the host's function table (rp_)
**   route.c          routes of ordered checkpoints; coordinates and distances
**   patrol.c         checkpoint scans, and the end of a patrol: completion,
**                    distance, credit and points
**   incident.c       incidents: report, assign, resolve, verify; points
**   escalation.c     the hourly timer that escalates unassigned incidents
*/
#ifndef RIVER_PATROL_H
#define RIVER_PATROL_H

#include <stddef.h>
#include <stdint.h>
#include <tandem/plugin.h>

/* The programme field of the projects whose shifts are patrols, and the rule
** named in points.awarded. */
#define RP_PROGRAMME "river_patrol"
#define RP_RULE "river_patrol"
#define ROUTE_MAX_CHECKPOINTS 100
#define ROUTE_NAME_MAX 128

/* The host's function table, kept by init. */
extern const tandem_api *rp_api;

/* ---- river_patrol.c: helpers -------------------------------------------- */

/* A field of an event, or def when it is absent or of another type. */
int64_t rp_field_int(const tandem_event *ev, const char *name, int64_t def);
const char *rp_field_text(const tandem_event *ev, const char *name);

/* The first column of the first row of a read on the plugin's tables, or def. */
int64_t rp_select_int(tandem_plugin *self, const char *sql, const tandem_value *args, int nargs,
                      int64_t def);

/* One field of a record of the shared model; 0 when found, -1 when not. */
int rp_record_int(tandem_plugin *self, const char *noun, int64_t id, const char *field,
                  int64_t *out);
int rp_record_text(tandem_plugin *self, const char *noun, int64_t id, const char *field, char *out,
                   size_t len);

/* 1 when shift is a shift of a project whose programme is river_patrol; then
** *place is the project's place. 0, with the reason in why, when it is not. */
int rp_patrol_shift(tandem_plugin *self, int64_t shift, int64_t *place, char *why, size_t len);

/* An option for a place at a time: [plugin.river_patrol@PLACE] over the base. */
int64_t rp_option_int(tandem_plugin *self, const char *key, int64_t place, int64_t t);
double rp_option_real(tandem_plugin *self, const char *key, int64_t place, int64_t t);

/* Building and emitting events: each setter returns TANDEM_OK or an error. */
int rp_set_int(tandem_event *ev, const char *name, int64_t i);
int rp_set_text(tandem_event *ev, const char *name, const char *s);
int rp_set_real(tandem_event *ev, const char *name, double r);
/* Emits ev (or fails on NULL, out of memory); TANDEM_OK when it was journaled. */
int rp_emit(tandem_plugin *self, tandem_event *ev);
/* Frees a half-built event and reports running out of memory. */
int rp_abandon(tandem_plugin *self, tandem_event *ev);

/* points.awarded {person, points, rule = river_patrol, reason, attendance?} */
int rp_award(tandem_plugin *self, int64_t person, double points, const char *reason,
             int64_t attendance);

/* ---- route.c ------------------------------------------------------------- */

struct route_info {
    int64_t id, place, checkpoints;
    char name[ROUTE_NAME_MAX];
};

int route_declare(tandem_plugin *self);

/* "LAT,LON" between p and end; 0 when it is a point on the earth. */
int route_parse_point(const char *p, const char *end, double *lat, double *lon);

/* Great-circle distance in metres (haversine). */
double route_distance(double lat1, double lon1, double lat2, double lon2);

/* The route an event field names (its id, or its name); 0 when none. */
int64_t route_find(tandem_plugin *self, const tandem_value *ref);
int route_load(tandem_plugin *self, int64_t id, struct route_info *out);

/* The position (from 1) of the checkpoint a field names on a route (its
** position, or its name); 0 when none. */
int64_t route_checkpoint(tandem_plugin *self, int64_t route, const tandem_value *ref);

/* ---- patrol.c, incident.c, escalation.c -------------------------------- */

int patrol_declare(tandem_plugin *self);
int incident_declare(tandem_plugin *self);
int escalation_declare(tandem_plugin *self);

/* incident.c: the incident's place and state ("reported" ...); -1 if none. */
int incident_state(tandem_plugin *self, int64_t incident, char *state, size_t len, int64_t *place);
/* incident.c: the Chinese name of an incident kind ("illegal_fishing" → 非法捕鱼). */
const char *incident_kind_label(const char *kind);

#endif
