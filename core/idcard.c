/*
** idcard.c — checking Chinese resident ID numbers (GB 11643-1999).
**
** Messages are written for the social worker or volunteer typing the number:
** they say which character is wrong and what it should be, never only
** "invalid". They quote only the part at fault, not the whole number.
*/
#include "idcard.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"

#define IDCARD_LENGTH 18

/* Province-level codes of GB/T 2260 (the first two digits of the region
** code). 71 is Taiwan in GB/T 2260; 81, 82 and 83 begin the residence permits
** for Hong Kong, Macao and Taiwan residents (810000, 820000, 830000), which
** follow GB 11643. Foreigners' permanent residence cards are a different
** document and are not covered. */
static const char idcard_provinces[][3] = {
    "11", "12", "13", "14", "15",             /* 北京 天津 河北 山西 内蒙古 */
    "21", "22", "23",                         /* 辽宁 吉林 黑龙江 */
    "31", "32", "33", "34", "35", "36", "37", /* 上海 江苏 浙江 安徽 福建 江西 山东 */
    "41", "42", "43", "44", "45", "46",       /* 河南 湖北 湖南 广东 广西 海南 */
    "50", "51", "52", "53", "54",             /* 重庆 四川 贵州 云南 西藏 */
    "61", "62", "63", "64", "65",             /* 陕西 甘肃 青海 宁夏 新疆 */
    "71", "81", "82", "83",                   /* 台湾 香港 澳门, 台湾居民居住证 */
};

/* ISO 7064 MOD 11-2: weight i is 2^(17-i) mod 11. */
static const int idcard_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

static const char *const idcard_month_names[12] = {"January",   "February", "March",    "April",
                                                   "May",       "June",     "July",     "August",
                                                   "September", "October",  "November", "December"};

