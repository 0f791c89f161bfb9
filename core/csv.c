/*
** csv.c — reading CSV files; the rules are in csv.h (csv_header.c maps
** header rows to columns, csv_write.c writes). This file uses only buf,
** text and iconv(3): it knows nothing of the store or of what a row means,
** which is the importer's business.
**
** Reading is three steps: refuse what is plainly not a CSV file, decode to
** UTF-8, then split into cells. Cells go back to back into one text buffer
** and their offsets into two more buffers, so that a table of a million
** cells costs five allocations, not a million.
*/
#include "csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv_internal.h"
#include "text.h"

#define CSV_SAVE_AS                                                                                \
    "in Excel, choose File > Save As with the type \"CSV UTF-8 (Comma delimited)\" and import "    \
    "that file"

int csv_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int csv_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Length of s[0..n) cut to at most max bytes, at a line end, and never in
** the middle of a UTF-8 character: for quoting cells in messages. */
static int csv_clip(const char *s, size_t n, size_t max)
{
    size_t len = 0;
    while (len < n && len < max && s[len] != '\n' && s[len] != '\r')
        len++;
    while (len > 0 && len < n && ((unsigned char)s[len] & 0xC0) == 0x80)
        len--;
    return (int)len;
}

/* Spreadsheet letters of 0-based column col: A … Z, AA, AB, … */
static void csv_letters(size_t col, char out[24])
{
    char tmp[24];
    size_t n = 0;
    for (col++; col > 0 && n < sizeof tmp - 1; col /= 26) {
        col--;
        tmp[n++] = (char)('A' + col % 26);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* column 3 (C, "出生日期"), or column 3 (C) without a header name. */
void csv_format_column(char *out, size_t len, size_t col, const char *header)
{
    char letters[24];
    csv_letters(col, letters);
    if (header && *header)
        snprintf(out, len, "column %zu (%s, \"%.*s\")", col + 1, letters,
                 csv_clip(header, strlen(header), 48), header);
    else
        snprintf(out, len, "column %zu (%s)", col + 1, letters);
}

static void csv_format_where(char *out, size_t len, size_t row, size_t col, const char *header)
{
    char column[128];
    csv_format_column(column, sizeof column, col, header);
    snprintf(out, len, "row %zu, %s", row + 1, column);
}

/* ---------------------------------------------------------------------------
** Encoding */

/* Separator of the file: ';' when the first line has more of them than ','
** outside quotes. Works on GB18030 bytes too: no byte of a multi-byte
** GB18030 character is ',', ';', '"', CR or LF. */
static char csv_detect_sep(const char *p, size_t n)
{
    size_t commas = 0, semicolons = 0;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (p[i] == '\n' || p[i] == '\r')
            break;
        else if (p[i] == ',')
            commas++;
        else if (p[i] == ';')
            semicolons++;
    }
    return semicolons > commas ? ';' : ',';
}

/* 0-based row and column of byte off of the raw file, by the parser's
** rules in brief: encoding errors are found before parsing. */
static void csv_place_at(const char *p, size_t n, size_t off, char sep, size_t *row, size_t *col)
{
    int quoted = 0, field_start = 1;
    *row = *col = 0;
    for (size_t i = n >= 3 && memcmp(p, CSV_BOM, 3) == 0 ? 3 : 0; i < off && i < n; i++) {
        char c = p[i];
        if (quoted) {
            if (c == '"' && i + 1 < n && p[i + 1] == '"')
                i++;
            else if (c == '"')
                quoted = 0;
        } else if (c == '"' && field_start) {
            quoted = 1, field_start = 0;
        } else if (c == '\n' || (c == '\r' && (i + 1 >= n || p[i + 1] != '\n'))) {
            (*row)++, *col = 0, field_start = 1;
        } else if (c == sep) {
            (*col)++, field_start = 1;
        } else if (!csv_is_blank(c) && c != '\r') {
            field_start = 0;
        }
    }
}

/* "row 5, column 2 (B), byte offset 1234: bytes 81 7F" — the bad byte and
** the non-ASCII bytes after it. */
static void csv_format_offset(char *out, size_t len, const char *p, size_t n, size_t off, char sep)
{
    size_t row, col;
    char where[128];
    csv_place_at(p, n, off, sep, &row, &col);
    csv_format_where(where, sizeof where, row, col, NULL);
    int k = snprintf(out, len, "%s, byte offset %zu: bytes", where, off);
    for (size_t i = off; i < n && i < off + 4 && k > 0 && (size_t)k < len; i++) {
        if (i > off && (unsigned char)p[i] < 0x80)
            break;
        k += snprintf(out + k, len - (size_t)k, " %02X", (unsigned char)p[i]);
    }
}

/* Well-formed multi-byte UTF-8 characters in p (good) and places where the
** bytes are not UTF-8 (bad), the first of them at *first. */
static void csv_utf8_census(const char *p, size_t n, size_t *good, size_t *bad, size_t *first)
{
    *good = *bad = 0;
    *first = n;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)p[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (len == 1) {
            i++;
        } else if (len <= n - i && text_utf8_valid(p + i, len)) {
            (*good)++;
            i += len;
        } else {
            if ((*bad)++ == 0)
                *first = i;
            i++;
        }
    }
}

