/*
** ledger.h — the points ledger (积分). Every movement of points is one
** zero-sum transfer between two accounts — a person, a community's pool, a
** merchant, a funder — recorded by the event that caused it; balances are
** derived from the transfers. Amounts are kept in hundredths of a point.
**
** Points are awarded by rules (scripts) reacting to events, never typed in:
** a manual correction is an audited points.adjusted event with an approver.
*/
#ifndef TANDEM_LEDGER_H
#define TANDEM_LEDGER_H

#include <stdint.h>

#include <tandem/plugin.h>

#include "core.h"

#define LEDGER_SCALE 100 /* hundredths of a point */

enum account_kind { ACCOUNT_PERSON = 0, ACCOUNT_POOL, ACCOUNT_MERCHANT, ACCOUNT_FUNDER };

/* The account of (kind, ref), created on first use; 0 when out of memory. */
int64_t ledger_account(struct core *c, enum account_kind kind, int64_t ref);

/* A person's balance, in hundredths. */
int64_t ledger_balance(struct core *c, int64_t person);

/* Points awarded to a person (not reversed), for service at times in
** [from, to), in hundredths; rule NULL counts every rule. */
int64_t ledger_awarded(struct core *c, int64_t person, int64_t from, int64_t to,
                       const char *rule);

/* Points of a person that are older than cutoff and not yet used, redeemed,
** expired or reversed (first in, first out), in hundredths. */
int64_t ledger_expirable(struct core *c, int64_t person, int64_t cutoff);

/* One transfer, as recorded. */
struct transfer {
    int64_t id; /* the event that made it */
    int64_t from, to, amount, person, cause, attendance, at, reverses;
    const char *kind; /* award, adjust_in, adjust_out, reverse, expire, redeem, refund */
    const char *rule, *reason;
};

/* Records a transfer inside an apply function and moves both balances;
** refuses to take an account below zero unless it allows that. */
int ledger_transfer(tandem_plugin *self, const tandem_event *ev, const struct transfer *t);

/* The core's ON handler that gives back the points of revoked or corrected
** attendance (rules preview runs it again during a replay). */
int ledger_reverse_for_attendance(tandem_plugin *self, tandem_event *ev, void *ud);

/* Declares the points topics and the core's rules around them. */
int ledger_declare(struct core *c);

/* "12.5" for 1250 hundredths; "-3" for -300. */
void ledger_format(int64_t hundredths, char out[32]);

#endif
