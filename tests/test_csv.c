/*
** test_csv.c — spreadsheets from Chinese offices import whatever their
** encoding (UTF-8 with or without BOM, GB18030), errors name the row and
** column a user sees, headers map through Chinese and English aliases, and
** exports open in Excel without mojibake or formula injection.
*/
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "tap.h"
#include "text.h"

static char err[1024];

/* Prints a message as TAP comments, one "# " line per line. */
static void comment(const char *what, const char *msg)
{
    printf("# %s: ", what);
    for (; *msg; msg++)
        if (*msg == '\n')
            printf("\n#  ");
        else
            putchar(*msg);
    putchar('\n');
}

/* Parses a NUL-terminated text; prints the error, if any, as a comment. */
static struct csv_table *parse(const char *text)
{
    struct csv_table *t = NULL;
    err[0] = '\0';
    if (csv_parse(text, strlen(text), &t, err, sizeof err) != 0)
        comment("error", err);
    return t;
}

/* The GB18030 form of a UTF-8 text, as Excel's "CSV" on Chinese Windows
** writes it (caller frees). */
static char *to_gb18030(const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    size_t inleft = strlen(utf8), outleft = inleft * 2 + 8;
    char *out = malloc(outleft), *o = out, *in = (char *)utf8;
    if (cd == (iconv_t)-1 || out == NULL || iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
        printf("# cannot convert to GB18030: %s\n", strerror(errno));
        abort();
    }
    iconv_close(cd);
    *len = (size_t)(o - out);
    return out;
}

static void test_utf8_with_bom(void)
{
    struct csv_table *t = parse("\xEF\xBB\xBF姓名,性别\r\n张伟,男\r\n");
    ok(t != NULL, "Excel's \"CSV UTF-8\" (BOM, CRLF) reads");
    is_int(t->encoding, CSV_UTF8_BOM, "and is reported as UTF-8 with BOM");
    is_str(csv_encoding_name(t->encoding), "UTF-8 with BOM", "by a name a user can read");
    is_str(csv_cell(t, 0, 0), "姓名", "the BOM is not part of the first header");
    is_str(csv_cell(t, 1, 1), "男", "the last cell has no CR");
    is_int(t->nrows, 2, "two rows");
    csv_free(t);
}

static void test_utf8_without_bom(void)
{
    struct csv_table *t = parse("name,phone\nAlice,13800138000");
    ok(t != NULL, "UTF-8 without BOM and without a final newline reads");
    is_int(t->encoding, CSV_UTF8, "and is reported as UTF-8");
    is_str(csv_cell(t, 1, 1), "13800138000", "the last field ends at the end of the file");
    ok(csv_cell(t, 1, 2) == NULL && csv_cell(t, 2, 0) == NULL, "NULL past the end");
    csv_free(t);
    t = parse("");
    ok(t != NULL && t->nrows == 0, "an empty file is a table with no rows");
    csv_free(t);
    t = parse("\xEF\xBB\xBF");
    ok(t != NULL && t->nrows == 0 && t->encoding == CSV_UTF8_BOM, "so is a lone BOM");
    csv_free(t);
}

static void test_gb18030(void)
{
    size_t len, four;
    const char *utf8 = "姓名,性别,备注\r\n欧阳娜娜,女,𠮷野家\r\n张伟,男,\"北京,朝阳\"\r\n";
    char *gb = to_gb18030(utf8, &len);
    char *ji = to_gb18030("𠮷", &four);
    is_int(four, 4, "𠮷 (U+20BB7) takes GB18030's four-byte form");
    ok(!text_utf8_valid(gb, len), "the GB18030 file is not valid UTF-8");
    struct csv_table *t = NULL;
    ok(csv_parse(gb, len, &t, err, sizeof err) == 0, "a GB18030 file reads");
    is_int(t->encoding, CSV_GB18030, "and is reported as GB18030");
    is_str(csv_cell(t, 0, 0), "姓名", "headers arrive as UTF-8");
    is_str(csv_cell(t, 1, 0), "欧阳娜娜", "a compound surname arrives intact");
    is_str(csv_cell(t, 1, 2), "𠮷野家", "a four-byte character arrives intact");
    is_str(csv_cell(t, 2, 0), "张伟", "a common name arrives intact");
    is_str(csv_cell(t, 2, 2), "北京,朝阳", "quotes still protect commas");
    csv_free(t);
    free(gb);
    free(ji);
    gb = to_gb18030("项目,金额\r\n交流,", &len);
    char *cp936 = malloc(len + 4);
    memcpy(cp936, gb, len);
    memcpy(cp936 + len,
           "\x80"
           "5\r\n",
           4);
    ok(csv_parse(cp936, len + 4, &t, err, sizeof err) == 0, "Windows code page 936 reads");
    is_str(csv_cell(t, 1, 1), "€5", "and its single-byte 0x80 is the euro sign");
    csv_free(t);
    free(cp936);
    free(gb);
}