/* Converts GB18030 to UTF-8, appending to out. Windows' code page 936,
** which Excel actually writes, also has the single byte 0x80 for '€', which
** GB18030 lacks; it is taken as '€' too. Returns 0; -1 on bytes that are not
** GB18030, with their offset in *bad; -2 when out of memory; -3 when iconv
** has no GB18030 converter. */
static int csv_from_gb18030(const char *p, size_t n, buf *out, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return -3;
    char *in = (char *)p, chunk[16384];
    size_t inleft = n;
    int rc = 0;
    while (inleft > 0 && rc == 0) {
        char *o = chunk;
        size_t oleft = sizeof chunk;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        buf_add(out, chunk, sizeof chunk - oleft);
        if (r == (size_t)-1 && errno == EILSEQ && *in == '\x80') {
            buf_puts(out, "€");
            in++, inleft--;
        } else if (r == (size_t)-1 && errno != E2BIG) {
            *bad = (size_t)(in - p);
            rc = -1;
        }
    }
    iconv_close(cd);
    return rc == 0 && out->failed ? -2 : rc;
}

/* Refuses, by name, the files people pick by mistake. */
static int csv_refuse_binary(const char *p, size_t n, char *err, size_t errlen)
{
    if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
        return csv_fail(err, errlen, "this is an Excel workbook (.xlsx), not a CSV file; %s",
                        CSV_SAVE_AS);
    if (n >= 8 && memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return csv_fail(err, errlen, "this is an old Excel workbook (.xls), not a CSV file; %s",
                        CSV_SAVE_AS);
    if (n >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0))
        return csv_fail(err, errlen,
                        "this file is UTF-16 (Excel's \"Unicode Text\"), which is not read; %s",
                        CSV_SAVE_AS);
    return 0;
}

/* Decodes input that is not valid UTF-8 and has no BOM. A file that is
** UTF-8 but for a few places was pieced together from two sources;
** converting it as GB18030 would turn every Chinese character into
** nonsense, so it is refused instead. GB18030 text is rarely valid UTF-8
** by chance, far less than once per eight characters. */
static int csv_decode_other(const char *p, size_t n, char sep, buf *out, char *err, size_t errlen)
{
    size_t good, bad, first;
    char at[200];
    csv_utf8_census(p, n, &good, &bad, &first);
    if (good >= 8 && good >= 8 * bad) {
        csv_format_offset(at, sizeof at, p, n, first, sep);
        return csv_fail(err, errlen,
                        "%s are not UTF-8, though the rest of the file is: that text was "
                        "probably pasted from a file in another encoding; retype it and save the "
                        "file as \"CSV UTF-8\"",
                        at);
    }
    int rc = csv_from_gb18030(p, n, out, &first);
    if (rc == -2)
        return csv_fail(err, errlen, "out of memory converting %zu bytes from GB18030", n);
    if (rc == -3)
        return csv_fail(err, errlen,
                        "the file is not UTF-8 and this system's iconv cannot "
                        "read GB18030; %s",
                        CSV_SAVE_AS);
    if (rc == -1) {
        csv_format_offset(at, sizeof at, p, n, first, sep);
        return csv_fail(err, errlen,
                        "%s are neither UTF-8 nor GB18030 (Excel's \"CSV\" on Chinese Windows), "
                        "so the file's encoding is unknown; %s",
                        at, CSV_SAVE_AS);
    }
    return 0;
}

