/*
** csv_write.c — writing CSV as Excel reads it (csv.h): UTF-8 with a BOM,
** CRLF, quotes where needed, and cells guarded against formula injection.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "csv_internal.h"

/* ---------------------------------------------------------------------------
** Writing */

/* Characters that make Excel read a cell as a formula (OWASP's list). */
static int csv_is_trigger(char c)
{
    return c != '\0' && strchr("=+-@\t\r", c) != NULL;
}

const char *csv_unguard(const char *s)
{
    return s && s[0] == '\'' && csv_is_trigger(s[1]) ? s + 1 : s;
}

void csv_write_begin(struct csv_writer *w, buf *out)
{
    w->out = out;
    w->fields = 0;
    buf_puts(out, CSV_BOM);
}

/* Quotes where a reader would otherwise split or trim the field. ';' is
** quoted too, so that a reader that guesses the separator never picks it. */
static int csv_needs_quotes(const char *s)
{
    size_t n = strlen(s);
    if (n > 0 && (csv_is_blank(s[0]) || csv_is_blank(s[n - 1])))
        return 1;
    return strpbrk(s, ",;\"\r\n") != NULL;
}

static void csv_write_field(struct csv_writer *w, const char *s, int guard)
{
    int quote = csv_needs_quotes(s);
    if (w->fields++ > 0)
        buf_putc(w->out, ',');
    if (quote)
        buf_putc(w->out, '"');
    if (guard)
        buf_putc(w->out, '\'');
    for (const char *q; quote && (q = strchr(s, '"')) != NULL; s = q + 1) {
        buf_add(w->out, s, (size_t)(q - s));
        buf_puts(w->out, "\"\"");
    }
    buf_puts(w->out, s);
    if (quote)
        buf_putc(w->out, '"');
}

void csv_write_text(struct csv_writer *w, const char *s)
{
    s = s ? s : "";
    csv_write_field(w, s, csv_is_trigger(s[0]));
}

static int csv_is_number(const char *s)
{
    size_t digits = 0;
    if (*s == '-' || *s == '+')
        s++;
    for (; *s >= '0' && *s <= '9'; s++)
        digits++;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            digits++;
    if (digits == 0)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

void csv_write_number(struct csv_writer *w, const char *s)
{
    if (s && csv_is_number(s))
        csv_write_field(w, s, 0);
    else
        csv_write_text(w, s);
}

void csv_write_int(struct csv_writer *w, long long v)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%lld", v);
    csv_write_field(w, tmp, 0);
}

void csv_write_digits(struct csv_writer *w, const char *s)
{
    if (s == NULL || *s == '\0' || csv_needs_quotes(s) || csv_is_trigger(s[0])) {
        csv_write_text(w, s);
        return;
    }
    csv_write_field(w, s, 0);
    buf_putc(w->out, '\t');
}

void csv_write_end_row(struct csv_writer *w)
{
    buf_puts(w->out, "\r\n");
    w->fields = 0;
}

void csv_write_row(struct csv_writer *w, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        csv_write_text(w, fields[i]);
    csv_write_end_row(w);
}
