/*
** demo_pilots.c — the pilots of ../shared/seed as demo records: places,
** organisations, certified social workers, volunteers, students and
** couriers, teams, projects, river routes, elderly residents, and the
** rewards local merchants offer. demo_days.c has what their people do.
**
** 劲松北 and 农光里 (朝阳区劲松街道): 护学蓝 school-route guards, weekend
** activities and 有劲小哥 couriers; 黄化门 and 柳荫街: 永愿助老 visits and
** 首善河心 river patrols; 角奎 and 乌峰: the 职教+志愿 stations of 彝良职高 and
** 镇雄职中. The names of communities, projects and teams match the sections
** of etc/tandem.ini, which switches each programme on for two communities.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_pilots.h"

static const struct community_data pilots[NCOMMUNITIES] = {
    {.name = "劲松北社区",
     .street = "劲松街道",
     .district = "朝阳区",
     .city = "北京市",
     .volunteers = 12,
     .couriers = 6,
     .team = "红绿先锋",
     .team_status = "new",
     .second_team = "劲松有劲小哥",
     .guard_project = "劲松北护学蓝",
     .activity_project = "红绿先锋·邻里守望",
     .activity_kind = "lecture",
     .merchant = "劲松便民超市",
     .reward = "洗衣液一瓶",
     .reward_cost = 20,
     .lat = 39.8838,
     .lon = 116.4612},
    {.name = "农光里社区",
     .street = "劲松街道",
     .district = "朝阳区",
     .city = "北京市",
     .volunteers = 10,
     .couriers = 5,
     .team = "随手公益",
     .team_status = "new",
     .second_team = "农光里有劲小哥",
     .guard_project = "农光里护学蓝",
     .activity_project = "随手公益·周末课堂",
     .activity_kind = "childcare",
     .merchant = "农光里理发店",
     .reward = "理发券一张",
     .reward_cost = 15,
     .lat = 39.8791,
     .lon = 116.4689},
    {.name = "黄化门社区",
     .street = "景山街道",
     .district = "东城区",
     .city = "北京市",
     .volunteers = 12,
     .elders = 6,
     .team = "中轴π志愿服务队",
     .team_status = "upgraded",
     .elder_project = "永愿助老·黄化门",
     .patrol_project = "筒子河巡护",
     .route = "筒子河东段",
     .checkpoints = "东华门@39.9139,116.4021;南池子桥@39.9117,116.4024;太庙东门@39.9098,116.4026;"
                    "菖蒲河@39.9087,116.4031;南池子南口@39.9078,116.4035",
     .river_unit = "东城区河长办",
     .merchant = "景山书店",
     .reward = "图书一册",
     .reward_cost = 25,
     .lat = 39.9262,
     .lon = 116.3984},
    {.name = "柳荫街社区",
     .street = "什刹海街道",
     .district = "西城区",
     .city = "北京市",
     .volunteers = 12,
     .elders = 6,
     .team = "香柳菁英",
     .team_status = "upgraded",
     .elder_project = "永愿助老安享银龄",
     .patrol_project = "首善河心·什刹海",
     .route = "前海环线",
     .checkpoints = "银锭桥@39.9398,116.3935;荷花市场@39.9373,116.3931;前海西沿@39.9381,116.3895;"
                    "金丝套@39.9402,116.3905;烟袋斜街口@39.9407,116.3937;前海北沿@39.9411,116.3918",
     .river_unit = "西城区什刹海管理处",
     .merchant = "柳荫街小吃店",
     .reward = "午餐券一张",
     .reward_cost = 12,
     .lat = 39.9393,
     .lon = 116.3868},
    {.name = "角奎社区",
     .street = "角奎街道",
     .district = "彝良县",
     .city = "昭通市",
     .students = 12,
     .without_consent = 2,
     .team = "彝良职高志愿服务队",
     .team_status = "new",
     .station_project = "彝良职高志愿服务站",
     .school = "彝良职高",
     .merchant = "角奎文具店",
     .reward = "文具套装",
     .reward_cost = 10,
     .lat = 27.6253,
     .lon = 104.0487},
    {.name = "乌峰社区",
     .street = "乌峰街道",
     .district = "镇雄县",
     .city = "昭通市",
     .students = 10,
     .team = "镇雄职中志愿服务队",
     .team_status = "new",
     .station_project = "镇雄职中志愿服务站",
     .school = "镇雄职中",
     .merchant = "乌峰书店",
     .reward = "课外书一本",
     .reward_cost = 10,
     .lat = 27.4406,
     .lon = 104.8731},
};

/* ---------------------------------------------------------------------- */
/* Setting up                                                             */

