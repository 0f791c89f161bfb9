/*
** config.c — reading INI files with inih, and typed options.
**
** inih is driven through ini_parse_stream() with our own line reader, for
** three reasons found on Debian 12 (research/ecosystem.md §2): its line
** buffer is 200 bytes and it silently truncates longer lines; the handler
** gets no line number unless the library was built for it; and it reports
** only the first syntax error. The reader therefore counts physical lines,
** checks each one (length, UTF-8, syntax) so that every error is reported
** with its own line, and hands inih a comment in place of a bad line.
*/
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

/* inih keeps at most 49 bytes of a section name and cuts it silently, which
** is 16 Chinese characters: a longer header is handed to inih as an alias
** ("[\001LINE]") that config_handler maps back to the name. */
#define INIH_MAX_SECTION 49
#define CONFIG_MAX_SECTION 180

struct config_error {
    int line;
    int seq; /* keeps errors of one line in the order found */
    char *msg;
};

struct reader {
    FILE *f;
    const char *path;
    char *line; /* getline buffer */
    size_t cap;
    int lineno;           /* physical line last handed to inih */
    int continuation;     /* that line is an indented continuation */
    struct config *c;
    struct config_error *err; /* sorted by line before they are reported */
    int nerrors;
};

static void config_error(struct reader *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void config_error(struct reader *r, int line, const char *fmt, ...)
{
    va_list ap;
    char msg[512];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct config_error *e = realloc(r->err, ((size_t)r->nerrors + 1) * sizeof *e);
    if (e == NULL)
        return;
    r->err = e;
    e[r->nerrors].line = line;
    e[r->nerrors].seq = r->nerrors;
    e[r->nerrors].msg = strdup(msg);
    r->nerrors++;
}

static int by_line(const void *a, const void *b)
{
    const struct config_error *x = a, *y = b;
    return x->line != y->line ? (x->line > y->line) - (x->line < y->line) : x->seq - y->seq;
}

static void report_errors(struct reader *r, buf *errors)
{
    if (r->nerrors == 0)
        return;
    qsort(r->err, (size_t)r->nerrors, sizeof *r->err, by_line);
    for (int i = 0; i < r->nerrors; i++) {
        buf_printf(errors, "%s:%d: %s\n", r->path, r->err[i].line,
                   r->err[i].msg ? r->err[i].msg : "out of memory");
        free(r->err[i].msg);
    }
    free(r->err);
}

static char *skip_space(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Checks one physical line; returns 0 if inih may see it. num is the size
** of inih's buffer: the line with its line end and a NUL must fit. */
static int check_line(struct reader *r, char *s, size_t len, int num)
{
    int max = num - 2;
    int n = r->lineno;
    size_t body = len;
    while (body > 0 && (s[body - 1] == '\n' || s[body - 1] == '\r'))
        body--;
    if (memchr(s, '\0', len)) {
        config_error(r, n, "the line contains a NUL byte; is this a text file?");
        return -1;
    }
    if (len + 1 > (size_t)num) {
        config_error(r, n,
                     "line is %zu bytes long, the INI parser reads at most %d%s; "
                     "split the value over indented continuation lines",
                     body, len > body + 1 ? max - 1 : max,
                     len > body + 1 ? " with Windows line ends" : "");
        return -1;
    }
    if (!text_utf8_valid(s, body)) {
        config_error(r, n, "not valid UTF-8; save the file as UTF-8");
        return -1;
    }
    char *p = s;
    if (n == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    r->continuation = (*p == ' ' || *p == '\t');
    p = skip_space(p);
    if (*p == '\0' || *p == '\n' || *p == '\r' || *p == ';' || *p == '#')
        return 0;
    if (*p == '[') {
        char *end = strchr(p, ']');
        if (end == NULL) {
            config_error(r, n, "section header has no closing ']'");
            return -1;
        }
        char *rest = skip_space(end + 1);
        if (*rest && *rest != '\n' && *rest != '\r' && *rest != ';' && *rest != '#') {
            config_error(r, n, "unexpected text after the section header");
            return -1;
        }
        size_t name_len = (size_t)(end - p - 1);
        if (name_len == 0) {
            config_error(r, n, "empty section name");
            return -1;
        }
        if (name_len > CONFIG_MAX_SECTION) {
            config_error(r, n, "section name is %zu bytes long, at most %d are read", name_len,
                         CONFIG_MAX_SECTION);
            return -1;
        }
        return 0;
    }
    if (!r->continuation && strpbrk(p, "=:") == NULL) {
        config_error(r, n, "expected 'key = value', a [section] or a comment");
        return -1;
    }
    if (*p == '=' || *p == ':') {
        config_error(r, n, "a key is missing before '%c'", *p);
        return -1;
    }
    return 0;
}

/* Replaces a section header too long for inih by its alias. */
static void alias_long_section(const struct reader *r, char *line, size_t size)
{
    char *p = skip_space(line);
    if (r->lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
        p = skip_space(p + 3);
    char *end = *p == '[' ? strchr(p, ']') : NULL;
    if (end && end - p - 1 > INIH_MAX_SECTION)
        snprintf(line, size, "[\001%d]\n", r->lineno);
}

static char *config_reader(char *str, int num, void *stream)
{
    struct reader *r = stream;
    for (;;) {
        errno = 0;
        ssize_t len = getline(&r->line, &r->cap, r->f);
        if (len < 0)
            return NULL;
        r->lineno++;
        /* inih needs room for the newline and the NUL */
        if (check_line(r, r->line, (size_t)len, num) == 0) {
            memcpy(str, r->line, (size_t)len + 1);
            alias_long_section(r, str, (size_t)num);
            return str;
        }
        /* a bad line: inih sees a comment, which keeps its line count in step */
        snprintf(str, (size_t)num, ";\n");
        return str;
    }
}

static int config_add_section(struct config *c, const char *name, int line)
{
    if (c->ns == c->scap) {
        size_t cap = c->scap ? c->scap * 2 : 8;
        struct config_section *s = realloc(c->s, cap * sizeof *s);
        if (s == NULL)
            return -1;
        c->s = s;
        c->scap = cap;
    }
    c->s[c->ns].name = strdup(name);
    if (c->s[c->ns].name == NULL)
        return -1;
    c->s[c->ns++].line = line;
    return 0;
}

static struct config_entry *config_find(const struct config *c, const char *section,
                                        const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, key) == 0)
            return &c->e[i];
    return NULL;
}

static int config_append(struct reader *r, const char *section, const char *key,
                         const char *value)
{
    struct config *c = r->c;
    struct config_entry *old = config_find(c, section, key);
    if (old && r->continuation) {
        size_t a = strlen(old->value), b = strlen(value);
        char *joined = realloc(old->value, a + b + 2);
        if (joined == NULL)
            return -1;
        joined[a] = '\n';
        memcpy(joined + a + 1, value, b + 1);
        old->value = joined;
        return 0;
    }
    if (old) {
        config_error(r, r->lineno, "'%s' is set twice in [%s] (first on line %d)", key,
                     section, old->line);
        return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct config_entry *e = realloc(c->e, cap * sizeof *e);
        if (e == NULL)
            return -1;
        c->e = e;
        c->cap = cap;
    }
    struct config_entry *e = &c->e[c->n];
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    e->line = r->lineno;
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return -1;
    }
    c->n++;
    return 0;
}

static int config_handler(void *user, const char *section, const char *key, const char *value)
{
    struct reader *r = user;
    if (*section == '\0') {
        config_error(r, r->lineno, "'%s' is outside any section; put it under [core]", key);
        return 1;
    }
    if (*section == '\001') { /* a long name's alias: the header's line */
        int line = atoi(section + 1);
        for (size_t i = 0; i < r->c->ns; i++)
            if (r->c->s[i].line == line)
                section = r->c->s[i].name;
    }
    return config_append(r, section, key, value) == 0;
}

/* inih only reports a section when a key follows it; find the headers
** ourselves so that empty sections ([script.welcome]) count, and so that a
** section given twice is reported. */
static void config_scan_sections(struct reader *r)
{
    rewind(r->f);
    int n = 0;
    while (getline(&r->line, &r->cap, r->f) >= 0) {
        n++;
        char *p = skip_space(r->line);
        if (n == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
            p = skip_space(p + 3);
        if (*p != '[')
            continue;
        char *end = strchr(p, ']');
        if (end == NULL || end - p - 1 > CONFIG_MAX_SECTION || end == p + 1)
            continue;
        *end = '\0';
        char *name = p + 1;
        int first = config_section_line(r->c, name);
        if (first && first != n) {
            config_error(r, n, "section [%s] appears twice (first on line %d)", name, first);
            continue;
        }
        if (first == 0)
            config_add_section(r->c, name, n);
    }
}

static char *absolute_dir(const char *path)
{
    char *real = realpath(path, NULL);
    if (real == NULL)
        return NULL;
    char *slash = strrchr(real, '/');
    if (slash == real)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    return real;
}

int config_load(const char *path, struct config **out, buf *errors)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        buf_printf(errors, "%s: cannot read the configuration: %s\n", path, strerror(errno));
        return -1;
    }
    struct config *c = calloc(1, sizeof *c);
    struct reader r = {.f = f, .path = path, .c = c};
    if (c == NULL || (c->path = strdup(path)) == NULL || (c->dir = absolute_dir(path)) == NULL) {
        buf_printf(errors, "%s: cannot read the configuration: %s\n", path, strerror(errno));
        fclose(f);
        config_free(c);
        return -1;
    }
    /* sections first, so that section lines are the header lines */
    config_scan_sections(&r);
    rewind(f);
    int rc = ini_parse_stream(config_reader, &r, config_handler, &r);
    if (rc == -2 || rc > 0)
        config_error(&r, rc > 0 ? rc : 0, rc > 0 ? "cannot parse this line" : "out of memory");
    free(r.line);
    fclose(f);
    report_errors(&r, errors);
    *out = c;
    return r.nerrors;
}

