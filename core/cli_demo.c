/*
** cli_demo.c — `tandem demo`: builds the demo database and prints what each
** community did (demo.c does the work).
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "json.h"

static void print_json(const struct demo_options *o, const struct demo_report *r)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out, 1);
    jw_object(&w);
    jw_key(&w, "database");
    jw_string(&w, o->database);
    jw_key(&w, "seed");
    jw_int(&w, (int64_t)o->seed);
    jw_key(&w, "first_day");
    jw_string(&w, r->first_day);
    jw_key(&w, "last_day");
    jw_string(&w, r->last_day);
    jw_key(&w, "events");
    jw_int(&w, r->events);
    jw_key(&w, "commands");
    jw_int(&w, r->commands);
    jw_key(&w, "refused");
    jw_int(&w, r->refused);
    jw_key(&w, "communities");
    jw_array(&w);
    for (size_t i = 0; i < r->n; i++) {
        const struct demo_row *row = &r->rows[i];
        jw_object(&w);
        jw_key(&w, "place");
        jw_int(&w, row->place);
        jw_key(&w, "community");
        jw_string(&w, row->community);
        jw_key(&w, "volunteers");
        jw_int(&w, row->volunteers);
        jw_key(&w, "teams");
        jw_int(&w, row->teams);
        jw_key(&w, "minutes");
        jw_int(&w, row->minutes);
        jw_key(&w, "person_times");
        jw_int(&w, row->times);
        jw_key(&w, "points_issued");
        jw_real(&w, row->issued);
        jw_key(&w, "points_redeemed");
        jw_real(&w, row->redeemed);
        jw_key(&w, "alerts");
        jw_int(&w, row->alerts);
        jw_end(&w);
    }
    jw_end(&w);
    jw_end(&w);
    printf("%s\n", buf_str(&out));
    buf_free(&out);
}

static void add_row(struct table *t, const struct demo_row *row)
{
    char cells[8][48];
    snprintf(cells[0], sizeof cells[0], "%" PRId64, row->volunteers);
    snprintf(cells[1], sizeof cells[1], "%" PRId64, row->teams);
    snprintf(cells[2], sizeof cells[2], "%.1f", (double)row->minutes / 60.0);
    snprintf(cells[3], sizeof cells[3], "%" PRId64, row->times);
    snprintf(cells[4], sizeof cells[4], "%.2f", row->issued);
    snprintf(cells[5], sizeof cells[5], "%.2f", row->redeemed);
    snprintf(cells[6], sizeof cells[6], "%" PRId64, row->alerts);
    const char *line[] = {row->community, cells[0], cells[1], cells[2],
                          cells[3],       cells[4], cells[5], cells[6]};
    table_add(t, line);
}

static void print_table(const struct demo_options *o, const struct demo_report *r)
{
    static const char *const heads[] = {"社区",     "志愿者",   "服务队",   "服务时长(小时)",
                                        "服务人次", "发放积分", "兑换积分", "预警"};
    printf("%s: %s 至 %s，%d 周，种子 %" PRIu64 "：%" PRId64 " 个事件（模拟 %" PRId64
           " 次操作，其中 %" PRId64 " 次被规则拒绝）\n\n",
           o->database, r->first_day, r->last_day, o->weeks, o->seed, r->events, r->commands,
           r->refused);
    struct table *t = table_new(8, heads);
    struct demo_row total = {0, "合计", 0, 0, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < r->n; i++) {
        add_row(t, &r->rows[i]);
        total.volunteers += r->rows[i].volunteers;
        total.teams += r->rows[i].teams;
        total.minutes += r->rows[i].minutes;
        total.times += r->rows[i].times;
        total.alerts += r->rows[i].alerts;
        total.issued += r->rows[i].issued;
        total.redeemed += r->rows[i].redeemed;
    }
    add_row(t, &total);
    table_print(t, stdout);
    table_free(t);
    printf("\n接着看看：tandem --db %s alerts（预警）；tandem --db %s report（报表）；"
           "tandem --db %s events --topic \"incident.*\"（河道事件）\n",
           o->database, o->database, o->database);
}

static int parse_count(const struct cli_command *cmd, const char *what, const char *s, int max,
                       int64_t *out)
{
    if (cli_id(cmd, what, s, out) != 0)
        return -1;
    if (*out > max)
        return cli_usage(cmd, "%s is at most %d", what, max), -1;
    return 0;
}

static int cmd_demo(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *db = NULL, *seed = NULL, *weeks = NULL;
    int quiet = 0;
    const struct cli_opt opts[] = {{"--db", &db, NULL},          {"--seed", &seed, NULL},
                                   {"--weeks", &weeks, NULL},    {"--quiet", NULL, &quiet},
                                   {"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    char *pos[1];
    int npos;
    if (cli_args(cmd, argc, argv, opts, pos, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    int64_t s = 1, w = 4;
    if ((seed && parse_count(cmd, "--seed", seed, 2000000000, &s) != 0) ||
        (weeks && parse_count(cmd, "--weeks", weeks, 18, &w) != 0))
        return EXIT_USAGE;
    struct demo_options o = {cli->config_path,
                             db              ? db
                             : cli->database ? cli->database
                                             : "demo.db",
                             (uint64_t)s, (int)w, !quiet && !cli->json && isatty(2)};
    struct demo_report r;
    char err[3000];
    if (demo_run(&o, &r, err, sizeof err) != 0) {
        cli_error("demo: %s", err);
        return EXIT_ERROR;
    }
    if (cli->json)
        print_json(&o, &r);
    else
        print_table(&o, &r);
    demo_report_free(&r);
    return EXIT_OK;
}

const struct cli_command cli_demo_commands[] = {
    {"demo", cmd_demo, CLI_NEEDS_NOTHING,
     "demo [--db PATH] [--seed N] [--weeks N] [--quiet] [--json]",
     "build a demo database from the pilots and simulate weeks of their programmes"},
    {NULL, NULL, 0, NULL, NULL}};
