/*
** patrol.c — a patrol is one volunteer's attendance at a shift of a
** river_patrol project. Once checked in, the volunteer scans the route's
** checkpoints (patrol.checkpoint_scanned), each once and all on one route;
** the patrol ends when the volunteer checks out (attendance.checked_out, or
** attendance.auto_closed for a forgotten check-out). Then this file measures
** it:
**
**   scanned   the most checkpoints that were scanned in the route's order,
**             walked either way (a longest monotonic run of positions)
**   percent   scanned / the route's checkpoints, rounded down
**   metres    the haversine length of the path as scanned, in scan order
**
** and emits patrol.credited when scanned reaches credit_percent of the route
** (for the route's community), else patrol.not_credited. A credited patrol
** earns points_per_patrol through points.awarded, which names the attendance,
** so revoking the attendance takes the points back.
*/
#include "river_patrol.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const tandem_field scanned_fields[] = {
    {"shift", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"route", TANDEM_NIL, TANDEM_FIELD_REQUIRED},      /* its id, or its name */
    {"checkpoint", TANDEM_NIL, TANDEM_FIELD_REQUIRED}, /* its position from 1, or its name */
    {"at", TANDEM_INT, 0},                             /* Unix seconds; default: when journaled */
    {NULL, 0, 0}};