static void test_line_ends(void)
{
    struct csv_table *t = parse("a,b\r\nc,d\ne,f\rg,h");
    ok(t != NULL && t->nrows == 4, "CRLF, LF and a lone CR each end a row");
    is_str(csv_cell(t, 2, 1), "f", "a field before a lone CR");
    is_str(csv_cell(t, 3, 0), "g", "a row after a lone CR");
    csv_free(t);
    t = parse("a,b\n1,2\n\n\r\n,,\n");
    is_int(t->nrows, 2, "trailing blank lines, and a trailing row of empty fields, are dropped");
    csv_free(t);
    t = parse("a\n\nb\n");
    is_int(t->nrows, 3, "a blank line inside the file stays a row, so row numbers match");
    ok(csv_row_is_blank(t, 1) && !csv_row_is_blank(t, 2), "and is reported blank");
    csv_free(t);
}

static void test_quoted_fields(void)
{
    struct csv_table *t = parse("id,note\r\n"
                                "1,\"hello, world\"\r\n"
                                "2,\"she said \"\"hi\"\"\"\r\n"
                                "3,\"第一行\r\n第二行\"\r\n"
                                "4,\"\"\r\n"
                                "5,ab\"c\r\n");
    ok(t != NULL, "quoted fields read");
    is_int(t->nrows, 6, "a line break inside quotes does not end the row");
    is_str(csv_cell(t, 1, 1), "hello, world", "a comma inside quotes");
    is_str(csv_cell(t, 2, 1), "she said \"hi\"", "doubled quotes");
    is_str(csv_cell(t, 3, 1), "第一行\r\n第二行", "a line break inside quotes is kept as it is");
    is_str(csv_cell(t, 4, 1), "", "an empty quoted field");
    is_str(csv_cell(t, 5, 1), "ab\"c", "a quote inside an unquoted field is text, as in Excel");
    csv_free(t);
}

static void test_empty_fields_and_trimming(void)
{
    struct csv_table *t = parse("a,b,c,d\n1,,,\n  x  , \"  y  \" ,\tz\t,\n,only\n");
    ok(t != NULL, "empty and padded fields read");
    is_int(t->ncols[1], 4, "trailing empty fields are fields");
    is_str(csv_cell(t, 1, 3), "", "and are empty");
    is_str(csv_cell(t, 2, 0), "x", "unquoted fields lose surrounding spaces");
    is_str(csv_cell(t, 2, 1), "  y  ", "quoted content keeps its spaces");
    is_str(csv_cell(t, 2, 2), "z", "unquoted fields lose surrounding tabs");
    is_int(t->ncols[3], 2, "a short row has fewer fields");
    is_int(t->ncols_max, 4, "ncols_max is the widest row");
    ok(csv_cell(t, 3, 2) == NULL, "a cell past the end of a short row is NULL");
    csv_free(t);
}

static void test_semicolon_files(void)
{
    struct csv_table *t = parse("姓名;金额;备注\r\n张伟;1,5;\"a;b\"\r\n");
    ok(t != NULL && t->sep == ';', "a header with more ';' than ',' makes a ';' file");
    is_str(csv_cell(t, 1, 1), "1,5", "a decimal comma stays in its cell");
    is_str(csv_cell(t, 1, 2), "a;b", "a quoted ';' is text");
    csv_free(t);
    t = parse("a,b;c\n1,2;3\n");
    ok(t != NULL && t->sep == ',' && t->ncols[1] == 2, "a ',' file may hold ';' in cells");
    csv_free(t);
}

