/*
** value.h — the one value model (nil, bool, integer, real, text, blob):
** owned copies, comparison, and conversion to and from JSON.
**
** In JSON a blob is written {"$blob": "<base64>"}; event fields are scalars,
** so an object value is never ambiguous.
*/
#ifndef TANDEM_VALUE_H
#define TANDEM_VALUE_H

#include <jansson.h>
#include <tandem/plugin.h>

#include "buf.h"
#include "json.h"

/* Deep copy into malloc'd memory (text and blob get a trailing NUL).
** Returns 0, or -1 when out of memory (dst is then nil). */
int value_copy(tandem_value *dst, const tandem_value *src);

/* Frees what value_copy allocated and sets v to nil. */
void value_clear(tandem_value *v);

const char *value_type_name(tandem_type t);
int value_equal(const tandem_value *a, const tandem_value *b);

void value_write_json(jw *w, const tandem_value *v);

/* Converts a JSON scalar (or {"$blob": ...}) into an owned value.
** On error writes a message to err and returns -1. */
int value_from_json(json_t *j, tandem_value *out, char *err, size_t errlen);

/* Human-readable form for the CLI: text as is, blobs as <N bytes>. */
void value_format(buf *b, const tandem_value *v);

#endif
