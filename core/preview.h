/*
** preview.h — rules preview: a changed version of a script run over the
** journal on a private copy of the database, to compare balances per person.
*/
#ifndef TANDEM_PREVIEW_H
#define TANDEM_PREVIEW_H

#include <stdint.h>

#include "core.h"

struct preview_request {
    struct core *core;  /* opened on the data to preview against */
    const char *script; /* the [script.NAME] to replace */
    const char *file;   /* its new version */
    int64_t since;      /* replay events recorded from then on (0: all) */
};

struct preview_row {
    int64_t person;
    char name[128];
    char volunteer_no[40];
    int64_t now, then; /* balances in hundredths: now, and with the new rule */
};

/* Runs the preview. *rows (caller frees) has one row per person with a
** balance now or then. -1 with a message on failure. */
int preview_rule(const struct preview_request *rq, struct preview_row **rows, size_t *n,
                 char *err, size_t errlen);

#endif
