/*
** csv_header.c — a header row mapped to the columns an importer knows, by
** their Chinese and English names and aliases (csv.h).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "csv_internal.h"
#include "text.h"

/* ---------------------------------------------------------------------------
** Headers */

/* Length of what may be cut at the front (or back) of a header: a blank, a
** line break (templates wrap long headers), U+3000 ideographic space, or a
** required-field mark '*' or U+FF0A '＊'. */
static size_t csv_trim_unit(const char *s, size_t n, int back)
{
    static const char *const units[] = {" ", "\t", "\r", "\n", "*", "\xE3\x80\x80", "\xEF\xBC\x8A"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        size_t len = strlen(units[u]);
        if (len <= n && memcmp(back ? s + n - len : s, units[u], len) == 0)
            return len;
    }
    return 0;
}

static const char *csv_header_span(const char *s, size_t n, size_t *len)
{
    size_t k;
    while ((k = csv_trim_unit(s, n, 0)) > 0)
        s += k, n -= k;
    while ((k = csv_trim_unit(s, n, 1)) > 0)
        n -= k;
    *len = n;
    return s;
}

/* The span without a trailing note in ASCII or full-width brackets, or
** the whole span when there is none or nothing else. */
static size_t csv_strip_note(const char *s, size_t n)
{
    size_t len;
    if (!(n >= 1 && s[n - 1] == ')') && !(n >= 3 && memcmp(s + n - 3, "\xEF\xBC\x89", 3) == 0))
        return n;
    for (size_t i = n; i-- > 0;) {
        if (s[i] != '(' && !(i + 3 <= n && memcmp(s + i, "\xEF\xBC\x88", 3) == 0))
            continue;
        csv_header_span(s, i, &len);
        return len > 0 ? len : n;
    }
    return n;
}

static char csv_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int csv_name_is(const char *name, const char *s, size_t n)
{
    size_t len;
    name = csv_header_span(name, strlen(name), &len);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (csv_lower(name[i]) != csv_lower(s[i]))
            return 0;
    return 1;
}

static int csv_match_span(const struct csv_column *cols, size_t ncols, const char *s, size_t n)
{
    for (size_t j = 0; j < ncols; j++) {
        if (cols[j].key && csv_name_is(cols[j].key, s, n))
            return (int)j;
        for (const char *const *a = cols[j].aliases; a && *a; a++)
            if (csv_name_is(*a, s, n))
                return (int)j;
    }
    return -1;
}

static int csv_match_header(const struct csv_column *cols, size_t ncols, const char *cell)
{
    size_t n;
    const char *s = csv_header_span(cell, strlen(cell), &n);
    int j = csv_match_span(cols, ncols, s, n);
    size_t bare = csv_strip_note(s, n);
    return j >= 0 || bare == n ? j : csv_match_span(cols, ncols, s, bare);
}

static const char *csv_display_name(const struct csv_column *c)
{
    return c->aliases && c->aliases[0] ? c->aliases[0] : c->key;
}

/* Every name of every column, for suggestions; NULL when out of memory. */
static const char **csv_all_names(const struct csv_column *cols, size_t ncols, size_t *n)
{
    size_t count = 0;
    for (size_t j = 0; j < ncols; j++)
        for (const char *const *a = cols[j].aliases; a && *a; a++)
            count++;
    const char **names = malloc((count + ncols + 1) * sizeof *names);
    if (names == NULL)
        return NULL;
    *n = 0;
    for (size_t j = 0; j < ncols; j++) {
        if (cols[j].key)
            names[(*n)++] = cols[j].key;
        for (const char *const *a = cols[j].aliases; a && *a; a++)
            names[(*n)++] = *a;
    }
    return names;
}

struct csv_mapping {
    const struct csv_table *t;
    const struct csv_column *cols;
    size_t ncols;
    int *index;
    const char **names; /* every name, for suggestions */
    size_t nnames;
    buf msg; /* one problem per line */
};

