/*
** cli_model.c — `tandem NOUN VERB ...` for the records of the shared model:
** place, org, person, team, project and shift, each with add / list / show /
** update, plus the verbs particular to people and teams. Flags are the
** fields' names with dashes (--birth-date); references take an id, a
** volunteer number or a unique name.
*/
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "cli.h"
#include "command.h"
#include "mask.h"
#include "match.h"
#include "model.h"
#include "store.h"
#include "value.h"

#define MAX_INPUTS 40


/* "--birth-date" -> "birth_date" (in out); 0 if a is not a flag. */
static int flag_name(const char *a, char *out, size_t len)
{
    if (strncmp(a, "--", 2) != 0 || a[2] == '\0')
        return 0;
    snprintf(out, len, "%s", a + 2);
    for (char *p = out; *p; p++)
        if (*p == '-')
            *p = '_';
    return 1;
}

/* Collects --field value pairs for an entity; other flags (--json) are
** handled by the caller through `extra`. Positional arguments go to pos. */
static int entity_args(const struct cli_command *cmd, const struct entity *e, int argc,
                       char **argv, struct field_input *in, size_t *nin, char (*names)[64],
                       const struct cli_opt *extra, char **pos, int maxpos, int *npos)
{
    *nin = 0;
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        char name[64];
        const struct cli_opt *o = extra;
        while (o && o->name && strcmp(o->name, argv[i]) != 0)
            o++;
        if (o && o->name) {
            if (o->flag)
                *o->flag = 1;
            else if (i + 1 < argc)
                *o->value = argv[++i];
            else
                return cli_usage(cmd, "%s needs a value", o->name);
            continue;
        }
        if (!flag_name(argv[i], name, sizeof name)) {
            if (*npos >= maxpos)
                return cli_usage(cmd, "unexpected argument '%s'", argv[i]);
            pos[(*npos)++] = argv[i];
            continue;
        }
        if (entity_spec(e, name) == NULL)
            return cli_usage(cmd, "%s has no field '%s' (see `tandem %s fields`)", e->noun, name,
                             e->noun);
        if (i + 1 >= argc || *nin >= MAX_INPUTS)
            return cli_usage(cmd, "%s needs a value", argv[i]);
        snprintf(names[*nin], 64, "%s", name);
        in[*nin] = (struct field_input){names[*nin], argv[++i]};
        (*nin)++;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Showing records                                                        */

/* A field's spec; the volunteer number is a column the core derives. */
static const struct spec *field_spec(const struct entity *e, const char *name)
{
    static const struct spec volunteer_no = {"volunteer_no", SPEC_TEXT, NULL, 0, "志愿者编号"};
    return strcmp(name, "volunteer_no") == 0 ? &volunteer_no : entity_spec(e, name);
}

/* The display form of a column: names for references, masks for private
** fields, local times. */
static void display(const struct spec *s, const tandem_value *v, buf *out)
{
    char tmp[256], when[32];
    if (v->type == TANDEM_NIL)
        return;
    if (s && s->kind == SPEC_TIME && v->type == TANDEM_INT) {
        cli_format_time(v->u.i, when);
        buf_puts(out, when);
        return;
    }
    if (s && s->kind == SPEC_BOOL && v->type == TANDEM_INT) {
        buf_puts(out, v->u.i ? "是" : "否");
        return;
    }
    if (s && (s->flags & SPEC_PRIVATE) && v->type == TANDEM_TEXT) {
        if (s->kind == SPEC_ID_NUMBER)
            mask_id_number(v->u.s.p, tmp, sizeof tmp);
        else if (s->kind == SPEC_PHONE)
            mask_phone(v->u.s.p, tmp, sizeof tmp);
        else
            mask_name(v->u.s.p, tmp, sizeof tmp);
        buf_puts(out, tmp);
        return;
    }
    value_format(out, v);
}

/* A column in JSON: null; true or false for a yes/no field (stored as 0 or
** 1); a number; else its display text (a reference's name, a masked value,
** and a time when times_as_text). */
static void json_column(jw *w, const struct spec *s, const tandem_value *v, const char *text,
                        int times_as_text)
{
    if (v->type == TANDEM_NIL)
        jw_null(w);
    else if (s && s->kind == SPEC_BOOL && v->type == TANDEM_INT)
        jw_bool(w, v->u.i != 0);
    else if (v->type == TANDEM_INT &&
             !(s && (s->kind == SPEC_REF || (times_as_text && s->kind == SPEC_TIME))))
        jw_int(w, v->u.i);
    else
        jw_string(w, text);
}

/* SQL selecting fields, with a referenced record's name instead of its id. */
static void select_sql(const struct entity *e, const char *const *fields, size_t n, buf *sql)
{
    buf_puts(sql, "SELECT t.id");
    for (size_t i = 0; i < n; i++) {
        const struct spec *s = entity_spec(e, fields[i]);
        const struct entity *target = s && s->kind == SPEC_REF ? model_entity(s->arg) : NULL;
        if (target && strcmp(target->table, "shift") != 0)
            buf_printf(sql, ", (SELECT name FROM %s WHERE id = t.%s)", target->table, fields[i]);
        else
            buf_printf(sql, ", t.%s", fields[i]);
    }
    buf_printf(sql, " FROM %s t", e->table);
}

static size_t split_fields(const char *list, char copy[512], const char *fields[40])
{
    size_t n = 0;
    snprintf(copy, 512, "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && n < 40; tok = strtok_r(NULL, ",", &save))
        fields[n++] = tok;
    return n;
}

struct listing {
    struct cli *cli;
    const struct entity *e;
    const char **fields;
    size_t n;
    struct table *t;
    jw w;
    int rows;
    int person;
};

static int list_row(void *ud, int ncols, const tandem_value *cols)
{
    struct listing *l = ud;
    const char *cells[42];
    buf text[42];
    char id[24];
    (void)ncols;
    l->rows++;
    if (l->cli->json) {
        jw_object(&l->w);
        jw_key(&l->w, "id");
        jw_int(&l->w, cols[0].u.i);
    }
    snprintf(id, sizeof id, "%" PRId64, cols[0].u.i);
    cells[0] = id;
    for (size_t i = 0; i < l->n; i++) {
        const struct spec *s = field_spec(l->e, l->fields[i]);
        text[i] = (buf)BUF_INIT;
        display(s, &cols[i + 1], &text[i]);
        if (l->cli->json) {
            jw_key(&l->w, l->fields[i]);
            json_column(&l->w, s, &cols[i + 1], buf_str(&text[i]), 0);
        }
        cells[i + 1] = buf_str(&text[i]);
    }
    if (l->cli->json)
        jw_end(&l->w);
    else
        table_add(l->t, cells);
    for (size_t i = 0; i < l->n; i++)
        buf_free(&text[i]);
    return 0;
}

static void print_listing(struct listing *l, const char *sql, const tandem_value *args, int nargs,
                          buf *json)
{
    const char *heads[42];
    heads[0] = "ID";
    for (size_t i = 0; i < l->n; i++) {
        const struct spec *s = field_spec(l->e, l->fields[i]);
        heads[i + 1] = s ? s->label : l->fields[i];
    }
    if (l->cli->json) {
        jw_init(&l->w, json, 1);
        jw_array(&l->w);
    } else {
        l->t = table_new((int)l->n + 1, heads);
    }
    store_exec(l->cli->core->store, NULL, sql, args, nargs, list_row, l);
    if (l->cli->json) {
        jw_end(&l->w);
        cli_print_json(json);
    } else {
        table_print(l->t, stdout);
        table_free(l->t);
    }
}

static int verb_list(struct cli *cli, const struct cli_command *cmd, const struct entity *e,
                     int argc, char **argv)
{
    struct field_input in[MAX_INPUTS];
    char names[MAX_INPUTS][64], copy[512];
    const char *role = NULL, *limit = NULL, *fields[40];
    size_t nin;
    int npos;
    const struct cli_opt extra[] = {{"--json", NULL, &cli->json},
                                    {"--role", &role, NULL},
                                    {"--limit", &limit, NULL},
                                    {NULL, NULL, NULL}};
    if (entity_args(cmd, e, argc, argv, in, &nin, names, extra, NULL, 0, &npos) != 0)
        return EXIT_USAGE;
    int person = strcmp(e->table, "person") == 0;
    size_t n = split_fields(e->list_fields, copy, fields);
    if (person) { /* the public identifier of a person */
        memmove(fields + 1, fields, n * sizeof *fields);
        fields[0] = "volunteer_no";
        n++;
    }
    buf sql = BUF_INIT, json = BUF_INIT;
    tandem_value args[MAX_INPUTS + 1];
    int nargs = 0;
    char err[600];
    select_sql(e, fields, n, &sql);
    buf_puts(&sql, " WHERE 1");
    int rc = EXIT_OK;
    for (size_t i = 0; i < nin && rc == EXIT_OK; i++) {
        const struct spec *s = entity_spec(e, in[i].name);
        if (command_value(cli->core, s, in[i].text, &args[nargs], err, sizeof err) != 0) {
            cli_error("%s", err);
            rc = EXIT_ERROR;
            break;
        }
        if (s->kind == SPEC_LIST)
            buf_printf(&sql, " AND ',' || t.%s || ',' LIKE '%%,' || ? || ',%%'", s->name);
        else
            buf_printf(&sql, " AND t.%s = ?", s->name);
        nargs++;
    }
    if (role && person && rc == EXIT_OK) {
        buf_puts(&sql, " AND EXISTS (SELECT 1 FROM person_role r WHERE r.person = t.id AND "
                       "r.role = ?)");
        args[nargs++] = tandem_text(role);
    }
    buf_printf(&sql, " ORDER BY %s", e->list_order);
    if (limit)
        buf_printf(&sql, " LIMIT %d", atoi(limit) > 0 ? atoi(limit) : 1);
    if (rc == EXIT_OK) {
        struct listing l = {cli, e, fields, n, NULL, {0}, 0, person};
        print_listing(&l, buf_str(&sql), args, nargs, &json);
    }
    for (int i = 0; i < nargs; i++)
        if (!(role && person && i == nargs - 1))
            value_clear(&args[i]);
    buf_free(&sql);
    buf_free(&json);
    return rc;
}

struct shown {
    struct cli *cli;
    const struct entity *e;
    const char **fields;
    size_t n;
    int found;
};

static int show_row(void *ud, int ncols, const tandem_value *cols)
{
    struct shown *sh = ud;
    buf json = BUF_INIT;
    jw w;
    (void)ncols;
    sh->found = 1;
    static const char *const head[] = {"FIELD", "VALUE"};
    struct table *t = table_new(2, head);
    jw_init(&w, &json, 1);
    jw_object(&w);
    jw_key(&w, "id");
    jw_int(&w, cols[0].u.i);
    for (size_t i = 0; i < sh->n; i++) {
        const struct spec *s = field_spec(sh->e, sh->fields[i]);
        buf text = BUF_INIT;
        display(s, &cols[i + 1], &text);
        char label[200];
        snprintf(label, sizeof label, "%s %s", s ? s->label : sh->fields[i], sh->fields[i]);
        const char *row[] = {label, buf_str(&text)};
        table_add(t, row);
        jw_key(&w, sh->fields[i]);
        json_column(&w, s, &cols[i + 1], buf_str(&text), 1);
        buf_free(&text);
    }
    jw_end(&w);
    if (sh->cli->json)
        cli_print_json(&json);
    else
        table_print(t, stdout);
    table_free(t);
    buf_free(&json);
    return 1;
}

static int verb_show(struct cli *cli, const struct cli_command *cmd, const struct entity *e,
                     int argc, char **argv)
{
    char *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    int64_t id;
    char err[600];
    if (entity_resolve(cli->core, e, pos[0], &id, err, sizeof err) != 0) {
        cli_error("%s", err);
        return EXIT_ERROR;
    }
    const char *fields[48];
    size_t n = 0;
    if (strcmp(e->table, "person") == 0)
        fields[n++] = "volunteer_no";
    for (const struct spec *s = e->specs; s->name && n < 40; s++)
        fields[n++] = s->name;
    buf sql = BUF_INIT;
    select_sql(e, fields, n, &sql);
    buf_puts(&sql, " WHERE t.id = ?");
    tandem_value arg = tandem_int(id);
    struct shown sh = {cli, e, fields, n, 0};
    store_exec(cli->core->store, NULL, buf_str(&sql), &arg, 1, show_row, &sh);
    buf_free(&sql);
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Adding and changing                                                    */

static void print_added(struct cli *cli, const struct entity *e, const struct bus_result *res)
{
    char no[64];
    tandem_value arg = tandem_int(res->id);
    if (cli->json || res->status != BUS_OK)
        return;
    if (strcmp(e->table, "person") == 0 &&
        model_text(cli->core, "SELECT volunteer_no FROM person WHERE id = ?", &arg, 1, no,
                   sizeof no) == 0)
        printf("person %" PRId64 " added: volunteer number %s\n", res->id, no);
    else
        printf("%s %" PRId64 " added\n", e->noun, res->id);
}

static int verb_add(struct cli *cli, const struct cli_command *cmd, const struct entity *e,
                    int argc, char **argv, int64_t owner_id, const char *owner_field)
{
    struct field_input in[MAX_INPUTS + 1];
    char names[MAX_INPUTS][64], idtext[24];
    size_t nin;
    int npos;
    const struct cli_opt extra[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (entity_args(cmd, e, argc, argv, in, &nin, names, extra, NULL, 0, &npos) != 0)
        return EXIT_USAGE;
    if (owner_field) { /* a record about a person: person train PERSON --course ... */
        snprintf(idtext, sizeof idtext, "%" PRId64, owner_id);
        in[nin++] = (struct field_input){owner_field, idtext};
    }
    struct bus_result res;
    command_add(cli->core, e, in, nin, &res);
    print_added(cli, e, &res);
    int rc = res.status == BUS_OK && !cli->json ? EXIT_OK : cli_report(cli, &res, e->added);
    bus_result_clear(&res);
    return rc;
}

static int verb_update(struct cli *cli, const struct cli_command *cmd, const struct entity *e,
                       int argc, char **argv)
{
    struct field_input in[MAX_INPUTS];
    char names[MAX_INPUTS][64], *pos[1];
    size_t nin;
    int npos;
    const struct cli_opt extra[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (entity_args(cmd, e, argc, argv, in, &nin, names, extra, pos, 1, &npos) != 0)
        return EXIT_USAGE;
    if (npos != 1)
        return cli_usage(cmd, "say which %s to update", e->noun), EXIT_USAGE;
    struct bus_result res;
    command_update(cli->core, e, pos[0], in, nin, &res);
    int rc = cli_report(cli, &res, e->updated);
    bus_result_clear(&res);
    return rc;
}

static int verb_fields(const struct entity *e)
{
    static const char *const kinds[] = {"text",         "integer",   "yes/no", "date",
                                        "time",         "list",      "one of", "reference to",
                                        "ID number",    "phone",     "number"};
    static const char *const head[] = {"FLAG", "LABEL", "KIND", ""};
    struct table *t = table_new(4, head);
    for (const struct spec *s = e->specs; s->name; s++) {
        char flag[80], kind[300];
        snprintf(flag, sizeof flag, "--%s", s->name);
        for (char *p = flag + 2; *p; p++)
            if (*p == '_')
                *p = '-';
        snprintf(kind, sizeof kind, "%s%s%s", kinds[s->kind], s->arg ? " " : "",
                 s->arg ? s->arg : "");
        for (char *p = kind; *p; p++)
            if (*p == '|')
                *p = ',';
        const char *row[] = {flag, s->label, kind,
                             (s->flags & SPEC_REQUIRED) ? "required"
                             : (s->flags & SPEC_PRIVATE) ? "private, masked" : ""};
        table_add(t, row);
    }
    table_print(t, stdout);
    table_free(t);
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* People's and teams' own verbs                                          */


static int person_consent(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *guardian = NULL, *phone = NULL;
    char *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"--guardian", &guardian, NULL},
                                   {"--guardian-phone", &phone, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    if (guardian == NULL)
        return cli_usage(cmd, "--guardian names the guardian who consents"), EXIT_USAGE;
    struct bus_result res;
    int64_t id;
    if (command_resolve(cli->core, "person", pos[0], &id, &res) == 0)
        command_submit(cli->core, "person.consent_recorded", &res, "i:person", id, "s:guardian",
                       guardian, "s:guardian_phone", phone, NULL);
    return cli_reply(cli, &res, "person.consent_recorded");
}

/* The one way to see a full ID number: allowed users only, with a reason,
** and journaled as audit.id_revealed before anything is shown. */
static int person_reveal(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    const char *reason = NULL;
    char *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"--reason", &reason, NULL}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    if (reason == NULL || *reason == '\0')
        return cli_usage(cmd, "--reason is required: every look at an ID number is recorded"),
               EXIT_USAGE;
    /* the account that runs the command, not the actor it says it is */
    struct passwd *pw = getpwuid(getuid());
    const char *user = pw ? pw->pw_name : "";
    const char *item;
    int allowed = 0;
    for (size_t i = 0; options_item(cli->core->opts, "privileged_users", i, &item) == 0; i++)
        allowed |= strcmp(item, user) == 0;
    if (!allowed) {
        cli_error("%s may not see full ID numbers; [core] privileged_users lists who may",
                  user);
        return EXIT_ERROR;
    }
    struct bus_result res;
    int64_t id;
    if (command_resolve(cli->core, "person", pos[0], &id, &res) != 0 ||
        command_submit(cli->core, "audit.id_revealed", &res, "i:person", id, "s:reason", reason,
                       NULL) != BUS_OK)
        return cli_reply(cli, &res, "audit.id_revealed");
    char number[64] = "";
    tandem_value arg = tandem_int(id);
    model_text(cli->core, "SELECT id_number FROM person WHERE id = ?", &arg, 1, number,
               sizeof number);
    printf("%s\n(recorded as event %" PRId64 ")\n", number[0] ? number : "(no ID number)",
           res.id);
    bus_result_clear(&res);
    return EXIT_OK;
}

static int team_membership(struct cli *cli, const struct cli_command *cmd, int argc,
                           char **argv, int join)
{
    const char *role = NULL;
    char *pos[2];
    int npos;
    const struct cli_opt opts[] = {
        {"--role", &role, NULL}, {"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 2, 2, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    int64_t team, person;
    const char *topic = join ? "team.member_joined" : "team.member_left";
    if (command_resolve(cli->core, "team", pos[0], &team, &res) == 0 &&
        command_resolve(cli->core, "person", pos[1], &person, &res) == 0)
        command_submit(cli->core, topic, &res, "i:team", team, "i:person", person, "s:role",
                       join ? role : NULL, NULL);
    return cli_reply(cli, &res, topic);
}

/* ---------------------------------------------------------------------- */
/* The resource library stays current                                    */

static int resource_confirm(struct cli *cli, const struct cli_command *cmd, int argc,
                            char **argv)
{
    char *pos[1], today[11];
    int npos;
    const struct cli_opt opts[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    model_date(core_now(cli->core), today);
    const struct field_input in[] = {{"confirmed_on", today}};
    struct bus_result res;
    command_update(cli->core, model_entity("resource"), pos[0], in, 1, &res);
    return cli_reply(cli, &res, "resource.updated");
}

static int resource_stale(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    int npos;
    char today[11];
    const struct cli_opt opts[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    model_date(core_now(cli->core), today);
    static const char *const heads[] = {"ID", "名称", "类别", "提供单位", "最近确认", "天数"};
    static const char *const names[] = {"id", "name", "category", "org", "confirmed_on", "days"};
    tandem_value args[2] = {tandem_text(today), tandem_int(match_stale_days(cli->core))};
    cli_print_query(cli,
                    "SELECT r.id, r.name, r.category, o.name, r.confirmed_on, "
                    "CAST(julianday(?1) - julianday(r.confirmed_on) AS INTEGER) FROM resource r "
                    "JOIN org o ON o.id = r.org WHERE r.confirmed_on IS NULL "
                    "OR julianday(?1) - julianday(r.confirmed_on) > ?2 ORDER BY r.confirmed_on",
                    args, 2, heads, names, 6, NULL);
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                               */

static const char *const person_records[][2] = {{"certify", "certification"},
                                                {"train", "training"},
                                                {"commend", "commendation"},
                                                {"evaluate", "evaluation"},
                                                {NULL, NULL}};

static int cmd_entity(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const struct entity *e = model_entity(argv[0]);
    if (argc < 2)
        return cli_usage(cmd, "which verb?"), EXIT_USAGE;
    const char *verb = argv[1];
    if (strcmp(verb, "add") == 0)
        return verb_add(cli, cmd, e, argc - 2, argv + 2, 0, NULL);
    if (strcmp(verb, "list") == 0)
        return verb_list(cli, cmd, e, argc - 2, argv + 2);
    if (strcmp(verb, "show") == 0)
        return verb_show(cli, cmd, e, argc - 1, argv + 1);
    if (strcmp(verb, "update") == 0)
        return verb_update(cli, cmd, e, argc - 2, argv + 2);
    if (strcmp(verb, "fields") == 0)
        return verb_fields(e);
    if (strcmp(e->noun, "person") == 0) {
        if (strcmp(verb, "consent") == 0)
            return person_consent(cli, cmd, argc - 1, argv + 1);
        if (strcmp(verb, "reveal-id") == 0)
            return person_reveal(cli, cmd, argc - 1, argv + 1);
        for (int i = 0; person_records[i][0]; i++) {
            if (strcmp(verb, person_records[i][0]) != 0)
                continue;
            int64_t id;
            struct bus_result res;
            if (argc < 3)
                return cli_usage(cmd, "%s whom?", verb), EXIT_USAGE;
            if (command_resolve(cli->core, "person", argv[2], &id, &res) != 0)
                return cli_reply(cli, &res, "person");
            return verb_add(cli, cmd, model_entity(person_records[i][1]), argc - 3, argv + 3, id,
                            "person");
        }
    }
    if (strcmp(e->noun, "resource") == 0 && strcmp(verb, "confirm") == 0)
        return resource_confirm(cli, cmd, argc - 1, argv + 1);
    if (strcmp(e->noun, "resource") == 0 && strcmp(verb, "stale") == 0)
        return resource_stale(cli, cmd, argc - 1, argv + 1);
    if (strcmp(e->noun, "team") == 0 && (strcmp(verb, "join") == 0 || strcmp(verb, "leave") == 0))
        return team_membership(cli, cmd, argc - 1, argv + 1, strcmp(verb, "join") == 0);
    return cli_usage(cmd, "unknown verb '%s'", verb), EXIT_USAGE;
}

const struct cli_command cli_model_commands[] = {
    {"place", cmd_entity, CLI_NEEDS_CORE, "place add|list|show|update|fields ...",
     "places: city → district → street → community → site"},
    {"org", cmd_entity, CLI_NEEDS_CORE, "org add|list|show|update|fields ...",
     "organisations: agencies, merchants, schools, hospitals ..."},
    {"person", cmd_entity, CLI_NEEDS_CORE,
     "person add|list|show|update|fields|consent|reveal-id|certify|train|commend|evaluate ...",
     "people: volunteers, social workers, supervisors, staff, residents"},
    {"team", cmd_entity, CLI_NEEDS_CORE, "team add|list|show|update|fields|join|leave ...",
     "volunteer teams and their members"},
    {"project", cmd_entity, CLI_NEEDS_CORE, "project add|list|show|update|fields ...",
     "projects of a team, with their programme type and check-in rules"},
    {"shift", cmd_entity, CLI_NEEDS_CORE, "shift add|list|show|update|fields ...",
     "shifts of a project: time, site, capacity, required skills"},
    {"reward", cmd_entity, CLI_NEEDS_CORE, "reward add|list|show|update|fields ...",
     "rewards merchants offer for points: cost, stock, validity, per-person limit"},
    {"resource", cmd_entity, CLI_NEEDS_CORE,
     "resource add|list|show|update|fields|confirm|stale ...",
     "the resource library: venues, staff, materials, funding, services, rewards"},
    {"need", cmd_entity, CLI_NEEDS_CORE, "need add|list|show|update|fields ...",
     "residents' and communities' needs (from surveys, visits, the hotline)"},
    {NULL, NULL, 0, NULL, NULL}};
