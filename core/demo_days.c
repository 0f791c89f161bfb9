/*
** demo_days.c — what the pilots' people do on a simulated day: guards,
** patrollers, students and weekend volunteers sign up and come (a few late,
** a few not at all), visitors see elderly residents, couriers report what
** they see on their rounds, social workers assign, verify, confirm and close
** alerts, and volunteers redeem points on Sunday evenings. Each is a command
** put on the day's agenda (demo_later) at the time it happens.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo_pilots.h"
#include "model.h"

static struct state *st(struct demo *d)
{
    return demo_pilots_state(d);
}

/* "2026-03-02 07:20" for a time of the simulation. */
static void local_text(int64_t t, char out[20])
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

static int weekday(struct demo *d, int day) /* 1 = Monday ... 7 = Sunday */
{
    time_t t = (time_t)demo_time(d, day, 12, 0);
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_wday == 0 ? 7 : tm.tm_wday;
}

static int64_t pick(struct demo *d, const int64_t *ids, size_t n)
{
    return n ? ids[demo_rand(d, (uint32_t)n)] : 0;
}

/* ---------------------------------------------------------------------- */
/* Shifts: sign-ups, check-in, check-out                                  */

static int64_t add_shift(struct demo *d, int64_t proj, const char *title, const char *kind,
                         int64_t from, int64_t to, int capacity)
{
    char p[24], a[20], b[20], cap[12];
    snprintf(p, sizeof p, "%" PRId64, proj);
    local_text(from, a);
    local_text(to, b);
    snprintf(cap, sizeof cap, "%d", capacity);
    return demo_add(d, "shift", "project", p, "title", title, "kind", kind, "starts_at", a,
                    "ends_at", b, "capacity", cap, NULL);
}

static void sign_up(struct demo *d, int64_t shift, int64_t who)
{
    demo_emit(d, "signup.created", "{\"shift\":%" PRId64 ",\"person\":%" PRId64 "}", shift, who);
}

/* Signs up `count` different people of the pool (a rule may refuse some):
** from a random start, in a random stride prime to the pool's size. */
static void sign_up_some(struct demo *d, int64_t shift, const int64_t *pool, size_t n, int count)
{
    if (n == 0)
        return;
    size_t start = demo_rand(d, (uint32_t)n), stride = 1 + demo_rand(d, (uint32_t)n);
    while (n % stride == 0 && stride > 1)
        stride--;
    for (int k = 0; k < count && (size_t)k < n; k++)
        sign_up(d, shift, pool[(start + (size_t)k * stride) % n]);
}

static int capacity_of(struct demo *d, int64_t shift)
{
    return (int)demo_int(d, "SELECT capacity FROM shift WHERE id = ?", 1, shift, 0);
}

/* When a shift starts and ends. */
static void window_of(struct demo *d, int64_t shift, int64_t *from, int64_t *to)
{
    *from = demo_int(d, "SELECT starts_at FROM shift WHERE id = ?", 1, shift, 0);
    *to = demo_int(d, "SELECT ends_at FROM shift WHERE id = ?", 1, shift, 0);
}

/* Who holds a confirmed sign-up for the shift, in the order they signed up. */
static size_t signed_up(struct demo *d, int64_t shift, int64_t *people, size_t max)
{
    return demo_ids(d, people, max,
                    "SELECT person FROM signup WHERE shift = ? AND status = 'confirmed' "
                    "ORDER BY id",
                    1, shift, 0);
}

static void do_signups(struct demo *d, int64_t shift, int64_t community)
{
    struct community *c = &st(d)->com[community];
    int capacity = capacity_of(d, shift);
    int want = 1 + (int)demo_rand(d, (uint32_t)(capacity > 1 ? capacity : 1));
    sign_up_some(d, shift, c->volunteers, c->nvolunteers, want);
}

static void check_in(struct demo *d, int64_t shift, int64_t who)
{
    demo_emit(d, "attendance.checked_in", "{\"shift\":%" PRId64 ",\"person\":%" PRId64 "}", shift,
              who);
}

