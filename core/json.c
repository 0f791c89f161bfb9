/*
** json.c — streaming JSON writer.
*/
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(jw *w, buf *out, int pretty)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->pretty = pretty;
}

static void jw_newline(jw *w)
{
    buf_putc(w->out, '\n');
    for (int i = 0; i < w->depth; i++)
        buf_puts(w->out, "  ");
}

/* Separator before a key, or before a value that does not follow a key. */
static void jw_item(jw *w, int is_key)
{
    if (w->depth == 0 || w->depth > JW_MAX_DEPTH)
        return;
    int d = w->depth - 1;
    if (!is_key && w->keyed[d]) {
        w->keyed[d] = 0;
        return;
    }
    if (w->items[d])
        buf_putc(w->out, ',');
    if (w->pretty)
        jw_newline(w);
    w->items[d] = 1;
    w->keyed[d] = (unsigned char)is_key;
}

static void jw_open(jw *w, char open, char close)
{
    jw_item(w, 0);
    buf_putc(w->out, open);
    if (w->depth < JW_MAX_DEPTH) {
        w->items[w->depth] = 0;
        w->keyed[w->depth] = 0;
        w->close[w->depth] = close;
    }
    w->depth++;
}

void jw_object(jw *w)
{
    jw_open(w, '{', '}');
}

void jw_array(jw *w)
{
    jw_open(w, '[', ']');
}

void jw_end(jw *w)
{
    if (w->depth == 0)
        return;
    w->depth--;
    if (w->depth >= JW_MAX_DEPTH) {
        buf_putc(w->out, '}');
        return;
    }
    if (w->pretty && w->items[w->depth])
        jw_newline(w);
    buf_putc(w->out, w->close[w->depth]);
    if (w->depth == 0 && w->pretty)
        buf_putc(w->out, '\n');
}

static void jw_escaped(buf *b, const char *s, size_t n);

void jw_key(jw *w, const char *key)
{
    jw_item(w, 1);
    jw_escaped(w->out, key, strlen(key));
    buf_puts(w->out, w->pretty ? ": " : ":");
}

static void jw_escaped(buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_add(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            buf_puts(b, u);
        }
        }
    }
    buf_add(b, s + run, n - run);
    buf_putc(b, '"');
}

void jw_string_n(jw *w, const char *s, size_t n)
{
    jw_item(w, 0);
    jw_escaped(w->out, s, n);
}

void jw_string(jw *w, const char *s)
{
    jw_string_n(w, s, strlen(s));
}

void jw_int(jw *w, int64_t i)
{
    jw_item(w, 0);
    buf_printf(w->out, "%" PRId64, i);
}

void json_format_real(char out[32], double r)
{
    if (!isfinite(r)) { /* JSON has no inf/nan; null is the honest answer */
        strcpy(out, "null");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, r);
        if (strtod(out, NULL) == r)
            break;
    }
    if (strpbrk(out, ".eEn") == NULL)
        strcat(out, ".0");
}

void jw_real(jw *w, double r)
{
    char tmp[32];
    jw_item(w, 0);
    json_format_real(tmp, r);
    buf_puts(w->out, tmp);
}

void jw_bool(jw *w, int b)
{
    jw_item(w, 0);
    buf_puts(w->out, b ? "true" : "false");
}

void jw_null(jw *w)
{
    jw_item(w, 0);
    buf_puts(w->out, "null");
}

void jw_raw(jw *w, const char *json)
{
    jw_item(w, 0);
    buf_puts(w->out, json);
}
