/*
** route.c — patrol routes: a river section's checkpoints in the order a
** patrol walks them, each with its coordinates, declared by
** patrol.route_added {name, place, checkpoints}:
**
**   checkpoints = "闸口@39.9012,116.4603;桥下@39.9031,116.4650;..."
**
** The text is parsed twice, by the before handler (to refuse it with a
** reason) and by the apply function (to write the rows); both read only the
** event, so replay writes the same rows. Numbers are parsed here rather than
** with strtod, whose decimal point follows the locale.
*/
#include "river_patrol.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct checkpoint {
    char name[ROUTE_NAME_MAX];
    double lat, lon;
};

struct route_plan {
    int n;
    struct checkpoint cp[ROUTE_MAX_CHECKPOINTS];
};

static const tandem_field route_added_fields[] = {
    {"name", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"place", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"checkpoints", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {NULL, 0, 0}};

/* ---------------------------------------------------------------------- */
/* Parsing                                                                */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **p, const char **end)
{
    while (*p < *end && is_space(**p))
        (*p)++;
    while (*end > *p && is_space((*end)[-1]))
        (*end)--;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [-+]DIGITS[.DIGITS], the whole of p..end. */
static int parse_decimal(const char *p, const char *end, double *out)
{
    double sign = 1, value = 0, scale = 1;
    int digits = 0;
    if (p < end && (*p == '-' || *p == '+'))
        sign = *p++ == '-' ? -1 : 1;
    for (; p < end && is_digit(*p); p++, digits++)
        value = value * 10 + (*p - '0');
    if (p < end && *p == '.')
        for (p++; p < end && is_digit(*p); p++, digits++) {
            scale /= 10;
            value += (*p - '0') * scale;
        }
    *out = sign * value;
    return digits > 0 && p == end ? 0 : -1;
}

int route_parse_point(const char *p, const char *end, double *lat, double *lon)
{
    trim(&p, &end);
    const char *comma = memchr(p, ',', (size_t)(end - p));
    if (comma == NULL)
        return -1;
    const char *lat_end = comma, *lon_start = comma + 1;
    trim(&p, &lat_end);
    trim(&lon_start, &end);
    if (parse_decimal(p, lat_end, lat) != 0 || parse_decimal(lon_start, end, lon) != 0)
        return -1;
    return *lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180 ? 0 : -1;
}

static int all_digits(const char *s)
{
    for (; *s; s++)
        if (!is_digit(*s))
            return 0;
    return 1;
}

static const char *last_at(const char *p, const char *end)
{
    for (const char *q = end; q > p; q--)
        if (q[-1] == '@')
            return q - 1;
    return NULL;
}

/* One "NAME@LAT,LON" between p and end, appended to plan. */
static int parse_checkpoint(const char *p, const char *end, struct route_plan *plan, char *why,
                            size_t len)
{
    int pos = plan->n + 1;
    const char *at = last_at(p, end), *name_end = at;
    trim(&p, &end);
    if (at)
        trim(&p, &name_end);
    if (plan->n == ROUTE_MAX_CHECKPOINTS)
        return snprintf(why, len, "a route has at most %d checkpoints", ROUTE_MAX_CHECKPOINTS), -1;
    struct checkpoint *cp = &plan->cp[plan->n];
    if (at == NULL || name_end == p || (size_t)(name_end - p) >= sizeof cp->name ||
        route_parse_point(at + 1, end, &cp->lat, &cp->lon) != 0)
        return snprintf(why, len,
                        "checkpoint %d ('%.*s') is not NAME@LAT,LON, e.g. 闸口@39.9012,116.4603",
                        pos, (int)(end - p), p),
               -1;
    snprintf(cp->name, sizeof cp->name, "%.*s", (int)(name_end - p), p);
    if (all_digits(cp->name))
        return snprintf(why, len, "checkpoint %d: a name cannot be a number ('%s')", pos, cp->name),
               -1;
    for (int i = 0; i < plan->n; i++)
        if (strcmp(plan->cp[i].name, cp->name) == 0)
            return snprintf(why, len, "checkpoints %d and %d are both called '%s'", i + 1, pos,
                            cp->name),
                   -1;
    plan->n++;
    return 0;
}

/* The checkpoints of a route, separated by ';' (a trailing one is fine). */
static int route_parse(const char *text, struct route_plan *plan, char *why, size_t len)
{
    plan->n = 0;
    for (const char *p = text; *p;) {
        const char *semi = strchr(p, ';');
        const char *end = semi ? semi : p + strlen(p), *q = p, *qe = end;
        trim(&q, &qe);
        if (q < qe && parse_checkpoint(p, end, plan, why, len) != 0)
            return -1;
        p = semi ? semi + 1 : end;
    }
    if (plan->n < 2)
        return snprintf(why, len,
                        "a route needs at least 2 checkpoints, e.g. "
                        "闸口@39.9012,116.4603;桥下@39.9031,116.4650"),
               -1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Distances                                                              */

double route_distance(double lat1, double lon1, double lat2, double lon2)
{
    const double earth_radius = 6371008.8; /* mean radius, metres */
    const double rad = 3.14159265358979323846 / 180;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * earth_radius * asin(sqrt(a < 1 ? a : 1));
}

static double plan_length(const struct route_plan *plan)
{
    double metres = 0;
    for (int i = 1; i < plan->n; i++)
        metres += route_distance(plan->cp[i - 1].lat, plan->cp[i - 1].lon, plan->cp[i].lat,
                                 plan->cp[i].lon);
    return metres;
}

/* ---------------------------------------------------------------------- */
/* Lookups                                                                */

int64_t route_find(tandem_plugin *self, const tandem_value *ref)
{
    if (ref->type == TANDEM_INT)
        return rp_select_int(self, "SELECT id FROM p_river_patrol_routes WHERE id = ?", ref, 1, 0);
    if (ref->type == TANDEM_TEXT)
        return rp_select_int(self, "SELECT id FROM p_river_patrol_routes WHERE name = ?", ref, 1,
                             0);
    return 0;
}

static int read_route(void *ud, int ncols, const tandem_value *cols)
{
    struct route_info *r = ud;
    (void)ncols;
    r->id = cols[0].u.i;
    r->place = cols[1].u.i;
    r->checkpoints = cols[2].u.i;
    snprintf(r->name, sizeof r->name, "%s", cols[3].u.s.p);
    return 1;
}

int route_load(tandem_plugin *self, int64_t id, struct route_info *out)
{
    tandem_value arg = tandem_int(id);
    memset(out, 0, sizeof *out);
    rp_api->db_exec(self,
                    "SELECT id, place, checkpoints, name FROM p_river_patrol_routes WHERE id = ?",
                    &arg, 1, read_route, out);
    return out->id ? 0 : -1;
}

int64_t route_checkpoint(tandem_plugin *self, int64_t route, const tandem_value *ref)
{
    tandem_value args[2] = {tandem_int(route), *ref};
    if (ref->type == TANDEM_INT)
        return rp_select_int(
            self, "SELECT seq FROM p_river_patrol_checkpoints WHERE route = ? AND seq = ?", args, 2,
            0);
    if (ref->type == TANDEM_TEXT)
        return rp_select_int(
            self, "SELECT seq FROM p_river_patrol_checkpoints WHERE route = ? AND name = ?", args,
            2, 0);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* patrol.route_added                                                     */

static int check_route(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct route_plan plan;
    char why[400], kind[32];
    tandem_value name;
    int64_t place = rp_field_int(ev, "place", 0);
    (void)ud;
    rp_api->event_get(ev, "name", &name);
    if (name.u.s.n == 0 || name.u.s.n >= ROUTE_NAME_MAX)
        return rp_api->veto(ev, "路线名称须为 1 到 %d 字节 (a route name is 1 to %d bytes)",
                            ROUTE_NAME_MAX - 1, ROUTE_NAME_MAX - 1);
    if (route_find(self, &name))
        return rp_api->veto(ev, "已有路线「%s」(there is already a route called %s)", name.u.s.p,
                            name.u.s.p);
    if (rp_record_text(self, "place", place, "kind", kind, sizeof kind) != 0)
        return rp_api->veto(ev, "没有地点 %lld (there is no place %lld)", (long long)place,
                            (long long)place);
    if (route_parse(rp_field_text(ev, "checkpoints"), &plan, why, sizeof why) != 0)
        return rp_api->veto(ev, "checkpoints: %s", why);
    return TANDEM_OK;
}

static int insert_checkpoint(tandem_plugin *self, int64_t route, int seq,
                             const struct checkpoint *cp)
{
    tandem_value args[5] = {tandem_int(route), tandem_int(seq), tandem_text(cp->name),
                            tandem_real(cp->lat), tandem_real(cp->lon)};
    return rp_api->db_exec(self,
                           "INSERT INTO p_river_patrol_checkpoints(route, seq, name, lat, lon) "
                           "VALUES (?, ?, ?, ?, ?)",
                           args, 5, NULL, NULL);
}

static int apply_route_added(tandem_plugin *self, const tandem_event *ev)
{
    struct route_plan plan;
    char why[400];
    int64_t id = rp_api->event_id(ev);
    if (route_parse(rp_field_text(ev, "checkpoints"), &plan, why, sizeof why) != 0)
        return rp_api->error(self, "patrol.route_added: checkpoints: %s", why);
    tandem_value args[5] = {tandem_int(id), tandem_text(rp_field_text(ev, "name")),
                            tandem_int(rp_field_int(ev, "place", 0)), tandem_int(plan.n),
                            tandem_real(plan_length(&plan))};
    int rc = rp_api->db_exec(self,
                             "INSERT INTO p_river_patrol_routes(id, name, place, checkpoints, "
                             "length_m) VALUES (?, ?, ?, ?, ?)",
                             args, 5, NULL, NULL);
    for (int i = 0; i < plan.n && rc == TANDEM_OK; i++)
        rc = insert_checkpoint(self, id, i + 1, &plan.cp[i]);
    return rc;
}

int route_declare(tandem_plugin *self)
{
    if (rp_api->topic_declare(self, "patrol.route_added", route_added_fields, apply_route_added) ||
        rp_api->subscribe(self, TANDEM_BEFORE, "patrol.route_added", check_route, NULL))
        return TANDEM_ERROR;
    return TANDEM_OK;
}
