/*
** value.c — owned values and their JSON form.
*/
#include "value.h"

#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int value_copy(tandem_value *dst, const tandem_value *src)
{
    *dst = *src;
    if (src->type != TANDEM_TEXT && src->type != TANDEM_BLOB)
        return 0;
    char *p = malloc(src->u.s.n + 1);
    if (p == NULL) {
        dst->type = TANDEM_NIL;
        return -1;
    }
    if (src->u.s.n)
        memcpy(p, src->u.s.p, src->u.s.n);
    p[src->u.s.n] = '\0';
    dst->u.s.p = p;
    return 0;
}

void value_clear(tandem_value *v)
{
    if (v->type == TANDEM_TEXT || v->type == TANDEM_BLOB)
        free((char *)v->u.s.p);
    v->type = TANDEM_NIL;
}

const char *value_type_name(tandem_type t)
{
    static const char *const names[] = {"nil", "boolean", "integer", "real", "text", "blob"};
    return (unsigned)t <= TANDEM_BLOB ? names[t] : "unknown";
}

int value_equal(const tandem_value *a, const tandem_value *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case TANDEM_NIL: return 1;
    case TANDEM_BOOL: return a->u.b == b->u.b;
    case TANDEM_INT: return a->u.i == b->u.i;
    case TANDEM_REAL: return a->u.r == b->u.r;
    default:
        return a->u.s.n == b->u.s.n && memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0;
    }
}

void value_write_json(jw *w, const tandem_value *v)
{
    switch (v->type) {
    case TANDEM_NIL: jw_null(w); break;
    case TANDEM_BOOL: jw_bool(w, v->u.b); break;
    case TANDEM_INT: jw_int(w, v->u.i); break;
    case TANDEM_REAL: jw_real(w, v->u.r); break;
    case TANDEM_TEXT: jw_string_n(w, v->u.s.p, v->u.s.n); break;
    case TANDEM_BLOB: {
        size_t n = sodium_base64_ENCODED_LEN(v->u.s.n, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(n);
        jw_object(w);
        jw_key(w, "$blob");
        if (b64) {
            sodium_bin2base64(b64, n, (const unsigned char *)v->u.s.p, v->u.s.n,
                              sodium_base64_VARIANT_ORIGINAL);
            jw_string(w, b64);
        } else {
            w->out->failed = 1;
        }
        jw_end(w);
        free(b64);
        break;
    }
    }
}

static int blob_from_json(json_t *j, tandem_value *out, char *err, size_t errlen)
{
    json_t *b = json_object_get(j, "$blob");
    if (json_object_size(j) != 1 || !json_is_string(b)) {
        snprintf(err, errlen, "an object value must be {\"$blob\": \"<base64>\"}");
        return -1;
    }
    size_t n = json_string_length(b);
    unsigned char *p = malloc(n + 1);
    size_t len = 0;
    if (p == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (sodium_base642bin(p, n + 1, json_string_value(b), n, NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(p);
        snprintf(err, errlen, "$blob is not valid base64");
        return -1;
    }
    p[len] = 0;
    out->type = TANDEM_BLOB;
    out->u.s.p = (const char *)p;
    out->u.s.n = len;
    return 0;
}

int value_from_json(json_t *j, tandem_value *out, char *err, size_t errlen)
{
    tandem_value v = tandem_nil();
    switch (json_typeof(j)) {
    case JSON_NULL: break;
    case JSON_TRUE: v = tandem_bool(1); break;
    case JSON_FALSE: v = tandem_bool(0); break;
    case JSON_INTEGER: v = tandem_int(json_integer_value(j)); break;
    case JSON_REAL: v = tandem_real(json_real_value(j)); break;
    case JSON_STRING:
        v.type = TANDEM_TEXT;
        v.u.s.p = json_string_value(j);
        v.u.s.n = json_string_length(j);
        break;
    case JSON_OBJECT: return blob_from_json(j, out, err, errlen);
    case JSON_ARRAY:
        snprintf(err, errlen, "lists are not field values; use text such as \"a,b,c\"");
        return -1;
    }
    if (value_copy(out, &v) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

void value_format(buf *b, const tandem_value *v)
{
    char tmp[32];
    switch (v->type) {
    case TANDEM_NIL: buf_puts(b, "nil"); break;
    case TANDEM_BOOL: buf_puts(b, v->u.b ? "true" : "false"); break;
    case TANDEM_INT: buf_printf(b, "%" PRId64, v->u.i); break;
    case TANDEM_REAL:
        json_format_real(tmp, v->u.r);
        buf_puts(b, tmp);
        break;
    case TANDEM_TEXT: buf_add(b, v->u.s.p, v->u.s.n); break;
    case TANDEM_BLOB: buf_printf(b, "<%zu bytes>", v->u.s.n); break;
    }
}
