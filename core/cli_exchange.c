/*
** cli_exchange.c — spreadsheets and calendars: `import people`, `export
** people|hours|attendance` (Excel-friendly CSV or JSON, ID and phone
** numbers masked) and `calendar PERSON|TEAM` (iCalendar).
*/
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "command.h"
#include "csv.h"
#include "ical.h"
#include "mask.h"
#include "model.h"
#include "value.h"


/* ---------------------------------------------------------------------- */
/* import                                                                 */

static int cmd_import(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    struct import_defaults d = {NULL, NULL, 0};
    char *pos[2];
    int npos;
    const struct cli_opt opts[] = {{"--skip-bad", NULL, &d.skip_bad},
                                   {"--roles", &d.roles, NULL},
                                   {"--community", &d.community, NULL},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 2, 2, &npos) != 0)
        return EXIT_USAGE;
    if (strcmp(pos[0], "people") != 0 && strcmp(pos[0], "needs") != 0)
        return cli_usage(cmd, "import people or needs, not '%s'", pos[0]), EXIT_USAGE;
    struct import_report r;
    int rc = command_import(cli->core, pos[0], pos[1], &d, &r);
    fputs(buf_str(&r.errors), stderr);
    if (rc != 0) {
        if (r.bad)
            fprintf(stderr, "nothing was imported: %zu of %zu rows have errors (fix them, or "
                            "import the others with --skip-bad)\n",
                    r.bad, r.rows);
        buf_free(&r.errors);
        return EXIT_ERROR;
    }
    int people = strcmp(pos[0], "people") == 0;
    printf("imported %zu %s from %s (%s)", r.imported,
           people ? (r.imported == 1 ? "person" : "people") : (r.imported == 1 ? "need" : "needs"),
           pos[1], r.encoding ? r.encoding : "?");
    if (r.skipped)
        printf("; skipped %zu bad row%s listed above", r.skipped, r.skipped == 1 ? "" : "s");
    printf("\n");
    buf_free(&r.errors);
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* export                                                                 */

struct export_kind {
    const char *name;
    const char *sql; /* ?1 from date, ?2 to date */
    const char *const *heads;
    const char *const *keys;
    int n;
    int id_col, phone_col; /* columns to mask, or -1 */
    const int *times;
};

static const char *const people_heads[] = {"志愿者编号", "姓名", "性别", "出生日期", "证件类型",
                                           "证件号码",   "手机", "社区", "角色",     "技能",
                                           "登记时间"};
static const char *const people_keys[] = {"volunteer_no", "name",      "gender",   "birth_date",
                                          "id_type",      "id_number", "phone",    "community",
                                          "roles",        "skills",    "registered_at"};