static void check_out(struct demo *d, int64_t who, int64_t unused)
{
    (void)unused;
    int64_t open = demo_int(d,
                            "SELECT id FROM attendance WHERE person = ? AND status = 'open' "
                            "ORDER BY id DESC LIMIT 1",
                            1, who, 0);
    if (open)
        demo_emit(d, "attendance.checked_out", "{\"attendance\":%" PRId64 "}", open);
}

/* Whoever signed up comes (most of them), a few minutes early or late. */
static void plan_attendance(struct demo *d, int64_t shift, int late_percent)
{
    int64_t people[64], from, to;
    window_of(d, shift, &from, &to);
    size_t n = signed_up(d, shift, people, 64);
    for (size_t i = 0; i < n; i++) {
        if (demo_chance(d, 6))
            continue; /* did not come */
        int64_t in = demo_chance(d, late_percent) ? from + 60 * (12 + demo_rand(d, 10))
                                                  : from - 60 * (1 + demo_rand(d, 5));
        demo_later(d, in, check_in, shift, people[i]);
        demo_later(d, to + 60 * demo_rand(d, 8), check_out, people[i], 0);
    }
}

static int community_of_project(struct demo *d, int64_t proj)
{
    for (int i = 0; i < NCOMMUNITIES; i++) {
        const struct community *c = &st(d)->com[i];
        if (proj && (proj == c->guard_project || proj == c->activity_project ||
                     proj == c->patrol_project || proj == c->station_project))
            return i;
    }
    return -1;
}

/* The project's shifts that start on simulated day `day`. */
static size_t shifts_on(struct demo *d, int64_t proj, int day, int64_t *out, size_t max)
{
    int64_t from = demo_time(d, day, 0, 0);
    return demo_ids(d, out, max,
                    "SELECT id FROM shift WHERE project = ?1 AND starts_at >= ?2 AND "
                    "starts_at < ?2 + 86400 ORDER BY starts_at, id",
                    2, proj, from);
}

static void attend_today(struct demo *d, int64_t proj, int64_t day)
{
    int64_t shifts[32];
    size_t n = shifts_on(d, proj, (int)day, shifts, 32);
    for (size_t i = 0; i < n; i++)
        plan_attendance(d, shifts[i], 4);
}

static void signups_for(struct demo *d, int64_t proj, int64_t day)
{
    int64_t shifts[32];
    size_t n = shifts_on(d, proj, (int)day, shifts, 32);
    int c = community_of_project(d, proj);
    for (size_t i = 0; c >= 0 && i < n; i++)
        do_signups(d, shifts[i], c);
}

/* ---- 护学蓝: guards sign up three days ahead; some windows stay short of
** guards until the 48-hour alert brings one more ---- */

static int64_t confirmed(struct demo *d, int64_t shift)
{
    return demo_int(d, "SELECT count(*) FROM signup WHERE shift = ? AND status = 'confirmed'", 1,
                    shift, 0);
}

/* The fewest guards a window needs: a guard shift's places are twice that
** (school_guard.lua's default). */
static int least_guards(struct demo *d, int64_t shift)
{
    int cap = capacity_of(d, shift);
    return cap / 2 > 0 ? cap / 2 : 1;
}

static void guard_signups(struct demo *d, int64_t proj, int64_t day)
{
    struct community *c = &st(d)->com[community_of_project(d, proj)];
    int64_t shifts[32];
    size_t n = shifts_on(d, proj, (int)day + 3, shifts, 32);
    for (size_t i = 0; i < n; i++) {
        int least = least_guards(d, shifts[i]);
        int want = demo_chance(d, 25) ? least - 1 : least + (int)demo_rand(d, 2);
        sign_up_some(d, shifts[i], c->volunteers, c->nvolunteers, want);
    }
    n = shifts_on(d, proj, (int)day + 2, shifts, 32); /* after an alert: one more comes */
    for (size_t i = 0; i < n; i++) {
        if (confirmed(d, shifts[i]) < least_guards(d, shifts[i]) && demo_chance(d, 70))
            sign_up(d, shifts[i], pick(d, c->volunteers, c->nvolunteers));
    }
}