static void test_syntax_errors(void)
{
    struct csv_table *t = parse("姓名,备注\n张伟,ok\n李娜,\"未闭合\n王芳,ok\n");
    ok(t == NULL, "an unterminated quote fails");
    like(err, "row 3, column 2 (B, \"备注\"): this quoted field is never closed",
         "and names the row, column and header where the quote opened");
    t = parse("a,b\n\"x\"y,z\n");
    like(err, "row 2, column 1 (A, \"a\"): \"y,z\" follows the closing quote",
         "text after a closing quote names its place");
    like(err, "written twice (\"\")", "and says how to write a quote");
    struct csv_table *u = NULL;
    ok(csv_parse("a,b\n1,x\0y\n", 10, &u, err, sizeof err) != 0 && u == NULL, "a NUL byte fails");
    like(err, "row 2, column 2 (B, \"b\"): the file holds a NUL byte", "and names its place");
    t = parse("\"open");
    like(err, "row 1, column 1 (A): this quoted field", "a header error has no header name");
}

static void test_encoding_errors(void)
{
    size_t len;
    char *gb = to_gb18030("姓名,备注\r\n张伟,", &len);
    char *data = malloc(len + 3);
    memcpy(data, gb, len);
    memcpy(data + len, "\xFF\r\n", 3);
    struct csv_table *t = NULL;
    char want[128];
    ok(csv_parse(data, len + 3, &t, err, sizeof err) != 0 && t == NULL,
       "bytes that are neither UTF-8 nor GB18030 fail");
    comment("error", err);
    snprintf(want, sizeof want, "row 2, column 2 (B), byte offset %zu: bytes FF are neither", len);
    like(err, want, "the message names the byte offset, the row and the bytes");
    like(err, "\"CSV UTF-8 (Comma delimited)\"", "and says to save the file as CSV UTF-8");
    free(gb);
    free(data);

    t = parse(
        "姓名,备注,地址,电话\n张伟,志愿者,北京市朝阳区,138\n李娜,\xD5\xC5\xCE\xB0\xC8,上海\n");
    ok(t == NULL, "a UTF-8 file with a patch of other bytes is not read as GB18030");
    like(err, "row 3, column 2 (B), byte offset 75: bytes D5 C5 CE B0 are not UTF-8",
         "the patch's row, column and bytes are named");
    like(err, "though the rest of the file is", "and the message says the rest is UTF-8");
    t = parse("\xEF\xBB\xBF姓名\n\xC0\xAF\n");
    like(err,
         "row 2, column 1 (A), byte offset 10: bytes C0 AF are not UTF-8, though the file "
         "starts with a UTF-8 mark",
         "invalid bytes after a BOM are reported as damage");
    t = parse("PK\x03\x04\x14");
    like(err, "Excel workbook (.xlsx), not a CSV file", "an .xlsx is named as such");
    ok(csv_parse("\xFF\xFEn\0a\0", 6, &t, err, sizeof err) != 0, "UTF-16 fails");
    like(err, "UTF-16 (Excel's \"Unicode Text\")", "and is named");
}

static const char *const name_aliases[] = {"姓名", "name", NULL};
static const char *const gender_aliases[] = {"性别", NULL};
static const char *const birth_aliases[] = {"出生日期", "出生年月", NULL};
static const char *const id_aliases[] = {"身份证号", "证件号码", "身份证号码", NULL};
static const char *const phone_aliases[] = {"手机号", "手机", "联系电话", NULL};
static const struct csv_column roster[] = {
    {"name", name_aliases, 1},    {"gender", gender_aliases, 0}, {"birth_date", birth_aliases, 0},
    {"id_number", id_aliases, 1}, {"phone", phone_aliases, 0},
};
#define NROSTER (sizeof roster / sizeof *roster)

static int map(const char *text, int *index)
{
    struct csv_table *t = parse(text);
    int n = csv_map_header(t, roster, NROSTER, index, err, sizeof err);
    if (n)
        comment("header", err);
    csv_free(t);
    return n;
}

