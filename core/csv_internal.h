/*
** csv_internal.h — what the CSV files (csv.c, csv_header.c, csv_write.c)
** share besides csv.h.
*/
#ifndef TANDEM_CSV_INTERNAL_H
#define TANDEM_CSV_INTERNAL_H

#include <stddef.h>

#define CSV_BOM "\xEF\xBB\xBF" /* UTF-8's byte order mark, as Excel writes it */

/* Writes the message to err (if given); returns -1. */
int csv_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A space or a tab. */
int csv_is_blank(char c);
/* "column 3 (C, \"出生日期\")", or "column 3 (C)" without a header name. */
void csv_format_column(char *out, size_t len, size_t col, const char *header);

#endif
