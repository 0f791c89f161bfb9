/*
** main.c — `tandem [-c FILE] [--db PATH] COMMAND ...`: finds the command,
** opens the core as the command needs it, runs it, closes.
*/
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "host.h"

static const struct cli_command *const command_tables[] = {
    cli_core_commands,   cli_model_commands,    cli_service_commands,
    cli_record_commands, cli_exchange_commands, cli_points_commands,
    cli_run_commands,    cli_demo_commands,     NULL};

const struct cli_command *cli_find(const char *name)
{
    for (const struct cli_command *const *t = command_tables; *t; t++)
        for (const struct cli_command *c = *t; c->name; c++)
            if (strcmp(c->name, name) == 0)
                return c;
    return NULL;
}

static void help(FILE *out)
{
    fprintf(out,
            "tandem %s — community social work + volunteer service platform\n\n"
            "usage: tandem [-c FILE] [--db PATH] COMMAND [ARGS...]\n\n"
            "  -c FILE     configuration (default: $TANDEM_CONFIG, else etc/tandem.ini)\n"
            "  --db PATH   database (overrides [core] database)\n"
            "  --version   print the version\n\n"
            "commands:\n",
            PACKAGE_VERSION);
    for (const struct cli_command *const *t = command_tables; *t; t++)
        for (const struct cli_command *c = *t; c->name; c++)
            fprintf(out, "  %-14s %s\n", c->name, c->summary);
    fprintf(out, "\nexit codes: 0 ok, 1 error, 2 usage, 3 vetoed by a rule\n"
                 "Read commands take --json. `tandem help COMMAND` shows a command's usage.\n");
}

static int help_command(int argc, char **argv)
{
    if (argc < 2) {
        help(stdout);
        return EXIT_OK;
    }
    const struct cli_command *c = cli_find(argv[1]);
    if (c == NULL) {
        fprintf(stderr, "tandem: no command '%s'; `tandem help` lists them\n", argv[1]);
        return EXIT_USAGE;
    }
    printf("usage: tandem %s\n%s\n", c->usage, c->summary);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    struct cli cli = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            cli.config_path = argv[++i];
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            cli.database = argv[++i];
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("tandem %s (plugin ABI %d.%d)\n", PACKAGE_VERSION, TANDEM_ABI_MAJOR,
                   TANDEM_ABI_MINOR);
            return EXIT_OK;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            help(stdout);
            return EXIT_OK;
        } else {
            fprintf(stderr, "tandem: unknown option '%s'\n", argv[i]);
            help(stderr);
            return EXIT_USAGE;
        }
    }
    if (i == argc) {
        help(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[i], "help") == 0)
        return help_command(argc - i, argv + i);
    const struct cli_command *cmd = cli_find(argv[i]);
    if (cmd == NULL) {
        fprintf(stderr, "tandem: no command '%s'; `tandem help` lists them\n", argv[i]);
        return EXIT_USAGE;
    }
    if (cmd->needs != CLI_NEEDS_NOTHING) {
        struct core_args a = {
            .config_path = cli.config_path,
            .database = cli.database,
            .mode = cmd->needs == CLI_NEEDS_CHECK ? HOST_CHECK : HOST_RUN,
            .store = cmd->needs == CLI_NEEDS_CHECK ? CORE_STORE_MEMORY : CORE_STORE_FILE,
            .no_config_ok = 1, /* no ./etc/tandem.ini: built-in defaults */
        };
        if (core_open(&cli.core, &a) != 0) {
            core_close(cli.core);
            return EXIT_ERROR;
        }
    }
    int rc = cmd->run(&cli, argc - i, argv + i);
    core_close(cli.core);
    return rc;
}
