/*
** cli.c — argument parsing, tables and messages shared by the commands.
*/
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "text.h"
#include "value.h"

int cli_usage(const struct cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "tandem %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: tandem %s\n", cmd->usage);
    return -1;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("tandem: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_args(const struct cli_command *cmd, int argc, char **argv, const struct cli_opt *opts,
             char **pos, int minpos, int maxpos, int *npos)
{
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
            if (strcmp(a, "--") == 0) {
                while (++i < argc) {
                    if (*npos >= maxpos)
                        return cli_usage(cmd, "too many arguments");
                    pos[(*npos)++] = argv[i];
                }
                break;
            }
            if (*npos >= maxpos)
                return cli_usage(cmd, "unexpected argument '%s'", a);
            pos[(*npos)++] = argv[i];
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const struct cli_opt *o = opts;
        while (o && o->name && (strlen(o->name) != len || strncmp(o->name, a, len) != 0))
            o++;
        if (o == NULL || o->name == NULL)
            return cli_usage(cmd, "unknown option '%.*s'", (int)len, a);
        if (o->flag) {
            if (eq)
                return cli_usage(cmd, "%s takes no value", o->name);
            *o->flag = 1;
        } else if (eq) {
            *o->value = eq + 1;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            return cli_usage(cmd, "%s needs a value", o->name);
        }
    }
    if (*npos < minpos)
        return cli_usage(cmd, "missing argument%s", minpos - *npos > 1 ? "s" : "");
    return 0;
}

int cli_id(const struct cli_command *cmd, const char *what, const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0)
        return cli_usage(cmd, "%s must be a positive number, not '%s'", what, s);
    *out = v;
    return 0;
}

void cli_print_json(buf *b)
{
    fwrite(buf_str(b), 1, b->n, stdout);
    if (b->n == 0 || b->p[b->n - 1] != '\n')
        fputc('\n', stdout);
}

void cli_format_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

/* ---------------------------------------------------------------------- */
/* Tables                                                                 */

struct table {
    int ncols;
    char **cells; /* row-major, header row first */
    size_t nrows, cap;
};

struct table *table_new(int ncols, const char *const *headers)
{
    struct table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ncols = ncols;
    table_add(t, headers);
    return t;
}

void table_add(struct table *t, const char *const *cells)
{
    if (t == NULL)
        return;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **c = realloc(t->cells, cap * (size_t)t->ncols * sizeof *c);
        if (c == NULL)
            return;
        t->cells = c;
        t->cap = cap;
    }
    for (int i = 0; i < t->ncols; i++) {
        const char *s = cells[i] ? cells[i] : "";
        char *copy = strdup(s);
        for (char *p = copy; p && *p; p++) /* one row per line */
            if (*p == '\n' || *p == '\t')
                *p = ' ';
        t->cells[t->nrows * (size_t)t->ncols + (size_t)i] = copy;
    }
    t->nrows++;
}

void table_print(struct table *t, FILE *out)
{
    if (t == NULL)
        return;
    size_t *width = calloc((size_t)t->ncols, sizeof *width);
    if (width == NULL)
        return;
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * (size_t)t->ncols + (size_t)c];
            size_t w = s ? text_width(s) : 0;
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * (size_t)t->ncols + (size_t)c];
            s = s ? s : "";
            fputs(s, out);
            if (c + 1 < t->ncols)
                for (size_t pad = text_width(s); pad < width[c] + 2; pad++)
                    fputc(' ', out);
        }
        fputc('\n', out);
    }
    free(width);
}