static int idcard_fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int idcard_fail(char *why, size_t whylen, const char *fmt, ...)
{
    if (why && whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int idcard_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Bytes in the UTF-8 character at p: 1 for a byte that starts no sequence, and
** never past a byte that does not continue it (so never past the NUL). */
static size_t idcard_char_len(const unsigned char *p)
{
    size_t n = p[0] < 0x80             ? 1
               : (p[0] & 0xE0) == 0xC0 ? 2
               : (p[0] & 0xF0) == 0xE0 ? 3
               : (p[0] & 0xF8) == 0xF0 ? 4
                                       : 1;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return i;
    return n;
}

/* ---------------------------------------------------------------------------
** Normalising */

/* The ASCII character a full-width digit, Ｘ or ｘ stands for (U+FF10–FF19,
** U+FF38, U+FF58), or 0. */
static char idcard_fullwidth(const unsigned char *p)
{
    if (p[0] != 0xEF)
        return 0;
    if (p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99)
        return (char)('0' + (p[2] - 0x90));
    if ((p[1] == 0xBC && p[2] == 0xB8) || (p[1] == 0xBD && p[2] == 0x98))
        return 'X';
    return 0;
}

static int idcard_is_space(const unsigned char *p, size_t n)
{
    if (n == 1)
        return p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n';
    return n == 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80; /* U+3000 */
}

void idcard_normalise(char *s)
{
    if (s == NULL)
        return;
    unsigned char *r = (unsigned char *)s, *w = r;
    while (*r) {
        size_t n = idcard_char_len(r);
        char ascii = n == 3 ? idcard_fullwidth(r) : 0;
        if (ascii)
            *w++ = (unsigned char)ascii;
        else if (n == 1 && *r == 'x')
            *w++ = 'X';
        else if (!idcard_is_space(r, n)) {
            memmove(w, r, n);
            w += n;
        }
        r += n;
    }
    *w = '\0';
}

/* ---------------------------------------------------------------------------
** Characters and length */

/* Says what is wrong with character number pos (1-based), which is at p, n
** bytes long, and not a digit or X. The character is quoted only when visible. */
static int idcard_bad_char(const unsigned char *p, size_t n, size_t pos, char *why, size_t whylen)
{
    char what[48];
    const char *hint = "an ID number has only digits and a final X";
    snprintf(what, sizeof what, "'%.*s'", (int)n, (const char *)p);
    if (n == 3 && idcard_fullwidth(p)) {
        snprintf(what, sizeof what, "a full-width '%.3s'", (const char *)p);
        hint = "switch the input method to half-width (半角)";
    } else if (idcard_is_space(p, n)) {
        snprintf(what, sizeof what, "%s",
                 n == 3        ? "a full-width space"
                 : p[0] == ' ' ? "a space"
                               : "a tab or line break");
        hint = "an ID number has no spaces";
    } else if (n == 1 && strchr("OoIl", p[0])) {
        snprintf(what, sizeof what, "the letter %c", p[0]);
        hint = strchr("Oo", p[0]) ? "should it be the digit 0?" : "should it be the digit 1?";
    } else if (n == 1 && (p[0] < 0x20 || p[0] == 0x7F)) {
        snprintf(what, sizeof what, "an invisible control character");
        hint = "please retype the number";
    } else if (!text_utf8_valid((const char *)p, n)) {
        snprintf(what, sizeof what, "a byte that is not text (0x%02X)", p[0]);
        hint = "please retype the number";
    }
    return idcard_fail(why, whylen, "character %zu is %s; %s", pos, what, hint);
}

/* Checks that s holds only digits and X; counts its characters into *count. */
static int idcard_check_chars(const char *s, size_t *count, char *why, size_t whylen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    for (; *p; i++) {
        size_t n = idcard_char_len(p);
        if (n > 1 || !(idcard_is_digit((char)*p) || *p == 'X' || *p == 'x'))
            return idcard_bad_char(p, n, i + 1, why, whylen);
        p += n;
    }
    *count = i;
    return 0;
}

static int idcard_check_length(const char *s, size_t count, char *why, size_t whylen)
{
    if (count == 0)
        return idcard_fail(why, whylen, "no ID number was given");
    if (count == 15 && strspn(s, "0123456789") == 15)
        return idcard_fail(why, whylen,
                           "this is an old 15-digit ID number; please use the 18-digit number "
                           "on the current ID card");
    if (count != IDCARD_LENGTH)
        return idcard_fail(why, whylen, "an ID number has 18 characters, this one has %zu", count);
    const char *x = strpbrk(s, "Xx");
    if (x && x - s < IDCARD_LENGTH - 1)
        return idcard_fail(why, whylen, "character %d is X, but X can only be the last character",
                           (int)(x - s) + 1);
    return 0;
}

/* ---------------------------------------------------------------------------
** Region and birth date */

static int idcard_check_province(const char *s, char *why, size_t whylen)
{
    for (size_t i = 0; i < sizeof idcard_provinces / sizeof idcard_provinces[0]; i++)
        if (s[0] == idcard_provinces[i][0] && s[1] == idcard_provinces[i][1])
            return 0;
    return idcard_fail(why, whylen,
                       "the first two digits, %.2s, are not a province (11 is Beijing, 44 "
                       "Guangdong …); is a digit mistyped?",
                       s);
}

static int idcard_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int idcard_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && idcard_leap(y) ? 29 : days[m - 1];
}

static int idcard_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Checks that the 8 digits at d are a real calendar date (no range). */
static int idcard_real_date(const char *d, char *why, size_t whylen)
{
    for (int i = 0; i < 8; i++)
        if (!idcard_is_digit(d[i]))
            return idcard_fail(why, whylen, "the birth date is not 8 digits");
    int y = idcard_digits(d, 4), m = idcard_digits(d + 4, 2), day = idcard_digits(d + 6, 2);
    if (m < 1 || m > 12)
        return idcard_fail(why, whylen,
                           "the birth date %.8s does not exist: there is no month %02d", d, m);
    if (day == 0)
        return idcard_fail(why, whylen, "the birth date %.8s does not exist: there is no day 00",
                           d);
    if (day > idcard_days_in_month(y, m))
        return idcard_fail(why, whylen, "the birth date %.8s does not exist: %s %d has %d days", d,
                           idcard_month_names[m - 1], y, idcard_days_in_month(y, m));
    return 0;
}

/* The day of now as YYYYMMDD in local time; far in the future if the clock
** fails, so that a broken clock never refuses a real person. */
static long idcard_today(time_t now)
{
    struct tm tm;
    if (now == (time_t)-1 || localtime_r(&now, &tm) == NULL)
        return 99991231L;
    return (tm.tm_year + 1900L) * 10000L + (tm.tm_mon + 1) * 100L + tm.tm_mday;
}

static int idcard_check_birth(const char *d, time_t now, char *why, size_t whylen)
{
    if (idcard_real_date(d, why, whylen) != 0)
        return -1;
    long date = idcard_digits(d, 4) * 10000L + idcard_digits(d + 4, 4);
    if (date < 19000101L)
        return idcard_fail(
            why, whylen,
            "the birth date %.8s (characters 7–14) is before 1900; is a digit mistyped?", d);
    if (date > idcard_today(now))
        return idcard_fail(
            why, whylen,
            "the birth date %.8s (characters 7–14) is in the future; is a digit mistyped?", d);
    return 0;
}

/* ---------------------------------------------------------------------------
** Check character */

static char idcard_check_char(const char *s)
{
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (s[i] - '0') * idcard_weights[i];
    return "10X98765432"[sum % 11];
}

static int idcard_check_last(const char *s, char *why, size_t whylen)
{
    char want = idcard_check_char(s), got = s[17] == 'x' ? 'X' : s[17];
    if (got == want)
        return 0;
    return idcard_fail(why, whylen, "the check digit should be %c, not %c (is a digit mistyped?)",
                       want, got);
}

int idcard_check(const char *s, char *why, size_t whylen)
{
    return idcard_check_at(s, time(NULL), why, whylen);
}

int idcard_check_at(const char *s, time_t now, char *why, size_t whylen)
{
    size_t count = 0;
    if (why && whylen)
        why[0] = '\0';
    if (s == NULL)
        return idcard_fail(why, whylen, "no ID number was given");
    if (idcard_check_chars(s, &count, why, whylen) != 0 ||
        idcard_check_length(s, count, why, whylen) != 0 ||
        idcard_check_province(s, why, whylen) != 0 ||
        idcard_check_birth(s + 6, now, why, whylen) != 0)
        return -1;
    return idcard_check_last(s, why, whylen);
}

/* ---------------------------------------------------------------------------
** Reading the fields */

int idcard_birth_date(const char *id, char out[11])
{
    out[0] = '\0';
    if (id == NULL || strnlen(id, 14) < 14 || idcard_real_date(id + 6, NULL, 0) != 0)
        return -1;
    snprintf(out, 11, "%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
    return 0;
}

int idcard_gender(const char *id)
{
    if (id == NULL || strnlen(id, 17) < 17 || !idcard_is_digit(id[16]))
        return 0;
    return (id[16] - '0') % 2 ? 1 : 2;
}
