/*
** cli_points.c — points, rewards and matching: `points balance|history|
** adjust`, `rules preview`, `redeem`, `redemption confirm|cancel|list` and
** `match`.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cli.h"
#include "command.h"
#include "ledger.h"
#include "match.h"
#include "model.h"
#include "preview.h"
#include "value.h"



/* ---------------------------------------------------------------------- */
/* points                                                                 */

/* {"person": ID, "volunteer_no": …, "name": …, "points": N}: the public
** number and the name beside the internal id, as `hours --json` has them. */
static void balance_json(int64_t person, const char *volunteer_no, const char *name,
                         const char *amount)
{
    buf json = BUF_INIT;
    jw w;
    jw_init(&w, &json, 1);
    jw_object(&w);
    jw_key(&w, "person");
    jw_int(&w, person);
    jw_key(&w, "volunteer_no");
    jw_string(&w, volunteer_no);
    jw_key(&w, "name");
    jw_string(&w, name);
    jw_key(&w, "points");
    jw_raw(&w, amount);
    jw_end(&w);
    cli_print_json(&json);
    buf_free(&json);
}

static int points_balance(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    char *pos[1], amount[32], name[160], number[40];
    int npos;
    int64_t person;
    const struct cli_opt opts[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "person", pos[0], &person, &res) != 0)
        return cli_reply(cli, &res, "points");
    int64_t balance = ledger_balance(cli->core, person);
    tandem_value arg = tandem_int(person);
    model_text(cli->core, "SELECT name FROM person WHERE id = ?", &arg, 1, name, sizeof name);
    model_text(cli->core, "SELECT volunteer_no FROM person WHERE id = ?", &arg, 1, number,
               sizeof number);
    ledger_format(balance, amount);
    if (cli->json)
        balance_json(person, number, name, amount);
    else
        printf("%s %s: %s 积分\n", name, number, amount);
    return EXIT_OK;
}

/* "attendance 14 ← shift 12 早高峰护学 03-02 07:20–08:00" for an attendance. */
static void describe_attendance(struct cli *cli, int64_t id, buf *out)
{
    char text[400];
    tandem_value arg = tandem_int(id);
    if (model_text(cli->core,
                   "SELECT 'shift ' || s.id || ' ' || s.title || ' ' || "
                   "strftime('%m-%d %H:%M', s.starts_at, 'unixepoch', 'localtime') || '–' || "
                   "strftime('%H:%M', s.ends_at, 'unixepoch', 'localtime') FROM attendance a "
                   "JOIN shift s ON s.id = a.shift WHERE a.id = ?",
                   &arg, 1, text, sizeof text) == 0)
        buf_printf(out, " ← attendance %" PRId64 " ← %s", id, text);
}

struct history {
    struct cli *cli;
    int64_t person;
    struct table *t;
    jw w;
};

