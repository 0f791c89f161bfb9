/*
** certificate.h — issuing, showing and verifying service-record
** certificates. The events and their projections are declared by
** certificate_declare (model.h); these are the commands around them.
*/
#ifndef TANDEM_CERTIFICATE_H
#define TANDEM_CERTIFICATE_H

#include <stdint.h>

#include "buf.h"
#include "bus.h"
#include "core.h"

#define CERT_FACTS 17 /* entries of certificate_facts */

/* Names of the certified facts, in hashing order, NULL-terminated. */
extern const char *const certificate_facts[];

struct certificate {
    char *fact[CERT_FACTS]; /* indexed like certificate_facts; NULL when absent */
    char *code;
    int64_t person;
    int64_t revoked_at;
    char *revoke_reason;
};

struct certificate_request {
    int64_t person, org;
    const char *from_on, *to_on; /* YYYY-MM-DD, or NULL for all service */
    const char *handler;         /* 经办人 */
    const char *notes;           /* 其他需要说明的事项 */
};

/* The verification code of a set of facts, under org's key. */
int certificate_code(struct core *c, int64_t org, const char *const *facts, char out[20],
                     int create_key, char *err, size_t errlen);

/* Gathers the person's counted service in the range, numbers and signs the
** certificate and submits certificate.issued. Fills res; the number is in
** number_out on success. The issuer must have kept the record: the person's
** own organisation certifies all their service, the organisation of a team
** they served in (team.org) the service in that team's projects; any other
** is refused, and so is a certificate of no counted service. */
int certificate_issue(struct core *c, const struct certificate_request *rq,
                      struct bus_result *res, char *number_out, size_t numlen);

/* Loads a registered certificate. -1 if there is none. */
int certificate_load(struct core *c, const char *number, struct certificate *out);
/* Reads a certificate from its JSON form (as `certificate show --json`
** prints it). -1 with a message on malformed input. */
int certificate_from_json(const char *json, struct certificate *out, char *err, size_t errlen);
void certificate_clear(struct certificate *cert);

/* 0 when the code matches the facts under the issuer's key, the register
** holds the same certificate, and it is not revoked; else -1 and why. */
int certificate_verify(struct core *c, const struct certificate *cert, const char *code,
                       char *why, size_t whylen);

/* 1 while the certificate is in its publicity period (公示期): it verifies,
** but is not final until the end of its publicity_until day; 0 after. */
int certificate_in_publicity(struct core *c, const struct certificate *cert);

void certificate_json(const struct certificate *cert, buf *out);
void certificate_html(const struct certificate *cert, buf *out);

#endif
