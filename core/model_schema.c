/*
** model_schema.c — the core's tables: the state derived from the journal by
** the shared model's projections. Every table can be rebuilt from the
** journal (`tandem rebuild`); ids are the ids of the events that created
** the rows.
*/
#include "model.h"

static const char v1[] =
    /* places: city → district → street → community → site */
    "CREATE TABLE place ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
    "  parent INTEGER REFERENCES place(id), code TEXT, pilot INTEGER NOT NULL DEFAULT 0,"
    "  site_kind TEXT, address TEXT) STRICT;"
    "CREATE INDEX place_parent ON place(parent);"
    "CREATE INDEX place_name ON place(name);"
    "CREATE TABLE org ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, place INTEGER,"
    "  in_charge TEXT, contact TEXT, phone TEXT, credit_code TEXT) STRICT;"
    "CREATE INDEX org_name ON org(name);"
    /* people and what the record rules (民政部令第67号) ask to keep */
    "CREATE TABLE person ("
    "  id INTEGER PRIMARY KEY, volunteer_no TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  gender TEXT, birth_date TEXT, id_type TEXT, id_number TEXT UNIQUE, phone TEXT,"
    "  community INTEGER, org INTEGER, roles TEXT NOT NULL, skills TEXT, availability TEXT,"
    "  guardian TEXT, guardian_phone TEXT, consent_at INTEGER, registered_at INTEGER NOT NULL,"
    "  note TEXT) STRICT;"
    "CREATE INDEX person_community ON person(community);"
    "CREATE INDEX person_name ON person(name);"
    "CREATE TABLE person_role ("
    "  person INTEGER NOT NULL, role TEXT NOT NULL, PRIMARY KEY (person, role)) STRICT, "
    "  WITHOUT ROWID;"
    "CREATE INDEX person_role_role ON person_role(role, person);"
    "CREATE TABLE person_skill ("
    "  person INTEGER NOT NULL, skill TEXT NOT NULL, PRIMARY KEY (person, skill)) STRICT, "
    "  WITHOUT ROWID;"
    "CREATE TABLE certification ("
    "  id INTEGER PRIMARY KEY, person INTEGER NOT NULL, kind TEXT NOT NULL, level TEXT,"
    "  number TEXT, issued_on TEXT, issuer TEXT) STRICT;"
    "CREATE TABLE training ("
    "  id INTEGER PRIMARY KEY, person INTEGER NOT NULL, course TEXT NOT NULL, held_on TEXT,"
    "  minutes INTEGER, organiser TEXT, result TEXT) STRICT;"
    "CREATE TABLE commendation ("
    "  id INTEGER PRIMARY KEY, person INTEGER NOT NULL, title TEXT NOT NULL, level TEXT,"
    "  awarded_by TEXT, awarded_on TEXT) STRICT;"
    "CREATE TABLE evaluation ("
    "  id INTEGER PRIMARY KEY, person INTEGER NOT NULL, kind TEXT NOT NULL, rating INTEGER,"
    "  comment TEXT, evaluator TEXT, evaluated_on TEXT) STRICT;"
    "CREATE INDEX certification_person ON certification(person);"
    "CREATE INDEX training_person ON training(person);"
    "CREATE INDEX commendation_person ON commendation(person);"
    "CREATE INDEX evaluation_person ON evaluation(person);"
    /* teams and projects */
    "CREATE TABLE team ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, place INTEGER NOT NULL, leader INTEGER,"
    "  status TEXT NOT NULL, org INTEGER, founded_on TEXT) STRICT;"
    "CREATE TABLE team_member ("
    "  team INTEGER NOT NULL, person INTEGER NOT NULL, role TEXT NOT NULL,"
    "  joined_at INTEGER NOT NULL, left_at INTEGER, PRIMARY KEY (team, person, joined_at)) "
    "  STRICT, WITHOUT ROWID;"
    "CREATE INDEX team_member_person ON team_member(person);"
    "CREATE TABLE project ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, team INTEGER NOT NULL, place INTEGER NOT NULL,"
    "  programme TEXT, target_groups TEXT, starts_on TEXT, ends_on TEXT,"
    "  planned_headcount INTEGER, funding TEXT, checkin_early INTEGER, checkin_late INTEGER,"
    "  max_checkins_per_day INTEGER, forgotten_checkout TEXT, walk_in INTEGER) STRICT;"
    "CREATE TABLE shift ("
    "  id INTEGER PRIMARY KEY, project INTEGER NOT NULL, site INTEGER, title TEXT NOT NULL,"
    "  kind TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
    "  capacity INTEGER NOT NULL, skills TEXT, status TEXT NOT NULL DEFAULT 'open') STRICT;"
    "CREATE INDEX shift_project ON shift(project, starts_at);"
    "CREATE INDEX shift_time ON shift(starts_at);"
    /* sign-ups and attendance */
    "CREATE TABLE signup ("
    "  id INTEGER PRIMARY KEY, shift INTEGER NOT NULL, person INTEGER NOT NULL,"
    "  status TEXT NOT NULL, created_at INTEGER NOT NULL, changed_at INTEGER NOT NULL,"
    "  reason TEXT) STRICT;"
    "CREATE INDEX signup_shift ON signup(shift, status);"
    "CREATE INDEX signup_person ON signup(person, status);"
    "CREATE TABLE attendance ("
    "  id INTEGER PRIMARY KEY, shift INTEGER NOT NULL, person INTEGER NOT NULL,"
    "  project INTEGER NOT NULL, community INTEGER, month INTEGER NOT NULL,"
    "  checkin_at INTEGER NOT NULL, checkout_at INTEGER, checkin_source TEXT,"
    "  checkout_source TEXT, minutes INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,"
    "  flag TEXT, original_minutes INTEGER, back_entry INTEGER NOT NULL DEFAULT 0,"
    "  reason TEXT, requested_by TEXT, approved_by INTEGER, revoked_reason TEXT) STRICT;"
    "CREATE INDEX attendance_person ON attendance(person, checkin_at);"
    "CREATE INDEX attendance_shift ON attendance(shift, person);"
    "CREATE INDEX attendance_open ON attendance(status) WHERE status = 'open';"
    "CREATE TABLE correction ("
    "  id INTEGER PRIMARY KEY, attendance INTEGER NOT NULL, checkin_at INTEGER,"
    "  checkout_at INTEGER, reason TEXT NOT NULL, requested_by TEXT, status TEXT NOT NULL,"
    "  approved_by INTEGER, old_checkin_at INTEGER, old_checkout_at INTEGER,"
    "  old_minutes INTEGER) STRICT;"
    /* counted service per person, project and month: reports read this, not
    ** millions of attendance rows */
    "CREATE TABLE service_month ("
    "  person INTEGER NOT NULL, project INTEGER NOT NULL, month INTEGER NOT NULL,"
    "  community INTEGER, minutes INTEGER NOT NULL, times INTEGER NOT NULL,"
    "  PRIMARY KEY (person, project, month)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX service_month_community ON service_month(community, month, person, minutes,"
    "  times);"
    /* service-record certificates (民发〔2015〕149号) */
    /* the certified facts are a snapshot: later changes to the person or
    ** the organisation do not change what was certified */
    "CREATE TABLE certificate ("
    "  id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, person INTEGER NOT NULL,"
    "  name TEXT NOT NULL, id_type TEXT, id_masked TEXT, volunteer_no TEXT NOT NULL,"
    "  org INTEGER NOT NULL, org_name TEXT NOT NULL, from_on TEXT, to_on TEXT,"
    "  minutes INTEGER NOT NULL, content TEXT, in_charge TEXT, handler TEXT, contact TEXT,"
    "  notes TEXT, issued_on TEXT NOT NULL, publicity_until TEXT NOT NULL, code TEXT NOT NULL,"
    "  revoked_at INTEGER, revoke_reason TEXT) STRICT;"
    "CREATE INDEX certificate_person ON certificate(person);";

