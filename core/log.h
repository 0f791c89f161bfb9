/*
** log.h — the one logger. Lines go to standard error (systemd's journal
** captures it), prefixed with the level and, for plugins and scripts, the
** owner's name: "tandem: warn: script welcome: ...".
*/
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H

#include <stdarg.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(int level);
int log_get_level(void);
int log_level_parse(const char *name); /* -1 if unknown */
void log_msg(int level, const char *owner, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(int level, const char *owner, const char *fmt, va_list ap);

#endif