static int64_t place_named(struct demo *d, const char *name, const char *kind, int64_t parent)
{
    int64_t id = demo_id(d, "place", name);
    if (id)
        return id;
    char parent_id[24];
    snprintf(parent_id, sizeof parent_id, "%" PRId64, parent);
    return demo_add(d, "place", "name", name, "kind", kind, "parent", parent ? parent_id : NULL,
                    "pilot", strcmp(kind, "community") == 0 ? "yes" : NULL, NULL);
}

static int64_t person(struct demo *d, const char *roles, int64_t community, int64_t org,
                      int from_year, int years, const char *skills)
{
    char name[32], birth[16], place[24], org_id[24];
    demo_name(d, name, sizeof name);
    snprintf(birth, sizeof birth, "%d-%02u-%02u", from_year + (int)demo_rand(d, (uint32_t)years),
             1 + demo_rand(d, 12), 1 + demo_rand(d, 28));
    snprintf(place, sizeof place, "%" PRId64, community);
    snprintf(org_id, sizeof org_id, "%" PRId64, org);
    return demo_add(d, "person", "name", name, "gender", demo_chance(d, 55) ? "女" : "男",
                    "birth_date", birth, "roles", roles, "community", place, "org",
                    org ? org_id : NULL, "skills", skills, NULL);
}

static int64_t team(struct demo *d, const char *name, int64_t place, int64_t leader,
                    const char *status)
{
    char p[24], l[24];
    snprintf(p, sizeof p, "%" PRId64, place);
    snprintf(l, sizeof l, "%" PRId64, leader);
    return demo_add(d, "team", "name", name, "place", p, "leader", l, "status", status,
                    "founded_on", strcmp(status, "new") == 0 ? "2026-02-20" : "2019-05-01", NULL);
}

static int64_t project(struct demo *d, const char *name, int64_t team_id, int64_t place,
                       const char *programme, const char *groups)
{
    if (name == NULL)
        return 0;
    char t[24], p[24];
    snprintf(t, sizeof t, "%" PRId64, team_id);
    snprintf(p, sizeof p, "%" PRId64, place);
    return demo_add(d, "project", "name", name, "team", t, "place", p, "programme", programme,
                    "target_groups", groups, "starts_on", "2026-03-01", "funding", "市对区转移支付",
                    NULL);
}

static void join(struct demo *d, int64_t team_id, int64_t who)
{
    demo_emit(d, "team.joined", "{\"team\":%" PRId64 ",\"person\":%" PRId64 "}", team_id, who);
}

static int setup_people(struct demo *d, struct community *c, int64_t school)
{
    const struct community_data *p = c->data;
    c->worker = person(d, "social_worker", c->place, 0, 1978, 15, "个案管理,小组工作");
    char worker[24], number[40];
    snprintf(worker, sizeof worker, "%" PRId64, c->worker);
    snprintf(number, sizeof number, "SW2024%06u", demo_rand(d, 1000000));
    demo_add(d, "certification", "person", worker, "kind", "social_worker", "level", "intermediate",
             "number", number, "issued_on", "2024-06-30", NULL);
    for (int i = 0; i < p->volunteers && c->nvolunteers < MAX_VOLUNTEERS; i++)
        c->volunteers[c->nvolunteers++] =
            person(d, "volunteer", c->place, 0, 1955, 45, i % 3 ? "陪伴,宣传" : "急救,心理疏导");
    for (int i = 0; i < p->students && c->nvolunteers < MAX_VOLUNTEERS; i++) {
        int64_t s = person(d, "volunteer", c->place, school, 2009, 2, "护理,电工,烹饪");
        c->volunteers[c->nvolunteers++] = s;
        if (i >= p->without_consent) { /* the rest have not brought the form back yet */
            char guardian[32];
            demo_name(d, guardian, sizeof guardian);
            demo_emit(d, "person.consent_recorded", "{\"person\":%" PRId64 ",\"guardian\":\"%s\"}",
                      s, guardian);
        }
    }
    for (int i = 0; i < p->couriers && c->ncouriers < MAX_COURIERS; i++)
        c->couriers[c->ncouriers++] = person(d, "volunteer", c->place, 0, 1985, 15, "骑行");
    return 0;
}

static int64_t org(struct demo *d, const char *name, const char *kind, int64_t place)
{
    char p[24];
    snprintf(p, sizeof p, "%" PRId64, place);
    return demo_add(d, "org", "name", name, "kind", kind, "place", p, NULL);
}

static void setup_sites(struct demo *d, struct community *c, const struct community_data *p)
{
    static const char *const gates[][3] = {{"劲松北社区", "劲松一小东门", "劲松一小西门"},
                                           {"农光里社区", "农光里小学南门", NULL}};
    char parent[24];
    snprintf(parent, sizeof parent, "%" PRId64, c->place);
    for (size_t i = 0; i < sizeof gates / sizeof *gates; i++)
        for (int g = 1; g < 3 && strcmp(gates[i][0], p->name) == 0; g++)
            if (gates[i][g])
                demo_add(d, "place", "name", gates[i][g], "kind", "site", "parent", parent,
                         "site_kind", "school_gate", NULL);
}

