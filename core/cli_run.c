/*
** cli_run.c — tandem as a service: `run` (timers, AFTER deliveries, SIGHUP
** reloads scripts), `tick` (one round of timers, for cron and tests),
** `report` (reports that scripts offer) and `rebuild` (state from a journal).
*/
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "cli.h"
#include "csv.h"
#include "host.h"
#include "log.h"
#include "lua_host.h"
#include "rebuild.h"
#include "scheduler.h"

/* ---------------------------------------------------------------------- */
/* run                                                                    */

static volatile sig_atomic_t got_hup, got_term;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_term = 1;
}

char *cli_pid_file(const struct core *c);

char *cli_pid_file(const struct core *c)
{
    size_t n = strlen(c->database) + 5;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s.pid", c->database);
    return p;
}

static int write_pid(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "%ld\n", (long)getpid());
    return fclose(f);
}

static void sleep_for(int64_t seconds)
{
    struct timespec ts = {seconds, 0};
    nanosleep(&ts, NULL); /* a signal ends it early */
}

static int cmd_run(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    int npos;
    if (cli_args(cmd, argc, argv, NULL, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    struct core *c = cli->core;
    char *pid = cli_pid_file(c);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (pid == NULL || write_pid(pid) != 0) {
        cli_error("cannot write %s: %s", pid ? pid : "the pid file", strerror(errno));
        free(pid);
        return EXIT_ERROR;
    }
    log_msg(LOG_INFO, NULL, "running on %s (pid %ld); SIGHUP reloads scripts, SIGTERM stops",
            c->database, (long)getpid());
    while (!got_term) {
        if (got_hup) {
            got_hup = 0;
            host_reload(c->host);
        }
        if (sched_tick(c) < 0)
            log_msg(LOG_ERROR, NULL, "timers: %s", store_errmsg(c->store));
        bus_deliver(c->bus);
        int64_t wait = sched_wait(c);
        sleep_for(wait < 1 ? 1 : wait > 5 ? 5 : wait);
    }
    log_msg(LOG_INFO, NULL, "stopped");
    unlink(pid);
    free(pid);
    return EXIT_OK;
}

static int cmd_tick(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    int npos;
    if (cli_args(cmd, argc, argv, NULL, NULL, 0, 0, &npos) != 0)
        return EXIT_USAGE;
    int fired = sched_tick(cli->core);
    if (fired < 0) {
        cli_error("%s", store_errmsg(cli->core->store));
        return EXIT_ERROR;
    }
    bus_deliver(cli->core->bus);
    printf("%d timer%s fired\n", fired, fired == 1 ? "" : "s");
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* rebuild                                                                */

static int same_file(const char *a, const char *b)
{
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    int same = ra && rb && strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

static int cmd_rebuild(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    char *pos[1];
    int npos;
    if (cli_args(cmd, argc, argv, NULL, pos, 1, 1, &npos) != 0)
        return EXIT_USAGE;
    if (same_file(pos[0], cli->core->database))
        return cli_usage(cmd, "give the new database with --db: it cannot be %s itself", pos[0]),
               EXIT_USAGE;
    struct rebuild_stats st = {0, 0};
    char err[600];
    if (rebuild_from(cli->core, pos[0], 0, &st, err, sizeof err) != 0) {
        cli_error("rebuild: %s", err);
        return EXIT_ERROR;
    }
    printf("%s: %" PRId64 " events copied from %s, %" PRId64 " of them projected again\n",
           cli->core->database, st.copied, pos[0], st.applied);
    return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* report                                                                 */

static int print_reports(struct cli *cli)
{
    const char *names[64], *summaries[64];
    size_t n = lua_model_reports(cli->core, names, summaries, 64);
    static const char *const head[] = {"REPORT", "ABOUT"};
    struct table *t = table_new(2, head);
    for (size_t i = 0; i < n; i++) {
        const char *row[] = {names[i], summaries[i]};
        table_add(t, row);
    }
    table_print(t, stdout);
    table_free(t);
    if (n == 0)
        printf("(no script offers a report; scripts add them with tandem.report)\n");
    return EXIT_OK;
}

static void write_rows(const struct report_rows *r, int json, buf *out)
{
    size_t total = r->ncols * (r->nrows + 1), i = 0;
    const char **cells = malloc((total ? total : 1) * sizeof *cells);
    if (cells == NULL) {
        out->failed = 1;
        return;
    }
    for (const char *p = r->cells.p; p && i < total; i++) {
        cells[i] = p;
        p += strlen(p) + 1;
    }
    if (json) {
        jw w;
        jw_init(&w, out, 1);
        jw_array(&w);
        for (size_t row = 1; row <= r->nrows && (row + 1) * r->ncols <= i; row++) {
            jw_object(&w);
            for (size_t col = 0; col < r->ncols; col++) {
                jw_key(&w, cells[col]);
                jw_string(&w, cells[row * r->ncols + col]);
            }
            jw_end(&w);
        }
        jw_end(&w);
    } else {
        struct csv_writer csv;
        csv_write_begin(&csv, out);
        for (size_t row = 0; row <= r->nrows && (row + 1) * r->ncols <= i; row++)
            csv_write_row(&csv, cells + row * r->ncols, r->ncols);
    }
    free(cells);
}

static int cmd_report(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_find(argv[0]);
    const char *format = "csv", *output = NULL, *args[32];
    size_t nargs = 0;
    if (argc < 2)
        return print_reports(cli);
    for (int i = 2; i < argc; i++) { /* --name value pairs go to the report */
        if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc)
            return cli_usage(cmd, "arguments are --name value pairs"), EXIT_USAGE;
        if (strcmp(argv[i], "--format") == 0)
            format = argv[++i];
        else if (strcmp(argv[i], "--output") == 0)
            output = argv[++i];
        else if (nargs + 2 <= 32) {
            args[nargs++] = argv[i] + 2;
            args[nargs++] = argv[++i];
        }
    }
    if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return cli_usage(cmd, "--format is csv or json"), EXIT_USAGE;
    struct report_rows rows;
    char err[2000];
    if (lua_model_run_report(cli->core, argv[1], args, nargs, &rows, err, sizeof err) != 0) {
        cli_error("report %s: %s", argv[1], err);
        buf_free(&rows.cells);
        return EXIT_ERROR;
    }
    buf out = BUF_INIT;
    write_rows(&rows, strcmp(format, "json") == 0, &out);
    int rc = cli_write_file(output, &out);
    if (output && rc == EXIT_OK)
        printf("%zu rows written to %s\n", rows.nrows, output);
    buf_free(&out);
    buf_free(&rows.cells);
    return rc;
}

const struct cli_command cli_run_commands[] = {
    {"run", cmd_run, CLI_NEEDS_CORE, "run",
     "run as a service: fire timers, deliver AFTER handlers; SIGHUP reloads scripts"},
    {"tick", cmd_tick, CLI_NEEDS_CORE, "tick",
     "fire the timers that are due now (for cron, and tests with TANDEM_NOW)"},
    {"rebuild", cmd_rebuild, CLI_NEEDS_CORE, "rebuild SOURCE.db   (the new database: --db)",
     "rebuild the state from another database's journal, into a new database"},
    {"report", cmd_report, CLI_NEEDS_CHECK,
     "report [NAME [--format csv|json] [--output FILE] [--ARG VALUE ...]]",
     "list the reports scripts offer, or run one (read-only, on a private copy)"},
    {NULL, NULL, 0, NULL, NULL}};