static int history_row(void *ud, int ncols, const tandem_value *cols)
{
    struct history *h = ud;
    char when[32], amount[32], cause[32] = "";
    buf why = BUF_INIT;
    (void)ncols;
    int64_t id = cols[0].u.i, signed_amount = cols[1].u.i;
    const char *kind = cols[2].u.s.p;
    cli_format_time(cols[3].u.i, when);
    ledger_format(signed_amount, amount);
    if (signed_amount > 0)
        memmove(amount + 1, amount, strlen(amount) + 1), amount[0] = '+';
    buf_printf(&why, "%s", amount);
    if (cols[6].type == TANDEM_TEXT)
        buf_printf(&why, " %s", cols[6].u.s.p);
    if (cols[7].type == TANDEM_INT)
        describe_attendance(h->cli, cols[7].u.i, &why);
    else if (cols[8].type == TANDEM_TEXT)
        buf_printf(&why, " ← %s", cols[8].u.s.p);
    if (cols[5].type == TANDEM_INT)
        snprintf(cause, sizeof cause, "%" PRId64, cols[5].u.i);
    if (h->cli->json) {
        jw_object(&h->w);
        jw_key(&h->w, "id");
        jw_int(&h->w, id);
        jw_key(&h->w, "points");
        jw_raw(&h->w, amount[0] == '+' ? amount + 1 : amount);
        jw_key(&h->w, "kind");
        jw_string(&h->w, kind);
        jw_key(&h->w, "time");
        jw_int(&h->w, cols[3].u.i);
        jw_key(&h->w, "rule");
        cols[4].type == TANDEM_TEXT ? jw_string(&h->w, cols[4].u.s.p) : jw_null(&h->w);
        jw_key(&h->w, "caused_by");
        cols[5].type == TANDEM_INT ? jw_int(&h->w, cols[5].u.i) : jw_null(&h->w);
        jw_key(&h->w, "explanation");
        jw_string(&h->w, buf_str(&why));
        jw_end(&h->w);
    } else {
        char idtext[24];
        snprintf(idtext, sizeof idtext, "%" PRId64, id);
        const char *row[] = {idtext, when, kind,
                             cols[4].type == TANDEM_TEXT ? cols[4].u.s.p : "", cause,
                             buf_str(&why)};
        table_add(h->t, row);
    }
    buf_free(&why);
    return 0;
}

static int points_history(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    char *pos[1];
    int npos;
    int64_t person;
    const struct cli_opt opts[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "person", pos[0], &person, &res) != 0)
        return cli_reply(cli, &res, "points");
    static const char *const head[] = {"ID", "TIME", "KIND", "RULE", "CAUSE", "POINTS ← WHY"};
    struct history h = {cli, person, NULL, {0}};
    buf json = BUF_INIT;
    if (cli->json) {
        jw_init(&h.w, &json, 1);
        jw_array(&h.w);
    } else {
        h.t = table_new(6, head);
    }
    tandem_value args[2] = {tandem_int(person), tandem_int(ledger_account(cli->core,
                                                                          ACCOUNT_PERSON, person))};
    command_query(cli->core,
                  "SELECT t.id, CASE WHEN t.to_account = ?2 THEN t.amount ELSE -t.amount END, "
                  "t.kind, t.at, t.rule, t.cause, t.reason, t.attendance, "
                  "(SELECT topic || ' ' || id FROM journal WHERE id = t.cause) FROM transfer t "
                  "WHERE t.person = ?1 ORDER BY t.id",
                  args, 2, history_row, &h);
    if (cli->json) {
        jw_end(&h.w);
        cli_print_json(&json);
    } else {
        table_print(h.t, stdout);
        table_free(h.t);
        char total[32];
        ledger_format(ledger_balance(cli->core, person), total);
        printf("balance: %s\n", total);
    }
    buf_free(&json);
    return EXIT_OK;
}

static int points_adjust(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *points = NULL, *reason = NULL, *approver = NULL;
    char *pos[1];
    int npos;
    int64_t person, who;
    double p;
    const struct cli_opt opts[] = {{"--points", &points, NULL},
                                   {"--reason", &reason, NULL},
                                   {"--approver", &approver, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    if (!points || !reason || !approver)
        return cli_usage(cmd, "an adjustment needs --points, --reason and --approver"),
               EXIT_USAGE;
    if (config_parse_real(points, &p) != 0)
        return cli_usage(cmd, "--points: '%s' is not a number", points), EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "person", pos[0], &person, &res) != 0 ||
        command_resolve(cli->core, "person", approver, &who, &res) != 0)
        return cli_reply(cli, &res, "points.adjusted");
    tandem_event *ev = event_new("points.adjusted");
    if (ev == NULL || event_set_meta(ev, cli->core->actor, "cli", NULL) ||
        event_set_int(ev, "person", person) ||
        event_set(ev, "points", &(tandem_value){TANDEM_REAL, {.r = p}}) ||
        event_set_text(ev, "reason", reason) || event_set_int(ev, "approver", who)) {
        event_free(ev);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    command_submit_event(cli->core, ev, &res);
    return cli_reply(cli, &res, "points.adjusted");
}

static int cmd_points(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    if (argc > 1 && strcmp(argv[1], "balance") == 0)
        return points_balance(cli, cmd, argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "history") == 0)
        return points_history(cli, cmd, argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "adjust") == 0)
        return points_adjust(cli, cmd, argc - 1, argv + 1);
    return cli_usage(cmd, argc > 1 ? "unknown verb" : "which verb?"), EXIT_USAGE;
}