void table_free(struct table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

/* ---------------------------------------------------------------------- */
/* Query results                                                          */

struct rows {
    jw *w;                     /* JSON output, or */
    struct table *t;           /* a table */
    const struct cli_columns *cols;
    int count;
};

static int print_row(void *ud, int ncols, const tandem_value *cols)
{
    struct rows *r = ud;
    buf cell[24];
    const char *cells[24];
    int n = ncols < 24 ? ncols : 24;
    r->count++;
    if (r->w)
        jw_object(r->w);
    for (int i = 0; i < n; i++) {
        cell[i] = (buf)BUF_INIT;
        if (r->cols->times && r->cols->times[i] && cols[i].type == TANDEM_INT) {
            char when[32];
            cli_format_time(cols[i].u.i, when);
            buf_puts(&cell[i], when);
        } else if (cols[i].type != TANDEM_NIL) {
            value_format(&cell[i], &cols[i]);
        }
        cells[i] = buf_str(&cell[i]);
        if (r->w) {
            jw_key(r->w, r->cols->names[i]);
            if (cols[i].type == TANDEM_INT && !(r->cols->times && r->cols->times[i]))
                jw_int(r->w, cols[i].u.i);
            else if (cols[i].type == TANDEM_REAL)
                jw_real(r->w, cols[i].u.r);
            else if (cols[i].type == TANDEM_NIL)
                jw_null(r->w);
            else
                jw_string(r->w, cells[i]);
        }
    }
    if (r->w)
        jw_end(r->w);
    else
        table_add(r->t, cells);
    for (int i = 0; i < n; i++)
        buf_free(&cell[i]);
    return 0;
}

void cli_query_json(struct cli *cli, jw *w, const char *sql, const tandem_value *args, int nargs,
                    const struct cli_columns *cols)
{
    struct rows r = {w, NULL, cols, 0};
    jw_array(w);
    command_query(cli->core, sql, args, nargs, print_row, &r);
    jw_end(w);
}

int cli_query_table(struct cli *cli, const char *sql, const tandem_value *args, int nargs,
                    const struct cli_columns *cols)
{
    struct rows r = {NULL, table_new(cols->n, cols->heads), cols, 0};
    command_query(cli->core, sql, args, nargs, print_row, &r);
    table_print(r.t, stdout);
    table_free(r.t);
    return r.count;
}

void cli_print_query(struct cli *cli, const char *sql, const tandem_value *args, int nargs,
                     const char *const *heads, const char *const *names, int ncols,
                     const int *time_cols)
{
    struct cli_columns cols = {heads, names, ncols, time_cols};
    if (!cli->json) {
        cli_query_table(cli, sql, args, nargs, &cols);
        return;
    }
    buf json = BUF_INIT;
    jw w;
    jw_init(&w, &json, 1);
    cli_query_json(cli, &w, sql, args, nargs, &cols);
    cli_print_json(&json);
    buf_free(&json);
}

/* ---------------------------------------------------------------------- */
/* Results and files                                                      */

static void result_json(const struct bus_result *res, buf *b)
{
    static const char *const status[] = {"ok", "duplicate", "vetoed", "invalid", "failed"};
    jw w;
    jw_init(&w, b, 1);
    jw_object(&w);
    jw_key(&w, "status");
    jw_string(&w, status[res->status]);
    if (res->id) {
        jw_key(&w, "id");
        jw_int(&w, res->id);
    }
    if (res->message) {
        jw_key(&w, res->status == BUS_VETOED ? "reason" : "error");
        jw_string(&w, res->message);
    }
    jw_key(&w, "followups");
    jw_array(&w);
    for (size_t i = 0; i < res->nfollowups; i++) {
        jw_object(&w);
        jw_key(&w, "id");
        jw_int(&w, res->followups[i].id);
        jw_key(&w, "topic");
        jw_string(&w, res->followups[i].topic);
        jw_end(&w);
    }
    jw_end(&w);
    jw_end(&w);
}

int cli_report(struct cli *cli, const struct bus_result *res, const char *topic)
{
    if (cli->json) {
        buf b = BUF_INIT;
        result_json(res, &b);
        cli_print_json(&b);
        buf_free(&b);
    } else if (res->status == BUS_OK || res->status == BUS_DUPLICATE) {
        printf("event %" PRId64 " %s%s\n", res->id, topic,
               res->status == BUS_DUPLICATE ? " (already recorded with this key; nothing changed)"
                                            : "");
        for (size_t i = 0; i < res->nfollowups; i++)
            printf("  → event %" PRId64 " %s\n", res->followups[i].id, res->followups[i].topic);
    } else if (res->status == BUS_VETOED) {
        fprintf(stderr, "vetoed: %s\n", res->message ? res->message : "refused");
    } else {
        cli_error("%s", res->message ? res->message : "failed");
    }
    return res->status == BUS_OK || res->status == BUS_DUPLICATE ? EXIT_OK
           : res->status == BUS_VETOED                          ? EXIT_VETOED
                                                                : EXIT_ERROR;
}

int cli_reply(struct cli *cli, struct bus_result *res, const char *topic)
{
    int rc = cli_report(cli, res, topic);
    bus_result_clear(res);
    return rc;
}

int cli_write_file(const char *path, const buf *b)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    int ok = f != NULL && fwrite(buf_str(b), 1, b->n, f) == b->n;
    if (path && f && fclose(f) != 0)
        ok = 0;
    if (!ok) {
        cli_error("%s: %s", path ? path : "stdout", strerror(errno));
        return EXIT_ERROR;
    }
    return EXIT_OK;
}
