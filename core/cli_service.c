/*
** cli_service.c — the service record: signup, checkin, checkout,
** attendance, hours, record and certificate.
*/
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



/* Parses an optional time flag into *t (default: now). */
static int time_arg(struct cli *cli, const struct cli_command *cmd, const char *flag,
                    const char *text, int64_t *t)
{
    *t = core_now(cli->core);
    if (text && core_parse_time(text, t) != 0)
        return cli_usage(cmd, "%s: '%s' is not a time such as 2026-03-02 07:20", flag, text);
    return 0;
}

static void hours_text(int64_t minutes, char *out, size_t len)
{
    snprintf(out, len, "%" PRId64 " 分钟（%" PRId64 " 小时 %" PRId64 " 分钟）", minutes,
             minutes / 60, minutes % 60);
}

/* ---------------------------------------------------------------------- */
/* Sign-ups                                                               */

static int signup_create(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *note = NULL;
    char *pos[2];
    int npos;
    const struct cli_opt opts[] = {
        {"--note", &note, NULL}, {"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 2, 2, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    int64_t shift, person;
    if (command_resolve(cli->core, "shift", pos[0], &shift, &res) != 0 ||
        command_resolve(cli->core, "person", pos[1], &person, &res) != 0 ||
        command_submit(cli->core, "signup.created", &res, "i:shift", shift, "i:person", person,
                       "s:note", note, NULL) != BUS_OK)
        return cli_reply(cli, &res, "signup.created");
    char status[32] = "";
    tandem_value arg = tandem_int(res.id);
    model_text(cli->core, "SELECT status FROM signup WHERE id = ?", &arg, 1, status,
               sizeof status);
    if (!cli->json)
        printf("sign-up %" PRId64 ": %s\n", res.id, status);
    int rc = cli->json ? cli_report(cli, &res, "signup.created") : EXIT_OK;
    bus_result_clear(&res);
    return rc;
}

static int signup_cancel(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *reason = NULL;
    char *pos[1];
    int npos;
    int64_t id;
    const struct cli_opt opts[] = {
        {"--reason", &reason, NULL}, {"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0 ||
        cli_id(cmd, "SIGNUP", pos[0], &id) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    command_submit(cli->core, "signup.cancelled", &res, "i:signup", id, "s:reason", reason, NULL);
    return cli_reply(cli, &res, "signup.cancelled");
}

static int signup_list(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *shift = NULL, *person = NULL;
    int npos;
    const struct cli_opt opts[] = {{"--shift", &shift, NULL},
                                   {"--person", &person, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    int64_t s = 0, p = 0;
    if ((shift && command_resolve(cli->core, "shift", shift, &s, &res) != 0) ||
        (person && command_resolve(cli->core, "person", person, &p, &res) != 0))
        return cli_reply(cli, &res, "signup");
    static const char *const heads[] = {"ID", "班次", "开始", "志愿者", "状态", "报名时间"};
    static const char *const names[] = {"id", "shift", "starts_at", "person", "status",
                                        "created_at"};
    static const int times[] = {0, 0, 1, 0, 0, 1};
    tandem_value args[2] = {tandem_int(s), tandem_int(p)};
    cli_print_query(cli,
                "SELECT g.id, s.title, s.starts_at, p.name || ' ' || p.volunteer_no, g.status, "
                "g.created_at FROM signup g JOIN shift s ON s.id = g.shift "
                "JOIN person p ON p.id = g.person WHERE (?1 = 0 OR g.shift = ?1) "
                "AND (?2 = 0 OR g.person = ?2) ORDER BY s.starts_at, g.id",
                args, 2, heads, names, 6, times);
    return EXIT_OK;
}

static int cmd_signup(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    if (argc > 1 && strcmp(argv[1], "cancel") == 0)
        return signup_cancel(cli, cmd, argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "list") == 0)
        return signup_list(cli, cmd, argc - 1, argv + 1);
    return signup_create(cli, cmd, argc, argv);
}

/* ---------------------------------------------------------------------- */
/* Check-in and check-out                                                 */

static int cmd_checkin(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *at = NULL, *source = "cli";
    char *pos[2];
    int npos;
    int64_t when, shift, person;
    const struct cli_opt opts[] = {{"--at", &at, NULL},
                                   {"--source", &source, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 2, 2, &npos) != 0 ||
        time_arg(cli, cmd, "--at", at, &when) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "shift", pos[0], &shift, &res) == 0 &&
        command_resolve(cli->core, "person", pos[1], &person, &res) == 0)
        command_submit(cli->core, "attendance.checked_in", &res, "i:shift", shift, "i:person",
                       person, "i:at", when, "s:source", source, NULL);
    return cli_reply(cli, &res, "attendance.checked_in");
}

static int cmd_checkout(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *at = NULL, *source = "cli";
    char *pos[1];
    int npos;
    int64_t when, person;
    const struct cli_opt opts[] = {{"--at", &at, NULL},
                                   {"--source", &source, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0 ||
        time_arg(cli, cmd, "--at", at, &when) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "person", pos[0], &person, &res) != 0)
        return cli_reply(cli, &res, "attendance.checked_out");
    tandem_value arg = tandem_int(person);
    int64_t open = model_int(cli->core,
                             "SELECT id FROM attendance WHERE person = ? AND status = 'open'",
                             &arg, 1, 0);
    if (open == 0) {
        cli_error("%s is not checked in", pos[0]);
        return EXIT_ERROR;
    }
    if (command_submit(cli->core, "attendance.checked_out", &res, "i:attendance", open, "i:at",
                       when, "s:source", source, NULL) == BUS_OK &&
        !cli->json) {
        tandem_value a = tandem_int(open);
        int64_t minutes = model_int(cli->core, "SELECT minutes FROM attendance WHERE id = ?", &a,
                                    1, 0);
        char h[80];
        hours_text(minutes, h, sizeof h);
        printf("attendance %" PRId64 " closed: %s\n", open, h);
        bus_result_clear(&res);
        return EXIT_OK;
    }
    return cli_reply(cli, &res, "attendance.checked_out");
}

/* ---------------------------------------------------------------------- */
/* Attendance                                                             */

static int attendance_list(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *person = NULL, *shift = NULL, *status = NULL;
    int npos;
    const struct cli_opt opts[] = {{"--person", &person, NULL},
                                   {"--shift", &shift, NULL},
                                   {"--status", &status, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    int64_t s = 0, p = 0;
    if ((shift && command_resolve(cli->core, "shift", shift, &s, &res) != 0) ||
        (person && command_resolve(cli->core, "person", person, &p, &res) != 0))
        return cli_reply(cli, &res, "attendance");
    static const char *const heads[] = {"ID",   "志愿者", "班次",   "签到", "签退",
                                        "分钟", "状态",   "标记",   "原分钟"};
    static const char *const names[] = {"id",      "person", "shift", "checkin_at",
                                        "checkout_at", "minutes", "status", "flag",
                                        "original_minutes"};
    static const int times[] = {0, 0, 0, 1, 1, 0, 0, 0, 0};
    tandem_value args[3] = {tandem_int(s), tandem_int(p), tandem_text(status ? status : "")};
    cli_print_query(cli,
                "SELECT a.id, p.name || ' ' || p.volunteer_no, s.title, a.checkin_at, "
                "a.checkout_at, a.minutes, a.status, a.flag, a.original_minutes "
                "FROM attendance a JOIN shift s ON s.id = a.shift JOIN person p ON p.id = a.person "
                "WHERE (?1 = 0 OR a.shift = ?1) AND (?2 = 0 OR a.person = ?2) "
                "AND (?3 = '' OR a.status = ?3) ORDER BY a.checkin_at, a.id",
                args, 3, heads, names, 9, times);
    return EXIT_OK;
}

static int attendance_approve(struct cli *cli, const struct cli_command *cmd, int argc,
                              char **argv)
{
    const char *approver = NULL, *correction = NULL;
    char *pos[1];
    int npos;
    int64_t id = 0, cid = 0, who;
    const struct cli_opt opts[] = {{"--approver", &approver, NULL},
                                   {"--correction", &correction, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 0, 1, &npos) != 0)
        return EXIT_USAGE;
    if (approver == NULL || (npos == 0) == (correction == NULL))
        return cli_usage(cmd, "give --approver and either an ATTENDANCE (a back-entry) or "
                              "--correction ID"),
               EXIT_USAGE;
    if ((npos && cli_id(cmd, "ATTENDANCE", pos[0], &id) != 0) ||
        (correction && cli_id(cmd, "--correction", correction, &cid) != 0))
        return EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "person", approver, &who, &res) == 0)
        command_submit(cli->core, "attendance.approved", &res, "i:approver", who,
                       id ? "i:attendance" : "i:correction", id ? id : cid, NULL);
    return cli_reply(cli, &res, "attendance.approved");
}

static int attendance_revoke(struct cli *cli, const struct cli_command *cmd, int argc,
                             char **argv)
{
    const char *reason = NULL;
    char *pos[1];
    int npos;
    int64_t id;
    const struct cli_opt opts[] = {
        {"--reason", &reason, NULL}, {"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0 ||
        cli_id(cmd, "ATTENDANCE", pos[0], &id) != 0)
        return EXIT_USAGE;
    if (reason == NULL)
        return cli_usage(cmd, "--reason is required"), EXIT_USAGE;
    struct bus_result res;
    command_submit(cli->core, "attendance.revoked", &res, "i:attendance", id, "s:reason", reason,
                   NULL);
    return cli_reply(cli, &res, "attendance.revoked");
}

static int attendance_correct(struct cli *cli, const struct cli_command *cmd, int argc,
                              char **argv)
{
    const char *in = NULL, *out = NULL, *reason = NULL;
    char *pos[1];
    int npos;
    int64_t id, tin = 0, tout = 0;
    const struct cli_opt opts[] = {{"--checkin-at", &in, NULL},
                                   {"--checkout-at", &out, NULL},
                                   {"--reason", &reason, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0 ||
        cli_id(cmd, "ATTENDANCE", pos[0], &id) != 0)
        return EXIT_USAGE;
    if (reason == NULL || (in == NULL && out == NULL))
        return cli_usage(cmd, "give --reason and --checkin-at and/or --checkout-at"), EXIT_USAGE;
    if ((in && time_arg(cli, cmd, "--checkin-at", in, &tin) != 0) ||
        (out && time_arg(cli, cmd, "--checkout-at", out, &tout) != 0))
        return EXIT_USAGE;
    struct bus_result res;
    tandem_event *ev = event_new("attendance.correction_requested");
    if (ev && event_set_meta(ev, cli->core->actor, "cli", NULL) == 0 &&
        event_set_int(ev, "attendance", id) == 0 && event_set_text(ev, "reason", reason) == 0 &&
        (!in || event_set_int(ev, "checkin_at", tin) == 0) &&
        (!out || event_set_int(ev, "checkout_at", tout) == 0)) {
        command_submit_event(cli->core, ev, &res);
    } else {
        event_free(ev);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    if (res.status == BUS_OK && !cli->json) {
        printf("correction %" PRId64 " requested for attendance %" PRId64
               "; an approver confirms it with: tandem attendance approve --correction %" PRId64
               " --approver PERSON\n",
               res.id, id, res.id);
        bus_result_clear(&res);
        return EXIT_OK;
    }
    return cli_reply(cli, &res, "attendance.correction_requested");
}

static int attendance_back_entry(struct cli *cli, const struct cli_command *cmd, int argc,
                                 char **argv)
{
    const char *in = NULL, *out = NULL, *reason = NULL;
    char *pos[2];
    int npos;
    int64_t tin, tout, shift, person;
    const struct cli_opt opts[] = {{"--checkin-at", &in, NULL},
                                   {"--checkout-at", &out, NULL},
                                   {"--reason", &reason, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 2, 2, &npos) != 0)
        return EXIT_USAGE;
    if (in == NULL || out == NULL || reason == NULL)
        return cli_usage(cmd, "give --checkin-at, --checkout-at and --reason"), EXIT_USAGE;
    if (time_arg(cli, cmd, "--checkin-at", in, &tin) != 0 ||
        time_arg(cli, cmd, "--checkout-at", out, &tout) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "shift", pos[0], &shift, &res) == 0 &&
        command_resolve(cli->core, "person", pos[1], &person, &res) == 0)
        command_submit(cli->core, "attendance.back_entered", &res, "i:shift", shift, "i:person",
                       person, "i:checkin_at", tin, "i:checkout_at", tout, "s:reason", reason,
                       NULL);
    if (res.status == BUS_OK && !cli->json) {
        printf("back-entry %" PRId64 " recorded, waiting for approval: tandem attendance approve "
               "%" PRId64 " --approver PERSON\n",
               res.id, res.id);
        bus_result_clear(&res);
        return EXIT_OK;
    }
    return cli_reply(cli, &res, "attendance.back_entered");
}

static int attendance_close(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    int npos, closed;
    char err[400] = "";
    if (cli_args(cmd, argc, argv, NULL, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    if (attendance_close_forgotten(cli->core, &closed, err, sizeof err) != 0) {
        cli_error("%s", err);
        return EXIT_ERROR;
    }
    printf("closed %d forgotten check-out%s\n", closed, closed == 1 ? "" : "s");
    if (err[0])
        cli_error("%s", err);
    return err[0] ? EXIT_ERROR : EXIT_OK;
}

static int cmd_attendance(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    static const struct {
        const char *verb;
        int (*fn)(struct cli *, const struct cli_command *, int, char **);
    } verbs[] = {{"list", attendance_list},       {"approve", attendance_approve},
                 {"revoke", attendance_revoke},   {"correct", attendance_correct},
                 {"back-entry", attendance_back_entry}, {"close-forgotten", attendance_close},
                 {NULL, NULL}};
    for (int i = 0; argc > 1 && verbs[i].verb; i++)
        if (strcmp(argv[1], verbs[i].verb) == 0)
            return verbs[i].fn(cli, cmd, argc - 1, argv + 1);
    return cli_usage(cmd, argc > 1 ? "unknown verb" : "which verb?"), EXIT_USAGE;
}

/* ---------------------------------------------------------------------- */
/* Hours and records                                                      */

static int cmd_hours(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *from = NULL, *to = NULL;
    char *pos[1];
    int npos;
    int64_t person;
    const struct cli_opt opts[] = {{"--from", &from, NULL},
                                   {"--to", &to, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "person", pos[0], &person, &res) != 0)
        return cli_reply(cli, &res, "hours");
    struct service_total t;
    if (command_hours(cli->core, person, from, to, &t) != 0) {
        cli_error("--from/--to: use dates such as 2026-03-01");
        return EXIT_USAGE;
    }
    if (cli->json) {
        buf b = BUF_INIT;
        jw w;
        jw_init(&w, &b, 1);
        jw_object(&w);
        jw_key(&w, "person");
        jw_string(&w, t.volunteer_no);
        jw_key(&w, "name");
        jw_string(&w, t.name);
        jw_key(&w, "minutes");
        jw_int(&w, t.minutes);
        jw_key(&w, "times");
        jw_int(&w, t.times);
        jw_key(&w, "from");
        from ? jw_string(&w, from) : jw_null(&w);
        jw_key(&w, "to");
        to ? jw_string(&w, to) : jw_null(&w);
        jw_end(&w);
        cli_print_json(&b);
        buf_free(&b);
        return EXIT_OK;
    }
    char h[80];
    hours_text(t.minutes, h, sizeof h);
    printf("%s %s: %s, %" PRId64 " 次服务%s%s%s%s\n", t.name, t.volunteer_no, h, t.times,
           from ? " from " : "", from ? from : "", to ? " to " : "", to ? to : "");
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Alerts                                                                 */

static int cmd_alerts(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *close = NULL, *note = NULL, *for_whom = NULL;
    int npos, all = 0;
    int64_t person = 0;
    const struct cli_opt opts[] = {{"--all", NULL, &all},
                                   {"--close", &close, NULL},
                                   {"--note", &note, NULL},
                                   {"--for", &for_whom, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    if (close) {
        int64_t id;
        struct bus_result res;
        if (cli_id(cmd, "--close", close, &id) != 0)
            return EXIT_USAGE;
        command_submit(cli->core, "alert.closed", &res, "i:alert", id, "s:note", note, NULL);
        return cli_reply(cli, &res, "alert.closed");
    }
    static const char *const heads[] = {"ID", "时间", "类别", "社区", "提醒", "处理"};
    static const char *const names[] = {"id", "raised_at", "kind", "place", "message", "closed_at"};
    static const int times[] = {0, 1, 0, 0, 0, 1};
    struct bus_result res;
    if (for_whom && command_resolve(cli->core, "person", for_whom, &person, &res) != 0)
        return cli_reply(cli, &res, "alerts");
    tandem_value args[2] = {tandem_int(all), tandem_int(person)};
    cli_print_query(cli,
                    "SELECT a.id, a.raised_at, a.kind, (SELECT name FROM place WHERE id = "
                    "a.place), a.message, a.closed_at FROM alert a WHERE (?1 OR a.closed_at IS "
                    "NULL) AND (?2 = 0 OR a.person = ?2) ORDER BY a.id",
                    args, 2, heads, names, 6, times);
    return EXIT_OK;
}

const struct cli_command cli_service_commands[] = {
    {"alerts", cmd_alerts, CLI_NEEDS_CORE,
     "alerts [--all] [--for PERSON] [--close ID [--note T]] [--json]",
     "alerts programmes raised (under-filled shifts, overdue visits ...); close one when handled"},
    {"signup", cmd_signup, CLI_NEEDS_CORE,
     "signup SHIFT PERSON [--note T] | signup cancel SIGNUP [--reason R] | signup list "
     "[--shift S] [--person P]",
     "sign a volunteer up for a shift (confirmed, or waitlisted when full)"},
    {"checkin", cmd_checkin, CLI_NEEDS_CORE, "checkin SHIFT PERSON [--at TIME] [--source S]",
     "check a volunteer in (within the shift's check-in window)"},
    {"checkout", cmd_checkout, CLI_NEEDS_CORE, "checkout PERSON [--at TIME] [--source S]",
     "check a volunteer out; prints the service minutes"},
    {"attendance", cmd_attendance, CLI_NEEDS_CORE,
     "attendance list|approve|revoke|correct|back-entry|close-forgotten ...",
     "attendance records, corrections and back-entry (补录) with approval"},
    {"hours", cmd_hours, CLI_NEEDS_CORE, "hours PERSON [--from DATE] [--to DATE] [--json]",
     "a person's counted service time, in exact minutes"},
    {NULL, NULL, 0, NULL, NULL}};
