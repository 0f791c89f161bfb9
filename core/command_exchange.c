/*
** command_exchange.c — spreadsheets in: a volunteer roster or a needs
** survey as Chinese offices keep them (UTF-8 or GB18030, Chinese or English
** headers), all or nothing unless bad rows may be skipped.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "command.h"
#include "csv.h"
#include "model.h"

static const char *const a_name[] = {"姓名", "name", "名字", NULL};
static const char *const a_gender[] = {"性别", "gender", "sex", NULL};
static const char *const a_birth[] = {"出生日期", "birth_date", "出生年月", "生日", NULL};
static const char *const a_id_type[] = {"证件类型", "id_type", NULL};
static const char *const a_id[] = {"证件号码", "id_number", "身份证号", "身份证号码",
                                   "证件号", NULL};
static const char *const a_phone[] = {"手机", "phone", "手机号", "手机号码", "联系电话",
                                      "电话", NULL};
static const char *const a_community[] = {"社区", "community", "所属社区", "居住社区", NULL};
static const char *const a_org[] = {"所属组织", "org", "单位", NULL};
static const char *const a_roles[] = {"角色", "roles", "身份", NULL};
static const char *const a_skills[] = {"技能", "skills", "特长", "专业技能", "服务技能", NULL};
static const char *const a_avail[] = {"可服务时间", "availability", "服务时间", NULL};
static const char *const a_guardian[] = {"监护人", "guardian", "监护人姓名", NULL};
static const char *const a_gphone[] = {"监护人电话", "guardian_phone", "监护人手机", NULL};
static const char *const a_note[] = {"备注", "note", NULL};

static const struct csv_column people_columns[] = {
    {"name", a_name, 1},          {"gender", a_gender, 0},       {"birth_date", a_birth, 0},
    {"id_type", a_id_type, 0},    {"id_number", a_id, 0},        {"phone", a_phone, 0},
    {"community", a_community, 0}, {"org", a_org, 0},            {"roles", a_roles, 0},
    {"skills", a_skills, 0},      {"availability", a_avail, 0}, {"guardian", a_guardian, 0},
    {"guardian_phone", a_gphone, 0}, {"note", a_note, 0},       {NULL, NULL, 0}};

static const char *const n_place[] = {"社区", "place", "所在社区", "地点", NULL};
static const char *const n_category[] = {"类别", "category", "需求类别", "类型", NULL};
static const char *const n_desc[] = {"需求", "description", "需求描述", "描述", "内容", NULL};
static const char *const n_source[] = {"来源", "source", NULL};
static const char *const n_requester[] = {"联系人", "requester", "提出人", "居民", NULL};
static const char *const n_phone[] = {"联系电话", "requester_phone", "电话", NULL};
static const char *const n_urgency[] = {"紧急程度", "urgency", "紧急", NULL};
static const char *const n_tags[] = {"关键词", "tags", NULL};
static const char *const n_date[] = {"登记日期", "reported_on", "日期", NULL};

static const struct csv_column need_columns[] = {
    {"place", n_place, 0},          {"category", n_category, 1}, {"description", n_desc, 1},
    {"source", n_source, 0},        {"requester", n_requester, 0},
    {"requester_phone", n_phone, 0}, {"urgency", n_urgency, 0},  {"tags", n_tags, 0},
    {"reported_on", n_date, 0},     {NULL, NULL, 0}};

/* What a kind of import reads, into which record. */
struct import_kind {
    const char *name;
    const struct csv_column *columns;
    const char *entity;
    const char *place_field; /* where --community goes */
};

static const struct import_kind import_kinds[] = {
    {"people", people_columns, "person", "community"},
    {"needs", need_columns, "need", "place"},
    {NULL, NULL, NULL, NULL}};

#define MAX_COLUMNS 16

static size_t count_columns(const struct csv_column *cols)
{
    size_t n = 0;
    while (cols[n].key)
        n++;
    return n;
}

const struct csv_column *command_people_columns(size_t *n)
{
    *n = count_columns(people_columns);
    return people_columns;
}

/* "person.registered: birth_date: '...' is not a date" -> its column. */
static int field_of_message(const struct import_kind *k, const char *msg, const int *index)
{
    const char *p = strstr(msg, ": ");
    p = p ? p + 2 : msg;
    for (size_t j = 0; k->columns[j].key; j++) {
        size_t n = strlen(k->columns[j].key);
        if (strncmp(p, k->columns[j].key, n) == 0 && p[n] == ':')
            return index[j];
        if (strncmp(msg, k->columns[j].key, n) == 0 && msg[n] == ':')
            return index[j];
    }
    return -1;
}

static void row_error(struct import_report *r, const struct csv_table *t, size_t row, int col,
                      const char *msg)
{
    char where[200];
    if (col >= 0)
        csv_where(t, row, (size_t)col, where, sizeof where);
    else
        snprintf(where, sizeof where, "row %zu", row + 1);
    /* drop the topic: the user thinks in rows and columns */
    const char *colon = strstr(msg, ": ");
    const char *p = colon && strchr(msg, '.') && strchr(msg, '.') < colon ? colon + 2 : msg;
    buf_printf(&r->errors, "%s: %s\n", where, p);
    r->bad++;
}

