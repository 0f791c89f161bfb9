/*
** csv.h — spreadsheets in and out, the way Chinese offices make them.
**
** Reading takes the whole file as bytes and guesses its encoding, because the
** person importing rarely knows it: UTF-8 with or without a BOM, else GB18030
** (what Excel's plain "CSV" writes on Chinese Windows), converted with
** iconv(3). An .xlsx/.xls or a UTF-16 file is refused by name. The encoding
** found is kept in the table so that an importer can tell the user.
**
** Parsing follows RFC 4180 with Excel's habits: ',' separates fields, or ';'
** when the first line holds more ';' than ',' (Excel in some locales); lines
** end in CRLF, LF or a lone CR; quoted fields may hold separators, doubled
** quotes and line breaks. Unquoted fields lose their surrounding spaces and
** tabs (stray spaces typed around a value are never meant); quoted content
** is kept byte for byte, line breaks included. A '"' inside an unquoted field
** is kept as text, as Excel does. Blank rows at the end are dropped; a blank
** row inside the file stays a row (a single empty field) so that row numbers
** keep matching what the user sees in the sheet.
**
** Every error names the row as the spreadsheet shows it (row 1 is the header)
** and the column by number, letter and header, e.g.
**   row 7, column 3 (C, "出生日期"): a quoted field is never closed ...
**
** Writing produces what Excel opens correctly on a Chinese desktop: a UTF-8
** BOM, CRLF line ends, quotes only where needed, and a guard against formula
** injection (see csv_write_text).
**
** Known limit: a very short GB18030 file can also be valid UTF-8 (the "联通"
** problem) and is then read as UTF-8. A file with Chinese headers is long
** enough never to be mistaken.
*/
#ifndef TANDEM_CSV_H
#define TANDEM_CSV_H

#include <stddef.h>

#include "buf.h"

/* The largest file csv_read_file accepts: about 500 000 rows of a typical
** volunteer roster, and a bound on what one import may cost in memory. */
#define CSV_MAX_FILE_BYTES ((size_t)64 << 20)

enum csv_encoding {
    CSV_UTF8,     /* UTF-8 without BOM (plain ASCII is reported as this) */
    CSV_UTF8_BOM, /* UTF-8 with BOM: Excel's "CSV UTF-8" */
    CSV_GB18030   /* GB18030/GBK: Excel's "CSV" on Chinese Windows */
};

/* A parsed file. All fields are read-only for callers; every string is
** NUL-terminated UTF-8 and lives as long as the table. */
struct csv_table {
    size_t nrows;     /* rows, header included; trailing blank rows not counted */
    size_t ncols_max; /* the most fields any row has */
    size_t *ncols;    /* ncols[r]: fields in row r (a short row has fewer) */
    char ***rows;     /* rows[r][c], c < ncols[r] */
    enum csv_encoding encoding;
    char sep; /* ',' or ';' */
    /* private */
    char *text;   /* every cell, back to back */
    char **cells; /* rows[r] points into this */
};

/* Parses data[0..len). On success returns 0 and a table in *out (free it
** with csv_free); an empty input gives a table with no rows. On failure
** returns -1, sets *out to NULL and writes an explanation to err (which may
** be NULL): not a CSV file (xlsx, xls, UTF-16), an encoding that is neither
** UTF-8 nor GB18030 (with the byte offset and row), an unclosed quote, text
** after a closing quote or a NUL byte (with row and column), out of memory. */
int csv_parse(const char *data, size_t len, struct csv_table **out, char *err, size_t errlen);

/* Reads and parses the file at path, at most CSV_MAX_FILE_BYTES. Errors as
** csv_parse, prefixed with the path, plus cannot-open and too-large. */
int csv_read_file(const char *path, struct csv_table **out, char *err, size_t errlen);

void csv_free(struct csv_table *t);

/* The cell at (row, col), both 0-based; NULL past the end of the table or
** of a short row. */
const char *csv_cell(const struct csv_table *t, size_t row, size_t col);

