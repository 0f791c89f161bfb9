/*
** entity.c — one validation, projection and lookup for every plain record of
** the model, driven by its field specs.
*/
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "idcard.h"
#include "ledger.h"
#include "model.h"
#include "store.h"
#include "text.h"
#include "value.h"

const struct entity *model_entity(const char *noun)
{
    for (const struct entity *const *e = model_entities; *e; e++)
        if (strcmp((*e)->noun, noun) == 0)
            return *e;
    return NULL;
}

const struct spec *entity_spec(const struct entity *e, const char *field)
{
    for (const struct spec *s = e->specs; s->name; s++)
        if (strcmp(s->name, field) == 0)
            return s;
    return NULL;
}

static tandem_type spec_type(enum spec_kind k)
{
    switch (k) {
    case SPEC_INT:
    case SPEC_TIME:
    case SPEC_REF: return TANDEM_INT;
    case SPEC_BOOL: return TANDEM_BOOL;
    case SPEC_REAL: return TANDEM_REAL;
    default: return TANDEM_TEXT;
    }
}

/* Schemas are built once per (entity, added|updated) and kept. */
const tandem_field *entity_fields(const struct entity *e, int update)
{
    static struct {
        const struct entity *e;
        int update;
        tandem_field f[41];
    } cache[32];
    for (size_t i = 0; i < 32; i++) {
        if (cache[i].e == e && cache[i].update == update)
            return cache[i].f;
        if (cache[i].e != NULL)
            continue;
        size_t n = 0;
        if (update)
            cache[i].f[n++] = (tandem_field){e->noun, TANDEM_INT, TANDEM_FIELD_REQUIRED};
        for (const struct spec *s = e->specs; s->name && n < 40; s++) {
            if (update && (s->flags & SPEC_FIXED))
                continue;
            unsigned flags = (!update && (s->flags & SPEC_REQUIRED)) ? TANDEM_FIELD_REQUIRED : 0;
            if (s->flags & SPEC_PRIVATE)
                flags |= TANDEM_FIELD_PRIVATE;
            cache[i].f[n++] = (tandem_field){s->name, spec_type(s->kind), flags};
        }
        cache[i].f[n] = (tandem_field){NULL, 0, 0};
        cache[i].e = e;
        cache[i].update = update;
        return cache[i].f;
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Checks                                                                 */

static int valid_date(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
        return 0;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= (m == 2 ? 28 + leap : days[m - 1]);
}

static int in_enum(const char *values, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = values; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        p += len + (bar ? 1 : 0);
    }
    return 0;
}

/* Copies a list, turning full-width commas (，) and enumeration commas (、)
** into ASCII ones. */
static void copy_list(const char *in, char *out, size_t len)
{
    size_t used = 0;
    while (*in && used + 1 < len) {
        if (strncmp(in, "，", 3) == 0 || strncmp(in, "、", 3) == 0) {
            out[used++] = ',';
            in += 3;
        } else {
            out[used++] = *in++;
        }
    }
    out[used] = '\0';
}

static int list_in_enum(const char *values, const char *list, char *bad, size_t badlen)
{
    char copy[512];
    copy_list(list, copy, sizeof copy);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t n = strlen(tok);
        while (n && tok[n - 1] == ' ')
            tok[--n] = '\0';
        if (*tok && !in_enum(values, tok)) {
            snprintf(bad, badlen, "%s", tok);
            return 0;
        }
    }
    return 1;
}

static int valid_phone(const char *s)
{
    size_t digits = 0;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s))
            digits++;
        else if (*s != '-' && *s != ' ' && *s != '+')
            return 0;
    }
    return digits >= 7 && digits <= 15;
}

int entity_exists(struct core *c, const char *table, int64_t id)
{
    char sql[120];
    tandem_value arg = tandem_int(id);
    snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ?", table);
    return model_int(c, sql, &arg, 1, 0) == 1;
}

static void enum_words(const char *values, char *out, size_t len)
{
    snprintf(out, len, "%s", values);
    for (char *p = out; *p; p++)
        if (*p == '|')
            *p = ',';
}

