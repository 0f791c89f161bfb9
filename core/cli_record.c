/*
** cli_record.c — a person's record (the five categories of 民政部令第67号:
** basic information, service, training, commendations, evaluation) and
** service-record certificates.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "certificate.h"
#include "cli.h"
#include "command.h"
#include "mask.h"
#include "model.h"
#include "value.h"



/* ---------------------------------------------------------------------- */
/* record                                                                 */

struct section {
    const char *title; /* 基本信息 */
    const char *key;   /* JSON key */
    const char *sql;   /* one parameter: the person's id */
    struct cli_columns cols;
};

static const char *const basic_heads[] = {"志愿者编号", "姓名", "性别", "出生日期", "证件类型",
                                          "证件号码", "手机", "社区", "角色", "技能",
                                          "登记时间"};
static const char *const basic_names[] = {"volunteer_no", "name", "gender", "birth_date",
                                          "id_type", "id_number", "phone", "community",
                                          "roles", "skills", "registered_at"};
static const int basic_times[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const char *const team_heads[] = {"服务队", "角色", "加入", "退出"};
static const char *const team_names[] = {"team", "role", "joined_at", "left_at"};
static const int team_times[] = {0, 0, 1, 1};
static const char *const service_heads[] = {"项目", "月份", "分钟", "次数"};
static const char *const service_names[] = {"project", "month", "minutes", "times"};
static const char *const visit_heads[] = {"ID", "班次", "签到", "签退", "分钟", "状态"};
static const char *const visit_names[] = {"id", "shift", "checkin_at", "checkout_at", "minutes",
                                          "status"};
static const int visit_times[] = {0, 0, 1, 1, 0, 0};
static const char *const training_heads[] = {"培训内容", "日期", "分钟", "组织单位", "结果"};
static const char *const training_names[] = {"course", "held_on", "minutes", "organiser",
                                             "result"};
static const char *const cert_heads[] = {"证书类型", "等级", "证书编号", "发证日期"};
static const char *const cert_names[] = {"kind", "level", "number", "issued_on"};
static const char *const honour_heads[] = {"荣誉名称", "级别", "授予单位", "日期"};
static const char *const honour_names[] = {"title", "level", "awarded_by", "awarded_on"};
static const char *const eval_heads[] = {"类别", "评分", "内容", "评价人", "日期"};
static const char *const eval_names[] = {"kind", "rating", "comment", "evaluator",
                                         "evaluated_on"};
static const char *const proof_heads[] = {"证明编号", "出具单位", "分钟", "出具日期", "状态"};
static const char *const proof_names[] = {"number", "org", "minutes", "issued_on", "state"};

#define COLS(h, n, t) {h, n, (int)(sizeof h / sizeof h[0]), t}

static const struct section sections[] = {
    {"一、基本信息", "basic",
     "SELECT p.volunteer_no, p.name, p.gender, p.birth_date, p.id_type, p.id_number, p.phone, "
     "(SELECT name FROM place WHERE id = p.community), p.roles, p.skills, p.registered_at "
     "FROM person p WHERE p.id = ?",
     COLS(basic_heads, basic_names, basic_times)},
    {"所在服务队", "teams",
     "SELECT t.name, m.role, m.joined_at, m.left_at FROM team_member m "
     "JOIN team t ON t.id = m.team WHERE m.person = ? ORDER BY m.joined_at",
     COLS(team_heads, team_names, team_times)},
    {"二、志愿服务情况（按月）", "service",
     "SELECT p.name, s.month, s.minutes, s.times FROM service_month s "
     "JOIN project p ON p.id = s.project WHERE s.person = ? AND s.times > 0 "
     "ORDER BY s.month, p.name",
     COLS(service_heads, service_names, NULL)},
    {"服务记录", "attendance",
     "SELECT a.id, s.title, a.checkin_at, a.checkout_at, a.minutes, a.status FROM attendance a "
     "JOIN shift s ON s.id = a.shift WHERE a.person = ? ORDER BY a.checkin_at",
     COLS(visit_heads, visit_names, visit_times)},
    {"三、培训情况", "training",
     "SELECT course, held_on, minutes, organiser, result FROM training WHERE person = ? "
     "ORDER BY held_on",
     COLS(training_heads, training_names, NULL)},
    {"资格证书", "certifications",
     "SELECT kind, level, number, issued_on FROM certification WHERE person = ? ORDER BY id",
     COLS(cert_heads, cert_names, NULL)},
    {"四、表彰奖励情况", "commendations",
     "SELECT title, level, awarded_by, awarded_on FROM commendation WHERE person = ? "
     "ORDER BY awarded_on",
     COLS(honour_heads, honour_names, NULL)},
    {"五、评价情况", "evaluations",
     "SELECT kind, rating, comment, evaluator, evaluated_on FROM evaluation WHERE person = ? "
     "ORDER BY evaluated_on",
     COLS(eval_heads, eval_names, NULL)},
    {"志愿服务记录证明", "certificates",
     "SELECT number, org_name, minutes, issued_on, CASE WHEN revoked_at IS NULL THEN '有效' "
     "ELSE '已撤销' END FROM certificate WHERE person = ? ORDER BY issued_on",
     COLS(proof_heads, proof_names, NULL)},
    {NULL, NULL, NULL, {NULL, NULL, 0, NULL}}};

/* The basic block shows ID and phone numbers masked: the query reads them,
** this row function masks them before anything prints. */
struct masked {
    struct cli *cli;
    jw *w;
    const struct cli_columns *cols;
};

static int basic_row(void *ud, int ncols, const tandem_value *cols)
{
    struct masked *m = ud;
    tandem_value v[16];
    char id[64] = "", phone[64] = "";
    for (int i = 0; i < ncols && i < 16; i++)
        v[i] = cols[i];
    if (v[5].type == TANDEM_TEXT && mask_id_number(v[5].u.s.p, id, sizeof id) == 0)
        v[5] = tandem_text(id);
    if (v[6].type == TANDEM_TEXT && mask_phone(v[6].u.s.p, phone, sizeof phone) == 0)
        v[6] = tandem_text(phone);
    if (m->w) {
        jw_object(m->w);
        for (int i = 0; i < ncols; i++) {
            char when[32];
            jw_key(m->w, m->cols->names[i]);
            if (m->cols->times && m->cols->times[i] && v[i].type == TANDEM_INT) {
                cli_format_time(v[i].u.i, when); /* as the other sections give times */
                jw_string(m->w, when);
            } else {
                value_write_json(m->w, &v[i]);
            }
        }
        jw_end(m->w);
        return 1;
    }
    static const char *const head[] = {"", ""};
    struct table *t = table_new(2, head);
    for (int i = 0; i < ncols; i++) {
        buf b = BUF_INIT;
        char when[32];
        if (m->cols->times && m->cols->times[i] && v[i].type == TANDEM_INT) {
            cli_format_time(v[i].u.i, when);
            buf_puts(&b, when);
        } else if (v[i].type != TANDEM_NIL) {
            value_format(&b, &v[i]);
        }
        const char *row[] = {m->cols->heads[i], buf_str(&b)};
        table_add(t, row);
        buf_free(&b);
    }
    table_print(t, stdout);
    table_free(t);
    return 1;
}

static int cmd_record(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    char *pos[1];
    int npos;
    int64_t person;
    const struct cli_opt opts[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "person", pos[0], &person, &res) != 0)
        return cli_reply(cli, &res, "record");
    tandem_value arg = tandem_int(person);
    struct service_total total;
    command_hours(cli->core, person, NULL, NULL, &total);
    buf json = BUF_INIT;
    jw w;
    jw_init(&w, &json, 1);
    jw_object(&w);
    if (!cli->json)
        printf("志愿服务记录 %s %s\n", total.name, total.volunteer_no);
    for (const struct section *s = sections; s->title; s++) {
        if (cli->json) {
            jw_key(&w, s->key);
            if (s == sections) {
                struct masked m = {cli, &w, &s->cols};
                command_query(cli->core, s->sql, &arg, 1, basic_row, &m);
            } else {
                cli_query_json(cli, &w, s->sql, &arg, 1, &s->cols);
            }
            continue;
        }
        printf("\n%s\n", s->title);
        if (s == sections) {
            struct masked m = {cli, NULL, &s->cols};
            command_query(cli->core, s->sql, &arg, 1, basic_row, &m);
        } else {
            cli_query_table(cli, s->sql, &arg, 1, &s->cols);
        }
        if (strcmp(s->key, "service") == 0)
            printf("合计：%" PRId64 " 分钟（%" PRId64 " 小时 %" PRId64 " 分钟），%" PRId64
                   " 次\n",
                   total.minutes, total.minutes / 60, total.minutes % 60, total.times);
    }
    jw_key(&w, "total_minutes");
    jw_int(&w, total.minutes);
    jw_key(&w, "total_times");
    jw_int(&w, total.times);
    jw_end(&w);
    if (cli->json)
        cli_print_json(&json);
    buf_free(&json);
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* certificate                                                            */


static int cert_issue(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *org = NULL, *from = NULL, *to = NULL, *handler = NULL, *notes = NULL;
    char *pos[1], number[40] = "";
    int npos;
    const struct cli_opt opts[] = {{"--org", &org, NULL},         {"--from", &from, NULL},
                                   {"--to", &to, NULL},           {"--handler", &handler, NULL},
                                   {"--notes", &notes, NULL},     {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    if (org == NULL)
        return cli_usage(cmd, "--org names the issuing organisation (the one that kept the "
                              "record)"),
               EXIT_USAGE;
    struct certificate_request rq = {0, 0, from, to, handler, notes};
    struct bus_result res;
    if (command_resolve(cli->core, "person", pos[0], &rq.person, &res) != 0 ||
        command_resolve(cli->core, "org", org, &rq.org, &res) != 0 ||
        certificate_issue(cli->core, &rq, &res, number, sizeof number) != BUS_OK)
        return cli_reply(cli, &res, "certificate.issued");
    struct certificate cert;
    if (!cli->json && certificate_load(cli->core, number, &cert) == 0) {
        printf("certificate %s issued (event %" PRId64 ")\nverification code: %s\n"
               "print it with: tandem certificate show %s --html --output %s.html\n",
               number, res.id, cert.code, number, number);
        certificate_clear(&cert);
        bus_result_clear(&res);
        return EXIT_OK;
    }
    return cli_reply(cli, &res, "certificate.issued");
}

static int cert_show(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *output = NULL;
    int html = 0, npos;
    char *pos[1];
    const struct cli_opt opts[] = {{"--html", NULL, &html},
                                   {"--json", NULL, &cli->json},
                                   {"--output", &output, NULL},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    struct certificate cert;
    if (certificate_load(cli->core, pos[0], &cert) != 0) {
        cli_error("there is no certificate %s", pos[0]);
        return EXIT_ERROR;
    }
    buf b = BUF_INIT;
    if (html)
        certificate_html(&cert, &b);
    else
        certificate_json(&cert, &b);
    int rc = cli_write_file(output, &b);
    buf_free(&b);
    certificate_clear(&cert);
    return rc;
}

static char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    if (f == NULL)
        return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.n < (1 << 20))
        buf_add(&b, chunk, n);
    fclose(f);
    return buf_steal(&b);
}

static int cert_verify(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *file = NULL;
    char *pos[2], why[600], err[300];
    int npos;
    const struct cli_opt opts[] = {{"--file", &file, NULL}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 0, 2, &npos) != 0)
        return EXIT_USAGE;
    if ((file == NULL) != (npos == 2))
        return cli_usage(cmd, "give NUMBER CODE, or --file CERTIFICATE.json"), EXIT_USAGE;
    struct certificate cert;
    if (file) {
        char *text = read_text_file(file);
        if (text == NULL) {
            cli_error("%s: %s", file, strerror(errno));
            return EXIT_ERROR;
        }
        int bad = certificate_from_json(text, &cert, err, sizeof err);
        free(text);
        if (bad) {
            cli_error("%s: %s", file, err);
            return EXIT_ERROR;
        }
    } else if (certificate_load(cli->core, pos[0], &cert) != 0) {
        printf("INVALID: there is no certificate %s in the register\n", pos[0]);
        return EXIT_ERROR;
    }
    int ok = certificate_verify(cli->core, &cert, file ? NULL : pos[1], why, sizeof why) == 0;
    if (ok)
        printf("VALID: certificate %s, %s (%s), %s minutes, issued by %s on %s\n", cert.fact[0],
               cert.fact[1], cert.fact[4], cert.fact[9], cert.fact[6], cert.fact[15]);
    if (ok && certificate_in_publicity(cli->core, &cert))
        printf("in its publicity period (公示期) until %s: valid, but not final until then\n",
               cert.fact[16]);
    if (!ok)
        printf("INVALID: %s\n", why);
    certificate_clear(&cert);
    return ok ? EXIT_OK : EXIT_ERROR;
}

static int cert_revoke(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *reason = NULL;
    char *pos[1];
    int npos;
    const struct cli_opt opts[] = {
        {"--reason", &reason, NULL}, {"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    if (reason == NULL)
        return cli_usage(cmd, "--reason is required"), EXIT_USAGE;
    struct bus_result res;
    command_submit(cli->core, "certificate.revoked", &res, "s:number", pos[0], "s:reason", reason,
                   NULL);
    return cli_reply(cli, &res, "certificate.revoked");
}

static int cmd_certificate(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    if (argc < 2)
        return cli_usage(cmd, "which verb?"), EXIT_USAGE;
    if (strcmp(argv[1], "issue") == 0)
        return cert_issue(cli, cmd, argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return cert_show(cli, cmd, argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return cert_verify(cli, cmd, argc - 1, argv + 1);
    if (strcmp(argv[1], "revoke") == 0)
        return cert_revoke(cli, cmd, argc - 1, argv + 1);
    return cli_usage(cmd, "unknown verb '%s'", argv[1]), EXIT_USAGE;
}

const struct cli_command cli_record_commands[] = {
    {"record", cmd_record, CLI_NEEDS_CORE, "record PERSON [--json]",
     "a person's record: basic information, service, training, commendations, evaluation"},
    {"certificate", cmd_certificate, CLI_NEEDS_CORE,
     "certificate issue PERSON --org ORG [--from DATE] [--to DATE] [--handler NAME] [--notes T] "
     "| show NUMBER [--html|--json] [--output FILE] | verify NUMBER CODE | verify --file FILE "
     "| revoke NUMBER --reason R",
     "service-record certificates (志愿服务记录证明): issue, print, verify, revoke"},
    {NULL, NULL, 0, NULL, NULL}};