/* Sets *text, *n and *enc to the UTF-8 form of the input, which is either
** data itself or kept in decoded. */
static int csv_decode(const char *data, size_t len, buf *decoded, const char **text, size_t *n,
                      enum csv_encoding *enc, char *err, size_t errlen)
{
    char sep, at[200];
    size_t good, bad, first, skip;
    if (csv_refuse_binary(data, len, err, errlen) != 0)
        return -1;
    *enc = len >= 3 && memcmp(data, CSV_BOM, 3) == 0 ? CSV_UTF8_BOM : CSV_UTF8;
    skip = *enc == CSV_UTF8_BOM ? 3 : 0;
    *text = data + skip, *n = len - skip;
    if (text_utf8_valid(*text, *n))
        return 0;
    sep = csv_detect_sep(*text, *n);
    if (*enc == CSV_UTF8_BOM) {
        csv_utf8_census(*text, *n, &good, &bad, &first);
        csv_format_offset(at, sizeof at, data, len, first + skip, sep);
        return csv_fail(err, errlen,
                        "%s are not UTF-8, though the file starts with a UTF-8 mark; it may "
                        "be damaged; open it in Excel and save it again as \"CSV UTF-8\"",
                        at);
    }
    *enc = CSV_GB18030;
    if (csv_decode_other(data, len, sep, decoded, err, errlen) != 0)
        return -1;
    *text = buf_str(decoded), *n = decoded->n;
    return 0;
}

/* ---------------------------------------------------------------------------
** Parsing */

struct csv_parser {
    const char *p;
    size_t n, i;
    char sep;
    size_t row, col; /* of the field being read, 0-based */
    size_t header_cells;
    buf text;  /* the cells, each NUL-terminated */
    buf cells; /* size_t: offset in text of each cell */
    buf rows;  /* size_t: index of each row's first cell */
    char *err;
    size_t errlen;
};

enum csv_end { CSV_END_FIELD, CSV_END_ROW, CSV_END_FILE };

static void csv_push_size(buf *b, size_t v)
{
    buf_add(b, &v, sizeof v);
}

static size_t csv_size_at(const buf *b, size_t i)
{
    size_t v;
    memcpy(&v, b->p + i * sizeof v, sizeof v);
    return v;
}

static size_t csv_count(const buf *b)
{
    return b->n / sizeof(size_t);
}