static void setup_programmes(struct demo *d, struct community *c)
{
    const struct community_data *p = c->data;
    c->guard_project = project(d, p->guard_project, c->team, c->place, "school_guard", "中小学生");
    c->activity_project = project(d, p->activity_project, c->team, c->place, NULL, "社区居民");
    c->elder_project = project(d, p->elder_project, c->team, c->place, "elder_care", "独居老人");
    c->patrol_project = project(d, p->patrol_project, c->team, c->place, "river_patrol", NULL);
    c->station_project =
        project(d, p->station_project, c->team, c->place, "vocational_station", "社区居民");
    if (p->route)
        c->route = demo_emit(d, "patrol.route_added",
                             "{\"name\":\"%s\",\"place\":%" PRId64 ",\"checkpoints\":\"%s\"}",
                             p->route, c->place, p->checkpoints);
    static const char *const risks[] = {"high", "high", "medium", "medium", "low", "low"};
    static const int every[] = {3, 8, 6, 13, 12, 32}; /* some visits come too late */
    for (int i = 0; i < p->elders && c->nelders < MAX_ELDERS; i++) {
        int64_t e = person(d, "resident", c->place, 0, 1936, 14, NULL);
        c->elders[c->nelders++] = (struct elder){e, every[i % 6], -(int)demo_rand(d, 3)};
        demo_emit(d, "elder.enrolled",
                  "{\"person\":%" PRId64 ",\"living_alone\":%s,\"risk\":\"%s\"}", e,
                  i % 2 ? "false" : "true", risks[i % 6]);
    }
    static const char *const platforms[] = {"顺丰速运", "美团外卖", "京东物流", "饿了么"};
    for (size_t i = 0; i < c->ncouriers; i++)
        demo_emit(d, "courier.registered",
                  "{\"person\":%" PRId64 ",\"platform\":\"%s\",\"area\":%" PRId64 "}",
                  c->couriers[i], platforms[i % 4], c->place);
}

static void setup_rewards(struct demo *d, struct community *c)
{
    const struct community_data *p = c->data;
    int64_t merchant = org(d, p->merchant, "merchant", c->place);
    char m[24], place[24], cost[16], dear[16];
    snprintf(m, sizeof m, "%" PRId64, merchant);
    snprintf(place, sizeof place, "%" PRId64, c->place);
    snprintf(cost, sizeof cost, "%d", p->reward_cost);
    snprintf(dear, sizeof dear, "%d", p->reward_cost * 3);
    c->rewards[0] = demo_add(d, "reward", "name", p->reward, "org", m, "cost", cost, "community",
                             place, "stock", "40", "per_person_limit", "2", NULL);
    c->rewards[1] = demo_add(d, "reward", "name", "社区之星纪念品", "org", m, "cost", dear,
                             "community", place, "stock", "5", NULL);
}

static void setup_community(struct demo *d, struct community *c, const struct community_data *p)
{
    c->data = p;
    int64_t district = demo_id(d, "place", p->district);
    int64_t school = 0;
    if (p->school) {
        school = org(d, p->school, "school", c->place);
        org(d, strcmp(p->school, "彝良职高") == 0 ? "彝良县委社会工作部" : "镇雄县委社会工作部",
            "government", district);
        org(d, strcmp(p->school, "彝良职高") == 0 ? "禾心社工" : "乌蒙社工", "social_work_agency",
            district);
    }
    if (p->river_unit)
        c->unit = org(d, p->river_unit, "government", district);
    setup_people(d, c, school);
    c->team = team(d, p->team, c->place, c->worker, p->team_status);
    for (size_t v = 0; v < c->nvolunteers; v++)
        join(d, c->team, c->volunteers[v]);
    if (p->second_team) {
        c->second_team = team(d, p->second_team, c->place, c->worker, "new");
        for (size_t v = 0; v < c->ncouriers; v++)
            join(d, c->second_team, c->couriers[v]);
    }
    setup_programmes(d, c);
    setup_rewards(d, c);
}

int demo_pilots_setup(struct demo *d)
{
    struct state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return -1;
    demo_set_state(d, s);
    for (int i = 0; i < NCOMMUNITIES; i++) { /* the places first: rules look them up */
        const struct community_data *p = &pilots[i];
        int64_t city = place_named(d, p->city, "city", 0);
        int64_t district = place_named(d, p->district, "district", city);
        int64_t street = place_named(d, p->street, "street", district);
        s->com[i].place = place_named(d, p->name, "community", street);
        setup_sites(d, &s->com[i], p);
    }
    for (int i = 0; i < NCOMMUNITIES; i++)
        setup_community(d, &s->com[i], &pilots[i]);
    return 0;
}