/* points, rewards, the resource library and needs */
static const char v2[] =
    "CREATE TABLE account ("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref INTEGER NOT NULL,"
    "  allow_negative INTEGER NOT NULL DEFAULT 0, UNIQUE (kind, ref)) STRICT;"
    "CREATE TABLE transfer ("
    "  id INTEGER PRIMARY KEY, from_account INTEGER NOT NULL, to_account INTEGER NOT NULL,"
    "  amount INTEGER NOT NULL CHECK (amount > 0), kind TEXT NOT NULL, rule TEXT,"
    "  cause INTEGER, attendance INTEGER, person INTEGER NOT NULL, reason TEXT,"
    "  at INTEGER NOT NULL, reverses INTEGER, reversed_by INTEGER) STRICT;"
    "CREATE INDEX transfer_person ON transfer(person, kind, at);"
    "CREATE INDEX transfer_attendance ON transfer(attendance) WHERE attendance IS NOT NULL;"
    "CREATE TABLE balance (account INTEGER PRIMARY KEY, amount INTEGER NOT NULL) STRICT;"
    "CREATE TABLE reward ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, org INTEGER NOT NULL, resource INTEGER,"
    "  cost REAL NOT NULL, community INTEGER, stock INTEGER NOT NULL, valid_from TEXT,"
    "  valid_until TEXT, per_person_limit INTEGER, description TEXT) STRICT;"
    "CREATE TABLE redemption ("
    "  id INTEGER PRIMARY KEY, reward INTEGER NOT NULL, person INTEGER NOT NULL,"
    "  code TEXT NOT NULL UNIQUE, cost INTEGER NOT NULL, status TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, confirmed_at INTEGER, cancelled_at INTEGER,"
    "  reason TEXT) STRICT;"
    "CREATE INDEX redemption_person ON redemption(person, reward);"
    "CREATE TABLE resource ("
    "  id INTEGER PRIMARY KEY, org INTEGER NOT NULL, category TEXT NOT NULL,"
    "  name TEXT NOT NULL, description TEXT, quantity INTEGER, capacity INTEGER,"
    "  availability TEXT, contact TEXT, phone TEXT, place INTEGER, tags TEXT,"
    "  confirmed_on TEXT) STRICT;"
    "CREATE INDEX resource_category ON resource(category);"
    "CREATE TABLE need ("
    "  id INTEGER PRIMARY KEY, place INTEGER NOT NULL, category TEXT NOT NULL,"
    "  description TEXT NOT NULL, source TEXT, requester TEXT, requester_phone TEXT,"
    "  urgency TEXT NOT NULL DEFAULT 'normal', status TEXT NOT NULL DEFAULT 'open',"
    "  tags TEXT, reported_on TEXT) STRICT;"
    "CREATE INDEX need_place ON need(place, status);"
    "CREATE TABLE need_match ("
    "  id INTEGER PRIMARY KEY, need INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  target INTEGER NOT NULL, score REAL, note TEXT) STRICT;";