static void weather(struct demo *d, int64_t community, int64_t level)
{
    static const char *const levels[] = {"暴雨", "大风", "小雨"};
    demo_emit(d, "weather.warning", "{\"community\":\"%s\",\"level\":\"%s\"}",
              st(d)->com[community].data->name, levels[level]);
}

static void plan_guards(struct demo *d, struct community *c, int day)
{
    demo_later(d, demo_time(d, day, 6, 30), attend_today, c->guard_project, day);
    demo_later(d, demo_time(d, day, 20, 0), guard_signups, c->guard_project, day);
    int i = (int)(c - st(d)->com);
    if (day % 9 == 8) /* now and then a weather warning */
        demo_later(d, demo_time(d, day, 6, 10), weather, i, (day / 9 + i) % 3);
}

/* ---- weekend activities: a lecture or childcare every Saturday ---- */

static void add_activity(struct demo *d, int64_t community, int64_t saturday)
{
    const struct community *c = &st(d)->com[community];
    int childcare = strcmp(c->data->activity_kind, "childcare") == 0;
    int64_t from = demo_time(d, (int)saturday, childcare ? 14 : 9, 0);
    add_shift(d, c->activity_project, childcare ? "周末课堂·四点半托管" : "邻里守望·安全知识讲座",
              c->data->activity_kind, from, from + 150 * 60, 8);
}

static void plan_activity(struct demo *d, struct community *c, int day, int wd)
{
    int i = (int)(c - st(d)->com);
    if (wd == 1)
        demo_later(d, demo_time(d, day, 9, 0), add_activity, i, day + 5);
    if (wd == 3)
        demo_later(d, demo_time(d, day, 19, 0), signups_for, c->activity_project, day + 3);
    if (wd == 6)
        demo_later(d, demo_time(d, day, 7, 0), attend_today, c->activity_project, day);
}

/* ---- 永愿助老: visits, most on time; the alerts of those that are not are
** closed by the social worker ---- */

static void visit(struct demo *d, int64_t who, int64_t visitor)
{
    static const char *const notes[] = {"精神不错，按时服药", "血压偏高，已提醒复查",
                                        "腿脚不便，需要陪同就医", "情绪低落，陪聊一小时",
                                        "家中整洁，饮食正常"};
    static const char *const needs[][2] = {{"卫生间需要安装扶手", "repair"},
                                           {"希望有人陪同去医院复查", "health"},
                                           {"想参加社区合唱队", "companionship"}};
    uint32_t k = demo_rand(d, 20);
    if (k < 3)
        demo_emit(d, "elder.visited",
                  "{\"elder\":%" PRId64 ",\"visitor\":%" PRId64 ",\"minutes\":%u,"
                  "\"wellbeing\":\"%s\",\"need\":\"%s\",\"need_category\":\"%s\"}",
                  who, visitor, 30 + demo_rand(d, 60), notes[demo_rand(d, 5)], needs[k][0],
                  needs[k][1]);
    else
        demo_emit(d, "elder.visited",
                  "{\"elder\":%" PRId64 ",\"visitor\":%" PRId64 ",\"minutes\":%u,"
                  "\"wellbeing\":\"%s\"}",
                  who, visitor, 30 + demo_rand(d, 60), notes[demo_rand(d, 5)]);
}

static void plan_visits(struct demo *d, struct community *c, int day)
{
    for (size_t i = 0; i < c->nelders; i++) {
        struct elder *e = &c->elders[i];
        if (day - e->last < e->every)
            continue;
        e->last = day;
        demo_later(d, demo_time(d, day, 9 + (int)demo_rand(d, 8), (int)demo_rand(d, 60)), visit,
                   e->person, pick(d, c->volunteers, c->nvolunteers));
    }
}

