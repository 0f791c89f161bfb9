/*
** ical.h — writing iCalendar (RFC 5545) so that volunteers can subscribe to
** their shifts from a phone calendar.
**
** Times are written in UTC ("20260302T232000Z"): every client reads that
** form, and it needs no VTIMEZONE block (RFC 5545 wants one only for a TZID
** that a property uses, and none does). X-WR-TIMEZONE tells clients that
** honour it which zone to show the calendar in: the operator's [core]
** timezone.
**
** Output goes into a buf: write ical_begin, any number of ical_event, then
** ical_end, and check out->failed once at the end (allocation failure).
** Lines end in CRLF and are folded at 75 octets without splitting a UTF-8
** character or an escape such as "\,".
*/
#ifndef TANDEM_ICAL_H
#define TANDEM_ICAL_H

#include <time.h>

#include "buf.h"

enum ical_status {
    ICAL_STATUS_NONE = 0, /* no STATUS line */
    ICAL_STATUS_CONFIRMED,
    ICAL_STATUS_TENTATIVE,
    ICAL_STATUS_CANCELLED
};

/* One shift as an event. Text fields are UTF-8 and written escaped; NULL or ""
** leaves an optional line out. Bytes that are not UTF-8 become U+FFFD, and
** control characters other than tab and line breaks are dropped. */
struct ical_event {
    const char *uid;         /* required: stable and globally unique, e.g.
                                "shift-42@tandem.example"; clients match updates by it */
    time_t start, end;       /* Unix seconds; end >= start */
    time_t dtstamp;          /* when this copy was produced; 0 means now */
    const char *summary;     /* what, e.g. "护学岗" */
    const char *location;    /* where, e.g. "学校东门" */
    const char *description; /* longer text; may hold line breaks */
    enum ical_status status;
};

/* BEGIN:VCALENDAR and the calendar properties. calendar_name (X-WR-CALNAME,
** what the phone shows for the subscription) may be NULL; so may zone, the
** IANA name of the time zone to show it in (X-WR-TIMEZONE, "Asia/Shanghai"). */
void ical_begin(buf *out, const char *calendar_name, const char *zone);

/* One VEVENT. Returns 0, or -1 and writes nothing when ev has no uid, ends
** before it starts, or has a time whose year is not 1–9999 in UTC. An
** allocation failure is not reported here but in out->failed. */
int ical_event(buf *out, const struct ical_event *ev);

/* END:VCALENDAR. */
void ical_end(buf *out);

#endif