static int csv_parser_fail(struct csv_parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int csv_parser_fail(struct csv_parser *ps, const char *fmt, ...)
{
    char where[192], what[320];
    const char *header = NULL;
    va_list ap;
    if (ps->row > 0 && ps->col < ps->header_cells && !ps->text.failed && !ps->cells.failed)
        header = ps->text.p + csv_size_at(&ps->cells, ps->col);
    csv_format_where(where, sizeof where, ps->row, ps->col, header);
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return csv_fail(ps->err, ps->errlen, "%s: %s", where, what);
}

static int csv_fail_nul(struct csv_parser *ps)
{
    return csv_parser_fail(ps, "the file holds a NUL byte, so it is not a text CSV file; %s",
                           CSV_SAVE_AS);
}

/* Consumes what ends a field: a separator, a line end, or nothing. */
static enum csv_end csv_take_end(struct csv_parser *ps)
{
    if (ps->i >= ps->n)
        return CSV_END_FILE;
    char c = ps->p[ps->i++];
    if (c == ps->sep)
        return CSV_END_FIELD;
    if (c == '\r' && ps->i < ps->n && ps->p[ps->i] == '\n')
        ps->i++;
    return CSV_END_ROW;
}

static int csv_read_plain(struct csv_parser *ps)
{
    size_t start = ps->i, end;
    for (; ps->i < ps->n; ps->i++) {
        char c = ps->p[ps->i];
        if (c == ps->sep || c == '\n' || c == '\r')
            break;
        if (c == '\0')
            return csv_fail_nul(ps);
    }
    for (end = ps->i; end > start && csv_is_blank(ps->p[end - 1]); end--)
        ;
    buf_add(&ps->text, ps->p + start, end - start);
    return 0;
}

/* After the closing quote only blanks may come before the field ends. */
static int csv_after_quote(struct csv_parser *ps)
{
    while (ps->i < ps->n && csv_is_blank(ps->p[ps->i]))
        ps->i++;
    if (ps->i >= ps->n)
        return 0;
    const char *s = ps->p + ps->i;
    char c = *s;
    if (c == ps->sep || c == '\n' || c == '\r')
        return 0;
    if (c == '\0')
        return csv_fail_nul(ps);
    return csv_parser_fail(ps,
                           "\"%.*s\" follows the closing quote of a quoted field; a quote that "
                           "belongs to the text must be written twice (\"\")",
                           csv_clip(s, ps->n - ps->i, 24), s);
}

static int csv_read_quoted(struct csv_parser *ps)
{
    ps->i++; /* the opening quote */
    for (;;) {
        const char *from = ps->p + ps->i;
        const char *q = memchr(from, '"', ps->n - ps->i);
        size_t run = q ? (size_t)(q - from) : ps->n - ps->i;
        if (memchr(from, '\0', run))
            return csv_fail_nul(ps);
        buf_add(&ps->text, from, run);
        if (q == NULL)
            return csv_parser_fail(ps, "this quoted field is never closed, so the rest of the "
                                       "file would be one cell; add the closing '\"', or "
                                       "write a quote that belongs to the text twice (\"\")");
        ps->i += run + 1;
        if (ps->i >= ps->n || ps->p[ps->i] != '"')
            break;
        buf_putc(&ps->text, '"');
        ps->i++;
    }
    return csv_after_quote(ps);
}

static int csv_read_field(struct csv_parser *ps, enum csv_end *end)
{
    size_t at = ps->text.n;
    while (ps->i < ps->n && csv_is_blank(ps->p[ps->i]))
        ps->i++;
    int rc = ps->i < ps->n && ps->p[ps->i] == '"' ? csv_read_quoted(ps) : csv_read_plain(ps);
    if (rc != 0)
        return rc;
    buf_putc(&ps->text, '\0');
    csv_push_size(&ps->cells, at);
    *end = csv_take_end(ps);
    return 0;
}

static int csv_read_row(struct csv_parser *ps)
{
    enum csv_end end;
    csv_push_size(&ps->rows, csv_count(&ps->cells));
    ps->col = 0;
    do {
        if (csv_read_field(ps, &end) != 0)
            return -1;
        ps->col++;
    } while (end == CSV_END_FIELD);
    if (ps->row == 0)
        ps->header_cells = ps->col;
    ps->row++;
    return 0;
}

static int csv_read_rows(struct csv_parser *ps)
{
    while (ps->i < ps->n)
        if (csv_read_row(ps) != 0)
            return -1;
    return 0;
}

/* ---------------------------------------------------------------------------
** The table */

/* Index of row r's first cell; one past the last row, the number of cells. */
static size_t csv_row_start(const struct csv_parser *ps, size_t r)
{
    return r < csv_count(&ps->rows) ? csv_size_at(&ps->rows, r) : csv_count(&ps->cells);
}

static size_t csv_rows_kept(const struct csv_parser *ps)
{
    size_t nrows = csv_count(&ps->rows);
    for (; nrows > 0; nrows--)
        for (size_t k = csv_row_start(ps, nrows - 1); k < csv_row_start(ps, nrows); k++)
            if (ps->text.p[csv_size_at(&ps->cells, k)] != '\0')
                return nrows;
    return 0;
}

_Static_assert(sizeof(size_t) == sizeof(char *), "cell offsets become pointers in place");

/* Hands the parser's buffers to the table, turning them in place: cell
** offsets into pointers to the text, row starts into field counts. A large
** file thus never holds both forms at once. */
static int csv_build(struct csv_parser *ps, struct csv_table *t)
{
    size_t nrows = csv_rows_kept(ps), ncells = csv_row_start(ps, nrows), off;
    t->rows = malloc((nrows ? nrows : 1) * sizeof *t->rows);
    t->text = buf_steal(&ps->text);
    t->cells = (char **)(void *)buf_steal(&ps->cells);
    t->ncols = (size_t *)(void *)buf_steal(&ps->rows);
    if (!t->rows || !t->text || !t->cells || !t->ncols)
        return -1;
    for (size_t k = 0; k < ncells; k++) {
        memcpy(&off, &t->cells[k], sizeof off);
        t->cells[k] = t->text + off;
    }
    for (size_t r = 0; r < nrows; r++) {
        size_t next = r + 1 < nrows ? t->ncols[r + 1] : ncells;
        t->rows[r] = t->cells + t->ncols[r];
        t->ncols[r] = next - t->ncols[r];
        if (t->ncols[r] > t->ncols_max)
            t->ncols_max = t->ncols[r];
    }
    t->nrows = nrows;
    return 0;
}

static void csv_parser_free(struct csv_parser *ps, buf *decoded)
{
    buf_free(decoded);
    buf_free(&ps->text);
    buf_free(&ps->cells);
    buf_free(&ps->rows);
}

int csv_parse(const char *data, size_t len, struct csv_table **out, char *err, size_t errlen)
{
    struct csv_parser ps = {0};
    buf decoded = BUF_INIT;
    struct csv_table *t = calloc(1, sizeof *t);
    *out = NULL;
    if (t == NULL)
        goto oom;
    ps.err = err, ps.errlen = errlen;
    if (csv_decode(data, len, &decoded, &ps.p, &ps.n, &t->encoding, err, errlen) != 0)
        goto fail;
    ps.sep = t->sep = csv_detect_sep(ps.p, ps.n);
    if (csv_read_rows(&ps) != 0)
        goto fail;
    if (ps.text.failed || ps.cells.failed || ps.rows.failed || csv_build(&ps, t) != 0)
        goto oom;
    csv_parser_free(&ps, &decoded);
    *out = t;
    return 0;
oom:
    csv_fail(err, errlen, "out of memory reading a CSV file of %zu bytes", len);
fail:
    csv_parser_free(&ps, &decoded);
    csv_free(t);
    return -1;
}

void csv_free(struct csv_table *t)
{
    if (t == NULL)
        return;
    free(t->text);
    free(t->cells);
    free(t->rows);
    free(t->ncols);
    free(t);
}

const char *csv_cell(const struct csv_table *t, size_t row, size_t col)
{
    if (t == NULL || row >= t->nrows || col >= t->ncols[row])
        return NULL;
    return t->rows[row][col];
}

int csv_row_is_blank(const struct csv_table *t, size_t row)
{
    for (size_t c = 0; t && row < t->nrows && c < t->ncols[row]; c++)
        if (t->rows[row][c][0] != '\0')
            return 0;
    return 1;
}

const char *csv_encoding_name(enum csv_encoding e)
{
    switch (e) {
    case CSV_UTF8: return "UTF-8";
    case CSV_UTF8_BOM: return "UTF-8 with BOM";
    case CSV_GB18030: return "GB18030";
    }
    return "unknown";
}

void csv_where(const struct csv_table *t, size_t row, size_t col, char *out, size_t outlen)
{
    csv_format_where(out, outlen, row, col, csv_cell(t, 0, col));
}

/* ---------------------------------------------------------------------------
** Files */

static int csv_slurp(FILE *f, const char *path, buf *data, char *err, size_t errlen)
{
    struct stat st;
    char chunk[65536];
    size_t got;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        (unsigned long long)st.st_size > CSV_MAX_FILE_BYTES)
        return csv_fail(err, errlen,
                        "\"%s\" is %.1f MiB, more than the %zu MiB one import reads; split the "
                        "sheet into several files",
                        path, (double)st.st_size / (1 << 20), CSV_MAX_FILE_BYTES >> 20);
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (data->n + got > CSV_MAX_FILE_BYTES)
            return csv_fail(err, errlen,
                            "\"%s\" is more than the %zu MiB one import reads; split the "
                            "sheet into several files",
                            path, CSV_MAX_FILE_BYTES >> 20);
        buf_add(data, chunk, got);
    }
    if (ferror(f))
        return csv_fail(err, errlen, "cannot read \"%s\": %s", path, strerror(errno));
    if (data->failed)
        return csv_fail(err, errlen, "out of memory reading \"%s\"", path);
    return 0;
}

int csv_read_file(const char *path, struct csv_table **out, char *err, size_t errlen)
{
    buf data = BUF_INIT;
    char why[512];
    int rc = -1;
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return csv_fail(err, errlen, "cannot open \"%s\": %s", path, strerror(errno));
    if (csv_slurp(f, path, &data, err, errlen) != 0)
        goto done;
    rc = csv_parse(buf_str(&data), data.n, out, why, sizeof why);
    if (rc != 0)
        csv_fail(err, errlen, "%s: %s", path, why);
done:
    fclose(f);
    buf_free(&data);
    return rc;
}
