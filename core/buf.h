/*
** buf.h — a growable byte buffer with a sticky failure flag: callers append
** freely and check `failed` once at the end (as open_memstream does).
** The contents are always NUL-terminated when non-empty.
*/
#ifndef TANDEM_BUF_H
#define TANDEM_BUF_H

#include <stddef.h>

typedef struct buf {
    char *p;
    size_t n, cap;
    int failed; /* an allocation failed; contents are incomplete */
} buf;

#define BUF_INIT {NULL, 0, 0, 0}

void buf_add(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(buf *b);
void buf_free(buf *b);
const char *buf_str(const buf *b); /* "" when empty */
char *buf_steal(buf *b);           /* caller frees; NULL if failed */

#endif