/* 1 when every field of row r is empty (a blank line, or ",,," from Excel). */
int csv_row_is_blank(const struct csv_table *t, size_t row);

/* "UTF-8", "UTF-8 with BOM" or "GB18030": for telling the user. */
const char *csv_encoding_name(enum csv_encoding e);

/* Writes where a cell is, as a spreadsheet user finds it, for importers'
** own messages: row 5, column 3 (C, "出生日期"). row and col are 0-based;
** the header name is given when the table has one for that column. */
void csv_where(const struct csv_table *t, size_t row, size_t col, char *out, size_t outlen);

/* One logical column an importer understands. aliases is NULL-terminated
** and aliases[0] is the name messages show (the template's own header); the
** key itself is accepted as a header too. */
struct csv_column {
    const char *key;
    const char *const *aliases;
    int required;
};

/* Maps the header row (row 0) to logical columns: index_out[j] is the file
** column holding cols[j], or -1 when the file has none. Header cells match
** names ignoring ASCII case, surrounding spaces, tabs, line breaks and
** U+3000, a '*' or '＊' before or after (templates' required-field mark)
** and, when nothing else matches, a trailing note in brackets:
** "出生日期（yyyy-mm-dd）". An empty header cell is ignored when its whole
** column is empty.
** Returns 0 when every header is known and unique and every required column
** is present; otherwise the number of problems, each explained on its own
** line in err (unknown headers with a suggestion when one is close,
** duplicates naming both columns, missing required columns), or -1 when out
** of memory. err is "" when there are no problems. index_out has ncols
** entries. */
int csv_map_header(const struct csv_table *t, const struct csv_column *cols, size_t ncols,
                   int *index_out, char *err, size_t errlen);

/* A writer appends rows to a buf; check out->failed once at the end. */
struct csv_writer {
    buf *out;
    size_t fields; /* fields written on the current row */
};

/* Starts a file: writes the UTF-8 BOM, without which Excel on Chinese
** Windows reads UTF-8 as GB18030 and shows mojibake. */
void csv_write_begin(struct csv_writer *w, buf *out);

/* Writes a text field; NULL is written as an empty field. A field is quoted
** only when it holds ',', ';', '"', CR or LF or starts or ends with a space
** or tab (which a reader would trim). Formula guard: text starting with '=',
** '+', '-', '@', tab or CR gets a leading apostrophe, so that Excel shows it
** instead of evaluating it ("=HYPERLINK(...)" typed into a sign-up form).
** The apostrophe stays visible in the cell; this also applies to phone
** numbers written "+86 ...". Write numbers with csv_write_number. */
void csv_write_text(struct csv_writer *w, const char *s);

/* Writes a number as it is ("-5", "3.25", "1e3"). A value that does not look
** like a decimal number is written as text, guard included, so a caller's
** mistake never opens an injection. */
void csv_write_number(struct csv_writer *w, const char *s);

void csv_write_int(struct csv_writer *w, long long v);

/* Writes a code made of digits that must stay text: 身份证号, phone and bank
** card numbers, numbers with leading zeros. Excel turns a bare digit string
** into a number, shows 1.10101E+17 and keeps only 15 digits, even when the
** field is quoted. A tab after the code makes Excel keep it as text; the tab
** is invisible there and csv_parse trims it. A code that needs quotes or the
** formula guard is written by csv_write_text instead. */
void csv_write_digits(struct csv_writer *w, const char *s);

/* Ends the current row with CRLF. */
void csv_write_end_row(struct csv_writer *w);

/* Writes n text fields and ends the row: a header, or a row of text. */
void csv_write_row(struct csv_writer *w, const char *const *fields, size_t n);

/* Undoes the formula guard on a cell read back: s without its leading
** apostrophe when one is followed by '=', '+', '-', '@', tab or CR, else s.
** (Text that itself began with "'=" does not survive the round trip.) */
const char *csv_unguard(const char *s);

#endif