/* now is the event's time: an ID number's birth date must not be after it
** (the core's clock, TANDEM_NOW in tests; the same on replay). */
static int check_field(struct core *c, const struct spec *s, const tandem_value *v, int64_t now,
                       char *err, size_t errlen)
{
    char words[300], bad[120];
    if (v->type == TANDEM_NIL)
        return 0;
    const char *t = v->type == TANDEM_TEXT ? v->u.s.p : "";
    switch (s->kind) {
    case SPEC_DATE:
        if (!valid_date(t))
            return snprintf(err, errlen, "%s: '%s' is not a date (YYYY-MM-DD)", s->name, t), -1;
        return 0;
    case SPEC_ENUM:
        if (in_enum(s->arg, t))
            return 0;
        enum_words(s->arg, words, sizeof words);
        return snprintf(err, errlen, "%s: '%s' is not one of %s", s->name, t, words), -1;
    case SPEC_LIST:
        if (s->arg == NULL || list_in_enum(s->arg, t, bad, sizeof bad))
            return 0;
        enum_words(s->arg, words, sizeof words);
        return snprintf(err, errlen, "%s: '%s' is not one of %s", s->name, bad, words), -1;
    case SPEC_REF: {
        const struct entity *target = model_entity(s->arg);
        if (target && entity_exists(c, target->table, v->u.i))
            return 0;
        return snprintf(err, errlen, "%s: there is no %s %" PRId64, s->name, s->arg, v->u.i), -1;
    }
    case SPEC_ID_NUMBER:
        if (idcard_check_at(t, (time_t)now, bad, sizeof bad) == 0)
            return 0;
        return snprintf(err, errlen, "%s: %s", s->name, bad), -1;
    case SPEC_PHONE:
        if (valid_phone(t))
            return 0;
        return snprintf(err, errlen, "%s: '%s' is not a phone number", s->name, t), -1;
    case SPEC_INT:
    case SPEC_TIME:
        if (v->u.i < 0)
            return snprintf(err, errlen, "%s: must not be negative", s->name), -1;
        return 0;
    case SPEC_REAL:
        if ((v->type == TANDEM_REAL && v->u.r < 0) || (v->type == TANDEM_INT && v->u.i < 0))
            return snprintf(err, errlen, "%s: must not be negative", s->name), -1;
        return 0;
    case SPEC_TEXT:
        if (v->type == TANDEM_TEXT && v->u.s.n == 0 && (s->flags & SPEC_REQUIRED))
            return snprintf(err, errlen, "%s: must not be empty", s->name), -1;
        return 0;
    default: return 0;
    }
}

int entity_resident_id(const tandem_event *ev)
{
    const tandem_value *t = event_find(ev, "id_type");
    return t == NULL || t->type != TANDEM_TEXT || strcmp(t->u.s.p, "居民身份证") == 0;
}