static void close_alerts(struct demo *d, int64_t community, int64_t unused)
{
    (void)unused;
    const struct community *c = &st(d)->com[community];
    int64_t open[64];
    size_t n = demo_ids(d, open, 64,
                        DEMO_INSIDE "SELECT id FROM alert WHERE closed_at IS NULL AND place IN "
                                    "(SELECT id FROM inside) AND raised_at < ?2 ORDER BY id",
                        2, c->place, demo_now(d) - 86400);
    for (size_t i = 0; i < n; i++)
        if (demo_chance(d, 60))
            demo_emit(d, "alert.closed", "{\"alert\":%" PRId64 ",\"note\":\"已跟进处理\"}",
                      open[i]);
}

/* ---- 首善河心: patrols on Tuesday, Thursday and Saturday mornings; now and
** then an incident, assigned, resolved and verified (or escalated) ---- */

static void scan(struct demo *d, int64_t shift, int64_t who_seq)
{
    int64_t proj = demo_int(d, "SELECT project FROM shift WHERE id = ?", 1, shift, 0);
    int c = community_of_project(d, proj);
    if (c >= 0)
        demo_emit(d, "patrol.checkpoint_scanned",
                  "{\"shift\":%" PRId64 ",\"person\":%" PRId64 ",\"route\":%" PRId64
                  ",\"checkpoint\":%d}",
                  shift, who_seq >> 8, st(d)->com[c].route, (int)(who_seq & 0xff));
}

static void assign(struct demo *d, int64_t incident, int64_t unit)
{
    demo_emit(d, "incident.assigned", "{\"incident\":%" PRId64 ",\"unit\":%" PRId64 "}", incident,
              unit);
}

static void report_incident(struct demo *d, int64_t shift, int64_t reporter)
{
    static const char *const kinds[][2] = {{"litter", "岸边有塑料袋和饮料瓶"},
                                           {"pollution", "水面有油污"},
                                           {"illegal_fishing", "有人撒网捕鱼"},
                                           {"drowning_hazard", "护栏缺口靠近深水"},
                                           {"damaged_facility", "救生圈箱损坏"}};
    int64_t proj = demo_int(d, "SELECT project FROM shift WHERE id = ?", 1, shift, 0);
    int ci = community_of_project(d, proj);
    struct state *s = st(d);
    if (ci < 0 || s->nincidents == MAX_OPEN)
        return;
    const struct community *c = &s->com[ci];
    uint32_t k = demo_rand(d, 5);
    int64_t id = demo_emit(d, "incident.reported",
                           "{\"kind\":\"%s\",\"place\":%" PRId64 ",\"location\":\"%.4f,%.4f\","
                           "\"description\":\"%s\",\"photo\":\"IMG_%04u.jpg\",\"reporter\":%" PRId64
                           ",\"shift\":%" PRId64 "}",
                           kinds[k][0], c->place, c->data->lat + 0.001 * demo_rand(d, 5),
                           c->data->lon + 0.001 * demo_rand(d, 5), kinds[k][1], demo_rand(d, 10000),
                           reporter, shift);
    if (id <= 0)
        return;
    struct open_case *k2 = &s->incidents[s->nincidents++];
    *k2 = (struct open_case){id, ci, demo_today(d), 0};
    if (demo_chance(d, 70)) { /* taken the same day; the others are escalated */
        demo_later(d, demo_now(d) + 3600 * (2 + (int64_t)demo_rand(d, 4)), assign, id, c->unit);
        k2->step = 1;
    }
}

static void resolve(struct demo *d, int64_t incident, int64_t unused)
{
    (void)unused;
    demo_emit(d, "incident.resolved", "{\"incident\":%" PRId64 ",\"note\":\"已清理\"}", incident);
}

