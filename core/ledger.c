/*
** ledger.c — points: accounts, zero-sum transfers, balances, and the events
** that move points (awarded, adjusted, reversed, expired).
*/
#include "ledger.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "event.h"
#include "model.h"
#include "store.h"
#include "value.h"

static const char *const kind_names[] = {"person", "pool", "merchant", "funder"};

static const tandem_field awarded_fields[] = {{"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                              {"points", TANDEM_REAL, TANDEM_FIELD_REQUIRED},
                                              {"rule", TANDEM_TEXT, 0},
                                              {"reason", TANDEM_TEXT, 0},
                                              {"attendance", TANDEM_INT, 0},
                                              {"category", TANDEM_TEXT, 0},
                                              {"at", TANDEM_INT, 0},
                                              {NULL, 0, 0}};
static const tandem_field adjusted_fields[] = {{"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {"points", TANDEM_REAL, TANDEM_FIELD_REQUIRED},
                                               {"reason", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
                                               {"approver", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {NULL, 0, 0}};
static const tandem_field reversed_fields[] = {{"transfer", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {"reason", TANDEM_TEXT, 0},
                                               {NULL, 0, 0}};
static const tandem_field expired_fields[] = {{"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                              {"points", TANDEM_REAL, TANDEM_FIELD_REQUIRED},
                                              {"rule", TANDEM_TEXT, 0},
                                              {"reason", TANDEM_TEXT, 0},
                                              {NULL, 0, 0}};

void ledger_format(int64_t hundredths, char out[32])
{
    int64_t whole = hundredths / LEDGER_SCALE, part = hundredths % LEDGER_SCALE;
    const char *sign = hundredths < 0 ? "-" : "";
    if (whole < 0)
        whole = -whole;
    if (part < 0)
        part = -part;
    if (part == 0)
        snprintf(out, 32, "%s%" PRId64, sign, whole);
    else if (part % 10 == 0)
        snprintf(out, 32, "%s%" PRId64 ".%" PRId64, sign, whole, part / 10);
    else
        snprintf(out, 32, "%s%" PRId64 ".%02" PRId64, sign, whole, part);
}

int64_t ledger_account(struct core *c, enum account_kind kind, int64_t ref)
{
    tandem_value args[3] = {tandem_text(kind_names[kind]), tandem_int(ref),
                            tandem_int(kind == ACCOUNT_POOL || kind == ACCOUNT_FUNDER)};
    int64_t id = model_int(c, "SELECT id FROM account WHERE kind = ? AND ref = ?", args, 2, 0);
    if (id)
        return id;
    if (store_exec(c->store, NULL,
                   "INSERT INTO account(kind, ref, allow_negative) VALUES (?, ?, ?)", args, 3,
                   NULL, NULL) != TANDEM_OK)
        return 0;
    return store_last_id(c->store);
}

static int64_t account_balance(struct core *c, int64_t account)
{
    tandem_value arg = tandem_int(account);
    return model_int(c, "SELECT amount FROM balance WHERE account = ?", &arg, 1, 0);
}

int64_t ledger_balance(struct core *c, int64_t person)
{
    tandem_value args[2] = {tandem_text("person"), tandem_int(person)};
    return model_int(c,
                     "SELECT b.amount FROM balance b JOIN account a ON a.id = b.account "
                     "WHERE a.kind = ? AND a.ref = ?",
                     args, 2, 0);
}

int64_t ledger_awarded(struct core *c, int64_t person, int64_t from, int64_t to,
                       const char *rule)
{
    tandem_value args[4] = {tandem_int(person), tandem_int(from), tandem_int(to),
                            tandem_text(rule ? rule : "")};
    return model_int(c,
                     "SELECT coalesce(sum(amount), 0) FROM transfer WHERE person = ?1 "
                     "AND kind = 'award' AND reversed_by IS NULL AND at >= ?2 AND at < ?3 "
                     "AND (?4 = '' OR rule = ?4)",
                     args, 4, 0);
}

int64_t ledger_expirable(struct core *c, int64_t person, int64_t cutoff)
{
    tandem_value args[2] = {tandem_int(person), tandem_int(cutoff)};
    int64_t earned = model_int(c,
                               "SELECT coalesce(sum(amount), 0) FROM transfer WHERE person = ? "
                               "AND kind IN ('award', 'adjust_in') AND reversed_by IS NULL "
                               "AND at < ?",
                               args, 2, 0);
    int64_t used = model_int(c,
                             "SELECT coalesce(sum(CASE WHEN kind = 'refund' THEN -amount "
                             "ELSE amount END), 0) FROM transfer WHERE person = ? AND kind IN "
                             "('redeem', 'expire', 'adjust_out', 'refund')",
                             args, 1, 0);
    return earned > used ? earned - used : 0;
}

/* ---------------------------------------------------------------------- */
/* Transfers                                                              */

static int add_to_balance(struct core *c, int64_t account, int64_t delta)
{
    tandem_value args[2] = {tandem_int(account), tandem_int(delta)};
    return store_exec(c->store, NULL,
                      "INSERT INTO balance(account, amount) VALUES (?, ?) ON CONFLICT(account) "
                      "DO UPDATE SET amount = amount + excluded.amount",
                      args, 2, NULL, NULL);
}

static int allows_negative(struct core *c, int64_t account)
{
    tandem_value arg = tandem_int(account);
    return model_int(c, "SELECT allow_negative FROM account WHERE id = ?", &arg, 1, 0) != 0;
}

/* Records a transfer and moves the balances. Refuses to take an account
** below zero unless it allows that. */
int ledger_transfer(tandem_plugin *self, const tandem_event *ev, const struct transfer *t)
{
    struct core *c = self->core;
    char have[32], need[32];
    if (t->amount <= 0)
        return model_fail(self, "%s: points: the amount must be positive", ev->topic);
    if (t->from == 0 || t->to == 0)
        return model_fail(self, "%s: cannot open an account", ev->topic);
    int64_t balance = account_balance(c, t->from);
    if (balance < t->amount && !allows_negative(c, t->from)) {
        ledger_format(balance, have);
        ledger_format(t->amount, need);
        return model_fail(self, "%s: points: the balance is %s, %s are needed", ev->topic, have,
                          need);
    }
    tandem_value args[12] = {tandem_int(t->id),     tandem_int(t->from),
                             tandem_int(t->to),     tandem_int(t->amount),
                             tandem_text(t->kind),  t->rule ? tandem_text(t->rule) : tandem_nil(),
                             t->cause ? tandem_int(t->cause) : tandem_nil(),
                             t->attendance ? tandem_int(t->attendance) : tandem_nil(),
                             tandem_int(t->person), t->reason ? tandem_text(t->reason) : tandem_nil(),
                             tandem_int(t->at),     t->reverses ? tandem_int(t->reverses) : tandem_nil()};
    if (store_exec(c->store, NULL,
                   "INSERT INTO transfer(id, from_account, to_account, amount, kind, rule, cause, "
                   "attendance, person, reason, at, reverses) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   args, 12, NULL, NULL) != TANDEM_OK ||
        add_to_balance(c, t->from, -t->amount) != TANDEM_OK ||
        add_to_balance(c, t->to, t->amount) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    return TANDEM_OK;
}

static const char *text_field(const tandem_event *ev, const char *name)
{
    const tandem_value *v = event_find(ev, name);
    return v && v->type == TANDEM_TEXT ? v->u.s.p : NULL;
}

static int64_t int_field(const tandem_event *ev, const char *name, int64_t def)
{
    const tandem_value *v = event_find(ev, name);
    return v && v->type == TANDEM_INT ? v->u.i : def;
}

static int64_t hundredths(const tandem_event *ev)
{
    const tandem_value *v = event_find(ev, "points");
    double p = v->type == TANDEM_REAL ? v->u.r : (double)v->u.i;
    return (int64_t)llround(p * LEDGER_SCALE);
}

/* The pool points come from: the person's community's, else the common one. */
static int64_t pool_of(struct core *c, int64_t person)
{
    tandem_value arg = tandem_int(person);
    int64_t community = model_int(c, "SELECT coalesce(community, 0) FROM person WHERE id = ?",
                                  &arg, 1, 0);
    return ledger_account(c, ACCOUNT_POOL, community);
}

static int check_person(tandem_plugin *self, const tandem_event *ev, int64_t person)
{
    if (!entity_exists(self->core, "person", person))
        return model_fail(self, "%s: person: there is no person %" PRId64, ev->topic, person);
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Projections                                                            */

static int apply_awarded(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    int64_t person = int_field(ev, "person", 0);
    if (check_person(self, ev, person) != TANDEM_OK)
        return TANDEM_ERROR;
    const char *rule = text_field(ev, "rule");
    struct transfer t = {ev->id, pool_of(c, person), ledger_account(c, ACCOUNT_PERSON, person),
                         hundredths(ev), person, ev->cause, int_field(ev, "attendance", 0),
                         int_field(ev, "at", ev->time), 0, "award",
                         rule ? rule : ev->actor, text_field(ev, "reason")};
    return ledger_transfer(self, ev, &t);
}

static int apply_adjusted(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    int64_t person = int_field(ev, "person", 0), amount = hundredths(ev);
    if (check_person(self, ev, person) != TANDEM_OK)
        return TANDEM_ERROR;
    if (amount == 0)
        return model_fail(self, "%s: points: an adjustment of 0 changes nothing", ev->topic);
    int64_t pool = pool_of(c, person), own = ledger_account(c, ACCOUNT_PERSON, person);
    struct transfer t = {ev->id, amount > 0 ? pool : own, amount > 0 ? own : pool,
                         amount > 0 ? amount : -amount, person, ev->cause, 0, ev->time, 0,
                         amount > 0 ? "adjust_in" : "adjust_out", "manual",
                         text_field(ev, "reason")};
    return ledger_transfer(self, ev, &t);
}

struct original {
    int64_t from, to, amount, person, reversed_by, attendance;
    char kind[16];
};

static int read_original(void *ud, int ncols, const tandem_value *cols)
{
    struct original *o = ud;
    (void)ncols;
    o->from = cols[0].u.i;
    o->to = cols[1].u.i;
    o->amount = cols[2].u.i;
    o->person = cols[3].u.i;
    o->reversed_by = cols[4].type == TANDEM_INT ? cols[4].u.i : 0;
    o->attendance = cols[5].type == TANDEM_INT ? cols[5].u.i : 0;
    snprintf(o->kind, sizeof o->kind, "%s", cols[6].u.s.p);
    return 1;
}

/* Takes back a transfer; when some of the points were spent meanwhile, only
** what is left (a balance never goes below zero). */
static int apply_reversed(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    const tandem_value *id = event_find(ev, "transfer");
    struct original o = {0, 0, 0, 0, 0, 0, ""};
    store_exec(c->store, NULL,
               "SELECT from_account, to_account, amount, person, reversed_by, attendance, kind "
               "FROM transfer WHERE id = ?",
               id, 1, read_original, &o);
    if (o.amount == 0)
        return model_fail(self, "%s: transfer: there is no transfer %" PRId64, ev->topic,
                          id->u.i);
    if (o.reversed_by)
        return model_fail(self, "%s: transfer %" PRId64 " was already reversed by %" PRId64,
                          ev->topic, id->u.i, o.reversed_by);
    int64_t amount = o.amount, left = account_balance(c, o.to);
    if (!allows_negative(c, o.to) && left < amount)
        amount = left > 0 ? left : 0;
    tandem_value upd[2] = {tandem_int(ev->id), *id};
    if (store_exec(c->store, NULL, "UPDATE transfer SET reversed_by = ? WHERE id = ?", upd, 2,
                   NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    if (amount == 0)
        return TANDEM_OK; /* everything was spent: nothing to take back */
    struct transfer t = {ev->id, o.to, o.from, amount, o.person, ev->cause, o.attendance,
                         ev->time, id->u.i, "reverse", "reversal", text_field(ev, "reason")};
    return ledger_transfer(self, ev, &t);
}

static int apply_expired(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    int64_t person = int_field(ev, "person", 0);
    if (check_person(self, ev, person) != TANDEM_OK)
        return TANDEM_ERROR;
    int64_t own = ledger_account(c, ACCOUNT_PERSON, person);
    int64_t amount = hundredths(ev), left = account_balance(c, own);
    if (amount > left)
        amount = left;
    if (amount <= 0)
        return TANDEM_OK;
    struct transfer t = {ev->id, own, pool_of(c, person), amount, person, ev->cause, 0, ev->time,
                         0, "expire", text_field(ev, "rule"), text_field(ev, "reason")};
    return ledger_transfer(self, ev, &t);
}

/* ---------------------------------------------------------------------- */
/* The core's rules                                                       */

static int adjustment_rules(tandem_plugin *self, tandem_event *ev, void *ud)
{
    const tandem_value *approver = event_find(ev, "approver"), *person = event_find(ev, "person");
    (void)ud;
    if (!model_int(self->core, "SELECT 1 FROM person_role WHERE person = ? AND role IN "
                               "('social_worker', 'supervisor', 'staff')",
                   approver, 1, 0))
        return event_veto(ev, "积分调整须由社工、督导或工作人员批准 (an adjustment needs a social "
                              "worker, supervisor or staff member as approver)");
    if (approver->u.i == person->u.i)
        return event_veto(ev, "不能调整自己的积分 (nobody adjusts their own points)");
    return TANDEM_OK;
}

struct award_list {
    int64_t id[64];
    int n;
};

static int collect_award(void *ud, int ncols, const tandem_value *cols)
{
    struct award_list *l = ud;
    (void)ncols;
    if (l->n < 64)
        l->id[l->n++] = cols[0].u.i;
    return 0;
}

/* Revoked or corrected attendance gives back the points awarded for it
** (a rule then awards what a correction is worth). */
int ledger_reverse_for_attendance(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct core *c = self->core;
    (void)ud;
    int64_t att = int_field(ev, "attendance", 0);
    const tandem_value *cor = event_find(ev, "correction");
    if (strcmp(ev->topic, "attendance.approved") == 0) {
        if (cor == NULL || cor->type != TANDEM_INT)
            return TANDEM_OK; /* an approved back-entry: nothing was awarded yet */
        att = model_int(c, "SELECT attendance FROM correction WHERE id = ?", cor, 1, 0);
    }
    struct award_list l = {{0}, 0};
    tandem_value arg = tandem_int(att);
    store_exec(c->store, NULL,
               "SELECT id FROM transfer WHERE attendance = ? AND kind = 'award' "
               "AND reversed_by IS NULL ORDER BY id",
               &arg, 1, collect_award, &l);
    for (int i = 0; i < l.n; i++) {
        tandem_event *r = event_new("points.reversed");
        if (r == NULL || event_set_int(r, "transfer", l.id[i]) != TANDEM_OK ||
            event_set_text(r, "reason", strcmp(ev->topic, "attendance.revoked") == 0
                                            ? "服务记录被撤销 (attendance revoked)"
                                            : "服务记录已更正 (attendance corrected)") != TANDEM_OK) {
            event_free(r);
            return TANDEM_NOMEM;
        }
        if (bus_emit(c->bus, self, r) <= 0)
            return TANDEM_ERROR;
    }
    return TANDEM_OK;
}

int ledger_declare(struct core *c)
{
    if (bus_declare(c->bus, c->self, "points.awarded", awarded_fields, apply_awarded) ||
        bus_declare(c->bus, c->self, "points.adjusted", adjusted_fields, apply_adjusted) ||
        bus_declare(c->bus, c->self, "points.reversed", reversed_fields, apply_reversed) ||
        bus_declare(c->bus, c->self, "points.expired", expired_fields, apply_expired) ||
        bus_subscribe(c->bus, c->self, TANDEM_BEFORE, "points.adjusted", adjustment_rules,
                      NULL) ||
        bus_subscribe(c->bus, c->self, TANDEM_ON, "attendance.revoked", ledger_reverse_for_attendance,
                      NULL) ||
        bus_subscribe(c->bus, c->self, TANDEM_ON, "attendance.approved", ledger_reverse_for_attendance,
                      NULL))
        return -1;
    return 0;
}