/* The first required field a row's event lacks, or NULL; *col is its
** column, or -1 when the sheet has none. Checked before the event is
** submitted so that the error names the row and column, not the topic. */
static const char *missing_field(const struct import_kind *k, const tandem_event *ev,
                                 const int *index, int *col)
{
    for (const struct spec *s = model_entity(k->entity)->specs; s->name; s++) {
        if (!(s->flags & SPEC_REQUIRED) || event_find(ev, s->name))
            continue;
        *col = -1;
        for (size_t j = 0; k->columns[j].key; j++)
            if (strcmp(k->columns[j].key, s->name) == 0)
                *col = index[j];
        return s->name;
    }
    return NULL;
}

/* "place: required", and what to do when the sheet has no column for it. */
static void report_missing(const struct import_kind *k, const struct csv_table *t, size_t row,
                           const char *field, int col, struct import_report *r)
{
    char msg[300];
    snprintf(msg, sizeof msg, "%s: required%s", field,
             col >= 0                             ? ""
             : strcmp(field, k->place_field) == 0 ? " (the sheet has no column for it; add one, "
                                                    "or give --community)"
                                                  : " (the sheet has no column for it)");
    row_error(r, t, row, col, msg);
}

/* One row's event, or NULL with the error reported. */
static tandem_event *row_event(struct core *c, const struct import_kind *k,
                               const struct csv_table *t, size_t row, const int *index,
                               const struct import_defaults *d, struct import_report *r)
{
    struct field_input in[MAX_COLUMNS + 2];
    size_t n = 0;
    char err[600];
    int have_roles = 0, have_place = 0, people = strcmp(k->entity, "person") == 0;
    for (size_t j = 0; k->columns[j].key; j++) {
        const char *cell = index[j] >= 0 ? csv_cell(t, row, (size_t)index[j]) : NULL;
        if (cell == NULL || *cell == '\0')
            continue;
        in[n++] = (struct field_input){k->columns[j].key, csv_unguard(cell)};
        have_roles |= strcmp(k->columns[j].key, "roles") == 0;
        have_place |= strcmp(k->columns[j].key, k->place_field) == 0;
    }
    if (people && !have_roles)
        in[n++] = (struct field_input){"roles", d->roles ? d->roles : "volunteer"};
    if (!have_place && d->community)
        in[n++] = (struct field_input){k->place_field, d->community};
    tandem_event *ev = command_entity_event(c, model_entity(k->entity), 0, in, n, "import", err,
                                            sizeof err);
    int col;
    const char *missing = ev ? missing_field(k, ev, index, &col) : NULL;
    if (ev == NULL)
        row_error(r, t, row, field_of_message(k, err, index), err);
    if (missing) {
        report_missing(k, t, row, missing, col, r);
        event_free(ev);
        ev = NULL;
    }
    return ev;
}

int command_import(struct core *c, const char *kind, const char *path,
                   const struct import_defaults *d, struct import_report *r)
{
    struct csv_table *t = NULL;
    char err[2000];
    int index[MAX_COLUMNS];
    memset(r, 0, sizeof *r);
    const struct import_kind *k = import_kinds;
    while (k->name && strcmp(k->name, kind) != 0)
        k++;
    if (k->name == NULL) {
        buf_printf(&r->errors, "only people and needs can be imported, not '%s'\n", kind);
        return -1;
    }
    if (csv_read_file(path, &t, err, sizeof err) != 0) {
        buf_printf(&r->errors, "%s: %s\n", path, err);
        return -1;
    }
    r->encoding = csv_encoding_name(t->encoding);
    int problems = csv_map_header(t, k->columns, count_columns(k->columns), index, err,
                                  sizeof err);
    if (problems != 0) {
        buf_printf(&r->errors, "%s: %s%s", path, problems < 0 ? "out of memory" : err,
                   problems < 0 || (*err && err[strlen(err) - 1] != '\n') ? "\n" : "");
        csv_free(t);
        return -1;
    }
    if (bus_batch_begin(c->bus) != TANDEM_OK) {
        buf_printf(&r->errors, "%s: cannot start a transaction\n", path);
        csv_free(t);
        return -1;
    }
    for (size_t row = 1; row < t->nrows; row++) {
        if (csv_row_is_blank(t, row))
            continue;
        r->rows++;
        tandem_event *ev = row_event(c, k, t, row, index, d, r);
        if (ev == NULL)
            continue;
        struct bus_result res;
        if (bus_submit(c->bus, ev, &res) == BUS_OK)
            r->imported++;
        else
            row_error(r, t, row, field_of_message(k, res.message ? res.message : "", index),
                      res.message ? res.message : "refused");
        bus_result_clear(&res);
    }
    csv_free(t);
    if (r->bad && !d->skip_bad) {
        bus_batch_rollback(c->bus);
        r->imported = 0;
        return -1;
    }
    r->skipped = r->bad;
    if (bus_batch_commit(c->bus) != TANDEM_OK) {
        buf_printf(&r->errors, "%s: the import could not be saved; nothing was imported\n",
                   path);
        r->imported = 0;
        return -1;
    }
    return 0;
}