static void verify(struct demo *d, int64_t incident, int64_t verifier)
{
    demo_emit(d, "incident.verified",
              "{\"incident\":%" PRId64 ",\"verifier\":%" PRId64 ",\"note\":\"现场查看，已处理\"}",
              incident, verifier);
}

/* One step a day for each incident still open. */
static void plan_incidents(struct demo *d, int day)
{
    struct state *s = st(d);
    for (size_t i = 0; i < s->nincidents; i++) {
        struct open_case *k = &s->incidents[i];
        const struct community *c = &s->com[k->community];
        if (k->day >= day || k->step >= 3)
            continue;
        if (k->step == 0)
            demo_later(d, demo_time(d, day, 10, 0), assign, k->id, c->unit);
        else if (k->step == 1)
            demo_later(d, demo_time(d, day, 15, 0), resolve, k->id, 0);
        else
            demo_later(d, demo_time(d, day, 10, 30), verify, k->id, c->worker);
        k->step++;
        k->day = day;
    }
}

/* Patrollers come, scan the route's checkpoints in order (a few skip
** some, and their patrol is not credited), and one may report an incident. */
static void plan_patrol(struct demo *d, int64_t shift, int64_t community)
{
    const struct community *c = &st(d)->com[community];
    int64_t people[16], from, to;
    window_of(d, shift, &from, &to);
    int checkpoints = 1;
    for (const char *p = c->data->checkpoints; *p; p++)
        checkpoints += *p == ';';
    size_t n = signed_up(d, shift, people, 16);
    for (size_t i = 0; i < n; i++) {
        if (demo_chance(d, 6))
            continue;
        demo_later(d, from - 60 * (1 + demo_rand(d, 9)), check_in, shift, people[i]);
        int skip = demo_chance(d, 12) ? 2 : 0;
        for (int seq = 1; seq <= checkpoints - skip; seq++)
            demo_later(d, from + 60 * (5 + 15 * (seq - 1) + demo_rand(d, 5)), scan, shift,
                       (people[i] << 8) | (seq + (seq > 2 ? skip : 0)));
        demo_later(d, to + 60 * demo_rand(d, 6), check_out, people[i], 0);
    }
    if (n && demo_chance(d, 50))
        demo_later(d, from + 40 * 60, report_incident, shift, people[0]);
}

static void patrol_today(struct demo *d, int64_t community, int64_t day)
{
    int64_t shifts[8];
    size_t n = shifts_on(d, st(d)->com[community].patrol_project, (int)day, shifts, 8);
    for (size_t i = 0; i < n; i++)
        plan_patrol(d, shifts[i], community);
}

static void add_patrols(struct demo *d, int64_t community, int64_t monday)
{
    const struct community *c = &st(d)->com[community];
    for (int k = 1; k <= 5; k += 2) { /* Tuesday, Thursday, Saturday */
        int64_t from = demo_time(d, (int)monday + k, 9, 0);
        add_shift(d, c->patrol_project, c->data->route, "patrol", from, from + 2 * 3600, 4);
    }
}

static void plan_patrols(struct demo *d, struct community *c, int day, int wd)
{
    int i = (int)(c - st(d)->com);
    if (wd == 1)
        demo_later(d, demo_time(d, day, 8, 0), add_patrols, i, day);
    if (wd == 1 || wd == 3 || wd == 5)
        demo_later(d, demo_time(d, day, 19, 0), signups_for, c->patrol_project, day + 1);
    if (wd == 2 || wd == 4 || wd == 6)
        demo_later(d, demo_time(d, day, 7, 0), patrol_today, i, day);
}

/* ---- 有劲小哥: hazards seen on the rounds; a second courier reports the same
** one minutes later (merged); the social worker confirms them the next day ---- */

static const char *const hazard_kinds[][2] = {{"streetlight", "路灯不亮"},
                                              {"fire_lane", "消防通道被电动车堵住"},
                                              {"elderly", "老人在路边摔倒，已帮忙扶起"},
                                              {"other", "井盖松动"}};

