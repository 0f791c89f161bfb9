/*
** certificate.c — service-record certificates (志愿服务记录证明, 民发〔2015〕
** 149号): four blocks (identity, service, issuer, number/date/notes), issued
** by the organisation that kept the record, registered by number, verifiable
** with a code that only the issuer's key can make, and revocable.
**
** The code is a keyed BLAKE2b hash (libsodium) of the certified facts under a
** key derived per issuing organisation from the installation's master key
** ([certificate] key_file). The facts are a snapshot taken at issue time.
*/
#include "certificate.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "mask.h"
#include "model.h"
#include "store.h"
#include "value.h"

const tandem_option certificate_schema[] = {
    {"key_file", TANDEM_OPT_PATH, NULL, 0, 0, 0,
     "master key for verification codes (default: the database path + .key)"},
    {"publicity_days", TANDEM_OPT_INT, "7", 7, 365, 0, "days a certificate is published (≥ 7)"},
    {NULL, 0, NULL, 0, 0, 0, NULL}};

static const tandem_field issued_fields[] = {
    {"number", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"person", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"name", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"id_type", TANDEM_TEXT, 0},
    {"id_masked", TANDEM_TEXT, 0},
    {"volunteer_no", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"org", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"org_name", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"from_on", TANDEM_TEXT, 0},
    {"to_on", TANDEM_TEXT, 0},
    {"minutes", TANDEM_INT, TANDEM_FIELD_REQUIRED},
    {"content", TANDEM_TEXT, 0},
    {"in_charge", TANDEM_TEXT, 0},
    {"handler", TANDEM_TEXT, 0},
    {"contact", TANDEM_TEXT, 0},
    {"notes", TANDEM_TEXT, 0},
    {"issued_on", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"publicity_until", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {"code", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
    {NULL, 0, 0}};
static const tandem_field revoked_fields[] = {{"number", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
                                              {"reason", TANDEM_TEXT, TANDEM_FIELD_REQUIRED},
                                              {NULL, 0, 0}};

/* The certified facts, in the order they are hashed. */
const char *const certificate_facts[] = {
    "number",  "name",    "id_type",  "id_masked", "volunteer_no", "org",
    "org_name", "from_on", "to_on",    "minutes",   "content",      "in_charge",
    "handler", "contact", "notes",    "issued_on", "publicity_until", NULL};

/* ---------------------------------------------------------------------- */
/* Keys and codes                                                         */

static char *key_path(struct core *c)
{
    tandem_value v;
    if (c->certificate && options_get(c->certificate, "key_file", &v) == TANDEM_OK)
        return strdup(v.u.s.p);
    size_t n = strlen(c->database) + 5;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s.key", c->database);
    return p;
}

/* Reads the master key, creating it (mode 0600) on first use if allowed. */
static int master_key(struct core *c, int create, unsigned char key[32], char *err,
                      size_t errlen)
{
    char *path = key_path(c);
    int rc = -1;
    if (path == NULL)
        return snprintf(err, errlen, "out of memory"), -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0 && errno == ENOENT && create) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.new", path);
        randombytes_buf(key, 32);
        int w = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (w >= 0 && write(w, key, 32) == 32 && fsync(w) == 0 && close(w) == 0 &&
            rename(tmp, path) == 0) {
            rc = 0;
        } else {
            snprintf(err, errlen, "cannot create the certificate key %s: %s", path,
                     strerror(errno));
            unlink(tmp);
        }
        free(path);
        return rc;
    }
    if (fd < 0) {
        snprintf(err, errlen, "cannot read the certificate key %s: %s%s", path, strerror(errno),
                 errno == ENOENT ? " (no certificate was issued with this installation)" : "");
    } else if (read(fd, key, 32) != 32) {
        snprintf(err, errlen, "the certificate key %s is damaged (not 32 bytes)", path);
    } else {
        rc = 0;
    }
    if (fd >= 0)
        close(fd);
    free(path);
    return rc;
}

/* Crockford base32 of 10 bytes, in four groups: 4 × 4 characters. */
static void base32(const unsigned char in[10], char out[20])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    int bits = 0, o = 0;
    unsigned acc = 0;
    for (int i = 0; i < 10; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            if (o == 4 || o == 9 || o == 14)
                out[o++] = '-';
            out[o++] = alphabet[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    out[o] = '\0';
}

int certificate_code(struct core *c, int64_t org, const char *const *facts, char out[20],
                     int create_key, char *err, size_t errlen)
{
    unsigned char master[32], issuer[32], mac[10];
    char label[64];
    if (master_key(c, create_key, master, err, errlen) != 0)
        return -1;
    snprintf(label, sizeof label, "tandem certificate issuer %" PRId64, org);
    crypto_generichash(issuer, sizeof issuer, (const unsigned char *)label, strlen(label), master,
                       sizeof master);
    crypto_generichash_state st;
    crypto_generichash_init(&st, issuer, sizeof issuer, sizeof mac);
    for (size_t i = 0; certificate_facts[i]; i++) {
        const char *f = facts[i] ? facts[i] : "";
        crypto_generichash_update(&st, (const unsigned char *)f, strlen(f) + 1); /* with NUL */
    }
    crypto_generichash_final(&st, mac, sizeof mac);
    sodium_memzero(master, sizeof master);
    sodium_memzero(issuer, sizeof issuer);
    base32(mac, out);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Projections                                                            */

static int apply_issued(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    const tandem_value *person = event_find(ev, "person"), *org = event_find(ev, "org");
    if (!entity_exists(c, "person", person->u.i))
        return model_fail(self, "%s: person: there is no person %" PRId64, ev->topic,
                          person->u.i);
    if (!entity_exists(c, "org", org->u.i))
        return model_fail(self, "%s: org: there is no organisation %" PRId64, ev->topic,
                          org->u.i);
    const tandem_value *number = event_find(ev, "number");
    if (model_int(c, "SELECT 1 FROM certificate WHERE number = ?", number, 1, 0))
        return model_fail(self, "%s: number: certificate %s already exists", ev->topic,
                          number->u.s.p);
    buf sql = BUF_INIT, marks = BUF_INIT;
    tandem_value args[24];
    int n = 0;
    args[n++] = tandem_int(ev->id);
    buf_puts(&sql, "INSERT INTO certificate(id");
    buf_puts(&marks, "?");
    for (size_t i = 0; i < ev->n && n < 24; i++) {
        buf_printf(&sql, ", %s", ev->f[i].name);
        buf_puts(&marks, ", ?");
        args[n++] = ev->f[i].v;
    }
    buf_printf(&sql, ") VALUES (%s)", buf_str(&marks));
    int rc = store_exec(c->store, NULL, buf_str(&sql), args, n, NULL, NULL);
    buf_free(&sql);
    buf_free(&marks);
    if (rc != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    return TANDEM_OK;
}

static int apply_revoked(tandem_plugin *self, const tandem_event *ev)
{
    struct core *c = self->core;
    const tandem_value *number = event_find(ev, "number"), *reason = event_find(ev, "reason");
    tandem_value args[3] = {tandem_int(ev->time), *reason, *number};
    if (store_exec(c->store, NULL,
                   "UPDATE certificate SET revoked_at = ?, revoke_reason = ? WHERE number = ? "
                   "AND revoked_at IS NULL",
                   args, 3, NULL, NULL) != TANDEM_OK)
        return model_fail(self, "%s: %s", ev->topic, store_errmsg(c->store));
    if (store_changes(c->store) == 0)
        return model_fail(self, "%s: number: no valid certificate %s", ev->topic,
                          number->u.s.p);
    return TANDEM_OK;
}

int certificate_declare(struct core *c)
{
    if (bus_declare(c->bus, c->self, "certificate.issued", issued_fields, apply_issued) ||
        bus_declare(c->bus, c->self, "certificate.revoked", revoked_fields, apply_revoked))
        return -1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Issuing                                                                */

struct gather {
    buf content;
    int64_t minutes;
};

static void hours_text(int64_t minutes, char *out, size_t len)
{
    if (minutes % 60)
        snprintf(out, len, "%" PRId64 "小时%" PRId64 "分钟", minutes / 60, minutes % 60);
    else
        snprintf(out, len, "%" PRId64 "小时", minutes / 60);
}

static int gather_row(void *ud, int ncols, const tandem_value *cols)
{
    struct gather *g = ud;
    char h[48];
    (void)ncols;
    hours_text(cols[1].u.i, h, sizeof h);
    buf_printf(&g->content, "%s%s（%s，%" PRId64 "次）", g->content.n ? "；" : "", cols[0].u.s.p,
               h, cols[2].u.i);
    g->minutes += cols[1].u.i;
    return 0;
}

struct text_cols {
    char v[6][256];
};

static int read_texts(void *ud, int ncols, const tandem_value *cols)
{
    struct text_cols *t = ud;
    for (int i = 0; i < ncols && i < 6; i++)
        snprintf(t->v[i], sizeof t->v[i], "%s",
                 cols[i].type == TANDEM_TEXT ? cols[i].u.s.p : "");
    return 1;
}

static int next_number(struct core *c, int64_t org, const char *issued_on, char *out, size_t len)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%.4s-%04" PRId64 "-", issued_on, org);
    char pattern[40];
    snprintf(pattern, sizeof pattern, "%s%%", prefix);
    tandem_value arg = tandem_text(pattern);
    int64_t n = model_int(c, "SELECT count(*) FROM certificate WHERE number LIKE ?", &arg, 1, 0);
    snprintf(out, len, "%s%05" PRId64, prefix, n + 1);
    return 0;
}

static int fail_result(struct bus_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail_result(struct bus_result *res, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    memset(res, 0, sizeof *res);
    res->status = BUS_INVALID;
    res->message = strdup(msg);
    return BUS_INVALID;
}

/* Which service org may certify (民发〔2015〕149号: the organisation that kept
** the record): all of it when org is the person's own organisation, else
** the service in projects of teams org runs (team.org). 1 for all, 0 for
** its teams' only, -1 when org kept no record of the person at all. */
static int issuer_scope(struct core *c, int64_t person, int64_t org)
{
    tandem_value args[2] = {tandem_int(person), tandem_int(org)};
    if (model_int(c, "SELECT 1 FROM person WHERE id = ? AND org = ?", args, 2, 0))
        return 1;
    if (model_int(c,
                  "SELECT 1 FROM attendance a JOIN project p ON p.id = a.project "
                  "JOIN team t ON t.id = p.team WHERE a.person = ? AND t.org = ? "
                  "AND a.status IN ('closed', 'auto_closed', 'corrected') LIMIT 1",
                  args, 2, 0))
        return 0;
    return -1;
}

/* The person's counted service in the request's period, per project: all of
** it (scope 1), or only what the issuer's teams ran (scope 0). */
static void gather_service(struct core *c, const struct certificate_request *rq, int scope,
                           struct gather *g)
{
    tandem_value args[5] = {tandem_int(rq->person), tandem_text(rq->from_on ? rq->from_on : ""),
                            tandem_text(rq->to_on ? rq->to_on : "9999-12-31"), tandem_int(scope),
                            tandem_int(rq->org)};
    store_exec(c->store, NULL,
               "SELECT p.name, sum(a.minutes), count(*) FROM attendance a "
               "JOIN project p ON p.id = a.project JOIN team t ON t.id = p.team "
               "WHERE a.person = ?1 AND a.status IN ('closed', 'auto_closed', 'corrected') "
               "AND date(a.checkin_at, 'unixepoch', 'localtime') >= ?2 "
               "AND date(a.checkin_at, 'unixepoch', 'localtime') <= ?3 "
               "AND (?4 OR t.org IS ?5) GROUP BY p.id ORDER BY p.name",
               args, 5, gather_row, g);
}

int certificate_issue(struct core *c, const struct certificate_request *rq,
                      struct bus_result *res, char *number_out, size_t numlen)
{
    struct gather g = {BUF_INIT, 0};
    struct text_cols person = {{{0}}}, org = {{{0}}};
    tandem_value parg = tandem_int(rq->person);
    store_exec(c->store, NULL,
               "SELECT name, volunteer_no, coalesce(id_type, '居民身份证'), id_number FROM person "
               "WHERE id = ?",
               &parg, 1, read_texts, &person);
    if (person.v[0][0] == '\0')
        return fail_result(res, "there is no person %" PRId64, rq->person);
    tandem_value oarg = tandem_int(rq->org);
    store_exec(c->store, NULL,
               "SELECT name, coalesce(in_charge, ''), coalesce(contact, '') || "
               "CASE WHEN phone IS NULL THEN '' ELSE ' ' || phone END FROM org WHERE id = ?",
               &oarg, 1, read_texts, &org);
    if (org.v[0][0] == '\0')
        return fail_result(res, "there is no organisation %" PRId64, rq->org);
    int scope = issuer_scope(c, rq->person, rq->org);
    if (scope < 0)
        return fail_result(res, "%s kept no record of %s's service: it runs no team %s served "
                                "in, and is not %s's organisation",
                           org.v[0], person.v[0], person.v[0], person.v[0]);
    gather_service(c, rq, scope, &g);
    if (g.minutes == 0) {
        buf_free(&g.content);
        return fail_result(res, "%s has no counted service hours%s%s%s%s to certify",
                           person.v[0], rq->from_on ? " from " : "", rq->from_on ? rq->from_on : "",
                           rq->to_on ? " to " : "", rq->to_on ? rq->to_on : "");
    }
    char issued_on[11], until[11], number[40], minutes[24], org_id[24], masked[64] = "";
    model_date(core_now(c), issued_on);
    tandem_value days;
    int64_t pd = c->certificate && options_get(c->certificate, "publicity_days", &days) == 0
                     ? days.u.i : 7;
    model_date(core_now(c) + pd * 86400, until);
    next_number(c, rq->org, issued_on, number, sizeof number);
    snprintf(minutes, sizeof minutes, "%" PRId64, g.minutes);
    snprintf(org_id, sizeof org_id, "%" PRId64, rq->org);
    if (person.v[3][0])
        mask_id_number(person.v[3], masked, sizeof masked);
    const char *facts[CERT_FACTS + 1] = {
        number,      person.v[0],     person.v[2], masked[0] ? masked : NULL, person.v[1],
        org_id,      org.v[0],        rq->from_on, rq->to_on, minutes, buf_str(&g.content),
        org.v[1][0] ? org.v[1] : NULL, rq->handler, org.v[2][0] ? org.v[2] : NULL, rq->notes,
        issued_on,   until,           NULL};
    char code[20], err[300];
    if (certificate_code(c, rq->org, facts, code, 1, err, sizeof err) != 0) {
        buf_free(&g.content);
        return fail_result(res, "%s", err);
    }
    tandem_event *ev = event_new("certificate.issued");
    int bad = ev == NULL || event_set_meta(ev, c->actor, "cli", NULL) != TANDEM_OK;
    for (size_t i = 0; !bad && certificate_facts[i]; i++) {
        if (facts[i] == NULL)
            continue;
        if (strcmp(certificate_facts[i], "org") == 0 || strcmp(certificate_facts[i], "minutes") == 0)
            bad = event_set_int(ev, certificate_facts[i], strtoll(facts[i], NULL, 10));
        else
            bad = event_set_text(ev, certificate_facts[i], facts[i]);
    }
    bad = bad || event_set_int(ev, "person", rq->person) || event_set_text(ev, "code", code);
    buf_free(&g.content);
    if (bad) {
        event_free(ev);
        return fail_result(res, "out of memory");
    }
    snprintf(number_out, numlen, "%s", number);
    return bus_submit(c->bus, ev, res);
}

/* ---------------------------------------------------------------------- */
/* Loading, verifying, printing                                           */

void certificate_clear(struct certificate *cert)
{
    for (int i = 0; i < CERT_FACTS; i++)
        free(cert->fact[i]);
    free(cert->code);
    free(cert->revoke_reason);
    memset(cert, 0, sizeof *cert);
}

static int fact_index(const char *name)
{
    for (int i = 0; certificate_facts[i]; i++)
        if (strcmp(certificate_facts[i], name) == 0)
            return i;
    return -1;
}

static void set_fact(struct certificate *cert, const char *name, const tandem_value *v)
{
    int i = fact_index(name);
    buf b = BUF_INIT;
    if (v->type == TANDEM_NIL)
        return;
    value_format(&b, v);
    char *text = buf_steal(&b);
    if (i >= 0) {
        free(cert->fact[i]);
        cert->fact[i] = text;
    } else if (strcmp(name, "code") == 0) {
        free(cert->code);
        cert->code = text;
    } else if (strcmp(name, "revoke_reason") == 0) {
        free(cert->revoke_reason);
        cert->revoke_reason = text;
    } else {
        if (strcmp(name, "person") == 0 && v->type == TANDEM_INT)
            cert->person = v->u.i;
        if (strcmp(name, "revoked_at") == 0 && v->type == TANDEM_INT)
            cert->revoked_at = v->u.i;
        free(text);
    }
}

static const char *const row_columns[] = {
    "number", "name", "id_type", "id_masked", "volunteer_no", "org", "org_name", "from_on",
    "to_on", "minutes", "content", "in_charge", "handler", "contact", "notes", "issued_on",
    "publicity_until", "code", "person", "revoked_at", "revoke_reason", NULL};

static int read_certificate(void *ud, int ncols, const tandem_value *cols)
{
    for (int i = 0; i < ncols && row_columns[i]; i++)
        set_fact(ud, row_columns[i], &cols[i]);
    return 1;
}

int certificate_load(struct core *c, const char *number, struct certificate *out)
{
    memset(out, 0, sizeof *out);
    tandem_value arg = tandem_text(number);
    store_exec(c->store, NULL,
               "SELECT number, name, id_type, id_masked, volunteer_no, org, org_name, from_on, "
               "to_on, minutes, content, in_charge, handler, contact, notes, issued_on, "
               "publicity_until, code, person, revoked_at, revoke_reason FROM certificate "
               "WHERE number = ?",
               &arg, 1, read_certificate, out);
    return out->fact[0] ? 0 : -1;
}

int certificate_from_json(const char *json, struct certificate *out, char *err, size_t errlen)
{
    tandem_event *ev = event_new("certificate.file");
    memset(out, 0, sizeof *out);
    if (ev == NULL || event_fields_parse(ev, json, err, errlen) != 0) {
        event_free(ev);
        return -1;
    }
    for (size_t i = 0; i < ev->n; i++)
        set_fact(out, ev->f[i].name, &ev->f[i].v);
    event_free(ev);
    if (out->fact[0] == NULL || out->code == NULL || out->fact[fact_index("org")] == NULL) {
        snprintf(err, errlen, "not a certificate: number, org and code are required");
        certificate_clear(out);
        return -1;
    }
    return 0;
}

int certificate_verify(struct core *c, const struct certificate *cert, const char *code,
                       char *why, size_t whylen)
{
    char expect[20], err[300];
    int64_t org = strtoll(cert->fact[fact_index("org")] ? cert->fact[fact_index("org")] : "0",
                          NULL, 10);
    if (certificate_code(c, org, (const char *const *)cert->fact, expect, 0, err, sizeof err)) {
        snprintf(why, whylen, "%s", err);
        return -1;
    }
    if (cert->code == NULL || strcmp(expect, cert->code) != 0) {
        snprintf(why, whylen, "the certified facts do not match the code: the certificate was "
                              "altered, or not issued here");
        return -1;
    }
    if (code && strcmp(code, cert->code) != 0) {
        snprintf(why, whylen, "the verification code %s is not this certificate's", code);
        return -1;
    }
    struct certificate reg;
    if (certificate_load(c, cert->fact[0], &reg) != 0) {
        snprintf(why, whylen, "certificate %s is not in the register", cert->fact[0]);
        return -1;
    }
    int same = reg.code && strcmp(reg.code, cert->code) == 0;
    int64_t revoked = reg.revoked_at;
    char reason[300];
    snprintf(reason, sizeof reason, "%s", reg.revoke_reason ? reg.revoke_reason : "");
    certificate_clear(&reg);
    if (!same) {
        snprintf(why, whylen, "the register holds a different certificate %s", cert->fact[0]);
        return -1;
    }
    if (revoked) {
        char day[11];
        model_date(revoked, day);
        snprintf(why, whylen, "certificate %s was revoked on %s: %s", cert->fact[0], day, reason);
        return -1;
    }
    return 0;
}

int certificate_in_publicity(struct core *c, const struct certificate *cert)
{
    char today[11];
    const char *until = cert->fact[fact_index("publicity_until")];
    model_date(core_now(c), today);
    return until && strcmp(today, until) <= 0;
}

void certificate_json(const struct certificate *cert, buf *out)
{
    jw w;
    jw_init(&w, out, 1);
    jw_object(&w);
    for (int i = 0; certificate_facts[i]; i++) {
        if (cert->fact[i] == NULL)
            continue;
        jw_key(&w, certificate_facts[i]);
        if (strcmp(certificate_facts[i], "org") == 0 || strcmp(certificate_facts[i], "minutes") == 0)
            jw_int(&w, strtoll(cert->fact[i], NULL, 10));
        else
            jw_string(&w, cert->fact[i]);
    }
    jw_key(&w, "code");
    jw_string(&w, cert->code ? cert->code : "");
    if (cert->revoked_at) {
        jw_key(&w, "revoked_at");
        jw_int(&w, cert->revoked_at);
        jw_key(&w, "revoke_reason");
        jw_string(&w, cert->revoke_reason ? cert->revoke_reason : "");
    }
    jw_end(&w);
}

static void html_text(buf *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': buf_puts(out, "&lt;"); break;
        case '>': buf_puts(out, "&gt;"); break;
        case '&': buf_puts(out, "&amp;"); break;
        case '"': buf_puts(out, "&quot;"); break;
        default: buf_putc(out, *s);
        }
    }
}

static const char *fact(const struct certificate *cert, const char *name)
{
    int i = fact_index(name);
    return i >= 0 && cert->fact[i] ? cert->fact[i] : "";
}

static void html_row(buf *out, const char *label, const char *value)
{
    buf_printf(out, "<tr><th>%s</th><td>", label);
    html_text(out, value);
    buf_puts(out, "</td></tr>\n");
}

void certificate_html(const struct certificate *cert, buf *out)
{
    char hours[48], period[64];
    hours_text(strtoll(fact(cert, "minutes"), NULL, 10), hours, sizeof hours);
    snprintf(period, sizeof period, "%s 至 %s", *fact(cert, "from_on") ? fact(cert, "from_on")
                                                                        : "登记之日",
             *fact(cert, "to_on") ? fact(cert, "to_on") : fact(cert, "issued_on"));
    buf_puts(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<title>志愿服务记录证明 ");
    html_text(out, fact(cert, "number"));
    buf_puts(out,
             "</title>\n<style>\n"
             "@page { size: A4; margin: 25mm 20mm; }\n"
             "body { font-family: \"Noto Serif CJK SC\", \"Source Han Serif SC\", \"SimSun\", "
             "serif; font-size: 12pt; color: #000; max-width: 170mm; margin: 0 auto; }\n"
             "h1 { text-align: center; font-size: 22pt; letter-spacing: 0.3em; margin: 0 0 6mm; }\n"
             "h2 { font-size: 13pt; border-bottom: 1px solid #000; margin: 6mm 0 2mm; }\n"
             "table { width: 100%; border-collapse: collapse; }\n"
             "th { width: 32mm; text-align: left; font-weight: normal; padding: 1.5mm 0; }\n"
             "td { padding: 1.5mm 0; }\n"
             ".number { text-align: right; }\n"
             ".seal { margin-top: 12mm; text-align: right; }\n"
             ".revoked { color: #b00; font-weight: bold; text-align: center; font-size: 16pt; }\n"
             "</style>\n</head>\n<body>\n<h1>志愿服务记录证明</h1>\n<p class=\"number\">证明编号：");
    html_text(out, fact(cert, "number"));
    buf_puts(out, "</p>\n");
    if (cert->revoked_at)
        buf_puts(out, "<p class=\"revoked\">本证明已撤销</p>\n");
    buf_puts(out, "<h2>一、志愿者信息</h2>\n<table>\n");
    html_row(out, "姓名", fact(cert, "name"));
    html_row(out, "证件类型", fact(cert, "id_type"));
    html_row(out, "证件号码", fact(cert, "id_masked"));
    html_row(out, "志愿者编号", fact(cert, "volunteer_no"));
    buf_puts(out, "</table>\n<h2>二、志愿服务情况</h2>\n<table>\n");
    html_row(out, "服务时段", period);
    html_row(out, "服务时长", hours);
    html_row(out, "服务内容", fact(cert, "content"));
    buf_puts(out, "</table>\n<h2>三、出具单位</h2>\n<table>\n");
    html_row(out, "出具单位", fact(cert, "org_name"));
    html_row(out, "负责人", fact(cert, "in_charge"));
    html_row(out, "经办人", fact(cert, "handler"));
    html_row(out, "联系方式", fact(cert, "contact"));
    buf_puts(out, "</table>\n<h2>四、证明信息</h2>\n<table>\n");
    html_row(out, "证明编号", fact(cert, "number"));
    html_row(out, "出具日期", fact(cert, "issued_on"));
    html_row(out, "公示期至", fact(cert, "publicity_until"));
    html_row(out, "验证码", cert->code ? cert->code : "");
    html_row(out, "其他需要说明的事项", fact(cert, "notes"));
    buf_puts(out, "</table>\n<p class=\"seal\">出具单位（盖章）：");
    html_text(out, fact(cert, "org_name"));
    buf_puts(out, "<br>日期：");
    html_text(out, fact(cert, "issued_on"));
    buf_puts(out, "</p>\n<p>本证明依据《关于规范志愿服务记录证明工作的指导意见》"
                  "（民发〔2015〕149号）出具，可凭证明编号与验证码查验。</p>\n</body>\n</html>\n");
}