/* ---------------------------------------------------------------------- */
/* rules preview                                                          */

static int cmd_rules(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *script = NULL, *file = NULL, *since = NULL;
    char *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"--script", &script, NULL},
                                   {"--file", &file, NULL},
                                   {"--since", &since, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    if (strcmp(pos[0], "preview") != 0 || script == NULL || file == NULL)
        return cli_usage(cmd, "rules preview --script NAME --file NEW.lua"), EXIT_USAGE;
    struct preview_request rq = {cli->core, script, file, 0};
    if (since && core_parse_time(since, &rq.since) != 0)
        return cli_usage(cmd, "--since: '%s' is not a date such as 2026-03-01", since),
               EXIT_USAGE;
    struct preview_row *rows = NULL;
    size_t n = 0;
    char err[1000];
    if (preview_rule(&rq, &rows, &n, err, sizeof err) != 0) {
        cli_error("%s", err);
        free(rows);
        return EXIT_ERROR;
    }
    buf json = BUF_INIT;
    jw w;
    jw_init(&w, &json, 1);
    jw_array(&w);
    static const char *const head[] = {"VOLUNTEER", "NAME", "NOW", "WITH NEW RULE", "DIFF"};
    struct table *t = table_new(5, head);
    int changed = 0;
    for (size_t i = 0; i < n; i++) {
        char now[32], then[32], diff[32];
        ledger_format(rows[i].now, now);
        ledger_format(rows[i].then, then);
        ledger_format(rows[i].then - rows[i].now, diff);
        changed += rows[i].now != rows[i].then;
        const char *row[] = {rows[i].volunteer_no, rows[i].name, now, then,
                             rows[i].then == rows[i].now ? "" : diff};
        table_add(t, row);
        jw_object(&w);
        jw_key(&w, "volunteer_no");
        jw_string(&w, rows[i].volunteer_no);
        jw_key(&w, "name");
        jw_string(&w, rows[i].name);
        jw_key(&w, "now");
        jw_raw(&w, now);
        jw_key(&w, "preview");
        jw_raw(&w, then);
        jw_end(&w);
    }
    jw_end(&w);
    if (cli->json) {
        cli_print_json(&json);
    } else {
        table_print(t, stdout);
        printf("%d of %zu balances would change; nothing was written\n", changed, n);
    }
    table_free(t);
    buf_free(&json);
    free(rows);
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* rewards                                                                */

static int cmd_redeem(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    char *pos[2], code[12];
    int npos;
    int64_t person, reward;
    const struct cli_opt opts[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 2, 2, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    if (command_resolve(cli->core, "person", pos[0], &person, &res) != 0 ||
        command_resolve(cli->core, "reward", pos[1], &reward, &res) != 0)
        return cli_reply(cli, &res, "reward.redeemed");
    rewards_new_code(cli->core, code);
    if (command_submit(cli->core, "reward.redeemed", &res, "i:reward", reward, "i:person", person,
                       "s:code", code, NULL) == BUS_OK &&
        !cli->json) {
        printf("redemption %" PRId64 ": code %s (show it to the merchant)\n", res.id, code);
        bus_result_clear(&res);
        return EXIT_OK;
    }
    return cli_reply(cli, &res, "reward.redeemed");
}

static int cmd_redemption(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *reason = NULL;
    char *pos[2];
    int npos;
    const struct cli_opt opts[] = {
        {"--reason", &reason, NULL}, {"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 2, &npos) != 0)
        return EXIT_USAGE;
    if (strcmp(pos[0], "list") == 0) {
        static const char *const heads[] = {"ID", "代码", "物品", "兑换人", "积分", "状态"};
        static const char *const names[] = {"id", "code", "reward", "person", "cost", "status"};
        cli_print_query(cli,
                        "SELECT d.id, d.code, r.name, p.name || ' ' || p.volunteer_no, "
                        "d.cost / 100.0, d.status FROM redemption d JOIN reward r ON r.id = "
                        "d.reward JOIN person p ON p.id = d.person ORDER BY d.id",
                        NULL, 0, heads, names, 6, NULL);
        return EXIT_OK;
    }
    int confirm = strcmp(pos[0], "confirm") == 0;
    if ((!confirm && strcmp(pos[0], "cancel") != 0) || npos != 2)
        return cli_usage(cmd, "redemption confirm|cancel CODE, or redemption list"), EXIT_USAGE;
    tandem_value code = tandem_text(pos[1]);
    int64_t id = model_int(cli->core, "SELECT id FROM redemption WHERE code = ? OR id = ?",
                           (tandem_value[]){code, tandem_int(atoll(pos[1]))}, 2, 0);
    if (id == 0) {
        cli_error("there is no redemption with code %s", pos[1]);
        return EXIT_ERROR;
    }
    struct bus_result res;
    const char *topic = confirm ? "reward.confirmed" : "reward.cancelled";
    command_submit(cli->core, topic, &res, "i:redemption", id, "s:reason", confirm ? NULL : reason,
                   NULL);
    return cli_reply(cli, &res, topic);
}

/* ---------------------------------------------------------------------- */
/* match                                                                  */

static void print_candidates(struct cli *cli, const struct match_candidate *m, size_t n,
                             int per_kind, jw *w)
{
    static const char *const head[] = {"KIND", "ID", "NAME", "SCORE", "WHY"};
    struct table *t = w ? NULL : table_new(5, head);
    int shown[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (shown[m[i].kind] >= per_kind || m[i].score <= 0)
            continue;
        shown[m[i].kind]++;
        char id[24], score[32];
        snprintf(id, sizeof id, "%" PRId64, m[i].id);
        snprintf(score, sizeof score, "%.1f", m[i].score);
        if (w) {
            jw_object(w);
            jw_key(w, "kind");
            jw_string(w, match_kind_names[m[i].kind]);
            jw_key(w, "id");
            jw_int(w, m[i].id);
            jw_key(w, "name");
            jw_string(w, m[i].name);
            jw_key(w, "score");
            jw_real(w, m[i].score);
            jw_key(w, "why");
            jw_string(w, m[i].why);
            jw_end(w);
            continue;
        }
        const char *row[] = {match_kind_names[m[i].kind], id, m[i].name, score, m[i].why};
        table_add(t, row);
    }
    if (t) {
        table_print(t, stdout);
        table_free(t);
    }
    (void)cli;
}

static int accept_match(struct cli *cli, const struct cli_command *cmd, int64_t need,
                        const char *accept, const struct match_candidate *m, size_t n)
{
    char kind[16];
    long long target;
    if (sscanf(accept, "%15[a-z]:%lld", kind, &target) != 2)
        return cli_usage(cmd, "--accept KIND:ID, e.g. resource:42"), EXIT_USAGE;
    double score = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i].id == target && strcmp(match_kind_names[m[i].kind], kind) == 0)
            score = m[i].score;
    tandem_event *ev = event_new("need.matched");
    struct bus_result res;
    if (ev == NULL || event_set_meta(ev, cli->core->actor, "cli", NULL) ||
        event_set_int(ev, "need", need) || event_set_text(ev, "kind", kind) ||
        event_set_int(ev, "target", target) ||
        event_set(ev, "score", &(tandem_value){TANDEM_REAL, {.r = score}})) {
        event_free(ev);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    command_submit_event(cli->core, ev, &res);
    return cli_reply(cli, &res, "need.matched");
}

static int match_one(struct cli *cli, const struct cli_command *cmd, const char *which,
                     const char *accept, int limit)
{
    struct match_need need;
    struct match_candidate *m = NULL;
    size_t n = 0;
    char err[300] = "";
    int64_t id;
    struct bus_result res;
    if (command_resolve(cli->core, "need", which, &id, &res) != 0)
        return cli_reply(cli, &res, "match");
    match_load_need(cli->core, id, &need);
    if (match_rank(cli->core, &need, &m, &n, err, sizeof err) != 0) {
        cli_error("%s", err);
        return EXIT_ERROR;
    }
    if (err[0])
        cli_error("%s", err);
    int rc = EXIT_OK;
    if (accept) {
        rc = accept_match(cli, cmd, id, accept, m, n);
    } else if (cli->json) {
        buf json = BUF_INIT;
        jw w;
        jw_init(&w, &json, 1);
        jw_array(&w);
        print_candidates(cli, m, n, limit, &w);
        jw_end(&w);
        cli_print_json(&json);
        buf_free(&json);
    } else {
        printf("need %" PRId64 " (%s): %s\n", need.id, need.category, need.text);
        print_candidates(cli, m, n, limit, NULL);
    }
    free(m);
    return rc;
}

struct report_row {
    struct cli *cli;
    int open, matched;
    buf lines;
};

static int need_row(void *ud, int ncols, const tandem_value *cols)
{
    struct report_row *r = ud;
    struct match_need need;
    struct match_candidate *m = NULL;
    size_t n = 0;
    char err[200];
    (void)ncols;
    match_load_need(r->cli->core, cols[0].u.i, &need);
    const char *best[3] = {"-", "-", "-"};
    char names[3][220];
    if (match_rank(r->cli->core, &need, &m, &n, err, sizeof err) == 0)
        for (size_t i = 0; i < n; i++)
            if (best[m[i].kind][0] == '-' && m[i].score > 0) {
                snprintf(names[m[i].kind], sizeof names[0], "%s (%.0f)", m[i].name, m[i].score);
                best[m[i].kind] = names[m[i].kind];
            }
    free(m);
    r->open += strcmp(cols[3].u.s.p, "open") == 0;
    r->matched += strcmp(cols[3].u.s.p, "matched") == 0;
    buf_printf(&r->lines, "%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\n", cols[0].u.i, cols[1].u.s.p,
               cols[2].u.s.p, cols[3].u.s.p, best[0], best[1], best[2]);
    return 0;
}

/* Adds the report's tab-separated lines to t. lines is NULL when the place
** has no need (a buf that was never written to). */
static void add_report_lines(struct table *t, char *lines)
{
    char *save = NULL;
    if (lines == NULL)
        return;
    for (char *line = strtok_r(lines, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        const char *cells[7];
        char *s2 = NULL;
        int i = 0;
        for (char *c = strtok_r(line, "\t", &s2); c && i < 7; c = strtok_r(NULL, "\t", &s2))
            cells[i++] = c;
        while (i < 7)
            cells[i++] = "";
        table_add(t, cells);
    }
}

/* The supply–demand report of a place: every need with its best match of
** each kind, then needs and resources counted by category. */
static int match_all(struct cli *cli, const char *community)
{
    int64_t place = 0;
    struct bus_result res;
    if (community && command_resolve(cli->core, "place", community, &place, &res) != 0)
        return cli_reply(cli, &res, "match");
    struct report_row r = {cli, 0, 0, BUF_INIT};
    tandem_value arg = tandem_int(place);
    command_query(cli->core,
                  "WITH RECURSIVE under(id) AS (SELECT ?1 UNION ALL SELECT p.id FROM place p "
                  "JOIN under u ON p.parent = u.id) SELECT n.id, n.category, n.description, "
                  "n.status FROM need n WHERE ?1 = 0 OR n.place IN (SELECT id FROM under) "
                  "ORDER BY n.status, n.id",
                  &arg, 1, need_row, &r);
    static const char *const head[] = {"NEED", "CATEGORY", "DESCRIPTION", "STATUS",
                                       "BEST RESOURCE", "BEST PROJECT", "BEST VOLUNTEER"};
    struct table *t = table_new(7, head);
    add_report_lines(t, r.lines.p);
    printf("供需对接 supply and demand%s%s\n\n", community ? ": " : "", community ? community : "");
    table_print(t, stdout);
    table_free(t);
    buf_free(&r.lines);
    printf("\nneeds: %d open, %d matched\n\n", r.open, r.matched);
    static const char *const heads[] = {"CATEGORY", "NEEDS OPEN", "RESOURCES", "STALE"};
    static const char *const names[] = {"category", "needs_open", "resources", "stale"};
    char today[11];
    model_date(core_now(cli->core), today);
    tandem_value args[2] = {tandem_text(today), tandem_int(match_stale_days(cli->core))};
    cli_print_query(cli,
                    "WITH c(category) AS (SELECT category FROM need UNION SELECT category FROM "
                    "resource) SELECT c.category, (SELECT count(*) FROM need n WHERE "
                    "n.category = c.category AND n.status = 'open'), (SELECT count(*) FROM "
                    "resource r WHERE r.category = c.category), (SELECT count(*) FROM resource r "
                    "WHERE r.category = c.category AND (r.confirmed_on IS NULL OR julianday(?1) - "
                    "julianday(r.confirmed_on) > ?2)) FROM c ORDER BY 1",
                    args, 2, heads, names, 4, NULL);
    return EXIT_OK;
}

static int cmd_match(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *accept = NULL, *limit = NULL, *community = NULL;
    char *pos[1];
    int npos, all = 0;
    const struct cli_opt opts[] = {{"--all", NULL, &all},          {"--accept", &accept, NULL},
                                   {"--limit", &limit, NULL},      {"--community", &community, NULL},
                                   {"--json", NULL, &cli->json},   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 0, 1, &npos) != 0)
        return EXIT_USAGE;
    if (all)
        return match_all(cli, community);
    if (npos != 1)
        return cli_usage(cmd, "which need? (or --all)"), EXIT_USAGE;
    return match_one(cli, cmd, pos[0], accept, limit ? atoi(limit) : 5);
}

const struct cli_command cli_points_commands[] = {
    {"points", cmd_points, CLI_NEEDS_CORE,
     "points balance PERSON | history PERSON [--json] | adjust PERSON --points N --reason R "
     "--approver P",
     "points (积分): balances, the history with the cause of every entry, audited adjustments"},
    {"rules", cmd_rules, CLI_NEEDS_CHECK,
     "rules preview --script NAME --file NEW.lua [--since DATE] [--json]",
     "what a changed rule would have given, per person; nothing is written"},
    {"redeem", cmd_redeem, CLI_NEEDS_CORE, "redeem PERSON REWARD",
     "exchange points for a reward; prints the code to show the merchant"},
    {"redemption", cmd_redemption, CLI_NEEDS_CORE,
     "redemption confirm CODE | cancel CODE [--reason R] | list",
     "the merchant confirms a code (once); a cancellation returns points and stock"},
    {"match", cmd_match, CLI_NEEDS_CORE,
     "match NEED [--limit N] [--accept KIND:ID] [--json] | match --all [--community C]",
     "resources, projects and volunteers for a need, ranked; the supply–demand report"},
    {NULL, NULL, 0, NULL, NULL}};
