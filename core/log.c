/*
** log.c — levels and one output format. The level is process-wide because it
** is an operator's choice for the whole run ([core] log_level), not state.
*/
#include "log.h"

#include <stdio.h>
#include <string.h>

static int current_level = LOG_INFO;
static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(int level)
{
    current_level = level;
}

int log_get_level(void)
{
    return current_level;
}

int log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

void log_vmsg(int level, const char *owner, const char *fmt, va_list ap)
{
    if (level > current_level)
        return;
    if (level < 0)
        level = 0;
    if (level > LOG_DEBUG)
        level = LOG_DEBUG;
    /* Build the whole line first so that concurrent writers (tests running
    ** several processes on one terminal) never interleave half lines. */
    char line[4096];
    int n = owner ? snprintf(line, sizeof line, "tandem: %s: %s: ", level_names[level], owner)
                  : snprintf(line, sizeof line, "tandem: %s: ", level_names[level]);
    if (n < 0)
        return;
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    fprintf(stderr, "%s\n", line);
}

void log_msg(int level, const char *owner, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, owner, fmt, ap);
    va_end(ap);
}