static void report_hazard(struct demo *d, int64_t community, int64_t seed)
{
    struct state *s = st(d);
    const struct community *c = &s->com[community];
    int64_t reporter = c->couriers[(seed >> 4) % (c->ncouriers ? c->ncouriers : 1)];
    int kind = (int)(seed & 3);
    double lat = c->data->lat + 0.0005 * (double)((seed >> 8) & 7),
           lon = c->data->lon + 0.0005 * (double)((seed >> 12) & 7);
    int64_t hazard = 0;
    demo_emit_followup(d, "courier.hazard", &hazard, "courier.hazard_reported",
                       "{\"reporter\":%" PRId64 ",\"kind\":\"%s\",\"lat\":%.5f,\"lon\":%.5f,"
                       "\"text\":\"%s\"}",
                       reporter, hazard_kinds[kind][0], lat, lon, hazard_kinds[kind][1]);
    if (hazard && s->nhazards < MAX_OPEN)
        s->hazards[s->nhazards++] = (struct open_case){hazard, (int)community, demo_today(d), 0};
    if (hazard && c->ncouriers > 1 && demo_chance(d, 25)) /* another courier, the same spot */
        demo_later(d, demo_now(d) + 60 * (5 + demo_rand(d, 15)), report_hazard, community,
                   (seed & ~(int64_t)0xf0) | (((seed >> 4) + 1) & 0xf) << 4);
}

static void confirm(struct demo *d, int64_t hazard, int64_t by)
{
    demo_emit(d, "courier.hazard_confirmed",
              "{\"hazard\":%" PRId64 ",\"by\":%" PRId64 ",\"note\":\"已转街道处理\"}", hazard, by);
}

static void plan_hazards(struct demo *d, struct community *c, int day)
{
    int i = (int)(c - st(d)->com);
    for (uint32_t k = demo_rand(d, 3); k > 0; k--)
        demo_later(d, demo_time(d, day, 10 + (int)demo_rand(d, 10), (int)demo_rand(d, 60)),
                   report_hazard, i, demo_rand(d, 1u << 16));
    struct state *s = st(d);
    for (size_t h = 0; h < s->nhazards; h++) {
        struct open_case *k = &s->hazards[h];
        if (k->community != i || k->step || k->day >= day)
            continue;
        k->step = 1;
        if (demo_chance(d, 85))
            demo_later(d, demo_time(d, day, 10, (int)demo_rand(d, 50)), confirm, k->id, c->worker);
    }
}

/* ---- 职教+志愿: a week's duty roster on Monday, students sign up for a few
** shifts each (the station's rules refuse a minor's night duty, a sign-up
** over the weekly cap, and a minor without a guardian's consent) ---- */

static void add_station_week(struct demo *d, int64_t community, int64_t monday)
{
    const struct community *c = &st(d)->com[community];
    for (int k = 0; k < 5; k++) {
        int64_t from = demo_time(d, (int)monday + k, 16, 30);
        add_shift(d, c->station_project, "志愿服务站值班", "duty", from, from + 90 * 60, 4);
    }
    int64_t evening = demo_time(d, (int)monday + 4, 19, 30);
    add_shift(d, c->station_project, "晚间社区巡查", "patrol", evening, evening + 2 * 3600, 4);
    int64_t saturday = demo_time(d, (int)monday + 5, 9, 0);
    add_shift(d, c->station_project, "社区义诊协助", "other", saturday, saturday + 150 * 60, 6);
}

static void station_signups(struct demo *d, int64_t community, int64_t monday)
{
    const struct community *c = &st(d)->com[community];
    int64_t shifts[16];
    size_t n = demo_ids(d, shifts, 16,
                        "SELECT id FROM shift WHERE project = ?1 AND starts_at >= ?2 AND "
                        "starts_at < ?2 + 7 * 86400 ORDER BY starts_at, id",
                        2, c->station_project, demo_time(d, (int)monday, 0, 0));
    for (size_t s = 0; s < c->nvolunteers && n; s++) { /* a few different shifts each */
        size_t first = demo_rand(d, (uint32_t)n);
        for (size_t k = 0, want = 2 + demo_rand(d, 3); k < want && k < n; k++)
            sign_up(d, shifts[(first + k * 2) % n], c->volunteers[s]);
    }
}

