/*
** json.h — a streaming JSON writer into a buf. Parsing of JSON input is done
** with jansson (see value_from_json); writing is ours because it sits on the
** journal's hot path and because numbers must print in their shortest exact
** form (0.1, not 0.10000000000000001).
*/
#ifndef TANDEM_JSON_H
#define TANDEM_JSON_H

#include <stdint.h>

#include "buf.h"

#define JW_MAX_DEPTH 32

typedef struct jw {
    buf *out;
    int depth;
    int pretty;
    unsigned char items[JW_MAX_DEPTH];  /* 1 once a level has an item */
    unsigned char keyed[JW_MAX_DEPTH];  /* 1 right after a key */
    char close[JW_MAX_DEPTH];           /* '}' or ']' */
} jw;

void jw_init(jw *w, buf *out, int pretty);
void jw_object(jw *w);
void jw_array(jw *w);
void jw_end(jw *w); /* closes the innermost object or array */
void jw_key(jw *w, const char *key);
void jw_string(jw *w, const char *s);
void jw_string_n(jw *w, const char *s, size_t n);
void jw_int(jw *w, int64_t i);
void jw_real(jw *w, double r);
void jw_bool(jw *w, int b);
void jw_null(jw *w);
void jw_raw(jw *w, const char *json); /* a value that is already JSON */

/* Writes r in the shortest form that reads back as the same double,
** always with a '.' or exponent so that it stays a real. */
void json_format_real(char out[32], double r);

#endif