int entity_check(struct core *c, const struct entity *e, const tandem_event *ev, char *err,
                 size_t errlen)
{
    int64_t now = ev->time ? ev->time : core_now(c);
    for (size_t i = 0; i < ev->n; i++) {
        const struct spec *s = entity_spec(e, ev->f[i].name);
        if (s == NULL || (s->kind == SPEC_ID_NUMBER && !entity_resident_id(ev)))
            continue;
        if (check_field(c, s, &ev->f[i].v, now, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Projections                                                            */

/* A LIST value with its items trimmed: "a, b" -> "a,b". */
void entity_normalise_list(const char *in, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    char copy[1024];
    copy_list(in, copy, sizeof copy);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save)) {
        while (*tok == ' ')
            tok++;
        size_t n = strlen(tok);
        while (n && tok[n - 1] == ' ')
            tok[--n] = '\0';
        if (*tok && used + n + 2 < len)
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "", tok);
    }
}

#define MAX_COLS 48

struct row {
    const char *col[MAX_COLS];
    tandem_value val[MAX_COLS];
    char lists[8][1024];
    int n, nlists;
};

static void row_add(struct row *r, const struct spec *s, const tandem_value *v)
{
    if (r->n >= MAX_COLS)
        return;
    tandem_value x = *v;
    if (s->kind == SPEC_LIST && v->type == TANDEM_TEXT && r->nlists < 8) {
        entity_normalise_list(v->u.s.p, r->lists[r->nlists], sizeof r->lists[0]);
        x = tandem_text(r->lists[r->nlists++]);
    }
    if (x.type == TANDEM_BOOL)
        x = tandem_int(x.u.b);
    r->col[r->n] = s->name;
    r->val[r->n++] = x;
}

static int run(struct core *c, const char *sql, const tandem_value *args, int n, char *err,
               size_t errlen)
{
    if (store_exec(c->store, NULL, sql, args, n, NULL, NULL) == TANDEM_OK)
        return 0;
    snprintf(err, errlen, "%s", store_errmsg(c->store));
    return -1;
}

int entity_insert(struct core *c, const struct entity *e, const tandem_event *ev,
                  const char *const *extra_cols, const tandem_value *extra_vals, int nextra,
                  char *err, size_t errlen)
{
    struct row r;
    r.n = r.nlists = 0;
    r.col[r.n] = "id";
    r.val[r.n++] = tandem_int(ev->id);
    for (size_t i = 0; i < ev->n; i++) {
        const struct spec *s = entity_spec(e, ev->f[i].name);
        if (s && ev->f[i].v.type != TANDEM_NIL)
            row_add(&r, s, &ev->f[i].v);
    }
    for (int i = 0; i < nextra && r.n < MAX_COLS; i++) {
        r.col[r.n] = extra_cols[i];
        r.val[r.n++] = extra_vals[i];
    }
    buf sql = BUF_INIT;
    buf_printf(&sql, "INSERT INTO %s (", e->table);
    for (int i = 0; i < r.n; i++)
        buf_printf(&sql, "%s%s", i ? ", " : "", r.col[i]);
    buf_puts(&sql, ") VALUES (");
    for (int i = 0; i < r.n; i++)
        buf_puts(&sql, i ? ", ?" : "?");
    buf_puts(&sql, ")");
    int rc = run(c, buf_str(&sql), r.val, r.n, err, errlen);
    buf_free(&sql);
    return rc;
}

int entity_update(struct core *c, const struct entity *e, const tandem_event *ev, char *err,
                  size_t errlen)
{
    const tandem_value *id = event_find(ev, e->noun);
    struct row r;
    r.n = r.nlists = 0;
    for (size_t i = 0; i < ev->n; i++) {
        const struct spec *s = entity_spec(e, ev->f[i].name);
        if (s && !(s->flags & SPEC_FIXED) && strcmp(ev->f[i].name, e->noun) != 0)
            row_add(&r, s, &ev->f[i].v);
    }
    if (r.n == 0)
        return 0;
    buf sql = BUF_INIT;
    buf_printf(&sql, "UPDATE %s SET ", e->table);
    for (int i = 0; i < r.n; i++)
        buf_printf(&sql, "%s%s = ?", i ? ", " : "", r.col[i]);
    buf_puts(&sql, " WHERE id = ?");
    r.val[r.n] = *id;
    int rc = run(c, buf_str(&sql), r.val, r.n + 1, err, errlen);
    buf_free(&sql);
    return rc;
}

static const struct entity *entity_of_topic(const char *topic)
{
    for (const struct entity *const *e = model_entities; *e; e++)
        if (strcmp((*e)->added, topic) == 0 ||
            ((*e)->updated && strcmp((*e)->updated, topic) == 0))
            return *e;
    return NULL;
}

int entity_apply_added(tandem_plugin *self, const tandem_event *ev)
{
    const struct entity *e = entity_of_topic(ev->topic);
    char err[400];
    if (entity_check(self->core, e, ev, err, sizeof err) != 0 ||
        (e->check && e->check(self->core, ev, 0, err, sizeof err) != 0) ||
        entity_insert(self->core, e, ev, NULL, NULL, 0, err, sizeof err) != 0)
        return model_fail(self, "%s: %s", ev->topic, err);
    return TANDEM_OK;
}

int entity_apply_updated(tandem_plugin *self, const tandem_event *ev)
{
    const struct entity *e = entity_of_topic(ev->topic);
    const tandem_value *id = event_find(ev, e->noun);
    char err[400];
    if (!entity_exists(self->core, e->table, id->u.i))
        return model_fail(self, "%s: there is no %s %" PRId64, ev->topic, e->noun, id->u.i);
    if (entity_check(self->core, e, ev, err, sizeof err) != 0 ||
        (e->check && e->check(self->core, ev, 1, err, sizeof err) != 0) ||
        entity_update(self->core, e, ev, err, sizeof err) != 0)
        return model_fail(self, "%s: %s", ev->topic, err);
    return TANDEM_OK;
}

/* ---------------------------------------------------------------------- */
/* Lookup by id, volunteer number or name                                 */

struct matches {
    int64_t id[8];
    char label[8][160];
    int n;
};

static int collect_match(void *ud, int ncols, const tandem_value *cols)
{
    struct matches *m = ud;
    if (m->n < 8) {
        m->id[m->n] = cols[0].u.i;
        snprintf(m->label[m->n], sizeof m->label[0], "%s (%s)",
                 cols[1].type == TANDEM_TEXT ? cols[1].u.s.p : "?",
                 ncols > 2 && cols[2].type == TANDEM_TEXT ? cols[2].u.s.p : "");
    }
    m->n++;
    return 0;
}

int entity_resolve(struct core *c, const struct entity *e, const char *text, int64_t *id,
                   char *err, size_t errlen)
{
    char *end;
    long long n = strtoll(text, &end, 10);
    if (*text && *end == '\0' && n > 0) {
        if (entity_exists(c, e->table, n)) {
            *id = n;
            return 0;
        }
        snprintf(err, errlen, "there is no %s %lld", e->noun, n);
        return -1;
    }
    struct matches m = {{0}, {{0}}, 0};
    char sql[400];
    tandem_value arg = tandem_text(text);
    int person = strcmp(e->table, "person") == 0;
    const char *name = entity_spec(e, "name") ? "name" : entity_spec(e, "title") ? "title" : NULL;
    if (name == NULL) {
        snprintf(err, errlen, "give the %s's id (a number), not '%s'", e->noun, text);
        return -1;
    }
    if (person)
        snprintf(sql, sizeof sql,
                 "SELECT id, name, volunteer_no FROM person WHERE volunteer_no = ?1 "
                 "UNION ALL SELECT id, name, volunteer_no FROM person WHERE name = ?1 "
                 "AND NOT EXISTS (SELECT 1 FROM person WHERE volunteer_no = ?1) ORDER BY 1");
    else if (strcmp(name, "title") == 0) /* shifts: tell them apart by time */
        snprintf(sql, sizeof sql,
                 "SELECT id, title, datetime(starts_at, 'unixepoch', 'localtime') FROM %s "
                 "WHERE title = ? ORDER BY starts_at",
                 e->table);
    else
        snprintf(sql, sizeof sql,
                 "SELECT id, name, CAST(id AS TEXT) FROM %s WHERE name = ? ORDER BY id",
                 e->table);
    store_exec(c->store, NULL, sql, &arg, 1, collect_match, &m);
    if (m.n == 1) {
        *id = m.id[0];
        return 0;
    }
    if (m.n == 0) {
        snprintf(err, errlen, "there is no %s '%s'%s", e->noun, text,
                 person ? " (give a volunteer number, an id or a name)" : "");
        return -1;
    }
    size_t used = (size_t)snprintf(err, errlen, "'%s' names %d %ss; say which by id:", text, m.n,
                                   e->noun);
    for (int i = 0; i < m.n && i < 8 && used < errlen; i++)
        used += (size_t)snprintf(err + used, errlen - used, " %" PRId64 " = %s%s", m.id[i],
                                 m.label[i], i + 1 < m.n ? "," : "");
    return -1;
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static int first_int(void *ud, int ncols, const tandem_value *cols)
{
    if (ncols > 0 && cols[0].type == TANDEM_INT)
        *(int64_t *)ud = cols[0].u.i;
    return 1;
}

int64_t model_int(struct core *c, const char *sql, const tandem_value *args, int nargs,
                  int64_t def)
{
    int64_t v = def;
    store_exec(c->store, NULL, sql, args, nargs, first_int, &v);
    return v;
}

struct text_out {
    char *out;
    size_t len;
    int found;
};

static int first_text(void *ud, int ncols, const tandem_value *cols)
{
    struct text_out *t = ud;
    buf b = BUF_INIT;
    if (ncols > 0 && cols[0].type != TANDEM_NIL)
        value_format(&b, &cols[0]);
    snprintf(t->out, t->len, "%s", buf_str(&b));
    buf_free(&b);
    t->found = 1;
    return 1;
}

int model_text(struct core *c, const char *sql, const tandem_value *args, int nargs, char *out,
               size_t len)
{
    struct text_out t = {out, len, 0};
    out[0] = '\0';
    store_exec(c->store, NULL, sql, args, nargs, first_text, &t);
    return t.found ? 0 : -1;
}

int model_month(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    return (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

void model_date(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int model_age(const char *birth, int64_t t)
{
    int by, bm, bd;
    if (birth == NULL || sscanf(birth, "%4d-%2d-%2d", &by, &bm, &bd) != 3)
        return -1;
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    int age = tm.tm_year + 1900 - by;
    if (tm.tm_mon + 1 < bm || (tm.tm_mon + 1 == bm && tm.tm_mday < bd))
        age--;
    return age;
}

int model_fail(tandem_plugin *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->error, sizeof self->error, fmt, ap);
    va_end(ap);
    return TANDEM_ERROR;
}

/* ---------------------------------------------------------------------- */
/* Reading one field (plugins' api->record_get)                           */

_Static_assert(LEDGER_SCALE == 100, "the redemption view below divides by LEDGER_SCALE");

/* Records beyond the plain entities that plugins and scripts may read: the
** table (or a view of it, read like one) and its readable columns. A
** redemption's cost is stored in hundredths and read in points, as
** tandem.points and the CLI give points; an alert leaves out closed_by, the
** login account of whoever closed it. */
static const struct {
    const char *noun, *table, *columns;
} records[] = {
    {"attendance", "attendance",
     "id,shift,person,project,community,month,checkin_at,checkout_at,minutes,status,flag,"
     "back_entry"},
    {"correction", "correction", "id,attendance,checkin_at,checkout_at,status"},
    {"signup", "signup", "id,shift,person,status"},
    {"redemption",
     "(SELECT id, reward, person, code, CASE WHEN cost % 100 = 0 THEN cost / 100 "
     "ELSE cost / 100.0 END AS cost, status FROM redemption)",
     "id,reward,person,code,cost,status"},
    {"alert", "alert", "id,kind,place,message,person,subject,raised_at,closed_at"},
    {NULL, NULL, NULL}};

#define NRECORDS (sizeof records / sizeof records[0] - 1)

static int listed_column(const char *columns, const char *field)
{
    size_t n = strlen(field);
    for (const char *p = columns; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, field, n) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* 1 when field of noun may be read outside the core; *table is its table. */
static int readable(const char *noun, const char *field, const char **table)
{
    const struct entity *e = model_entity(noun);
    if (e) {
        const struct spec *s = entity_spec(e, field);
        *table = e->table;
        return strcmp(field, "id") == 0 || (s && !(s->flags & SPEC_PRIVATE)) ||
               (strcmp(e->table, "person") == 0 && strcmp(field, "volunteer_no") == 0);
    }
    for (int i = 0; records[i].noun; i++)
        if (strcmp(records[i].noun, noun) == 0) {
            *table = records[i].table;
            return listed_column(records[i].columns, field);
        }
    return 0;
}

int model_readable_columns(const char *noun, const char **table, const char **names, int max)
{
    int n = 0;
    const struct entity *e = model_entity(noun);
    if (e) {
        *table = e->table;
        names[n++] = "id";
        for (const struct spec *s = e->specs; s->name && n < max; s++)
            if (!(s->flags & SPEC_PRIVATE))
                names[n++] = s->name;
        if (strcmp(e->table, "person") == 0 && n < max)
            names[n++] = "volunteer_no";
        return n;
    }
    for (int i = 0; records[i].noun; i++) {
        if (strcmp(records[i].noun, noun) != 0)
            continue;
        static char copies[NRECORDS][256];
        snprintf(copies[i], sizeof copies[i], "%s", records[i].columns);
        *table = records[i].table;
        char *save = NULL;
        for (char *t = strtok_r(copies[i], ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
            names[n++] = t;
        return n;
    }
    return 0;
}

int model_is_readable(const char *noun, const char *field)
{
    const char *table;
    return readable(noun, field, &table);
}

struct field_out {
    tandem_value *out;
    int found;
};

static int copy_field(void *ud, int ncols, const tandem_value *cols)
{
    struct field_out *f = ud;
    (void)ncols;
    f->found = value_copy(f->out, &cols[0]) == 0;
    return 1;
}

int model_field(struct core *c, const char *noun, int64_t id, const char *field,
                tandem_value *out)
{
    const char *table = NULL;
    char sql[400];
    if (noun == NULL || field == NULL || !readable(noun, field, &table))
        return TANDEM_NOTFOUND;
    struct field_out f = {out, 0};
    tandem_value arg = tandem_int(id);
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?", field, table);
    store_exec(c->store, NULL, sql, &arg, 1, copy_field, &f);
    return f.found ? TANDEM_OK : TANDEM_NOTFOUND;
}
