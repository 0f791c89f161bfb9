/*
** cli.h — what the command-line interface's files share: the command table,
** argument parsing, aligned tables (Chinese-width aware) and exit codes.
** The CLI is a client of the command layer (command.h): it parses, calls,
** and prints; it never touches the store.
*/
#ifndef TANDEM_CLI_H
#define TANDEM_CLI_H

#include <stdio.h>

#include "buf.h"
#include "core.h"
#include "json.h"

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_VETOED = 3 };

enum cli_needs {
    CLI_NEEDS_NOTHING = 0, /* runs without configuration */
    CLI_NEEDS_CORE,        /* configuration, store and running plugins */
    CLI_NEEDS_CHECK        /* configuration and plugins on a scratch store */
};

struct cli {
    struct core *core;
    int json; /* --json given */
    const char *config_path;
    const char *database;
};

struct cli_command {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv); /* argv[0] is the command */
    enum cli_needs needs;
    const char *usage;
    const char *summary;
};

/* Tables of commands, NULL-terminated, one per cli_*.c file. */
extern const struct cli_command cli_core_commands[];
extern const struct cli_command cli_model_commands[];
extern const struct cli_command cli_service_commands[];
extern const struct cli_command cli_record_commands[];
extern const struct cli_command cli_exchange_commands[];
extern const struct cli_command cli_points_commands[];
extern const struct cli_command cli_run_commands[];
extern const struct cli_command cli_demo_commands[];

/* Options of one command. A value option sets *value; a flag sets *flag. */
struct cli_opt {
    const char *name; /* "--topic" */
    const char **value;
    int *flag;
};

/* Parses argv[1..] into options and positional arguments. On a usage error
** prints it (with the command's usage) and returns -1. */
int cli_args(const struct cli_command *cmd, int argc, char **argv, const struct cli_opt *opts,
             char **pos, int minpos, int maxpos, int *npos);
int cli_usage(const struct cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const struct cli_command *cli_find(const char *name);

/* Prints a bus result the way every writing command does ("event N topic",
** the follow-ups, or the veto or error; JSON with --json); returns the exit
** code. cli_reply does the same and frees the result. */
struct bus_result;
int cli_report(struct cli *cli, const struct bus_result *res, const char *topic);
int cli_reply(struct cli *cli, struct bus_result *res, const char *topic);

/* Writes b to the file at path (standard output when path is NULL); on
** failure prints why and returns EXIT_ERROR. */
int cli_write_file(const char *path, const buf *b);

/* Parses a positive integer argument; prints a usage error on failure. */
int cli_id(const struct cli_command *cmd, const char *what, const char *s, int64_t *out);

/* A table printed with aligned columns. */
struct table;
struct table *table_new(int ncols, const char *const *headers);
void table_add(struct table *t, const char *const *cells);
void table_print(struct table *t, FILE *out);
void table_free(struct table *t);

/* A query's columns: table headings, JSON keys, and which hold Unix times. */
struct cli_columns {
    const char *const *heads;
    const char *const *names;
    int n;
    const int *times; /* may be NULL */
};

/* Runs a query (through the command layer) and prints its rows as an
** aligned table, or as a JSON array with --json. */
void cli_print_query(struct cli *cli, const char *sql, const tandem_value *args, int nargs,
                     const char *const *heads, const char *const *names, int ncols,
                     const int *time_cols);
/* Writes a query's rows as a JSON array into w. */
void cli_query_json(struct cli *cli, jw *w, const char *sql, const tandem_value *args, int nargs,
                    const struct cli_columns *cols);
/* Prints a query's rows as a table; returns how many rows there were. */
int cli_query_table(struct cli *cli, const char *sql, const tandem_value *args, int nargs,
                    const struct cli_columns *cols);

/* Writes JSON to standard output followed by a newline. */
void cli_print_json(buf *b);

/* "2026-03-02 07:20" in the configured time zone. */
void cli_format_time(int64_t t, char out[32]);

#endif
