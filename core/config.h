/*
** config.h — INI files (read with inih) and typed options.
**
** Reading and checking are separate steps: config_load only collects
** (section, key, value, line) entries and reports syntax errors; options_bind
** then checks one section against an option schema (types, ranges, unknown
** keys with a suggestion, required keys). Every message starts "FILE:LINE: ".
*/
#ifndef TANDEM_CONFIG_H
#define TANDEM_CONFIG_H

#include <stddef.h>
#include <tandem/plugin.h>

#include "buf.h"

struct config_entry {
    char *section;
    char *key;
    char *value;
    int line;
};

struct config_section {
    char *name;
    int line;
};

struct config {
    char *path; /* as given */
    char *dir;  /* absolute directory of the file: base of relative paths */
    struct config_entry *e;
    size_t n, cap;
    struct config_section *s;
    size_t ns, scap;
};

/* Reads an INI file. Syntax errors are appended to errors, one per line, and
** counted in the return value (0 = clean). Returns -1 (and a message) when the
** file cannot be read at all, in which case *out is NULL. */
int config_load(const char *path, struct config **out, buf *errors);
void config_free(struct config *c);

/* Line of the [section] header, or 0 when absent. */
int config_section_line(const struct config *c, const char *section);

/* Absolute form of a path written in the config file. Caller frees. */
char *config_resolve_path(const struct config *c, const char *path);

/* Options of one section, checked against a schema. */
typedef struct options options;

/* Binds `section` to `schema`. Keys listed in `extra_keys` (NULL-terminated,
** may be NULL) are skipped; config_any_key skips every key the schema does
** not name. With schema == NULL
** every key is accepted and typed by its look (integer, real, yes/no, text).
** Errors are appended to errors; returns NULL only when out of memory. */
options *options_bind(const struct config *c, const char *section, const tandem_option *schema,
                      const char *const *extra_keys, buf *errors, int *nerrors);
/* The same for a section that overlays another (an override by place or
** date): it sets only the keys that differ, so none is required. */
options *options_bind_overlay(const struct config *c, const char *section,
                              const tandem_option *schema, const char *const *extra_keys,
                              buf *errors, int *nerrors);
void options_free(options *o);
extern const char *const config_any_key[];

/* The typed value of key (text points into o). TANDEM_NOTFOUND if unset and
** without default. */
int options_get(const options *o, const char *key, tandem_value *out);
int options_item(const options *o, const char *key, size_t i, const char **item);
/* 1 when key holds a list (which may be empty). */
int options_is_list(const options *o, const char *key);
/* Line where key was set, or 0. */
int options_line(const options *o, const char *key);
size_t options_count(const options *o);
const char *options_key(const options *o, size_t i);

/* Parsers shared with scripts' declared options. 0 on success; on failure
** they write what was expected to why. */
int config_parse_int(const char *s, int64_t *out);
int config_parse_real(const char *s, double *out);
int config_parse_bool(const char *s, int *out);
int config_parse_size(const char *s, int64_t *out);
int config_parse_duration(const char *s, int64_t *ms);

#endif
