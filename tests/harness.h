/*
** harness.h — helpers for the C tests: a temporary directory, files written
** into it, a core opened on an INI text, and capture of standard error.
*/
#ifndef TANDEM_HARNESS_H
#define TANDEM_HARNESS_H

#include "core.h"

/* A fresh directory, removed when the test exits. */
const char *harness_dir(void);

/* Writes text to DIR/name and returns the path (freed at exit). */
const char *harness_write(const char *name, const char *text);

/* Opens a running core on an INI text, with its database in the temporary
** directory (db names it; NULL: "test.db"). NULL if core_open failed. */
struct core *harness_core(const char *ini, const char *db);
struct core *harness_core_mode(const char *ini, const char *db, int mode);

/* Standard error from start to stop (caller frees). */
void harness_capture(void);
char *harness_captured(void);

/* Path of a file in the source tree, e.g. "tests/lua/loop.lua". */
const char *harness_src(const char *relative);

#endif
