/*
** rewards.c — the rewards shop (服务兑换 / 爱心超市): a volunteer exchanges
** points for a reward a merchant or unit provides. Redemption is atomic:
** the balance is checked, the stock decremented, the points moved to the
** merchant and a code issued in one transaction (BEGIN IMMEDIATE), so two
** redemptions racing for the last item never both succeed. The merchant
** confirms a code once; a cancellation returns the points and the stock.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "ledger.h"
#include "model.h"
#include "store.h"
#include "value.h"

static const tandem_field redeemed_fields[] = {{"reward", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
                                               {"code", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
                                               {NULL, 0, 0}};
static const tandem_field confirmed_fields[] = {
    {"redemption", TANDEM_INT, TANDEM_FIELD_REQUIRED}, {NULL, 0, 0}};
static const tandem_field cancelled_fields[] = {
    {"redemption", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"reason", TANDEM_TEXT, 0},
    {NULL, 0, 0}};

void rewards_new_code(struct core *c, char out[12])
{
    static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; /* no 0/O, 1/I/L */
    unsigned char raw[10];
    core_random(c, raw, sizeof raw);
    for (int i = 0; i < 10; i++)
        out[i] = alphabet[raw[i] % (sizeof alphabet - 1)];
    out[10] = '\0';
}

struct reward {
    int64_t id, org, stock, limit, community;
    double cost;
    char name[200], from[11], until[11];
};

static int read_reward(void *ud, int ncols, const tandem_value *cols)
{
    struct reward *r = ud;
    (void)ncols;
    r->id = cols[0].u.i;
    r->org = cols[1].u.i;
    r->stock = cols[2].u.i;
    r->limit = cols[3].type == TANDEM_INT ? cols[3].u.i : 0;
    r->community = cols[4].type == TANDEM_INT ? cols[4].u.i : 0;
    r->cost = cols[5].type == TANDEM_REAL ? cols[5].u.r : (double)cols[5].u.i;
    snprintf(r->name, sizeof r->name, "%s", cols[6].u.s.p);
    snprintf(r->from, sizeof r->from, "%s", cols[7].type == TANDEM_TEXT ? cols[7].u.s.p : "");
    snprintf(r->until, sizeof r->until, "%s", cols[8].type == TANDEM_TEXT ? cols[8].u.s.p : "");
    return 1;
}

static int load_reward(struct core *c, const tandem_value *id, struct reward *r)
{
    memset(r, 0, sizeof *r);
    store_exec(c->store, NULL,
               "SELECT id, org, stock, per_person_limit, community, cost, name, valid_from, "
               "valid_until FROM reward WHERE id = ?",
               id, 1, read_reward, r);
    return r->id ? 0 : -1;
}

static int64_t cost_hundredths(const struct reward *r)
{
    return (int64_t)(r->cost * LEDGER_SCALE + 0.5);
}

