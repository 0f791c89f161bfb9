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

/* Parses a positive integer argument; prints a usage error on failure. */
int cli_id(const struct cli_command *cmd, const char *what, const char *s, int64_t *out);

/* A table printed with aligned columns. */
struct table;
struct table *table_new(int ncols, const char *const *headers);
void table_add(struct table *t, const char *const *cells);
void table_print(struct table *t, FILE *out);
void table_free(struct table *t);

/* Writes JSON to standard output followed by a newline. */
void cli_print_json(buf *b);

/* "2026-03-02 07:20" in the configured time zone. */
void cli_format_time(int64_t t, char out[32]);

#endif