static void csv_problem(struct csv_mapping *m, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void csv_problem(struct csv_mapping *m, size_t col, const char *fmt, ...)
{
    char where[192], what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    csv_where(m->t, 0, col, where, sizeof where);
    buf_printf(&m->msg, "%s%s: %s", m->msg.n ? "\n" : "", where, what);
}

static void csv_unknown(struct csv_mapping *m, size_t col, const char *cell)
{
    char word[128];
    size_t n;
    const char *s = csv_header_span(cell, strlen(cell), &n);
    const char *guess = NULL;
    if (n < sizeof word) {
        for (size_t i = 0; i < n; i++)
            word[i] = csv_lower(s[i]);
        word[n] = '\0';
        guess = text_suggest(word, m->names, m->nnames);
    }
    if (guess) {
        csv_problem(m, col, "unknown column; did you mean \"%s\"?", guess);
        return;
    }
    buf list = BUF_INIT;
    for (size_t j = 0; j < m->ncols; j++)
        buf_printf(&list, "%s%s", j ? ", " : "", csv_display_name(&m->cols[j]));
    csv_problem(m, col, "unknown column; the columns this import reads are: %s", buf_str(&list));
    m->msg.failed |= list.failed;
    buf_free(&list);
}

static int csv_column_is_empty(const struct csv_table *t, size_t col)
{
    for (size_t r = 1; r < t->nrows; r++) {
        const char *v = csv_cell(t, r, col);
        if (v && *v)
            return 0;
    }
    return 1;
}

/* Maps file column col; returns the number of problems found (0 or 1). */
static int csv_map_column(struct csv_mapping *m, size_t col)
{
    const char *cell = csv_cell(m->t, 0, col);
    size_t n;
    char first[160];
    csv_header_span(cell ? cell : "", cell ? strlen(cell) : 0, &n);
    if (n == 0) {
        if (csv_column_is_empty(m->t, col))
            return 0;
        csv_problem(m, col, "this column has values but no header; name it in row 1");
        return 1;
    }
    int j = csv_match_header(m->cols, m->ncols, cell);
    if (j < 0) {
        csv_unknown(m, col, cell);
        return 1;
    }
    if (m->index[j] >= 0) {
        size_t other = (size_t)m->index[j];
        csv_format_column(first, sizeof first, other, csv_cell(m->t, 0, other));
        csv_problem(m, col, "the same column as %s; delete one of them", first);
        return 1;
    }
    m->index[j] = (int)col;
    return 0;
}

static int csv_is_alias(const struct csv_column *c, const char *name)
{
    for (const char *const *a = c->aliases; a && *a; a++)
        if (strcmp(*a, name) == 0)
            return 1;
    return 0;
}

static int csv_map_missing(struct csv_mapping *m)
{
    int problems = 0;
    for (size_t j = 0; j < m->ncols; j++) {
        const struct csv_column *c = &m->cols[j];
        if (!c->required || m->index[j] >= 0)
            continue;
        buf_printf(&m->msg, "%srow 1: the required column \"%s\" is missing", m->msg.n ? "\n" : "",
                   csv_display_name(c));
        int others = 0;
        for (const char *const *a = c->aliases; a && *a; a++)
            if (*a != csv_display_name(c))
                buf_printf(&m->msg, "%s\"%s\"", others++ ? ", " : " (also accepted: ", *a);
        if (c->key && !csv_is_alias(c, c->key))
            buf_printf(&m->msg, "%s\"%s\"", others++ ? ", " : " (also accepted: ", c->key);
        if (others)
            buf_putc(&m->msg, ')');
        problems++;
    }
    return problems;
}

int csv_map_header(const struct csv_table *t, const struct csv_column *cols, size_t ncols,
                   int *index_out, char *err, size_t errlen)
{
    struct csv_mapping m = {t, cols, ncols, index_out, NULL, 0, BUF_INIT};
    int problems = 0;
    for (size_t j = 0; j < ncols; j++)
        index_out[j] = -1;
    if (t == NULL || t->nrows == 0) {
        csv_fail(err, errlen, "the file is empty: row 1 must hold the column headers");
        return 1;
    }
    m.names = csv_all_names(cols, ncols, &m.nnames);
    if (m.names == NULL)
        goto oom;
    for (size_t c = 0; c < t->ncols_max; c++)
        problems += csv_map_column(&m, c);
    problems += csv_map_missing(&m);
    if (m.msg.failed)
        goto oom;
    if (err && errlen)
        snprintf(err, errlen, "%s", buf_str(&m.msg));
    free(m.names);
    buf_free(&m.msg);
    return problems;
oom:
    csv_fail(err, errlen, "out of memory checking the headers");
    free(m.names);
    buf_free(&m.msg);
    return -1;
}
