/*
** ical.c — iCalendar (RFC 5545) writer.
**
** Every text value goes through one unit-at-a-time writer: a unit is one
** UTF-8 character or one escape ("\\", "\;", "\,", "\n"), and a fold (CRLF
** and a space, RFC 5545 §3.1) is only ever placed between units. Splitting a
** multi-byte character is legal for the RFC, but several clients then show
** mojibake for Chinese text, and some mis-read a split escape.
*/
#include "ical.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

#define ICAL_FOLD 75 /* octets per physical line, CRLF not counted */

struct ical_line {
    buf *out;
    size_t col; /* octets on the current physical line */
};

static void ical_put(struct ical_line *l, const char *p, size_t n)
{
    if (l->col + n > ICAL_FOLD) {
        buf_add(l->out, "\r\n ", 3);
        l->col = 1;
    }
    buf_add(l->out, p, n);
    l->col += n;
}

/* Bytes of a well-formed UTF-8 character at s, or 0 when s does not start
** one (never reads past the NUL). */
static size_t ical_utf8_len(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            return 0;
    return n && text_utf8_valid(s, n) ? n : 0;
}

/* The unit written for the text at s: sets u and *n (0: nothing is written)
** and returns the input bytes consumed. */
static size_t ical_unit(const char *s, char u[4], size_t *n)
{
    unsigned char c = (unsigned char)s[0];
    size_t len;
    u[0] = '\\';
    *n = 2;
    switch (c) {
    case '\\':
    case ';':
    case ',': u[1] = (char)c; return 1;
    case '\n': u[1] = 'n'; return 1;
    case '\r': u[1] = 'n'; return s[1] == '\n' ? 2 : 1;
    default: break;
    }
    *n = 1;
    u[0] = (char)c;
    if ((c < 0x20 && c != '\t') || c == 0x7F)
        *n = 0;
    if (c < 0x80)
        return 1;
    if ((len = ical_utf8_len(s)) == 0) {
        memcpy(u, "\xEF\xBF\xBD", 3); /* U+FFFD REPLACEMENT CHARACTER */
        *n = 3;
        return 1;
    }
    memcpy(u, s, len);
    *n = len;
    return len;
}

/* NAME:value with value escaped as TEXT, folded, ended by CRLF. */
static void ical_text(buf *out, const char *name, const char *value)
{
    struct ical_line l = {out, 0};
    char u[4];
    size_t n;
    buf_printf(out, "%s:", name);
    l.col = strlen(name) + 1;
    while (*value) {
        value += ical_unit(value, u, &n);
        if (n)
            ical_put(&l, u, n);
    }
    buf_add(out, "\r\n", 2);
}

static void ical_optional_text(buf *out, const char *name, const char *value)
{
    if (value && *value)
        ical_text(out, name, value);
}

/* A line whose value needs no escaping and fits on one line. */
static void ical_plain(buf *out, const char *name, const char *value)
{
    buf_printf(out, "%s:%s\r\n", name, value);
}

/* t as a UTC DATE-TIME, "20260302T232000Z". Returns -1 when the year is not
** 1–9999. */
static int ical_utc(time_t t, char out[17])
{
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
        return -1;
    snprintf(out, 17, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
    return 0;
}

static const char *ical_status_name(enum ical_status s)
{
    switch (s) {
    case ICAL_STATUS_CONFIRMED: return "CONFIRMED";
    case ICAL_STATUS_TENTATIVE: return "TENTATIVE";
    case ICAL_STATUS_CANCELLED: return "CANCELLED";
    case ICAL_STATUS_NONE: break;
    }
    return NULL;
}

void ical_begin(buf *out, const char *calendar_name, const char *zone)
{
    ical_plain(out, "BEGIN", "VCALENDAR");
    ical_plain(out, "VERSION", "2.0");
    ical_plain(out, "PRODID", "-//tandem//tandem//ZH");
    ical_plain(out, "CALSCALE", "GREGORIAN");
    ical_plain(out, "METHOD", "PUBLISH");
    ical_optional_text(out, "X-WR-CALNAME", calendar_name);
    ical_optional_text(out, "X-WR-TIMEZONE", zone);
}

int ical_event(buf *out, const struct ical_event *ev)
{
    char start[17], end[17], stamp[17];
    time_t made = ev->dtstamp ? ev->dtstamp : time(NULL);
    const char *status = ical_status_name(ev->status);
    if (ev->uid == NULL || *ev->uid == '\0' || ev->end < ev->start || ical_utc(ev->start, start) ||
        ical_utc(ev->end, end) || ical_utc(made, stamp))
        return -1;
    ical_plain(out, "BEGIN", "VEVENT");
    ical_text(out, "UID", ev->uid);
    ical_plain(out, "DTSTAMP", stamp);
    ical_plain(out, "DTSTART", start);
    ical_plain(out, "DTEND", end);
    ical_optional_text(out, "SUMMARY", ev->summary);
    ical_optional_text(out, "LOCATION", ev->location);
    ical_optional_text(out, "DESCRIPTION", ev->description);
    if (status)
        ical_plain(out, "STATUS", status);
    ical_plain(out, "END", "VEVENT");
    return 0;
}

void ical_end(buf *out)
{
    ical_plain(out, "END", "VCALENDAR");
}