static void plan_station(struct demo *d, struct community *c, int day, int wd)
{
    int i = (int)(c - st(d)->com);
    if (wd == 1) {
        demo_later(d, demo_time(d, day, 8, 30), add_station_week, i, day);
        demo_later(d, demo_time(d, day, 12, 0), station_signups, i, day);
    }
    demo_later(d, demo_time(d, day, 13, 0), attend_today, c->station_project, day);
}

/* ---- points for rewards: Sunday evening; the merchant confirms on Monday
** (and now and then cancels: the points go back) ---- */

static void redeem(struct demo *d, int64_t who, int64_t reward)
{
    char code[12];
    rewards_new_code(demo_core(d), code);
    demo_emit(d, "reward.redeemed",
              "{\"reward\":%" PRId64 ",\"person\":%" PRId64 ",\"code\":\"%s\"}", reward, who, code);
}

static void plan_redemptions(struct demo *d, struct community *c, int day)
{
    const int64_t *groups[] = {c->volunteers, c->couriers};
    size_t sizes[] = {c->nvolunteers, c->ncouriers};
    int64_t cheap = c->data->reward_cost * 100, dear = cheap * 3;
    for (int g = 0; g < 2; g++)
        for (size_t i = 0; i < sizes[g]; i++) {
            int64_t who = groups[g][i];
            int64_t balance = demo_int(d,
                                       "SELECT b.amount FROM balance b JOIN account a ON "
                                       "a.id = b.account WHERE a.kind = 'person' AND a.ref = ?",
                                       1, who, 0);
            int64_t at = demo_time(d, day, 19, (int)demo_rand(d, 60));
            if (balance >= dear && demo_chance(d, 30))
                demo_later(d, at, redeem, who, c->rewards[1]);
            else if (balance >= cheap && demo_chance(d, 45))
                demo_later(d, at, redeem, who, c->rewards[0]);
        }
}

static void settle(struct demo *d, int64_t community, int64_t unused)
{
    (void)unused;
    const struct community *c = &st(d)->com[community];
    int64_t issued[128];
    size_t n = demo_ids(d, issued, 128,
                        "SELECT id FROM redemption WHERE status = 'issued' AND reward IN (?1, ?2) "
                        "ORDER BY id",
                        2, c->rewards[0], c->rewards[1]);
    for (size_t i = 0; i < n; i++)
        if (demo_chance(d, 85))
            demo_emit(d, "reward.confirmed", "{\"redemption\":%" PRId64 "}", issued[i]);
        else
            demo_emit(d, "reward.cancelled",
                      "{\"redemption\":%" PRId64 ",\"reason\":\"物品暂缺，积分退回\"}", issued[i]);
}

/* ---------------------------------------------------------------------- */

void demo_pilots_plan(struct demo *d, int day)
{
    struct state *s = st(d);
    int wd = weekday(d, day);
    for (int i = 0; i < NCOMMUNITIES; i++) {
        struct community *c = &s->com[i];
        if (c->guard_project)
            plan_guards(d, c, day);
        if (c->activity_project)
            plan_activity(d, c, day, wd);
        if (c->nelders)
            plan_visits(d, c, day);
        if (c->patrol_project)
            plan_patrols(d, c, day, wd);
        if (c->ncouriers)
            plan_hazards(d, c, day);
        if (c->station_project)
            plan_station(d, c, day, wd);
        demo_later(d, demo_time(d, day, 9, 30), close_alerts, i, 0);
        if (wd == 7)
            plan_redemptions(d, c, day);
        if (wd == 1)
            demo_later(d, demo_time(d, day, 10, 0), settle, i, 0);
    }
    plan_incidents(d, day);
}
