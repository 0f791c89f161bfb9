/*
** model.c — the entities of the shared model as data, the rules that are
** particular to places, people and teams, and model_init.
*/
#include "model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "idcard.h"
#include "ledger.h"
#include "schema.h"
#include "store.h"
#include "text.h"
#include "value.h"

#define ROLES "volunteer|social_worker|supervisor|staff|resident"
#define ID_TYPES "居民身份证|护照|港澳居民来往内地通行证|台湾居民来往大陆通行证|外国人永久居留身份证|其他"
#define PLACE_KINDS "city|district|street|community|site"

static const struct spec place_specs[] = {
    {"name", SPEC_TEXT, NULL, SPEC_REQUIRED, "名称"},
    {"kind", SPEC_ENUM, PLACE_KINDS, SPEC_REQUIRED | SPEC_FIXED, "层级"},
    {"parent", SPEC_REF, "place", 0, "上级"},
    {"code", SPEC_TEXT, NULL, 0, "编码"},
    {"pilot", SPEC_BOOL, NULL, 0, "试点"},
    {"site_kind", SPEC_ENUM,
     "service_centre|social_work_station|school_gate|river_section|school|hospital|station|other",
     0, "阵地类型"},
    {"address", SPEC_TEXT, NULL, 0, "地址"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec org_specs[] = {
    {"name", SPEC_TEXT, NULL, SPEC_REQUIRED, "名称"},
    {"kind", SPEC_ENUM,
     "social_work_agency|volunteer_org|enterprise|merchant|school|hospital|government|party_org",
     SPEC_REQUIRED, "类型"},
    {"place", SPEC_REF, "place", 0, "所在地"},
    {"in_charge", SPEC_TEXT, NULL, 0, "负责人"},
    {"contact", SPEC_TEXT, NULL, 0, "联系人"},
    {"phone", SPEC_PHONE, NULL, 0, "联系电话"},
    {"credit_code", SPEC_TEXT, NULL, 0, "统一社会信用代码"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec person_specs[] = {
    {"name", SPEC_TEXT, NULL, SPEC_REQUIRED, "姓名"},
    {"gender", SPEC_ENUM, "男|女", 0, "性别"},
    {"birth_date", SPEC_DATE, NULL, 0, "出生日期"},
    {"id_type", SPEC_ENUM, ID_TYPES, 0, "证件类型"},
    {"id_number", SPEC_ID_NUMBER, NULL, SPEC_PRIVATE, "证件号码"},
    {"phone", SPEC_PHONE, NULL, SPEC_PRIVATE, "手机"},
    {"community", SPEC_REF, "place", 0, "社区"},
    {"org", SPEC_REF, "org", 0, "所属组织"},
    {"roles", SPEC_LIST, ROLES, SPEC_REQUIRED, "角色"},
    {"skills", SPEC_LIST, NULL, 0, "技能"},
    {"availability", SPEC_TEXT, NULL, 0, "可服务时间"},
    {"guardian", SPEC_TEXT, NULL, SPEC_PRIVATE, "监护人"},
    {"guardian_phone", SPEC_PHONE, NULL, SPEC_PRIVATE, "监护人电话"},
    {"note", SPEC_TEXT, NULL, 0, "备注"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec team_specs[] = {
    {"name", SPEC_TEXT, NULL, SPEC_REQUIRED, "队名"},
    {"place", SPEC_REF, "place", SPEC_REQUIRED, "社区"},
    {"leader", SPEC_REF, "person", 0, "带队社工"},
    {"status", SPEC_ENUM, "new|upgraded", SPEC_REQUIRED, "组建方式"},
    {"org", SPEC_REF, "org", 0, "依托组织"},
    {"founded_on", SPEC_DATE, NULL, 0, "成立日期"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec project_specs[] = {
    {"name", SPEC_TEXT, NULL, SPEC_REQUIRED, "项目名称"},
    {"team", SPEC_REF, "team", SPEC_REQUIRED, "服务队"},
    {"place", SPEC_REF, "place", SPEC_REQUIRED, "服务地点"},
    {"programme", SPEC_TEXT, NULL, 0, "项目类型"},
    {"target_groups", SPEC_LIST, NULL, 0, "服务对象"},
    {"starts_on", SPEC_DATE, NULL, 0, "开始日期"},
    {"ends_on", SPEC_DATE, NULL, 0, "结束日期"},
    {"planned_headcount", SPEC_INT, NULL, 0, "计划人数"},
    {"funding", SPEC_TEXT, NULL, 0, "经费来源"},
    {"checkin_early", SPEC_INT, NULL, 0, "提前签到(分钟)"},
    {"checkin_late", SPEC_INT, NULL, 0, "迟到签到(分钟)"},
    {"max_checkins_per_day", SPEC_INT, NULL, 0, "每日签到上限"},
    {"forgotten_checkout", SPEC_TEXT, NULL, 0, "未签退处理"},
    {"walk_in", SPEC_BOOL, NULL, 0, "允许未报名签到"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec shift_specs[] = {
    {"project", SPEC_REF, "project", SPEC_REQUIRED | SPEC_FIXED, "项目"},
    {"site", SPEC_REF, "place", 0, "地点"},
    {"title", SPEC_TEXT, NULL, SPEC_REQUIRED, "活动"},
    {"kind", SPEC_ENUM,
     "lecture|counselling|performance|childcare|patrol|visit|duty|guard|training|other",
     SPEC_REQUIRED, "类型"},
    {"starts_at", SPEC_TIME, NULL, SPEC_REQUIRED, "开始"},
    {"ends_at", SPEC_TIME, NULL, SPEC_REQUIRED, "结束"},
    {"capacity", SPEC_INT, NULL, SPEC_REQUIRED, "名额"},
    {"skills", SPEC_LIST, NULL, 0, "所需技能"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec certification_specs[] = {
    {"person", SPEC_REF, "person", SPEC_REQUIRED, "姓名"},
    {"kind", SPEC_ENUM, "social_worker|psychological_counsellor|first_aid|other", SPEC_REQUIRED,
     "证书类型"},
    {"level", SPEC_ENUM, "assistant|intermediate|senior", 0, "等级"},
    {"number", SPEC_TEXT, NULL, 0, "证书编号"},
    {"issued_on", SPEC_DATE, NULL, 0, "发证日期"},
    {"issuer", SPEC_TEXT, NULL, 0, "发证机关"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec training_specs[] = {
    {"person", SPEC_REF, "person", SPEC_REQUIRED, "姓名"},
    {"course", SPEC_TEXT, NULL, SPEC_REQUIRED, "培训内容"},
    {"held_on", SPEC_DATE, NULL, 0, "日期"},
    {"minutes", SPEC_INT, NULL, 0, "时长(分钟)"},
    {"organiser", SPEC_TEXT, NULL, 0, "组织单位"},
    {"result", SPEC_TEXT, NULL, 0, "结果"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec commendation_specs[] = {
    {"person", SPEC_REF, "person", SPEC_REQUIRED, "姓名"},
    {"title", SPEC_TEXT, NULL, SPEC_REQUIRED, "荣誉名称"},
    {"level", SPEC_TEXT, NULL, 0, "级别"},
    {"awarded_by", SPEC_TEXT, NULL, 0, "授予单位"},
    {"awarded_on", SPEC_DATE, NULL, 0, "日期"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec evaluation_specs[] = {
    {"person", SPEC_REF, "person", SPEC_REQUIRED, "姓名"},
    {"kind", SPEC_ENUM, "evaluation|complaint", SPEC_REQUIRED, "类别"},
    {"rating", SPEC_INT, NULL, 0, "评分"},
    {"comment", SPEC_TEXT, NULL, 0, "内容"},
    {"evaluator", SPEC_TEXT, NULL, 0, "评价人"},
    {"evaluated_on", SPEC_DATE, NULL, 0, "日期"},
    {NULL, 0, NULL, 0, NULL}};

#define CATEGORIES "venue|staff|material|funding|service|reward"
#define NEED_CATEGORIES                                                                     \
    "venue|staff|material|funding|service|care|companionship|repair|health|education|safety|" \
    "other"

static const struct spec reward_specs[] = {
    {"name", SPEC_TEXT, NULL, SPEC_REQUIRED, "名称"},
    {"org", SPEC_REF, "org", SPEC_REQUIRED | SPEC_FIXED, "提供单位"},
    {"resource", SPEC_REF, "resource", 0, "资源"},
    {"cost", SPEC_REAL, NULL, SPEC_REQUIRED, "所需积分"},
    {"community", SPEC_REF, "place", 0, "兑换社区"},
    {"stock", SPEC_INT, NULL, SPEC_REQUIRED, "库存"},
    {"valid_from", SPEC_DATE, NULL, 0, "开始日期"},
    {"valid_until", SPEC_DATE, NULL, 0, "截止日期"},
    {"per_person_limit", SPEC_INT, NULL, 0, "每人限兑"},
    {"description", SPEC_TEXT, NULL, 0, "说明"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec resource_specs[] = {
    {"org", SPEC_REF, "org", SPEC_REQUIRED, "提供单位"},
    {"category", SPEC_ENUM, CATEGORIES, SPEC_REQUIRED, "类别"},
    {"name", SPEC_TEXT, NULL, SPEC_REQUIRED, "名称"},
    {"description", SPEC_TEXT, NULL, 0, "说明"},
    {"quantity", SPEC_INT, NULL, 0, "数量"},
    {"capacity", SPEC_INT, NULL, 0, "容量"},
    {"availability", SPEC_TEXT, NULL, 0, "可用时间"},
    {"contact", SPEC_TEXT, NULL, 0, "联系人"},
    {"phone", SPEC_PHONE, NULL, 0, "联系电话"},
    {"place", SPEC_REF, "place", 0, "所在地"},
    {"tags", SPEC_LIST, NULL, 0, "关键词"},
    {"confirmed_on", SPEC_DATE, NULL, 0, "最近确认"},
    {NULL, 0, NULL, 0, NULL}};

static const struct spec need_specs[] = {
    {"place", SPEC_REF, "place", SPEC_REQUIRED, "社区"},
    {"category", SPEC_ENUM, NEED_CATEGORIES, SPEC_REQUIRED, "类别"},
    {"description", SPEC_TEXT, NULL, SPEC_REQUIRED, "需求"},
    {"source", SPEC_ENUM, "survey|visit|hotline|other", 0, "来源"},
    {"requester", SPEC_TEXT, NULL, SPEC_PRIVATE, "提出人"},
    {"requester_phone", SPEC_PHONE, NULL, SPEC_PRIVATE, "联系电话"},
    {"urgency", SPEC_ENUM, "low|normal|high|urgent", 0, "紧急程度"},
    {"status", SPEC_ENUM, "open|matched|met|closed", 0, "状态"},
    {"tags", SPEC_LIST, NULL, 0, "关键词"},
    {"reported_on", SPEC_DATE, NULL, 0, "登记日期"},
    {NULL, 0, NULL, 0, NULL}};

/* ---------------------------------------------------------------------- */
/* Rules beyond the specs                                                 */

static int place_rank(const char *kind)
{
    static const char *const kinds[] = {"city", "district", "street", "community", "site"};
    for (int i = 0; i < 5; i++)
        if (strcmp(kinds[i], kind) == 0)
            return i;
    return -1;
}

/* A place sits under a place of a higher level: a community under a street. */
static int check_place(struct core *c, const tandem_event *ev, int update, char *err,
                       size_t errlen)
{
    const tandem_value *parent = event_find(ev, "parent");
    const tandem_value *kind = event_find(ev, "kind");
    if (parent == NULL || parent->type != TANDEM_INT)
        return 0;
    char kind_here[32] = "";
    if (kind && kind->type == TANDEM_TEXT)
        snprintf(kind_here, sizeof kind_here, "%s", kind->u.s.p);
    else if (update) {
        const tandem_value *id = event_find(ev, "place");
        int64_t rank = model_int(c,
                                 "SELECT CASE kind WHEN 'city' THEN 0 WHEN 'district' THEN 1 "
                                 "WHEN 'street' THEN 2 WHEN 'community' THEN 3 ELSE 4 END "
                                 "FROM place WHERE id = ?",
                                 id, 1, 4);
        static const char *const kinds[] = {"city", "district", "street", "community", "site"};
        snprintf(kind_here, sizeof kind_here, "%s", kinds[rank]);
    }
    int64_t parent_rank = model_int(c,
                                    "SELECT CASE kind WHEN 'city' THEN 0 WHEN 'district' THEN 1 "
                                    "WHEN 'street' THEN 2 WHEN 'community' THEN 3 ELSE 4 END "
                                    "FROM place WHERE id = ?",
                                    parent, 1, -1);
    if (parent_rank >= 0 && parent_rank >= place_rank(kind_here)) {
        snprintf(err, errlen, "parent: a %s cannot sit under a place of the same or a lower "
                              "level (city → district → street → community → site)",
                 kind_here);
        return -1;
    }
    return 0;
}

static int check_team(struct core *c, const tandem_event *ev, int update, char *err,
                      size_t errlen)
{
    (void)update;
    const tandem_value *leader = event_find(ev, "leader");
    if (leader == NULL || leader->type != TANDEM_INT)
        return 0;
    tandem_value args[2] = {*leader, tandem_text("social_worker")};
    if (model_int(c, "SELECT 1 FROM person_role WHERE person = ? AND role = ?", args, 2, 0))
        return 0;
    snprintf(err, errlen, "leader: a team is led by a social worker; person %" PRId64
                          " does not have the social_worker role",
             leader->u.i);
    return -1;
}

static int check_shift(struct core *c, const tandem_event *ev, int update, char *err,
                       size_t errlen)
{
    const tandem_value *s = event_find(ev, "starts_at"), *e = event_find(ev, "ends_at");
    const tandem_value *cap = event_find(ev, "capacity");
    int64_t starts = s && s->type == TANDEM_INT ? s->u.i : -1;
    int64_t ends = e && e->type == TANDEM_INT ? e->u.i : -1;
    if (update) {
        const tandem_value *id = event_find(ev, "shift");
        if (starts < 0)
            starts = model_int(c, "SELECT starts_at FROM shift WHERE id = ?", id, 1, -1);
        if (ends < 0)
            ends = model_int(c, "SELECT ends_at FROM shift WHERE id = ?", id, 1, -1);
    }
    if (starts >= 0 && ends >= 0 && ends <= starts)
        return snprintf(err, errlen, "ends_at: the shift must end after it starts"), -1;
    if (ends - starts > 24 * 3600)
        return snprintf(err, errlen, "ends_at: a shift lasts at most 24 hours"), -1;
    if (cap && cap->type == TANDEM_INT && cap->u.i < 1)
        return snprintf(err, errlen, "capacity: a shift needs at least one place"), -1;
    return 0;
}

static int check_project(struct core *c, const tandem_event *ev, int update, char *err,
                         size_t errlen)
{
    (void)c;
    (void)update;
    const tandem_value *s = event_find(ev, "starts_on"), *e = event_find(ev, "ends_on");
    if (s && e && s->type == TANDEM_TEXT && e->type == TANDEM_TEXT &&
        strcmp(e->u.s.p, s->u.s.p) < 0)
        return snprintf(err, errlen, "ends_on: the project must end after it starts"), -1;
    const tandem_value *fc = event_find(ev, "forgotten_checkout");
    char *end;
    if (fc && fc->type == TANDEM_TEXT && strcmp(fc->u.s.p, "shift_end") != 0 &&
        (strtol(fc->u.s.p, &end, 10) <= 0 || *end))
        return snprintf(err, errlen, "forgotten_checkout: 'shift_end' or a number of minutes"),
               -1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* The entities                                                           */

static const struct entity place_entity = {"place", "地点", "place", "place.added",
                                           "place.updated", place_specs,
    "instr('city district street community site', t.kind), t.id", "name,kind,parent,site_kind,pilot", check_place};
static const struct entity org_entity = {"org", "组织", "org", "org.added", "org.updated",
                                         org_specs, "t.name", "name,kind,place,in_charge,contact", NULL};
static const struct entity person_entity = {"person", "人员", "person", "person.registered",
                                            "person.updated", person_specs, "t.id", "name,gender,community,roles,phone", NULL};
static const struct entity team_entity = {"team", "服务队", "team", "team.created",
                                          "team.updated", team_specs, "t.name", "name,place,leader,status", check_team};
static const struct entity project_entity = {"project", "项目", "project", "project.created",
                                             "project.updated", project_specs, "t.name",
                                             "name,team,place,programme,starts_on,ends_on",
                                             check_project};
static const struct entity shift_entity = {"shift", "班次", "shift", "shift.created",
                                           "shift.updated", shift_specs, "t.starts_at",
                                           "project,title,site,starts_at,ends_at,capacity",
                                           check_shift};
static const struct entity certification_entity = {
    "certification", "资格证书", "certification", "certification.recorded", NULL,
    certification_specs, "t.id", "person,kind,level,number", NULL};
static const struct entity training_entity = {"training", "培训", "training", "training.recorded",
                                              NULL, training_specs, "t.held_on", "person,course,held_on,minutes", NULL};
static const struct entity commendation_entity = {"commendation", "表彰", "commendation",
                                                  "commendation.recorded", NULL,
                                                  commendation_specs, "t.awarded_on", "person,title,level,awarded_on", NULL};
static const struct entity evaluation_entity = {"evaluation", "评价", "evaluation",
                                                "evaluation.recorded", NULL, evaluation_specs,
                                                "t.evaluated_on", "person,kind,rating,comment",
                                                NULL};

static const struct entity reward_entity = {"reward", "兑换物品", "reward", "reward.added",
                                            "reward.updated", reward_specs, "t.id",
                                            "name,org,cost,stock,valid_until", NULL};
static const struct entity resource_entity = {
    "resource", "资源", "resource", "resource.added", "resource.updated", resource_specs,
    "t.category, t.id", "name,category,org,place,quantity,confirmed_on", NULL};
static const struct entity need_entity = {"need", "需求", "need", "need.added", "need.updated",
                                          need_specs, "t.id",
                                          "place,category,description,urgency,status", NULL};

const struct entity *const model_entities[] = {
    &place_entity,        &org_entity,        &person_entity,   &team_entity,
    &project_entity,      &shift_entity,      &certification_entity, &training_entity,
    &commendation_entity, &evaluation_entity, &reward_entity,   &resource_entity,
    &need_entity,         NULL};

/* ---------------------------------------------------------------------- */
/* People                                                                 */

/* Rewrites the role and skill rows from the person's lists. */
static int person_list(struct core *c, int64_t id, const char *list, const char *del,
                       const char *ins)
{
    char copy[1024];
    tandem_value args[2] = {tandem_int(id), tandem_nil()};
    if (store_exec(c->store, NULL, del, args, 1, NULL, NULL) != TANDEM_OK)
        return -1;
    snprintf(copy, sizeof copy, "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (*tok == '\0')
            continue;
        args[1] = tandem_text(tok);
        if (store_exec(c->store, NULL, ins, args, 2, NULL, NULL) != TANDEM_OK)
            return -1;
    }
    return 0;
}

static int person_lists(struct core *c, int64_t id, const tandem_event *ev, char *err,
                        size_t errlen)
{
    char list[1024];
    const tandem_value *roles = event_find(ev, "roles"), *skills = event_find(ev, "skills");
    int rc = 0;
    if (roles && roles->type == TANDEM_TEXT) {
        entity_normalise_list(roles->u.s.p, list, sizeof list);
        rc |= person_list(c, id, list, "DELETE FROM person_role WHERE person = ?",
                          "INSERT OR IGNORE INTO person_role(person, role) VALUES (?, ?)");
    }
    if (skills && skills->type == TANDEM_TEXT) {
        entity_normalise_list(skills->u.s.p, list, sizeof list);
        rc |= person_list(c, id, list, "DELETE FROM person_skill WHERE person = ?",
                          "INSERT OR IGNORE INTO person_skill(person, skill) VALUES (?, ?)");
    }
    if (rc)
        snprintf(err, errlen, "%s", store_errmsg(c->store));
    return rc;
}

static int text_row(void *ud, int ncols, const tandem_value *cols)
{
    (void)ncols;
    snprintf(ud, 120, "%s (%s)", cols[0].u.s.p, cols[1].u.s.p);
    return 1;
}

static int check_id_number(struct core *c, const tandem_event *ev, int64_t self_id, char *err,
                           size_t errlen)
{
    const tandem_value *idn = event_find(ev, "id_number");
    if (idn == NULL || idn->type != TANDEM_TEXT)
        return 0;
    char holder[120] = "";
    tandem_value args[2] = {*idn, tandem_int(self_id)};
    store_exec(c->store, NULL,
               "SELECT volunteer_no, name FROM person WHERE id_number = ? AND id <> ?", args, 2,
               text_row, holder);
    if (holder[0])
        return snprintf(err, errlen, "id_number: this ID number is already registered as %s",
                        holder),
               -1;
    return 0;
}

int person_apply_registered(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    char err[400], volunteer_no[40], birth[11] = "";
    if (entity_check(c, &person_entity, ev, err, sizeof err) != 0 ||
        check_id_number(c, ev, 0, err, sizeof err) != 0)
        return model_fail(self, "%s: %s", ev->topic, err);
    tandem_value opt;
    const char *prefix =
        options_get(c->opts, "volunteer_prefix", &opt) == TANDEM_OK ? opt.u.s.p : "V";
    snprintf(volunteer_no, sizeof volunteer_no, "%s%08" PRId64, prefix, ev->id);
    const char *cols[5] = {"volunteer_no", "registered_at", NULL, NULL, NULL};
    tandem_value vals[5] = {tandem_text(volunteer_no), tandem_int(ev->time)};
    int nextra = 2;
    const tandem_value *idn = event_find(ev, "id_number");
    if (idn && idn->type == TANDEM_TEXT && event_find(ev, "id_type") == NULL) {
        cols[nextra] = "id_type";
        vals[nextra++] = tandem_text("居民身份证");
    }
    if (idn && idn->type == TANDEM_TEXT && entity_resident_id(ev)) { /* derived from the ID */
        if (event_find(ev, "birth_date") == NULL && idcard_birth_date(idn->u.s.p, birth) == 0) {
            cols[nextra] = "birth_date";
            vals[nextra++] = tandem_text(birth);
        }
        if (event_find(ev, "gender") == NULL) {
            cols[nextra] = "gender";
            vals[nextra++] = tandem_text(idcard_gender(idn->u.s.p) == 1 ? "男" : "女");
        }
    }
    if (entity_insert(c, &person_entity, ev, cols, vals, nextra, err, sizeof err) != 0 ||
        person_lists(c, ev->id, ev, err, sizeof err) != 0)
        return model_fail(self, "%s: %s", ev->topic, err);
    return TANDEM_OK;
}

/* A new resident ID number (居民身份证) brings its own gender and birth date,
** as at registration: they replace the old ones unless the same update
** gives them. The person's recorded ID type counts when the update has none. */
static int rederive_from_id(struct core *c, const tandem_event *ev, int64_t id, char *err,
                            size_t errlen)
{
    const tandem_value *idn = event_find(ev, "id_number");
    char type[64] = "", birth[11];
    if (idn == NULL || idn->type != TANDEM_TEXT)
        return 0;
    tandem_value arg = tandem_int(id);
    if (event_find(ev, "id_type") == NULL)
        model_text(c, "SELECT coalesce(id_type, '居民身份证') FROM person WHERE id = ?", &arg, 1,
                   type, sizeof type);
    if ((type[0] && strcmp(type, "居民身份证") != 0) || (!type[0] && !entity_resident_id(ev)))
        return 0;
    int has_birth = event_find(ev, "birth_date") == NULL &&
                    idcard_birth_date(idn->u.s.p, birth) == 0;
    tandem_value args[5] = {
        tandem_int(has_birth), tandem_text(has_birth ? birth : ""),
        tandem_int(event_find(ev, "gender") == NULL),
        tandem_text(idcard_gender(idn->u.s.p) == 1 ? "男" : "女"), arg};
    if (store_exec(c->store, NULL,
                   "UPDATE person SET birth_date = CASE WHEN ?1 THEN ?2 ELSE birth_date END, "
                   "gender = CASE WHEN ?3 THEN ?4 ELSE gender END, "
                   "id_type = coalesce(id_type, '居民身份证') WHERE id = ?5",
                   args, 5, NULL, NULL) == TANDEM_OK)
        return 0;
    snprintf(err, errlen, "%s", store_errmsg(c->store));
    return -1;
}

int person_apply_updated(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    const tandem_value *id = event_find(ev, "person");
    char err[400];
    if (!entity_exists(c, "person", id->u.i))
        return model_fail(self, "%s: there is no person %" PRId64, ev->topic, id->u.i);
    if (entity_check(c, &person_entity, ev, err, sizeof err) != 0 ||
        check_id_number(c, ev, id->u.i, err, sizeof err) != 0 ||
        entity_update(c, &person_entity, ev, err, sizeof err) != 0 ||
        rederive_from_id(c, ev, id->u.i, err, sizeof err) != 0 ||
        person_lists(c, id->u.i, ev, err, sizeof err) != 0)
        return model_fail(self, "%s: %s", ev->topic, err);
    return TANDEM_OK;
}

/* A guardian's consent, needed before a minor can sign up. */
int person_apply_consent(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    const tandem_value *id = event_find(ev, "person");
    const tandem_value *g = event_find(ev, "guardian");
    const tandem_value *gp = event_find(ev, "guardian_phone");
    if (!entity_exists(c, "person", id->u.i))
        return model_fail(self, "%s: there is no person %" PRId64, ev->topic, id->u.i);
    tandem_value args[4] = {*g, gp ? *gp : tandem_nil(), tandem_int(ev->time), *id};
    if (store_exec(c->store, NULL,
                   "UPDATE person SET guardian = ?, guardian_phone = coalesce(?, guardian_phone),"
                   " consent_at = ? WHERE id = ?",
                   args, 4, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Team membership                                                        */

static int team_and_person(tandem_plugin *self, const tandem_event *ev, tandem_value *args)
{
    const tandem_value *team = event_find(ev, "team"), *person = event_find(ev, "person");
    if (!entity_exists(self->core, "team", team->u.i))
        return model_fail(self, "%s: there is no team %" PRId64, ev->topic, team->u.i);
    if (!entity_exists(self->core, "person", person->u.i))
        return model_fail(self, "%s: there is no person %" PRId64, ev->topic, person->u.i);
    args[0] = *team;
    args[1] = *person;
    return TANDEM_OK;
}

int team_apply_joined(tandem_plugin *self, const tandem_event *ev)
{
    tandem_value args[4];
    if (team_and_person(self, ev, args) != TANDEM_OK)
        return TANDEM_ERROR;
    if (model_int(self->core,
                  "SELECT 1 FROM team_member WHERE team = ? AND person = ? AND left_at IS NULL",
                  args, 2, 0))
        return model_fail(self, "%s: person %" PRId64 " is already a member of team %" PRId64,
                          ev->topic, args[1].u.i, args[0].u.i);
    const tandem_value *role = event_find(ev, "role");
    args[2] = role ? *role : tandem_text("member");
    if (args[2].type != TANDEM_TEXT || (strcmp(args[2].u.s.p, "leader") != 0 &&
                                        strcmp(args[2].u.s.p, "backbone") != 0 &&
                                        strcmp(args[2].u.s.p, "member") != 0))
        return model_fail(self, "%s: role: use leader, backbone or member", ev->topic);
    args[3] = tandem_int(ev->time);
    if (store_exec(self->core->store, NULL,
                   "INSERT INTO team_member(team, person, role, joined_at) VALUES (?,?,?,?)",
                   args, 4, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(self->core->store));
    return TANDEM_OK;
}

int team_apply_left(tandem_plugin *self, const tandem_event *ev)
{
    tandem_value args[3];
    if (team_and_person(self, ev, args + 1) != TANDEM_OK)
        return TANDEM_ERROR;
    args[0] = tandem_int(ev->time);
    if (store_exec(self->core->store, NULL,
                   "UPDATE team_member SET left_at = ? WHERE team = ? AND person = ? "
                   "AND left_at IS NULL",
                   args, 3, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(self->core->store));
    if (store_changes(self->core->store) == 0)
        return model_fail(self, "%s: person %" PRId64 " is not a member of team %" PRId64,
                          ev->topic, args[2].u.i, args[1].u.i);
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Declarations                                                           */

static const tandem_field consent_fields[] = {
    {"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"guardian", TANDEM_TEXT, TANDEM_FIELD_REQUIRED | TANDEM_FIELD_PRIVATE},
    {"guardian_phone", TANDEM_TEXT, TANDEM_FIELD_PRIVATE},
    {NULL, 0, 0}};
static const tandem_field member_fields[] = {{"team", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                             {"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                             {"role", TANDEM_TEXT, 0},
                                             {NULL, 0, 0}};
static const tandem_field reveal_fields[] = {{"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                             {"reason", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
                                             {NULL, 0, 0}};

static int declare_entities(struct core *c)
{
    for (const struct entity *const *p = model_entities; *p; p++) {
        const struct entity *e = *p;
        int person = e == &person_entity;
        if (bus_declare(c->bus, c->self, e->added, entity_fields(e, 0),
                        person ? person_apply_registered : entity_apply_added) != TANDEM_OK)
            return -1;
        if (e->updated &&
            bus_declare(c->bus, c->self, e->updated, entity_fields(e, 1),
                        person ? person_apply_updated : entity_apply_updated) != TANDEM_OK)
            return -1;
    }
    return 0;
}

int model_init(struct core *c, char *err, size_t errlen)
{
    if (schema_migrate(c->store, "core", model_migrations, NULL, err, errlen) != 0)
        return -1;
    if (declare_entities(c) != 0 ||
        bus_declare(c->bus, c->self, "person.consent_recorded", consent_fields,
                    person_apply_consent) ||
        bus_declare(c->bus, c->self, "team.member_joined", member_fields, team_apply_joined) ||
        bus_declare(c->bus, c->self, "team.member_left", member_fields, team_apply_left) ||
        bus_declare(c->bus, c->self, "audit.id_revealed", reveal_fields, NULL) ||
        signup_declare(c) || attendance_declare(c) || certificate_declare(c) ||
        ledger_declare(c) || rewards_declare(c) || match_declare(c) || alert_declare(c)) {
        snprintf(err, errlen, "declaring the model: %s", c->self->error);
        return -1;
    }
    return 0;
}