static void test_header_aliases(void)
{
    int ix[NROSTER];
    is_int(map("*姓名, 性别 ,\"出生年月\n（格式：1990-01-01）\",身份证号码＊,联系电话\n"
               "张伟,男,1990-01-01,110101199001011234,13800138000\n",
               ix),
           0, "a Chinese template's headers map cleanly");
    ok(ix[0] == 0 && ix[1] == 1 && ix[2] == 2 && ix[3] == 3 && ix[4] == 4,
       "marks, spaces, a wrapped note and a full-width star are ignored");
    is_int(map("Phone,ID_NUMBER,Name\n", ix), 0, "English headers map, ignoring case");
    ok(ix[0] == 2 && ix[1] == -1 && ix[2] == -1 && ix[3] == 1 && ix[4] == 0,
       "columns in any order; absent optional columns are -1");
    is_int(map("姓名,身份证号,,\n张伟,1101,,\n", ix), 0,
           "empty header cells over empty columns are ignored");
}

static void test_header_problems(void)
{
    int ix[NROSTER];
    is_int(map("姓名,手机号码,gendr,备注,身份证号\n", ix), 3, "three unknown headers");
    like(err, "row 1, column 2 (B, \"手机号码\"): unknown column; did you mean \"手机号\"?",
         "a near miss in Chinese gets a suggestion");
    like(err, "row 1, column 3 (C, \"gendr\"): unknown column; did you mean \"gender\"?",
         "a typo in English gets a suggestion");
    like(err,
         "row 1, column 4 (D, \"备注\"): unknown column; the columns this import reads are: "
         "姓名, 性别, 出生日期, 身份证号, 手机号",
         "an unknown header without a near miss lists the columns");
    is_int(map("姓名,身份证号,Name\n", ix), 1, "a duplicated column");
    like(err, "row 1, column 3 (C, \"Name\"): the same column as column 1 (A, \"姓名\")",
         "a duplicate names both columns, even under different aliases");
    is_int(ix[0], 0, "the first of the duplicates is kept");
    is_int(map("性别,手机\n", ix), 2, "two required columns missing");
    like(err, "the required column \"姓名\" is missing (also accepted: \"name\")",
         "a missing column names its other headers");
    like(err,
         "\"身份证号\" is missing (also accepted: \"证件号码\", \"身份证号码\", \"id_number\")",
         "every missing column is listed");
    is_int(map("姓名,身份证号,\n张伟,1101,志愿者\n", ix), 1, "values under an empty header");
    like(err, "row 1, column 3 (C): this column has values but no header", "are reported");
    is_int(map("", ix), 1, "an empty file has no headers");
    like(err, "the file is empty", "and says so");
}

static void test_where(void)
{
    struct csv_table *t = parse("姓名,出生日期\n张伟,1990\n");
    char where[128];
    csv_where(t, 1, 1, where, sizeof where);
    is_str(where, "row 2, column 2 (B, \"出生日期\")", "csv_where gives row, column and header");
    csv_where(t, 4, 26, where, sizeof where);
    is_str(where, "row 5, column 27 (AA)", "column 27 is AA, as Excel names it");
    csv_free(t);
}

static void test_writer(void)
{
    buf b = BUF_INIT;
    struct csv_writer w;
    static const char *const header[] = {"姓名", "备注", "积分"};
    csv_write_begin(&w, &b);
    csv_write_row(&w, header, 3);
    csv_write_text(&w, "欧阳娜娜");
    csv_write_text(&w, "说:\"好,的\"\n谢谢");
    csv_write_number(&w, "-5");
    csv_write_end_row(&w);
    csv_write_text(&w, "=HYPERLINK(\"http://x\")");
    csv_write_text(&w, "-5");
    csv_write_int(&w, -12);
    csv_write_end_row(&w);
    csv_write_text(&w, "@SUM(A1)");
    csv_write_text(&w, "+86 138");
    csv_write_number(&w, "=1+1");
    csv_write_end_row(&w);
    csv_write_text(&w, NULL);
    csv_write_text(&w, " padded ");
    csv_write_number(&w, "3.25e2");
    csv_write_end_row(&w);
    csv_write_digits(&w, "11010119900101123X");
    csv_write_digits(&w, "007");
    csv_write_digits(&w, "+8613800138000");
    csv_write_end_row(&w);
    ok(!b.failed, "the writer did not fail");
    is_str(buf_str(&b),
           "\xEF\xBB\xBF姓名,备注,积分\r\n"
           "欧阳娜娜,\"说:\"\"好,的\"\"\n谢谢\",-5\r\n"
           "\"'=HYPERLINK(\"\"http://x\"\")\",'-5,-12\r\n"
           "'@SUM(A1),'+86 138,'=1+1\r\n"
           ",\" padded \",3.25e2\r\n"
           "11010119900101123X\t,007\t,'+8613800138000\r\n",
           "BOM, CRLF, quotes only where needed, formulas guarded, numbers as they are, "
           "codes followed by a tab");
    ok(memcmp(b.p, "\xEF\xBB\xBF", 3) == 0, "the file starts with the UTF-8 BOM");
    buf_free(&b);
    is_str(csv_unguard("'=1+1"), "=1+1", "csv_unguard removes the guard");
    is_str(csv_unguard("'abc"), "'abc", "and leaves other apostrophes alone");
}