static int veto_fmt(tandem_event *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int veto_fmt(tandem_event *ev, const char *fmt, ...)
{
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return event_veto(ev, why);
}

/* 1 when the person's community is place or lies inside it (place tree). */
static int lives_within(struct core *c, const tandem_value *person, int64_t place)
{
    tandem_value args[2] = {*person, tandem_int(place)};
    return model_int(c,
                     "WITH RECURSIVE up(id) AS (SELECT community FROM person WHERE id = ?1 "
                     "UNION SELECT p.parent FROM place p JOIN up ON p.id = up.id "
                     "WHERE p.parent IS NOT NULL) SELECT 1 FROM up WHERE id = ?2",
                     args, 2, 0) == 1;
}

/* A reward limited to a community (or a street …) is for the people who
** live there: veto anyone else. */
static int community_rule(struct core *c, tandem_event *ev, const struct reward *r,
                          const tandem_value *person)
{
    char place[200];
    if (r->community == 0 || lives_within(c, person, r->community))
        return TANDEM_OK;
    tandem_value arg = tandem_int(r->community);
    if (model_text(c, "SELECT name FROM place WHERE id = ?", &arg, 1, place, sizeof place) != 0)
        snprintf(place, sizeof place, "place %" PRId64, r->community);
    return veto_fmt(ev, "“%s”仅限%s兑换 (reward %" PRId64 " is for %s only)", r->name, place,
                    r->id, place);
}

/* Why a redemption cannot go ahead, as the volunteer should read it. */
static int redemption_rules(tandem_plugin *self, tandem_event *ev, void *ud)
{
    struct core *c = self->core;
    const tandem_value *reward = event_find(ev, "reward"), *person = event_find(ev, "person");
    struct reward r;
    char today[11], have[32], need[32];
    (void)ud;
    if (load_reward(c, reward, &r) != 0)
        return TANDEM_OK; /* the projection reports an unknown reward */
    model_date(core_now(c), today);
    if ((r.from[0] && strcmp(today, r.from) < 0) || (r.until[0] && strcmp(today, r.until) > 0))
        return veto_fmt(ev, "“%s”不在兑换期内（%s 至 %s） (not redeemable today)", r.name,
                        r.from[0] ? r.from : "…", r.until[0] ? r.until : "…");
    if (community_rule(c, ev, &r, person) != TANDEM_OK)
        return TANDEM_VETO;
    if (r.stock <= 0)
        return veto_fmt(ev, "“%s”已兑完 (out of stock)", r.name);
    tandem_value args[2] = {*reward, *person};
    int64_t taken = model_int(c, "SELECT count(*) FROM redemption WHERE reward = ? AND "
                                 "person = ? AND status <> 'cancelled'",
                              args, 2, 0);
    if (r.limit && taken >= r.limit)
        return veto_fmt(ev, "“%s”每人限兑 %" PRId64 " 次，已兑 %" PRId64 " 次 (per-person limit)",
                        r.name, r.limit, taken);
    int64_t balance = ledger_balance(c, person->u.i), cost = cost_hundredths(&r);
    if (balance < cost) {
        ledger_format(balance, have);
        ledger_format(cost, need);
        return veto_fmt(ev, "积分不足：余额 %s，需要 %s (not enough points)", have, need);
    }
    return TANDEM_OK;
}

static int apply_redeemed(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    const tandem_value *reward = event_find(ev, "reward"), *person = event_find(ev, "person");
    const tandem_value *code = event_find(ev, "code");
    struct reward r;
    if (load_reward(c, reward, &r) != 0)
        return model_fail(self, "%s: reward: there is no reward %" PRId64, ev->topic, reward->u.i);
    if (!entity_exists(c, "person", person->u.i))
        return model_fail(self, "%s: person: there is no person %" PRId64, ev->topic,
                          person->u.i);
    if (r.stock <= 0) /* the rules said so already; the projection holds the line too */
        return model_fail(self, "%s: reward %" PRId64 " is out of stock", ev->topic, r.id);
    struct transfer t = {ev->id, ledger_account(c, ACCOUNT_PERSON, person->u.i),
                         ledger_account(c, ACCOUNT_MERCHANT, r.org), cost_hundredths(&r),
                         person->u.i, ev->cause, 0, ev->time, 0, "redeem", NULL, r.name};
    if (ledger_transfer(self, ev, &t) != TANDEM_OK)
        return TANDEM_ERROR;
    tandem_value args[6] = {tandem_int(ev->id), *reward, *person, *code,
                            tandem_int(t.amount), tandem_int(ev->time)};
    if (store_exec(c->store, NULL, "UPDATE reward SET stock = stock - 1 WHERE id = ?", reward, 1,
                   NULL, NULL) != TANDEM_OK ||
        store_exec(c->store, NULL,
                   "INSERT INTO redemption(id, reward, person, code, cost, status, created_at) "
                   "VALUES (?, ?, ?, ?, ?, 'issued', ?)",
                   args, 6, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    return TANDEM_OK;
}

struct redemption {
    int64_t id, reward, person, cost, org;
    char status[16];
};

static int read_redemption(void *ud, int ncols, const tandem_value *cols)
{
    struct redemption *d = ud;
    (void)ncols;
    d->id = cols[0].u.i;
    d->reward = cols[1].u.i;
    d->person = cols[2].u.i;
    d->cost = cols[3].u.i;
    d->org = cols[4].u.i;
    snprintf(d->status, sizeof d->status, "%s", cols[5].u.s.p);
    return 1;
}

static int load_redemption(tandem_plugin *self, const tandem_event *ev, struct redemption *d)
{
    const tandem_value *id = event_find(ev, "redemption");
    memset(d, 0, sizeof *d);
    store_exec(self->core->store, NULL,
               "SELECT d.id, d.reward, d.person, d.cost, r.org, d.status FROM redemption d "
               "JOIN reward r ON r.id = d.reward WHERE d.id = ?",
               id, 1, read_redemption, d);
    if (d->id == 0)
        return model_fail(self, "%s: redemption: there is no redemption %" PRId64, ev->topic,
                          id->u.i);
    if (strcmp(d->status, "issued") != 0)
        return model_fail(self, "%s: redemption %" PRId64 " is already %s", ev->topic, d->id,
                          d->status);
    return TANDEM_OK;
}

static int apply_confirmed(tandem_plugin *self, const tandem_event *ev)
{
    struct redemption d;
    if (load_redemption(self, ev, &d) != TANDEM_OK)
        return TANDEM_ERROR;
    tandem_value args[2] = {tandem_int(ev->time), tandem_int(d.id)};
    if (store_exec(self->core->store, NULL,
                   "UPDATE redemption SET status = 'confirmed', confirmed_at = ? WHERE id = ?",
                   args, 2, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(self->core->store));
    return TANDEM_OK;
}

static int apply_cancelled(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    struct redemption d;
    if (load_redemption(self, ev, &d) != TANDEM_OK)
        return TANDEM_ERROR;
    const tandem_value *reason = event_find(ev, "reason");
    struct transfer t = {ev->id, ledger_account(c, ACCOUNT_MERCHANT, d.org),
                         ledger_account(c, ACCOUNT_PERSON, d.person), d.cost, d.person, ev->cause,
                         0, ev->time, 0, "refund", NULL,
                         reason && reason->type == TANDEM_TEXT ? reason->u.s.p : NULL};
    tandem_value args[3] = {tandem_int(ev->time), reason ? *reason : tandem_nil(),
                            tandem_int(d.id)};
    tandem_value rw = tandem_int(d.reward);
    if (ledger_transfer(self, ev, &t) != TANDEM_OK)
        return TANDEM_ERROR;
    if (store_exec(c->store, NULL,
                   "UPDATE redemption SET status = 'cancelled', cancelled_at = ?, reason = ? "
                   "WHERE id = ?",
                   args, 3, NULL, NULL) != TANDEM_OK ||
        store_exec(c->store, NULL, "UPDATE reward SET stock = stock + 1 WHERE id = ?", &rw, 1,
                   NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    return TANDEM_OK;
}

int rewards_declare(struct core *c)
{
    if (bus_declare(c->bus, c->self, "reward.redeemed", redeemed_fields, apply_redeemed) ||
        bus_declare(c->bus, c->self, "reward.confirmed", confirmed_fields, apply_confirmed) ||
        bus_declare(c->bus, c->self, "reward.cancelled", cancelled_fields, apply_cancelled) ||
        bus_subscribe(c->bus, c->self, TANDEM_BEFORE, "reward.redeemed", redemption_rules, NULL))
        return -1;
    return 0;
}
