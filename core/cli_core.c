/*
** cli_core.c — the framework's commands: plugins, emit, events, topics,
** check-config, reload.
*/
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cli.h"
#include "command.h"
#include "host.h"
#include "lua_host.h"
#include "mask.h"
#include "value.h"

/* ---------------------------------------------------------------------- */
/* plugins                                                                */

static void plugin_json(jw *w, const node *n)
{
    jw_object(w);
    jw_key(w, "name");
    jw_string(w, n->name);
    jw_key(w, "kind");
    jw_string(w, node_kind_name(n->kind));
    jw_key(w, "version");
    if (n->version)
        jw_string(w, n->version);
    else
        jw_null(w);
    jw_key(w, "state");
    jw_string(w, node_state_name(n->state));
    jw_key(w, "file");
    jw_string(w, n->file ? n->file : "");
    if (n->refusal) {
        jw_key(w, "reason");
        jw_string(w, n->refusal);
    }
    if (n->kind == NODE_LUA && n->script) {
        jw_key(w, "memory");
        jw_int(w, (int64_t)lua_host_memory(n));
    }
    jw_end(w);
}

static int cmd_plugins(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const struct cli_opt opts[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    int npos;
    if (cli_args(cmd, argc, argv, opts, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    struct host *h = cli->core->host;
    if (cli->json) {
        buf b = BUF_INIT;
        jw w;
        jw_init(&w, &b, 1);
        jw_array(&w);
        for (size_t i = 0; i < host_count(h); i++)
            plugin_json(&w, host_node(h, i));
        jw_end(&w);
        cli_print_json(&b);
        buf_free(&b);
        return EXIT_OK;
    }
    static const char *const head[] = {"NAME", "KIND", "VERSION", "STATE"};
    struct table *t = table_new(4, head);
    for (size_t i = 0; i < host_count(h); i++) {
        node *n = host_node(h, i);
        char state[1100];
        snprintf(state, sizeof state, "%s%s%s", node_state_name(n->state),
                 n->refusal ? ": " : "", n->refusal ? n->refusal : "");
        const char *row[] = {n->name, node_kind_name(n->kind), n->version ? n->version : "-",
                             state};
        table_add(t, row);
    }
    table_print(t, stdout);
    table_free(t);
    if (host_count(h) == 0)
        printf("(no [plugin.NAME] or [script.NAME] sections in %s)\n", cli->core->config_path);
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* emit                                                                   */

static int cmd_emit(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *key = NULL;
    char *pos[2];
    int npos;
    const struct cli_opt opts[] = {
        {"--key", &key, NULL}, {"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, pos, 1, 2, &npos) != 0)
        return EXIT_USAGE;
    struct bus_result res;
    command_emit(cli->core, pos[0], npos > 1 ? pos[1] : "{}", key, "cli", &res);
    return cli_reply(cli, &res, pos[0]);
}

/* ---------------------------------------------------------------------- */
/* events                                                                 */

struct events_out {
    struct cli *cli;
    jw w;
    struct table *t;
};

static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* The event of a journal row with its personal fields (ID numbers, phones,
** guardians ...) masked, as every output must show them. Which fields are
** personal was recorded in the row when it was written, so it holds even
** when the plugin that declared the topic is gone. */
static tandem_event *masked_event(const struct journal_row *r)
{
    char err[200];
    tandem_event *ev = bus_event_from_row(r, err, sizeof err);
    for (size_t i = 0; ev && i < ev->n; i++) {
        if (!listed(r->private_fields, ev->f[i].name) || ev->f[i].v.type != TANDEM_TEXT)
            continue;
        char masked[256];
        const char *in = ev->f[i].v.u.s.p;
        if (strstr(ev->f[i].name, "phone"))
            mask_phone(in, masked, sizeof masked);
        else if (strstr(ev->f[i].name, "id_number"))
            mask_id_number(in, masked, sizeof masked);
        else
            mask_name(in, masked, sizeof masked);
        tandem_value v = tandem_text(masked);
        event_set(ev, ev->f[i].name, &v);
    }
    return ev;
}

static void fields_text(const tandem_event *ev, buf *out)
{
    for (size_t i = 0; i < ev->n; i++) {
        buf_printf(out, "%s%s=", i ? " " : "", ev->f[i].name);
        value_format(out, &ev->f[i].v);
    }
}

static int event_row(void *ud, const struct journal_row *r)
{
    struct events_out *o = ud;
    if (o->cli->json) {
        jw_object(&o->w);
        jw_key(&o->w, "id");
        jw_int(&o->w, r->id);
        jw_key(&o->w, "time");
        jw_int(&o->w, r->time);
        jw_key(&o->w, "topic");
        jw_string(&o->w, r->topic);
        jw_key(&o->w, "actor");
        r->actor ? jw_string(&o->w, r->actor) : jw_null(&o->w);
        jw_key(&o->w, "source");
        r->source ? jw_string(&o->w, r->source) : jw_null(&o->w);
        jw_key(&o->w, "caused_by");
        r->cause ? jw_int(&o->w, r->cause) : jw_null(&o->w);
        jw_key(&o->w, "key");
        r->key ? jw_string(&o->w, r->key) : jw_null(&o->w);
        jw_key(&o->w, "fields");
        tandem_event *ev = masked_event(r);
        buf fields = BUF_INIT;
        if (ev)
            event_fields_json(ev, &fields);
        jw_raw(&o->w, ev ? buf_str(&fields) : "null");
        buf_free(&fields);
        event_free(ev);
        jw_end(&o->w);
        return 0;
    }
    char id[24], when[32], cause[24] = "";
    buf fields = BUF_INIT;
    snprintf(id, sizeof id, "%" PRId64, r->id);
    if (r->cause)
        snprintf(cause, sizeof cause, "%" PRId64, r->cause);
    cli_format_time(r->time, when);
    tandem_event *ev = masked_event(r);
    if (ev)
        fields_text(ev, &fields);
    event_free(ev);
    const char *row[] = {id, when, r->topic, r->actor ? r->actor : "", cause, buf_str(&fields)};
    table_add(o->t, row);
    buf_free(&fields);
    return 0;
}

static int cmd_events(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *topic = NULL, *since = NULL, *limit = NULL;
    int npos;
    const struct cli_opt opts[] = {{"--topic", &topic, NULL},
                                   {"--since", &since, NULL},
                                   {"--limit", &limit, NULL},
                                   {"--json", NULL, &cli->json},
                                   {NULL, NULL, NULL}};
    if (cli_args(cmd, argc, argv, opts, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    struct journal_query q = {topic, 0, 0, 0};
    if ((since && strcmp(since, "0") != 0 && cli_id(cmd, "--since", since, &q.since) != 0) ||
        (limit && cli_id(cmd, "--limit", limit, &q.limit) != 0))
        return EXIT_USAGE;
    buf b = BUF_INIT;
    struct events_out o = {cli, {0}, NULL};
    static const char *const head[] = {"ID", "TIME", "TOPIC", "ACTOR", "CAUSE", "FIELDS"};
    if (cli->json) {
        jw_init(&o.w, &b, 1);
        jw_array(&o.w);
    } else {
        o.t = table_new(6, head);
    }
    int rc = command_events(cli->core, &q, event_row, &o);
    if (cli->json) {
        jw_end(&o.w);
        cli_print_json(&b);
    } else {
        table_print(o.t, stdout);
        table_free(o.t);
    }
    buf_free(&b);
    if (rc != TANDEM_OK) {
        cli_error("%s", store_errmsg(cli->core->store));
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* topics                                                                 */

static int cmd_topics(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const struct cli_opt opts[] = {{"--json", NULL, &cli->json}, {NULL, NULL, NULL}};
    int npos;
    if (cli_args(cmd, argc, argv, opts, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    struct bus *bus = cli->core->bus;
    buf b = BUF_INIT;
    jw w;
    jw_init(&w, &b, 1);
    jw_array(&w);
    static const char *const head[] = {"TOPIC", "OWNER", "FIELDS"};
    struct table *t = table_new(3, head);
    for (size_t i = 0; i < bus_topic_count(bus); i++) {
        struct topic *tp = bus_topic_at(bus, i);
        if (tp->owner == NULL)
            continue;
        buf fields = BUF_INIT;
        jw_object(&w);
        jw_key(&w, "topic");
        jw_string(&w, tp->name);
        jw_key(&w, "owner");
        jw_string(&w, tp->owner->name);
        jw_key(&w, "fields");
        jw_object(&w);
        for (tandem_field *f = tp->fields; f && f->name; f++) {
            int req = (f->flags & TANDEM_FIELD_REQUIRED) != 0;
            const char *type = f->type == TANDEM_NIL ? "any" : value_type_name(f->type);
            jw_key(&w, f->name);
            jw_object(&w);
            jw_key(&w, "type");
            jw_string(&w, type);
            jw_key(&w, "required");
            jw_bool(&w, req);
            jw_key(&w, "private");
            jw_bool(&w, (f->flags & TANDEM_FIELD_PRIVATE) != 0);
            jw_end(&w);
            buf_printf(&fields, "%s%s:%s%s", fields.n ? " " : "", f->name, type, req ? "" : "?");
        }
        jw_end(&w);
        jw_end(&w);
        const char *row[] = {tp->name, tp->owner->name, buf_str(&fields)};
        table_add(t, row);
        buf_free(&fields);
    }
    jw_end(&w);
    if (cli->json)
        cli_print_json(&b);
    else
        table_print(t, stdout);
    table_free(t);
    buf_free(&b);
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* check-config, reload                                                   */

static int cmd_check_config(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    int npos;
    if (cli_args(cmd, argc, argv, NULL, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    struct host *h = cli->core->host;
    int refused = 0;
    for (size_t i = 0; i < host_count(h); i++)
        refused += host_node(h, i)->state == NODE_REFUSED;
    if (refused) {
        cli_error("%s: %d plugin%s or script%s refused (see above)", cli->core->config_path,
                  refused, refused == 1 ? "" : "s", refused == 1 ? "" : "s");
        return EXIT_ERROR;
    }
    printf("%s: ok (%zu plugins and scripts)\n", cli->core->config_path, host_count(h));
    return EXIT_OK;
}

char *cli_pid_file(const struct core *c);

/* A running `tandem run` on this database reloads on SIGHUP; without one,
** the scripts are reloaded here (which checks that they load). */
static int signal_server(struct cli *cli)
{
    char *path = cli_pid_file(cli->core);
    FILE *f = path ? fopen(path, "r") : NULL;
    long pid = 0;
    if (f && fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    if (f)
        fclose(f);
    int sent = pid > 0 && kill((pid_t)pid, SIGHUP) == 0;
    if (sent)
        printf("sent SIGHUP to tandem run (pid %ld); its log says what was reloaded\n", pid);
    free(path);
    return sent;
}

static int cmd_reload(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    int npos;
    if (cli_args(cmd, argc, argv, NULL, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    if (signal_server(cli))
        return EXIT_OK;
    int failed = host_reload(cli->core->host);
    if (failed) {
        cli_error("%d script%s kept %s running version", failed, failed == 1 ? "" : "s",
                  failed == 1 ? "its" : "their");
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

const struct cli_command cli_core_commands[] = {
    {"plugins", cmd_plugins, CLI_NEEDS_CORE, "plugins [--json]",
     "list plugins and scripts: kind, version, state (running, or refused and why)"},
    {"emit", cmd_emit, CLI_NEEDS_CORE, "emit TOPIC [JSON] [--key IDEMPOTENCY_KEY] [--json]",
     "run an event through every phase; prints its id and follow-ups, or vetoed: REASON"},
    {"events", cmd_events, CLI_NEEDS_CORE,
     "events [--topic T|PREFIX.*] [--since ID] [--limit N] [--json]", "read the journal"},
    {"topics", cmd_topics, CLI_NEEDS_CORE, "topics [--json]",
     "declared topics with their owner and fields"},
    {"check-config", cmd_check_config, CLI_NEEDS_CHECK, "check-config",
     "validate the configuration, plugins and scripts; changes nothing"},
    {"reload", cmd_reload, CLI_NEEDS_CORE, "reload",
     "reload scripts in a running `tandem run` (SIGHUP), or check here that they reload; "
     "one that fails keeps its running version"},
    {NULL, NULL, 0, NULL, NULL}};