void config_free(struct config *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].section);
        free(c->e[i].key);
        free(c->e[i].value);
    }
    for (size_t i = 0; i < c->ns; i++)
        free(c->s[i].name);
    free(c->e);
    free(c->s);
    free(c->path);
    free(c->dir);
    free(c);
}

int config_section_line(const struct config *c, const char *section)
{
    for (size_t i = 0; i < c->ns; i++)
        if (strcmp(c->s[i].name, section) == 0)
            return c->s[i].line;
    return 0;
}

char *config_resolve_path(const struct config *c, const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    size_t n = strlen(c->dir) + strlen(path) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", c->dir, path);
    return p;
}

/* ---------------------------------------------------------------------- */
/* Typed values                                                           */

static const char *trim(char *s)
{
    s = skip_space(s);
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

int config_parse_int(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int config_parse_real(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int config_parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(s, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

/* A number followed by a unit from `units`; *out = number * unit's factor. */
static int parse_scaled(const char *s, const char *const *units, const int64_t *factors,
                        size_t nunits, int unit_required, int64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0 || !isfinite(v))
        return -1;
    const char *u = end;
    while (*u == ' ')
        u++;
    int64_t factor = 0;
    if (*u == '\0' && !unit_required)
        factor = 1;
    for (size_t i = 0; i < nunits && factor == 0; i++)
        if (strcasecmp(u, units[i]) == 0)
            factor = factors[i];
    if (factor == 0 || v * (double)factor > 9.2e18)
        return -1;
    *out = (int64_t)llround(v * (double)factor);
    return 0;
}

int config_parse_size(const char *s, int64_t *out)
{
    static const char *const units[] = {"b", "k", "kb", "kib", "m", "mb", "mib", "g", "gb", "gib"};
    static const int64_t f[] = {1, 1 << 10, 1 << 10, 1 << 10, 1 << 20, 1 << 20, 1 << 20,
                                1LL << 30, 1LL << 30, 1LL << 30};
    return parse_scaled(s, units, f, 10, 0, out);
}

int config_parse_duration(const char *s, int64_t *ms)
{
    static const char *const units[] = {"ms", "s", "m", "min", "h", "d"};
    static const int64_t f[] = {1, 1000, 60000, 60000, 3600000, 86400000};
    return parse_scaled(s, units, f, 6, 1, ms);
}

/* ---------------------------------------------------------------------- */
/* Options bound to a schema                                              */

struct option_slot {
    const char *key;
    tandem_value v;
    char *text;    /* owned text */
    char *itembuf; /* owned copy of text that LIST items point into */
    char **items;  /* LIST items */
    size_t nitems;
    int line;
};

struct options {
    struct option_slot *slot;
    size_t n;
};

static void option_slot_free(struct option_slot *s)
{
    free(s->text);
    free(s->itembuf);
    free(s->items);
    memset(s, 0, sizeof *s);
}

static const char *const type_expectations[] = {
    [TANDEM_OPT_TEXT] = "text",
    [TANDEM_OPT_INT] = "an integer",
    [TANDEM_OPT_REAL] = "a number",
    [TANDEM_OPT_BOOL] = "yes or no",
    [TANDEM_OPT_SIZE] = "a size such as 512K, 4M or 1G",
    [TANDEM_OPT_DURATION] = "a duration such as 50ms, 2s, 5m, 48h or 7d",
    [TANDEM_OPT_LIST] = "a comma-separated list",
    [TANDEM_OPT_PATH] = "a path",
};

static int split_list(struct option_slot *s)
{
    size_t cap = 4;
    s->items = malloc(cap * sizeof *s->items);
    s->itembuf = strdup(s->text);
    if (s->items == NULL || s->itembuf == NULL)
        return -1;
    char *save = NULL;
    for (char *tok = strtok_r(s->itembuf, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save)) {
        const char *item = trim(tok);
        if (*item == '\0')
            continue;
        if (s->nitems == cap) {
            char **items = realloc(s->items, (cap *= 2) * sizeof *items);
            if (items == NULL)
                return -1;
            s->items = items;
        }
        s->items[s->nitems++] = (char *)item;
    }
    return 0;
}

static void strip_quotes(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        memmove(s, s + 1, n - 2);
        s[n - 2] = '\0';
    }
}

/* Parses raw into slot according to def; on failure writes why. */
static int option_parse(const struct config *c, const tandem_option *def, const char *raw,
                        struct option_slot *s, char *why, size_t whylen)
{
    int64_t i;
    double r;
    int b;
    s->text = strdup(raw);
    if (s->text == NULL)
        return snprintf(why, whylen, "out of memory"), -1;
    const char *t = trim(s->text);
    memmove(s->text, t, strlen(t) + 1);
    int bad = 0;
    switch (def->type) {
    case TANDEM_OPT_TEXT:
        strip_quotes(s->text);
        s->v = tandem_text(s->text);
        return 0;
    case TANDEM_OPT_PATH: {
        char *abs = config_resolve_path(c, s->text);
        if (abs == NULL)
            return snprintf(why, whylen, "out of memory"), -1;
        free(s->text);
        s->text = abs;
        s->v = tandem_text(s->text);
        return 0;
    }
    case TANDEM_OPT_LIST:
        if (split_list(s) != 0)
            return snprintf(why, whylen, "out of memory"), -1;
        s->v = tandem_text(s->text);
        return 0;
    case TANDEM_OPT_BOOL:
        bad = config_parse_bool(s->text, &b);
        s->v = tandem_bool(b);
        break;
    case TANDEM_OPT_INT:
        bad = config_parse_int(s->text, &i);
        s->v = tandem_int(i);
        break;
    case TANDEM_OPT_SIZE:
        bad = config_parse_size(s->text, &i);
        s->v = tandem_int(i);
        break;
    case TANDEM_OPT_DURATION:
        bad = config_parse_duration(s->text, &i);
        s->v = tandem_int(i);
        break;
    case TANDEM_OPT_REAL:
        bad = config_parse_real(s->text, &r);
        s->v = tandem_real(r);
        break;
    }
    if (bad) {
        snprintf(why, whylen, "'%s' is not %s", s->text, type_expectations[def->type]);
        return -1;
    }
    if (def->min == 0 && def->max == 0)
        return 0;
    double x = s->v.type == TANDEM_REAL ? s->v.u.r : (double)s->v.u.i;
    if (x < (double)def->min || x > (double)def->max) {
        snprintf(why, whylen, "'%s' is out of range (%lld to %lld)", s->text,
                 (long long)def->min, (long long)def->max);
        return -1;
    }
    return 0;
}

/* Guesses a type for options that have no schema (scripts that declare none). */
static tandem_option guess_type(const char *key, const char *raw)
{
    tandem_option o = {key, TANDEM_OPT_TEXT, NULL, 0, 0, 0, NULL};
    int64_t i;
    double r;
    int b;
    if (config_parse_int(raw, &i) == 0)
        o.type = TANDEM_OPT_INT;
    else if (config_parse_real(raw, &r) == 0)
        o.type = TANDEM_OPT_REAL;
    else if (config_parse_bool(raw, &b) == 0)
        o.type = TANDEM_OPT_BOOL;
    return o;
}

static const tandem_option *schema_find(const tandem_option *schema, const char *key)
{
    for (; schema && schema->key; schema++)
        if (strcmp(schema->key, key) == 0)
            return schema;
    return NULL;
}

const char *const config_any_key[] = {"*", NULL};

static int key_listed(const char *const *keys, const char *key)
{
    if (keys == config_any_key)
        return 1;
    for (; keys && *keys; keys++)
        if (strcmp(*keys, key) == 0)
            return 1;
    return 0;
}

static void report_unknown(const struct config *c, const struct config_entry *e,
                           const tandem_option *schema, const char *const *extra, buf *errors)
{
    const char *names[128];
    size_t n = 0;
    for (const tandem_option *o = schema; o && o->key && n < 128; o++)
        names[n++] = o->key;
    for (const char *const *k = extra; k && *k && n < 128; k++)
        names[n++] = *k;
    const char *hint = text_suggest(e->key, names, n);
    buf_printf(errors, "%s:%d: unknown key '%s' in [%s]", c->path, e->line, e->key, e->section);
    if (hint)
        buf_printf(errors, "; did you mean '%s'?", hint);
    else if (n) {
        buf_puts(errors, "; known keys:");
        for (size_t i = 0; i < n; i++)
            buf_printf(errors, "%s %s", i ? "," : "", names[i]);
    }
    buf_putc(errors, '\n');
}

static options *bind_section(const struct config *c, const char *section,
                             const tandem_option *schema, const char *const *extra_keys,
                             buf *errors, int *nerrors, int overlay)
{
    options *o = calloc(1, sizeof *o);
    size_t cap = 0;
    for (const tandem_option *d = schema; d && d->key; d++)
        cap++;
    for (size_t i = 0; c && i < c->n; i++)
        cap += strcmp(c->e[i].section, section) == 0;
    if (o == NULL || (o->slot = calloc(cap + 1, sizeof *o->slot)) == NULL) {
        free(o);
        return NULL;
    }
    /* values set in the file */
    for (size_t i = 0; c && i < c->n; i++) {
        const struct config_entry *e = &c->e[i];
        if (strcmp(e->section, section) != 0)
            continue;
        const tandem_option *def = schema_find(schema, e->key);
        if (def == NULL && key_listed(extra_keys, e->key))
            continue;
        tandem_option guessed = guess_type(e->key, e->value);
        if (def == NULL && schema != NULL) {
            report_unknown(c, e, schema, extra_keys, errors);
            (*nerrors)++;
            continue;
        }
        if (def == NULL)
            def = &guessed;
        struct option_slot *s = &o->slot[o->n];
        char why[256];
        s->key = e->key;
        s->line = e->line;
        if (option_parse(c, def, e->value, s, why, sizeof why) != 0) {
            buf_printf(errors, "%s:%d: [%s] %s: %s\n", c->path, e->line, section, e->key, why);
            (*nerrors)++;
            option_slot_free(s);
            continue;
        }
        o->n++;
    }
    /* defaults and required keys */
    for (const tandem_option *d = schema; d && d->key; d++) {
        if (options_line(o, d->key) || (c && config_find(c, section, d->key)))
            continue;
        if ((d->flags & TANDEM_OPTION_REQUIRED) && !overlay) {
            int line = c ? config_section_line(c, section) : 0;
            buf_printf(errors, "%s:%d: [%s] needs '%s' (%s)\n", c ? c->path : "(none)", line,
                       section, d->key, d->doc ? d->doc : type_expectations[d->type]);
            (*nerrors)++;
            continue;
        }
        if (d->default_value == NULL)
            continue;
        struct option_slot *s = &o->slot[o->n];
        char why[256];
        s->key = d->key;
        if (option_parse(c, d, d->default_value, s, why, sizeof why) != 0) {
            buf_printf(errors, "default of '%s' in [%s]: %s\n", d->key, section, why);
            (*nerrors)++;
            option_slot_free(s);
            continue;
        }
        o->n++;
    }
    return o;
}

options *options_bind(const struct config *c, const char *section, const tandem_option *schema,
                      const char *const *extra_keys, buf *errors, int *nerrors)
{
    return bind_section(c, section, schema, extra_keys, errors, nerrors, 0);
}

options *options_bind_overlay(const struct config *c, const char *section,
                              const tandem_option *schema, const char *const *extra_keys,
                              buf *errors, int *nerrors)
{
    return bind_section(c, section, schema, extra_keys, errors, nerrors, 1);
}

void options_free(options *o)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < o->n; i++)
        option_slot_free(&o->slot[i]);
    free(o->slot);
    free(o);
}

static const struct option_slot *options_slot(const options *o, const char *key)
{
    for (size_t i = 0; o && i < o->n; i++)
        if (strcmp(o->slot[i].key, key) == 0)
            return &o->slot[i];
    return NULL;
}

int options_get(const options *o, const char *key, tandem_value *out)
{
    const struct option_slot *s = options_slot(o, key);
    if (s == NULL)
        return TANDEM_NOTFOUND;
    *out = s->v;
    return TANDEM_OK;
}

int options_item(const options *o, const char *key, size_t i, const char **item)
{
    const struct option_slot *s = options_slot(o, key);
    if (s == NULL || s->items == NULL || i >= s->nitems)
        return TANDEM_NOTFOUND;
    *item = s->items[i];
    return TANDEM_OK;
}

int options_is_list(const options *o, const char *key)
{
    const struct option_slot *s = options_slot(o, key);
    return s && s->items != NULL;
}

int options_line(const options *o, const char *key)
{
    const struct option_slot *s = options_slot(o, key);
    return s ? s->line : 0;
}

size_t options_count(const options *o)
{
    return o ? o->n : 0;
}

const char *options_key(const options *o, size_t i)
{
    return i < o->n ? o->slot[i].key : NULL;
}