/* timers: when each is next due survives restarts */
static const char v3[] =
    "CREATE TABLE timer ("
    "  name TEXT PRIMARY KEY, schedule TEXT NOT NULL, next_at INTEGER NOT NULL,"
    "  last_at INTEGER) STRICT;";

/* alerts that programmes raise for people to act on */
static const char v4[] =
    "CREATE TABLE alert ("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, place INTEGER, message TEXT NOT NULL,"
    "  person INTEGER, subject INTEGER, raised_at INTEGER NOT NULL, closed_at INTEGER,"
    "  closed_by TEXT) STRICT;"
    "CREATE INDEX alert_open ON alert(closed_at, place);";

/* the reports' own totals, kept with service_month by the same projection:
** a district's report reads one row per volunteer and one per community and
** month, not every volunteer's every month (docs/BENCHMARKS.md) */
static const char v5[] =
    "CREATE TABLE service_person ("
    "  person INTEGER PRIMARY KEY, minutes INTEGER NOT NULL, times INTEGER NOT NULL) STRICT;"
    "CREATE TABLE service_community_month ("
    "  community INTEGER NOT NULL, month INTEGER NOT NULL, minutes INTEGER NOT NULL,"
    "  times INTEGER NOT NULL, PRIMARY KEY (community, month)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX service_month_month ON service_month(month, person, minutes, times);"
    "INSERT INTO service_person SELECT person, sum(minutes), sum(times) FROM service_month"
    "  GROUP BY person;"
    "INSERT INTO service_community_month SELECT community, month, sum(minutes), sum(times)"
    "  FROM service_month WHERE community IS NOT NULL GROUP BY community, month;";

const tandem_migration model_migrations[] = {{1, v1}, {2, v2}, {3, v3},
                                             {4, v4}, {5, v5}, {0, NULL}};