static void test_round_trip(void)
{
    static const char *const cells[3][5] = {
        {"姓名", "备注", "电话", "地址", "身份证号"},
        {"欧阳娜娜", "a,b;c \"quoted\"", "+86 13800138000", "第一行\r\n第二行",
         "11010119900101123X"},
        {"  张伟 ", "", "-5", "=1+1", "007"},
    };
    buf b = BUF_INIT;
    struct csv_writer w;
    csv_write_begin(&w, &b);
    for (size_t r = 0; r < 3; r++) {
        for (size_t c = 0; c < 4; c++)
            csv_write_text(&w, cells[r][c]);
        csv_write_digits(&w, cells[r][4]);
        csv_write_end_row(&w);
    }
    struct csv_table *t = NULL;
    ok(csv_parse(b.p, b.n, &t, err, sizeof err) == 0, "a written file parses");
    int same = t && t->nrows == 3 && t->ncols_max == 5;
    for (size_t r = 0; same && r < 3; r++)
        for (size_t c = 0; c < 5; c++)
            if (strcmp(csv_unguard(csv_cell(t, r, c)), cells[r][c]) != 0) {
                printf("# row %zu col %zu: '%s'\n", r, c, csv_cell(t, r, c));
                same = 0;
            }
    ok(same, "and gives back the same cells (guards undone, codes' tabs trimmed)");
    is_int(t->encoding, CSV_UTF8_BOM, "as UTF-8 with BOM");
    csv_free(t);
    buf_free(&b);
}

static void test_read_file(void)
{
    char path[] = "/tmp/test_csv.XXXXXX";
    int fd = mkstemp(path);
    size_t len;
    char *gb = to_gb18030("姓名,手机\r\n张伟,138\r\n", &len);
    ok(fd >= 0 && write(fd, gb, len) == (ssize_t)len, "a GB18030 file is written");
    struct csv_table *t = NULL;
    ok(csv_read_file(path, &t, err, sizeof err) == 0, "csv_read_file reads it");
    is_str(csv_cell(t, 1, 0), "张伟", "decoded");
    csv_free(t);
    ok(ftruncate(fd, (off_t)CSV_MAX_FILE_BYTES + 1) == 0, "the file grows past the cap");
    ok(csv_read_file(path, &t, err, sizeof err) != 0 && t == NULL, "a file too large fails");
    like(err, "MiB, more than the 64 MiB one import reads; split the sheet", "and says what to do");
    ok(ftruncate(fd, 0) == 0 && pwrite(fd, "a,\"b\n", 5, 0) == 5, "a broken file is written");
    csv_read_file(path, &t, err, sizeof err);
    char want[128];
    snprintf(want, sizeof want, "%s: row 1, column 2 (B): this quoted field", path);
    like(err, want, "a parse error is prefixed with the path");
    close(fd);
    unlink(path);
    ok(csv_read_file("/nonexistent/roster.csv", &t, err, sizeof err) != 0, "a missing file fails");
    like(err, "cannot open \"/nonexistent/roster.csv\": No such file", "and says why");
    free(gb);
}

int main(void)
{
    test_utf8_with_bom();
    test_utf8_without_bom();
    test_gb18030();
    test_line_ends();
    test_quoted_fields();
    test_empty_fields_and_trimming();
    test_semicolon_files();
    test_syntax_errors();
    test_encoding_errors();
    test_header_aliases();
    test_header_problems();
    test_where();
    test_writer();
    test_round_trip();
    test_read_file();
    return done_testing();
}