static const tandem_field result_fields[] = {{"shift", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                             {"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                             {"percent", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                             {"metres", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                             {"route", TANDEM_INT, 0},
                                             {"scanned", TANDEM_INT, 0},
                                             {"total", TANDEM_INT, 0},
                                             {"attendance", TANDEM_INT, 0},
                                             {NULL, 0, 0}};

struct scan {
    int64_t shift, person, route, seq;
};

struct patrol {
    int64_t shift, person, attendance, route, place;
    int64_t scanned, total, percent, metres;
    int credited;
};

/* The scanned checkpoints of one patrol, in scan order. */
struct path {
    int n;
    int64_t route, seq[ROUTE_MAX_CHECKPOINTS];
    double lat[ROUTE_MAX_CHECKPOINTS], lon[ROUTE_MAX_CHECKPOINTS];
};

/* ---------------------------------------------------------------------- */
/* Scans                                                                  */

static void describe(const tandem_value *v, char *out, size_t len)
{
    if (v->type == TANDEM_INT)
        snprintf(out, len, "%lld", (long long)v->u.i);
    else
        snprintf(out, len, "'%s'", v->u.s.p);
}

static int read_text(void *ud, int ncols, const tandem_value *cols)
{
    char *out = ud;
    if (ncols > 0 && cols[0].type == TANDEM_TEXT)
        snprintf(out, 400, "%s", cols[0].u.s.p);
    return 1;
}

/* "1 闸口, 2 桥下, ..." */
static void checkpoint_list(tandem_plugin *self, int64_t route, char out[400])
{
    tandem_value arg = tandem_int(route);
    out[0] = '\0';
    rp_api->db_exec(self,
                    "SELECT group_concat(seq || ' ' || name, ', ') FROM (SELECT seq, name FROM "
                    "p_river_patrol_checkpoints WHERE route = ? ORDER BY seq)",
                    &arg, 1, read_text, out);
}

static void checkpoint_name(tandem_plugin *self, int64_t route, int64_t seq, char out[400])
{
    tandem_value args[2] = {tandem_int(route), tandem_int(seq)};
    out[0] = '\0';
    rp_api->db_exec(self,
                    "SELECT seq || ' ' || name FROM p_river_patrol_checkpoints WHERE route = ? "
                    "AND seq = ?",
                    args, 2, read_text, out);
}

static int is_reference(const tandem_value *v)
{
    return v->type == TANDEM_INT || v->type == TANDEM_TEXT;
}

/* The route and checkpoint a scan names: 0, or -1 with the reason. */
static int scan_target(tandem_plugin *self, const tandem_event *ev, struct scan *s, char *why,
                       size_t len)
{
    tandem_value route, checkpoint;
    char named[160], list[400];
    rp_api->event_get(ev, "route", &route);
    rp_api->event_get(ev, "checkpoint", &checkpoint);
    s->shift = rp_field_int(ev, "shift", 0);
    s->person = rp_field_int(ev, "person", 0);
    if (!is_reference(&route) || !is_reference(&checkpoint))
        return snprintf(why, len,
                        "route 和 checkpoint 须为编号或名称 (route and checkpoint are "
                        "an id or position, or a name)"),
               -1;
    if ((s->route = route_find(self, &route)) == 0) {
        describe(&route, named, sizeof named);
        return snprintf(why, len, "没有路线 %s (there is no route %s)", named, named), -1;
    }
    if ((s->seq = route_checkpoint(self, s->route, &checkpoint)) == 0) {
        describe(&checkpoint, named, sizeof named);
        checkpoint_list(self, s->route, list);
        return snprintf(why, len,
                        "路线上没有点位 %s (route %lld has no checkpoint %s; its "
                        "checkpoints: %s)",
                        named, (long long)s->route, named, list),
               -1;
    }
    return 0;
}

static int64_t patrol_ended(tandem_plugin *self, int64_t shift, int64_t person)
{
    tandem_value args[2] = {tandem_int(shift), tandem_int(person)};
    return rp_select_int(self,
                         "SELECT event FROM p_river_patrol_patrols WHERE shift = ? AND person = ?",
                         args, 2, 0);
}

/* Who is out on a patrol now, kept in the key/value area by the check-in
** and check-out handlers: it only guards scans, so replay need not rebuild it. */
static void patrol_key(int64_t shift, int64_t person, char key[64])
{
    snprintf(key, 64, "patrolling:%lld:%lld", (long long)shift, (long long)person);
}

static int on_patrol(tandem_plugin *self, int64_t shift, int64_t person)
{
    char key[64];
    tandem_value v;
    patrol_key(shift, person, key);
    return rp_api->kv_get(self, key, &v) == TANDEM_OK;
}

/* Who may scan: someone checked in to a patrol shift, not after its end. */
static int scan_person(tandem_plugin *self, const struct scan *s, char *why, size_t len)
{
    char name[160];
    int64_t place;
    if (!rp_patrol_shift(self, s->shift, &place, why, len))
        return -1;
    if (rp_record_text(self, "person", s->person, "name", name, sizeof name) != 0)
        return snprintf(why, len, "没有人员 %lld (there is no person %lld)", (long long)s->person,
                        (long long)s->person),
               -1;
    if (patrol_ended(self, s->shift, s->person))
        return snprintf(why, len,
                        "%s在班次 %lld 的巡河已结束 (the patrol of %s on shift %lld has "
                        "ended)",
                        name, (long long)s->shift, name, (long long)s->shift),
               -1;
    if (!on_patrol(self, s->shift, s->person))
        return snprintf(why, len,
                        "%s还没有在班次 %lld 签到 (%s is not checked in to shift %lld: "
                        "check in before scanning)",
                        name, (long long)s->shift, name, (long long)s->shift),
               -1;
    return 0;
}

/* What the patrol so far allows: one route, each checkpoint once. */
static int scan_order(tandem_plugin *self, const struct scan *s, char *why, size_t len)
{
    tandem_value args[3] = {tandem_int(s->shift), tandem_int(s->person), tandem_int(s->seq)};
    struct route_info route;
    char name[400];
    int64_t first = rp_select_int(self,
                                  "SELECT route FROM p_river_patrol_scans WHERE shift = ? "
                                  "AND person = ? LIMIT 1",
                                  args, 2, s->route);
    if (first != s->route && route_load(self, first, &route) == 0)
        return snprintf(why, len, "这次巡河走的是路线「%s」(this patrol follows route %lld, %s)",
                        route.name, (long long)first, route.name),
               -1;
    if (rp_select_int(self,
                      "SELECT 1 FROM p_river_patrol_scans WHERE shift = ? AND person = ? "
                      "AND seq = ?",
                      args, 3, 0)) {
        checkpoint_name(self, s->route, s->seq, name);
        return snprintf(why, len,
                        "点位 %s 已经扫过 (checkpoint %s was already scanned on this "
                        "patrol)",
                        name, name),
               -1;
    }
    return 0;
}

static int check_scan(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct scan s;
    char why[1200];
    (void)ud;
    if (scan_target(self, ev, &s, why, sizeof why) != 0 ||
        scan_person(self, &s, why, sizeof why) != 0 || scan_order(self, &s, why, sizeof why) != 0)
        return rp_api->veto(ev, "%s", why);
    return TANDEM_OK;
}

static int apply_scan(tandem_plugin *self, const tandem_event *ev)
{
    struct scan s;
    char why[1200];
    if (scan_target(self, ev, &s, why, sizeof why) != 0)
        return rp_api->error(self, "patrol.checkpoint_scanned: %s", why);
    tandem_value args[6] = {tandem_int(rp_api->event_id(ev)),
                            tandem_int(s.shift),
                            tandem_int(s.person),
                            tandem_int(s.route),
                            tandem_int(s.seq),
                            tandem_int(rp_field_int(ev, "at", rp_api->event_time(ev)))};
    return rp_api->db_exec(self,
                           "INSERT INTO p_river_patrol_scans(event, shift, person, route, seq, at) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           args, 6, NULL, NULL);
}

/* ---------------------------------------------------------------------- */
/* Measuring a patrol                                                     */

static int read_step(void *ud, int ncols, const tandem_value *cols)
{
    struct path *p = ud;
    (void)ncols;
    if (p->n == ROUTE_MAX_CHECKPOINTS)
        return 1;
    p->route = cols[0].u.i;
    p->seq[p->n] = cols[1].u.i;
    p->lat[p->n] = cols[2].u.r;
    p->lon[p->n] = cols[3].u.r;
    p->n++;
    return 0;
}

static int read_path(tandem_plugin *self, int64_t shift, int64_t person, struct path *p)
{
    tandem_value args[2] = {tandem_int(shift), tandem_int(person)};
    p->n = 0;
    p->route = 0;
    return rp_api->db_exec(self,
                           "SELECT s.route, s.seq, c.lat, c.lon FROM p_river_patrol_scans s "
                           "JOIN p_river_patrol_checkpoints c ON c.route = s.route AND "
                           "c.seq = s.seq WHERE s.shift = ? AND s.person = ? "
                           "ORDER BY s.at, s.event",
                           args, 2, read_step, p);
}

/* The longest run of scans whose positions go one way (+1 up, -1 down). */
static int64_t longest_run(const struct path *p, int direction)
{
    int run[ROUTE_MAX_CHECKPOINTS], best = 0;
    for (int i = 0; i < p->n; i++) {
        run[i] = 1;
        for (int j = 0; j < i; j++)
            if ((p->seq[i] - p->seq[j]) * direction > 0 && run[j] + 1 > run[i])
                run[i] = run[j] + 1;
        if (run[i] > best)
            best = run[i];
    }
    return best;
}

static double path_metres(const struct path *p)
{
    double metres = 0;
    for (int i = 1; i < p->n; i++)
        metres += route_distance(p->lat[i - 1], p->lon[i - 1], p->lat[i], p->lon[i]);
    return metres;
}

static int measure(tandem_plugin *self, struct patrol *pt)
{
    struct path path;
    struct route_info route;
    if (read_path(self, pt->shift, pt->person, &path) != TANDEM_OK)
        return TANDEM_ERROR;
    pt->route = path.route;
    if (pt->route && route_load(self, pt->route, &route) == 0) {
        pt->place = route.place; /* the river section's community sets the threshold */
        pt->total = route.checkpoints;
    }
    int64_t up = longest_run(&path, 1), down = longest_run(&path, -1);
    pt->scanned = up > down ? up : down;
    pt->percent = pt->total ? pt->scanned * 100 / pt->total : 0;
    pt->metres = (int64_t)llround(path_metres(&path));
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* The end of a patrol                                                    */

static int report(tandem_plugin *self, const struct patrol *p)
{
    tandem_event *e =
        rp_api->event_new(self, p->credited ? "patrol.credited" : "patrol.not_credited");
    if (e == NULL || rp_set_int(e, "shift", p->shift) || rp_set_int(e, "person", p->person) ||
        rp_set_int(e, "percent", p->percent) || rp_set_int(e, "metres", p->metres) ||
        (p->route && rp_set_int(e, "route", p->route)) || rp_set_int(e, "scanned", p->scanned) ||
        (p->total && rp_set_int(e, "total", p->total)) ||
        rp_set_int(e, "attendance", p->attendance))
        return rp_abandon(self, e);
    return rp_emit(self, e);
}

/* ON attendance.checked_in: the volunteer is out on a patrol. */
static int start_patrol(tandem_plugin *self, tandem_event *ev, void *ud)
{
    int64_t shift = rp_field_int(ev, "shift", 0), person = rp_field_int(ev, "person", 0), place;
    char key[64], why[300];
    tandem_value attendance = tandem_int(rp_api->event_id(ev));
    (void)ud;
    if (!rp_patrol_shift(self, shift, &place, why, sizeof why))
        return TANDEM_OK;
    patrol_key(shift, person, key);
    return rp_api->kv_set(self, key, &attendance);
}

static int forget_patrol(tandem_plugin *self, int64_t shift, int64_t person)
{
    char key[64];
    tandem_value nil = tandem_nil();
    patrol_key(shift, person, key);
    return rp_api->kv_set(self, key, &nil);
}

/* ON attendance.checked_out and attendance.auto_closed. */
static int end_patrol(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct patrol p;
    char why[300];
    (void)ud;
    memset(&p, 0, sizeof p);
    p.attendance = rp_field_int(ev, "attendance", 0);
    if (rp_record_int(self, "attendance", p.attendance, "shift", &p.shift) != 0 ||
        rp_record_int(self, "attendance", p.attendance, "person", &p.person) != 0)
        return rp_api->error(self, "cannot read attendance %lld", (long long)p.attendance);
    if (!rp_patrol_shift(self, p.shift, &p.place, why, sizeof why))
        return TANDEM_OK; /* not a patrol */
    if (forget_patrol(self, p.shift, p.person) != TANDEM_OK)
        return TANDEM_ERROR;
    if (patrol_ended(self, p.shift, p.person))
        return TANDEM_OK; /* already measured */
    if (measure(self, &p) != TANDEM_OK)
        return TANDEM_ERROR;
    int64_t threshold = rp_option_int(self, "credit_percent", p.place, rp_api->event_time(ev));
    p.credited = p.total > 0 && p.scanned * 100 >= threshold * p.total;
    return report(self, &p);
}

/* BEFORE patrol.credited / not_credited: of a patrol shift, once. */
static int check_result(tandem_plugin *self, tandem_event *ev, void *ud)
{
    int64_t shift = rp_field_int(ev, "shift", 0), person = rp_field_int(ev, "person", 0), place;
    int64_t ended = patrol_ended(self, shift, person);
    char why[300];
    (void)ud;
    if (!rp_patrol_shift(self, shift, &place, why, sizeof why))
        return rp_api->veto(ev, "%s", why);
    if (ended)
        return rp_api->veto(ev,
                            "这次巡河已有结论 (the patrol of person %lld on shift %lld was "
                            "already recorded by event %lld)",
                            (long long)person, (long long)shift, (long long)ended);
    return TANDEM_OK;
}

static tandem_value field_or_nil(const tandem_event *ev, const char *name)
{
    tandem_value v;
    return rp_api->event_get(ev, name, &v) == TANDEM_OK ? v : tandem_nil();
}

static int apply_result(tandem_plugin *self, const tandem_event *ev)
{
    int credited = strcmp(rp_api->event_topic(ev), "patrol.credited") == 0;
    tandem_value args[11] = {tandem_int(rp_api->event_id(ev)),  field_or_nil(ev, "shift"),
                             field_or_nil(ev, "person"),        field_or_nil(ev, "route"),
                             field_or_nil(ev, "attendance"),    field_or_nil(ev, "scanned"),
                             field_or_nil(ev, "total"),         field_or_nil(ev, "percent"),
                             field_or_nil(ev, "metres"),        tandem_int(credited),
                             tandem_int(rp_api->event_time(ev))};
    if (args[5].type == TANDEM_NIL)
        args[5] = tandem_int(0);
    return rp_api->db_exec(self,
                           "INSERT INTO p_river_patrol_patrols(event, shift, person, route, "
                           "attendance, scanned, total, percent, metres, credited, ended_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           args, 11, NULL, NULL);
}

/* ON patrol.credited: points_per_patrol for the route's community (for a
** patrol credited by hand without a route: the project's place). */
static int award_patrol(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct route_info route;
    char reason[400], why[300];
    int64_t place = 0;
    (void)ud;
    if (route_load(self, rp_field_int(ev, "route", 0), &route) == 0)
        place = route.place;
    else
        rp_patrol_shift(self, rp_field_int(ev, "shift", 0), &place, why, sizeof why);
    snprintf(reason, sizeof reason, "巡河%s%s%s完成 %lld%%，%lld 米", route.id ? "「" : "",
             route.id ? route.name : "", route.id ? "」" : "",
             (long long)rp_field_int(ev, "percent", 0), (long long)rp_field_int(ev, "metres", 0));
    return rp_award(self, rp_field_int(ev, "person", 0),
                    rp_option_real(self, "points_per_patrol", place, rp_api->event_time(ev)),
                    reason, rp_field_int(ev, "attendance", 0));
}

int patrol_declare(tandem_plugin *self)
{
    const tandem_api *a = rp_api;
    if (a->topic_declare(self, "patrol.checkpoint_scanned", scanned_fields, apply_scan) ||
        a->topic_declare(self, "patrol.credited", result_fields, apply_result) ||
        a->topic_declare(self, "patrol.not_credited", result_fields, apply_result) ||
        a->subscribe(self, TANDEM_BEFORE, "patrol.checkpoint_scanned", check_scan, NULL) ||
        a->subscribe(self, TANDEM_BEFORE, "patrol.credited", check_result, NULL) ||
        a->subscribe(self, TANDEM_BEFORE, "patrol.not_credited", check_result, NULL) ||
        a->subscribe(self, TANDEM_ON, "attendance.checked_in", start_patrol, NULL) ||
        a->subscribe(self, TANDEM_ON, "attendance.checked_out", end_patrol, NULL) ||
        a->subscribe(self, TANDEM_ON, "attendance.auto_closed", end_patrol, NULL) ||
        a->subscribe(self, TANDEM_ON, "patrol.credited", award_patrol, NULL))
        return TANDEM_ERROR;
    return TANDEM_OK;
}
