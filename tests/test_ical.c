/*
** test_ical.c — volunteers' shifts as iCalendar: CRLF line ends, lines folded
** at 75 octets between whole UTF-8 characters, text escaped, times in UTC,
** and unfolding gives back exactly the text that went in.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "ical.h"
#include "tap.h"
#include "text.h"

/* A local time in Asia/Shanghai (TZ is set in main) as Unix seconds. */
static time_t shanghai(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

/* The text with every fold (CRLF + space) removed. Caller frees. */
static char *unfold(const char *s)
{
    buf b = BUF_INIT;
    for (const char *fold; (fold = strstr(s, "\r\n ")) != NULL; s = fold + 3)
        buf_add(&b, s, (size_t)(fold - s));
    buf_puts(&b, s);
    return buf_steal(&b);
}

/* Reverses RFC 5545 TEXT escaping. Caller frees. */
static char *unescape(const char *v)
{
    buf b = BUF_INIT;
    for (; *v; v++) {
        if (*v == '\\' && v[1]) {
            v++;
            buf_putc(&b, *v == 'n' || *v == 'N' ? '\n' : *v);
        } else {
            buf_putc(&b, *v);
        }
    }
    return buf_steal(&b);
}

/* The value of the nth (from 0) logical line NAME:value of an unfolded
** calendar, or NULL. Caller frees. */
static char *value_of(const char *cal, const char *name, int nth)
{
    char key[64];
    snprintf(key, sizeof key, "\r\n%s:", name);
    const char *p = cal;
    for (int i = 0; p && i <= nth; i++)
        if ((p = strstr(p, key)) != NULL)
            p += strlen(key);
    if (p == NULL)
        return NULL;
    const char *end = strstr(p, "\r\n");
    return strndup(p, end ? (size_t)(end - p) : strlen(p));
}

struct shape {
    int bare_cr_or_lf; /* a CR or LF that is not part of CRLF */
    int too_long;      /* physical lines over 75 octets */
    int bad_utf8;      /* physical lines that are not UTF-8 on their own */
    int split_escape;  /* lines ending inside an escape (odd trailing backslashes) */
    int continuations; /* lines starting with a space */
};

static void shape_line(struct shape *sh, const char *p, size_t n)
{
    size_t slashes = 0;
    sh->too_long += n > 75;
    sh->bad_utf8 += !text_utf8_valid(p, n);
    sh->continuations += n > 0 && p[0] == ' ';
    while (slashes < n && p[n - 1 - slashes] == '\\')
        slashes++;
    sh->split_escape += slashes % 2;
}

static struct shape shape_of(const char *s)
{
    struct shape sh = {0};
    const char *line = s;
    for (const char *p = s; *p; p++) {
        if (*p == '\r' && p[1] == '\n') {
            shape_line(&sh, line, (size_t)(p - line));
            line = ++p + 1;
        } else if (*p == '\r' || *p == '\n') {
            sh.bare_cr_or_lf++;
        }
    }
    sh.bare_cr_or_lf += *line != '\0'; /* text after the last CRLF */
    return sh;
}

static void check_shape(const char *cal, const char *what)
{
    struct shape sh = shape_of(cal);
    is_int(sh.bare_cr_or_lf, 0, "%s: every line ends in CRLF", what);
    is_int(sh.too_long, 0, "%s: no physical line is over 75 octets", what);
    is_int(sh.bad_utf8, 0, "%s: every physical line is UTF-8 on its own", what);
    is_int(sh.split_escape, 0, "%s: no fold splits an escape", what);
}

static const char *const long_description =
    "请提前10分钟到岗，穿好红马甲；遇到雨天请带伞。\n"
    "负责人：王老师, 电话见群公告\\不要外传。\n"
    "Bring your volunteer card, please; "
    "谢谢大家的支持和配合！护学岗的目的是保障孩子们上学路上的安全。";

static void test_two_shifts(void)
{
    buf b = BUF_INIT;
    struct ical_event morning = {
        .uid = "shift-101@tandem.example",
        .start = shanghai(2026, 3, 3, 7, 20),
        .end = shanghai(2026, 3, 3, 8, 0),
        .dtstamp = 1772400000,
        .summary = "护学岗",
        .location = "学校东门",
        .description = long_description,
        .status = ICAL_STATUS_CONFIRMED,
    };
    struct ical_event next = morning;
    next.uid = "shift-102@tandem.example";
    next.start = shanghai(2026, 3, 4, 7, 20);
    next.end = shanghai(2026, 3, 4, 8, 0);
    next.summary = "x护学岗：阳光小学东门早高峰交通疏导（周三），请准时到达，迟到请在群里说明原因";
    next.location = "学校东门, 北侧; 近\\路口";
    next.description = "取消：暴雨预警\r\n改期另行通知";
    next.status = ICAL_STATUS_CANCELLED;

    is_int(morning.start, 1772493600, "07:20 on 2026-03-03 in Shanghai is 1772493600");
    ical_begin(&b, "阳光小学护学岗", "Asia/Shanghai");
    is_int(ical_event(&b, &morning), 0, "the first shift is written");
    is_int(ical_event(&b, &next), 0, "the second shift is written");
    ical_end(&b);
    ok(!b.failed, "no allocation failed");
    const char *cal = buf_str(&b);
    printf("# --- calendar ---\n");
    for (const char *p = cal; *p; p++)
        if (*p != '\r')
            printf("%s%c", p == cal || p[-1] == '\n' ? "# " : "", *p);

    check_shape(cal, "two shifts");
    ok(shape_of(cal).continuations >= 4, "long lines were folded (%d continuation lines)",
       shape_of(cal).continuations);
    static const char header[] =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tandem//tandem//ZH\r\nCALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\nX-WR-CALNAME:阳光小学护学岗\r\nX-WR-TIMEZONE:Asia/Shanghai\r\n"
        "BEGIN:VEVENT\r\n";
    ok(strncmp(cal, header, strlen(header)) == 0,
       "the calendar starts with its properties in order");
    size_t n = strlen(cal);
    ok(n > 30 && strcmp(cal + n - strlen("END:VEVENT\r\nEND:VCALENDAR\r\n"),
                        "END:VEVENT\r\nEND:VCALENDAR\r\n") == 0,
       "and ends with END:VCALENDAR and CRLF");

    char *u = unfold(cal);
    char *v;
#define VALUE_IS(name, nth, want, what)                                                            \
    v = value_of(u, name, nth);                                                                    \
    is_str(v, want, what);                                                                         \
    free(v)
    VALUE_IS("DTSTART", 0, "20260302T232000Z", "07:20 Shanghai time is written as 23:20 UTC");
    VALUE_IS("DTEND", 0, "20260303T000000Z", "08:00 Shanghai time is midnight UTC");
    VALUE_IS("DTSTART", 1, "20260303T232000Z", "the second shift starts a day later");
    VALUE_IS("DTSTAMP", 0, "20260301T212000Z", "the stamp is written in UTC too");
    VALUE_IS("UID", 1, "shift-102@tandem.example", "each event has its uid");
    VALUE_IS("SUMMARY", 0, "护学岗", "a Chinese summary is written as is");
    VALUE_IS("LOCATION", 0, "学校东门", "a Chinese location is written as is");
    VALUE_IS("LOCATION", 1, "学校东门\\, 北侧\\; 近\\\\路口",
             "comma, semicolon and backslash are escaped");
    VALUE_IS("DESCRIPTION", 1, "取消：暴雨预警\\n改期另行通知", "CRLF in text becomes \\n");
    VALUE_IS("STATUS", 0, "CONFIRMED", "the first shift is confirmed");
    VALUE_IS("STATUS", 1, "CANCELLED", "the second is cancelled");
    VALUE_IS("SUMMARY", 1, next.summary, "the folded summary unfolds to the exact text");
#undef VALUE_IS

    v = value_of(u, "DESCRIPTION", 0);
    char *text = v ? unescape(v) : NULL;
    is_str(text, long_description, "the long description unfolds and unescapes to the original");
    free(text);
    free(v);
    free(u);
    buf_free(&b);
}

/* Long Chinese text after 0, 1 and 2 ASCII characters: every way a fold could
** fall inside a 3-byte character. */
static void test_folding_alignments(void)
{
    static const char *const prefixes[] = {"", "a", "ab"};
    const char *chinese =
        "志愿服务是社区互助的重要力量，感谢每一位参与护学岗和探访独居老人的志愿者。";
    for (int i = 0; i < 3; i++) {
        buf b = BUF_INIT, want = BUF_INIT;
        buf_printf(&want, "%s%s%s", prefixes[i], chinese, chinese);
        struct ical_event ev = {
            .uid = "u@t", .start = 0, .end = 0, .dtstamp = 1, .summary = buf_str(&want)};
        ical_event(&b, &ev);
        char what[40];
        snprintf(what, sizeof what, "%d ASCII before Chinese", i);
        check_shape(buf_str(&b), what);
        char *u = unfold(buf_str(&b));
        char *v = value_of(u, "SUMMARY", 0);
        is_str(v, buf_str(&want), "%s: unfolding gives back the text", what);
        free(v);
        free(u);
        buf_free(&want);
        buf_free(&b);
    }
}

static void test_fold_boundary(void)
{
    char a[70];
    buf b = BUF_INIT;
    memset(a, 'a', 67);
    a[67] = '\0';
    struct ical_event ev = {.uid = "u@t", .dtstamp = 1, .summary = a};
    ical_event(&b, &ev);
    like(buf_str(&b), "\r\nSUMMARY:aaa", "a line of exactly 75 octets");
    unlike(buf_str(&b), "\r\n a", "is not folded");
    buf_reset(&b);
    strcat(a, "b");
    ical_event(&b, &ev);
    like(buf_str(&b), "a\r\n b\r\n", "a line of 76 octets folds its last octet");
    buf_reset(&b);
    memset(a, 'a', 66);
    strcpy(a + 66, ",b");
    ical_event(&b, &ev);
    like(buf_str(&b), "a\r\n \\,b\r\n", "an escape that would cross the limit moves whole");
    buf_free(&b);
}

static void test_odd_text_and_errors(void)
{
    buf b = BUF_INIT;
    struct ical_event ev = {.uid = "u@t",
                            .start = 100,
                            .end = 200,
                            .dtstamp = 1,
                            .summary = "bell\a tab\t bad\xff end",
                            .location = ""};
    is_int(ical_event(&b, &ev), 0, "odd text is written");
    like(buf_str(&b), "SUMMARY:bell tab\t bad\xEF\xBF\xBD end\r\n",
         "a control character is dropped, a tab kept, a bad byte becomes U+FFFD");
    unlike(buf_str(&b), "LOCATION", "an empty location is left out");
    unlike(buf_str(&b), "DESCRIPTION", "so is a missing description");
    unlike(buf_str(&b), "STATUS", "and a status of NONE");
    like(buf_str(&b), "DTSTART:19700101T000140Z", "times near the epoch are right");
    size_t before = b.n;
    ev.uid = NULL;
    is_int(ical_event(&b, &ev), -1, "an event without uid is refused");
    ev.uid = "";
    is_int(ical_event(&b, &ev), -1, "an empty uid is refused");
    ev.uid = "u@t";
    ev.end = 99;
    is_int(ical_event(&b, &ev), -1, "an event ending before it starts is refused");
    is_int(b.n, before, "and nothing of them is written");
    ev.end = 200;
    ev.dtstamp = 0;
    buf_reset(&b);
    is_int(ical_event(&b, &ev), 0, "dtstamp 0 means now");
    char *v = value_of(buf_str(&b), "DTSTAMP", 0);
    ok(v && strlen(v) == 16 && v[8] == 'T' && v[15] == 'Z' && strncmp(v, "2025", 4) >= 0,
       "and is written as a current UTC time (%s)", v ? v : "none");
    free(v);
    buf_free(&b);
    ical_begin(&b, NULL, NULL);
    unlike(buf_str(&b), "X-WR-CALNAME", "a calendar without a name has no X-WR-CALNAME");
    unlike(buf_str(&b), "X-WR-TIMEZONE", "nor, without a zone name, X-WR-TIMEZONE");
    buf_free(&b);
    ical_begin(&b, NULL, "Europe/Berlin");
    like(buf_str(&b), "X-WR-TIMEZONE:Europe/Berlin\r\n", "the zone given is the one named");
    buf_free(&b);
}

static void test_failed_buffer(void)
{
    buf b = BUF_INIT;
    b.failed = 1;
    struct ical_event ev = {.uid = "u@t", .dtstamp = 1, .summary = "护学岗"};
    ical_begin(&b, "日历", "Asia/Shanghai");
    ical_event(&b, &ev);
    ical_end(&b);
    ok(buf_steal(&b) == NULL, "after an allocation failure the calendar is not handed out");
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    test_two_shifts();
    test_folding_alignments();
    test_fold_boundary();
    test_odd_text_and_errors();
    test_failed_buffer();
    return done_testing();
}
