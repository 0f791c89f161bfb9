/*
** mask.c — masking personal data for display.
**
** Why a module of its own (prefix mask_) and not part of idcard.c: masking
** applies to phone numbers, names and free text as much as to ID numbers, and
** the exports and the CLI need it without caring about GB 11643.
**
** Every function works on the trimmed input, counted in UTF-8 characters, and
** writes through one small bounded writer that refuses to leave half a mask.
*/
#include "mask.h"

#include <string.h>

#include "text.h"

struct mask_out {
    char *p;
    size_t n, cap;
    int overflow;
};

/* Rule of one kind of mask: s (len bytes, chars UTF-8 characters, chars > 0,
** valid UTF-8) is written masked to o. */
typedef void (*mask_rule)(struct mask_out *o, const char *s, size_t len, size_t chars);

/* Compound surnames (复姓) kept whole by mask_name: the common ones. A rarer
** one keeps only its first character, which hides more, never less. */
static const char *const mask_compound_surnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "司空", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门",
    "万俟", "闻人", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠",
    "钟离", "呼延", "赫连", "拓跋", "百里", "东郭", "左丘", "第五", "公羊", "闾丘",
};

static void mask_put(struct mask_out *o, const char *s, size_t n)
{
    if (o->overflow || o->n + n >= o->cap) {
        o->overflow = 1;
        return;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

static void mask_stars(struct mask_out *o, size_t count)
{
    for (size_t i = 0; i < count; i++)
        mask_put(o, "*", 1);
}

/* Bytes of the UTF-8 character starting at p (input already validated). */
static size_t mask_char_len(const char *p)
{
    unsigned char c = (unsigned char)*p;
    return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
}

/* Byte offset of character number `chars` in s. */
static size_t mask_offset(const char *s, size_t chars)
{
    size_t off = 0;
    for (size_t i = 0; i < chars; i++)
        off += mask_char_len(s + off);
    return off;
}

/* Writes the first head and last tail characters of s, a star for each in
** between. head + tail <= chars. */
static void mask_keep(struct mask_out *o, const char *s, size_t len, size_t chars, size_t head,
                      size_t tail)
{
    size_t head_bytes = mask_offset(s, head);
    size_t tail_at = mask_offset(s, chars - tail);
    mask_put(o, s, head_bytes);
    mask_stars(o, chars - head - tail);
    mask_put(o, s + tail_at, len - tail_at);
}

static int mask_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims in and runs rule on what is left; "***" for input that is not UTF-8. */
static int mask_run(const char *in, char *out, size_t outlen, mask_rule rule)
{
    struct mask_out o = {out, 0, outlen, 0};
    const char *s = in ? in : "";
    size_t len = strlen(s);
    while (len && mask_is_space(*s))
        s++, len--;
    while (len && mask_is_space(s[len - 1]))
        len--;
    if (!text_utf8_valid(s, len)) {
        mask_put(&o, "***", 3);
    } else if (len) {
        size_t chars = 0;
        for (size_t i = 0; i < len; i++)
            chars += ((unsigned char)s[i] & 0xC0) != 0x80;
        rule(&o, s, len, chars);
    }
    if (outlen == 0)
        return -1;
    out[o.overflow ? 0 : o.n] = '\0';
    return o.overflow ? -1 : 0;
}

static size_t mask_min(size_t a, size_t b)
{
    return a < b ? a : b;
}

static void mask_rule_id(struct mask_out *o, const char *s, size_t len, size_t chars)
{
    size_t keep = mask_min(4, chars / 4);
    mask_keep(o, s, len, chars, keep, keep);
}

static int mask_is_mobile(const char *s, size_t len)
{
    if (len != 11 || s[0] != '1')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void mask_rule_phone(struct mask_out *o, const char *s, size_t len, size_t chars)
{
    if (mask_is_mobile(s, len))
        mask_keep(o, s, len, chars, 3, 4);
    else
        mask_keep(o, s, len, chars, 0, mask_min(4, chars / 2));
}

static int mask_has_compound_surname(const char *s, size_t len)
{
    size_t n = sizeof mask_compound_surnames / sizeof mask_compound_surnames[0];
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(mask_compound_surnames[i]);
        if (len >= k && memcmp(s, mask_compound_surnames[i], k) == 0)
            return 1;
    }
    return 0;
}

static void mask_rule_name(struct mask_out *o, const char *s, size_t len, size_t chars)
{
    size_t head = chars >= 3 && mask_has_compound_surname(s, len) ? 2 : 1;
    mask_keep(o, s, len, chars, mask_min(head, chars - 1), 0);
}

static void mask_rule_text(struct mask_out *o, const char *s, size_t len, size_t chars)
{
    (void)len;
    if (chars > 1)
        mask_put(o, s, mask_char_len(s));
    mask_stars(o, 3);
}

int mask_id_number(const char *in, char *out, size_t outlen)
{
    return mask_run(in, out, outlen, mask_rule_id);
}

int mask_phone(const char *in, char *out, size_t outlen)
{
    return mask_run(in, out, outlen, mask_rule_phone);
}

int mask_name(const char *in, char *out, size_t outlen)
{
    return mask_run(in, out, outlen, mask_rule_name);
}

int mask_text(const char *in, char *out, size_t outlen)
{
    return mask_run(in, out, outlen, mask_rule_text);
}
