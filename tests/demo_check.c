/*
** demo_check.c — recomputes `tandem demo`'s summary from the journal alone
** (`tandem events --json`) and compares it with what the demo printed (from
** the state), community by community. Used by tests/demo.sh; prints TAP.
**
**   demo_check SUMMARY.json EVENTS.json
**
** The rules it applies are the ones the docs state: a volunteer is a person
** registered with the volunteer role in the community; service is the whole
** minutes from check-in to check-out; points issued are the points awarded
** to the community's people; points redeemed are the costs of their
** redemptions not cancelled; an alert counts where it was raised (the
** community or a place inside it).
*/
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#define MAX_ID 200000

struct tally {
    int64_t volunteers, teams, minutes, times, alerts;
    double issued, redeemed;
};

/* What the journal says about each id (ids are journal ids). */
static int64_t parent_of[MAX_ID], community_of[MAX_ID], checkin_at[MAX_ID], person_of[MAX_ID];
static double cost_of[MAX_ID];
static struct tally by_place[MAX_ID];

static int64_t field_int(json_t *fields, const char *name, int64_t def)
{
    json_t *v = json_object_get(fields, name);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

static double field_real(json_t *fields, const char *name)
{
    return json_number_value(json_object_get(fields, name));
}

static const char *field_text(json_t *fields, const char *name)
{
    json_t *v = json_object_get(fields, name);
    return json_is_string(v) ? json_string_value(v) : "";
}

static int valid(int64_t id)
{
    return id > 0 && id < MAX_ID;
}

/* The community a place is in (itself, or the nearest community above). */
static int64_t community_above(int64_t place, const int64_t *is_community)
{
    for (int depth = 0; valid(place) && depth < 16; depth++, place = parent_of[place])
        if (is_community[place])
            return place;
    return 0;
}

static int64_t is_community[MAX_ID];

static void person_community(int64_t person, struct tally **t)
{
    *t = valid(person) && valid(community_of[person]) ? &by_place[community_of[person]] : NULL;
}

static void apply(json_t *ev)
{
    int64_t id = (int64_t)json_integer_value(json_object_get(ev, "id"));
    int64_t time = (int64_t)json_integer_value(json_object_get(ev, "time"));
    const char *topic = json_string_value(json_object_get(ev, "topic"));
    json_t *f = json_object_get(ev, "fields");
    struct tally *t = NULL;
    if (!valid(id) || topic == NULL)
        return;
    if (strcmp(topic, "place.added") == 0) {
        parent_of[id] = field_int(f, "parent", 0);
        is_community[id] = strcmp(field_text(f, "kind"), "community") == 0;
    } else if (strcmp(topic, "person.registered") == 0) {
        community_of[id] = field_int(f, "community", 0);
        person_community(id, &t);
        if (t && strstr(field_text(f, "roles"), "volunteer"))
            t->volunteers++;
    } else if (strcmp(topic, "team.created") == 0) {
        int64_t place = field_int(f, "place", 0);
        if (valid(place) && is_community[place])
            by_place[place].teams++;
    } else if (strcmp(topic, "attendance.checked_in") == 0) {
        checkin_at[id] = field_int(f, "at", time);
        person_of[id] = field_int(f, "person", 0);
    } else if (strcmp(topic, "attendance.checked_out") == 0 ||
               strcmp(topic, "attendance.auto_closed") == 0) {
        int64_t a = field_int(f, "attendance", 0), out = field_int(f, "at", time);
        if (!valid(a))
            return;
        person_community(person_of[a], &t);
        if (t) {
            t->minutes += out > checkin_at[a] ? (out - checkin_at[a]) / 60 : 0;
            t->times++;
        }
    } else if (strcmp(topic, "points.awarded") == 0) {
        person_community(field_int(f, "person", 0), &t);
        if (t)
            t->issued += field_real(f, "points");
    } else if (strcmp(topic, "reward.added") == 0) {
        cost_of[id] = field_real(f, "cost");
    } else if (strcmp(topic, "reward.redeemed") == 0) {
        int64_t reward = field_int(f, "reward", 0), who = field_int(f, "person", 0);
        person_of[id] = who;
        cost_of[id] = valid(reward) ? cost_of[reward] : 0;
        person_community(who, &t);
        if (t)
            t->redeemed += cost_of[id];
    } else if (strcmp(topic, "reward.cancelled") == 0) {
        int64_t r = field_int(f, "redemption", 0);
        if (valid(r)) {
            person_community(person_of[r], &t);
            if (t)
                t->redeemed -= cost_of[r];
        }
    } else if (strcmp(topic, "alert.raised") == 0) {
        int64_t c = community_above(field_int(f, "place", 0), is_community);
        if (c)
            by_place[c].alerts++;
    }
}

static json_t *load(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (j == NULL)
        fprintf(stderr, "%s:%d: %s\n", path, e.line, e.text);
    return j;
}

static void compare(json_t *row)
{
    const char *name = json_string_value(json_object_get(row, "community"));
    int64_t place = (int64_t)json_integer_value(json_object_get(row, "place"));
    if (!valid(place) || name == NULL) {
        ok(0, "a community row has a place and a name");
        return;
    }
    const struct tally *t = &by_place[place];
    is_int(field_int(row, "volunteers", -1), t->volunteers, "%s: volunteers", name);
    is_int(field_int(row, "teams", -1), t->teams, "%s: teams", name);
    is_int(field_int(row, "minutes", -1), t->minutes, "%s: service minutes", name);
    is_int(field_int(row, "person_times", -1), t->times, "%s: person-times", name);
    ok(fabs(field_real(row, "points_issued") - t->issued) < 0.005,
       "%s: points issued (%.2f, the journal %.2f)", name, field_real(row, "points_issued"),
       t->issued);
    ok(fabs(field_real(row, "points_redeemed") - t->redeemed) < 0.005,
       "%s: points redeemed (%.2f, the journal %.2f)", name, field_real(row, "points_redeemed"),
       t->redeemed);
    is_int(field_int(row, "alerts", -1), t->alerts, "%s: alerts", name);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: demo_check SUMMARY.json EVENTS.json\n");
        return 2;
    }
    json_t *summary = load(argv[1]), *events = load(argv[2]);
    if (summary == NULL || events == NULL || !json_is_array(events))
        return 2;
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) apply(ev);
    is_int((int64_t)json_array_size(events), field_int(summary, "events", -1),
           "the journal holds as many events as the demo reported");
    json_t *rows = json_object_get(summary, "communities");
    ok(json_array_size(rows) == 6, "the summary has the six pilot communities");
    json_t *row;
    json_array_foreach(rows, i, row) compare(row);
    json_decref(summary);
    json_decref(events);
    return done_testing();
}