static const int people_times[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const char *const hours_heads[] = {"志愿者编号", "姓名", "社区", "服务分钟", "服务小时",
                                          "服务次数"};
static const char *const hours_keys[] = {"volunteer_no", "name",  "community",
                                         "minutes",      "hours", "times"};
static const char *const att_heads[] = {"记录编号", "志愿者编号", "姓名",   "项目", "班次",
                                        "签到",     "签退",       "服务分钟", "状态", "标记"};
static const char *const att_keys[] = {"id",          "volunteer_no", "name",    "project",
                                       "shift",       "checkin_at",   "checkout_at", "minutes",
                                       "status",      "flag"};
static const int att_times[] = {0, 0, 0, 0, 0, 1, 1, 0, 0, 0};

#define DAY(col) "date(" col ", 'unixepoch', 'localtime') BETWEEN ?1 AND ?2"

static const struct export_kind exports[] = {
    {"people",
     "SELECT p.volunteer_no, p.name, p.gender, p.birth_date, p.id_type, p.id_number, p.phone, "
     "(SELECT name FROM place WHERE id = p.community), p.roles, p.skills, p.registered_at "
     "FROM person p WHERE " DAY("p.registered_at") " ORDER BY p.id",
     people_heads, people_keys, 11, 5, 6, people_times},
    {"hours",
     "SELECT p.volunteer_no, p.name, (SELECT name FROM place WHERE id = p.community), "
     "sum(a.minutes), round(sum(a.minutes) / 60.0, 2), count(*) FROM attendance a "
     "JOIN person p ON p.id = a.person WHERE a.status IN ('closed', 'auto_closed', 'corrected') "
     "AND " DAY("a.checkin_at") " GROUP BY p.id ORDER BY p.id",
     hours_heads, hours_keys, 6, -1, -1, NULL},
    {"attendance",
     "SELECT a.id, p.volunteer_no, p.name, j.name, s.title, a.checkin_at, a.checkout_at, "
     "a.minutes, a.status, a.flag FROM attendance a JOIN person p ON p.id = a.person "
     "JOIN shift s ON s.id = a.shift JOIN project j ON j.id = a.project WHERE "
     DAY("a.checkin_at") " ORDER BY a.checkin_at, a.id",
     att_heads, att_keys, 10, -1, -1, att_times},
    {NULL, NULL, NULL, NULL, 0, 0, 0, NULL}};

struct export_out {
    const struct export_kind *kind;
    int json;
    struct csv_writer csv;
    jw w;
};

/* The text of a cell as an export shows it: masked, times local. */
static void cell_text(const struct export_kind *k, int i, const tandem_value *v, buf *out)
{
    char tmp[256];
    if (v->type == TANDEM_NIL)
        return;
    if (k->times && k->times[i] && v->type == TANDEM_INT) {
        cli_format_time(v->u.i, tmp);
        buf_puts(out, tmp);
    } else if (i == k->id_col && v->type == TANDEM_TEXT) {
        mask_id_number(v->u.s.p, tmp, sizeof tmp);
        buf_puts(out, tmp);
    } else if (i == k->phone_col && v->type == TANDEM_TEXT) {
        mask_phone(v->u.s.p, tmp, sizeof tmp);
        buf_puts(out, tmp);
    } else {
        value_format(out, v);
    }
}

static int export_row(void *ud, int ncols, const tandem_value *cols)
{
    struct export_out *o = ud;
    const struct export_kind *k = o->kind;
    if (o->json)
        jw_object(&o->w);
    for (int i = 0; i < ncols && i < k->n; i++) {
        buf text = BUF_INIT;
        cell_text(k, i, &cols[i], &text);
        int number = (cols[i].type == TANDEM_INT || cols[i].type == TANDEM_REAL) &&
                     !(k->times && k->times[i]);
        if (o->json) {
            jw_key(&o->w, k->keys[i]);
            if (cols[i].type == TANDEM_NIL)
                jw_null(&o->w);
            else if (number)
                value_write_json(&o->w, &cols[i]);
            else
                jw_string(&o->w, buf_str(&text));
        } else if (number) {
            csv_write_number(&o->csv, buf_str(&text));
        } else {
            csv_write_text(&o->csv, buf_str(&text));
        }
        buf_free(&text);
    }
    if (o->json)
        jw_end(&o->w);
    else
        csv_write_end_row(&o->csv);
    return 0;
}

static int cmd_export(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *format = "csv", *output = NULL, *from = NULL, *to = NULL;
    char *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"--format", &format, NULL}, {"--output", &output, NULL},
                                   {"--from", &from, NULL},     {"--to", &to, NULL},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    const struct export_kind *k = exports;
    while (k->name && strcmp(k->name, pos[0]) != 0)
        k++;
    if (k->name == NULL)
        return cli_usage(cmd, "export people, hours or attendance, not '%s'", pos[0]),
               EXIT_USAGE;
    if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return cli_usage(cmd, "--format is csv or json"), EXIT_USAGE;
    buf out = BUF_INIT;
    struct export_out o = {k, strcmp(format, "json") == 0, {0}, {0}};
    if (o.json) {
        jw_init(&o.w, &out, 1);
        jw_array(&o.w);
    } else {
        csv_write_begin(&o.csv, &out);
        csv_write_row(&o.csv, k->heads, (size_t)k->n);
    }
    tandem_value args[2] = {tandem_text(from ? from : "0000-00-00"),
                            tandem_text(to ? to : "9999-12-31")};
    command_query(cli->core, k->sql, args, 2, export_row, &o);
    if (o.json)
        jw_end(&o.w);
    int rc = out.failed ? (cli_error("out of memory"), EXIT_ERROR) : cli_write_file(output, &out);
    buf_free(&out);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* calendar                                                               */

struct cal {
    buf *out;
    int count;
    int64_t now; /* DTSTAMP: the core's clock, so TANDEM_NOW gives the same file */
};

static int cal_row(void *ud, int ncols, const tandem_value *cols)
{
    struct cal *c = ud;
    char uid[64], summary[400], description[400];
    (void)ncols;
    snprintf(uid, sizeof uid, "shift-%" PRId64 "@tandem", cols[0].u.i);
    snprintf(summary, sizeof summary, "%s %s", cols[1].u.s.p, cols[2].u.s.p);
    snprintf(description, sizeof description, "项目：%s\n活动：%s\n名额：%" PRId64,
             cols[1].u.s.p, cols[2].u.s.p, cols[6].u.i);
    const char *status = cols[5].type == TANDEM_TEXT ? cols[5].u.s.p : "";
    struct ical_event ev = {uid,
                            (time_t)cols[3].u.i,
                            (time_t)cols[4].u.i,
                            (time_t)c->now,
                            summary,
                            cols[7].type == TANDEM_TEXT ? cols[7].u.s.p : NULL,
                            description,
                            strcmp(status, "cancelled") == 0    ? ICAL_STATUS_CANCELLED
                            : strcmp(status, "waitlisted") == 0 ? ICAL_STATUS_TENTATIVE
                                                                : ICAL_STATUS_CONFIRMED};
    if (ical_event(c->out, &ev) == 0)
        c->count++;
    return 0;
}

static int cmd_calendar(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *output = NULL;
    char *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"--output", &output, NULL}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    int64_t id;
    char err[600], name[200];
    int person = entity_resolve(cli->core, model_entity("person"), pos[0], &id, err,
                                sizeof err) == 0;
    if (!person && entity_resolve(cli->core, model_entity("team"), pos[0], &id, err,
                                  sizeof err) != 0) {
        cli_error("'%s' is neither a person nor a team", pos[0]);
        return EXIT_ERROR;
    }
    tandem_value arg = tandem_int(id);
    model_text(cli->core, person ? "SELECT name FROM person WHERE id = ?"
                                 : "SELECT name FROM team WHERE id = ?",
               &arg, 1, name, sizeof name);
    buf out = BUF_INIT;
    struct cal c = {&out, 0, core_now(cli->core)};
    char title[260];
    snprintf(title, sizeof title, "%s的志愿服务", name);
    ical_begin(&out, title, core_zone_name(cli->core));
    command_query(cli->core,
                  person ? "SELECT s.id, p.name, s.title, s.starts_at, s.ends_at, g.status, "
                           "s.capacity, (SELECT name FROM place WHERE id = s.site) FROM signup g "
                           "JOIN shift s ON s.id = g.shift JOIN project p ON p.id = s.project "
                           "WHERE g.person = ? AND g.status IN ('confirmed', 'waitlisted') "
                           "ORDER BY s.starts_at"
                         : "SELECT s.id, p.name, s.title, s.starts_at, s.ends_at, s.status, "
                           "s.capacity, (SELECT name FROM place WHERE id = s.site) FROM shift s "
                           "JOIN project p ON p.id = s.project WHERE p.team = ? "
                           "ORDER BY s.starts_at",
                  &arg, 1, cal_row, &c);
    ical_end(&out);
    int rc = cli_write_file(output, &out);
    if (output && rc == EXIT_OK)
        printf("%d shift%s written to %s\n", c.count, c.count == 1 ? "" : "s", output);
    buf_free(&out);
    return rc;
}

const struct cli_command cli_exchange_commands[] = {
    {"import", cmd_import, CLI_NEEDS_CORE,
     "import people|needs FILE.csv [--skip-bad] [--roles R] [--community C]",
     "import a roster or a needs survey (UTF-8 or GB18030, Chinese or English headers); "
     "all or nothing"},
    {"export", cmd_export, CLI_NEEDS_CORE,
     "export people|hours|attendance [--format csv|json] [--output FILE] [--from D] [--to D]",
     "Excel-friendly CSV (UTF-8 with BOM, CRLF) or JSON; ID and phone numbers masked"},
    {"calendar", cmd_calendar, CLI_NEEDS_CORE, "calendar PERSON|TEAM [--output FILE]",
     "an iCalendar (.ics) of a person's or a team's shifts"},
    {NULL, NULL, 0, NULL, NULL}};
