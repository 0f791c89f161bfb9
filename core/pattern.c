/*
** pattern.c — Lua 5.4's pattern-matching string functions, metered so that
** no pattern can hold the thread. This file uses only Lua's public C API.
**
** The matcher is a backtracking descent over the pattern, one pattern item
** at a time. It must pick the same match as Lua's in every case (which
** repetition count wins, how captures are undone when a branch fails, what
** a set means at a string's end), so its decisions follow the reference
** manual (§6.4.1) and the behaviour of Lua 5.4.4 exactly; only the shape of
** the code and the metering are ours. tests/test_pattern.c compares the two
** on thousands of cases.
**
** Metering: count() is called for every attempt to match one character, for
** every pattern item visited and for every byte scanned in bulk (a set's
** text, a back-reference's memcmp, %b's scan, a plain search). The steps go
** to the meter every PATTERN_METER_STEP, so the cost of a check stays far
** below the cost of the work it bounds.
**
** One deliberate difference: Lua 5.4.4 does not restore its recursion
** counter when an error leaves the matcher (it resets it only when a call
** starts), so a gmatch iterator called again after "pattern too complex" has
** no depth limit left and can overflow the C stack. Here every attempt gets
** the full depth; an iterator that raised behaves on its next call as a
** fresh one would.
*/
#include "pattern.h"

#include <ctype.h>
#include <lauxlib.h>
#include <string.h>

#define PATTERN_MAXCAPTURES 32 /* Lua's LUA_MAXCAPTURES */
#define PATTERN_MAXDEPTH 200   /* Lua's MAXCCALLS, the limit of its matchdepth */
#define ESC '%'

/* Lengths of a capture that is not a substring. */
#define CAPTURE_OPEN (-1)     /* "(" seen, ")" not yet */
#define CAPTURE_POSITION (-2) /* "()" */

#define UCHAR(c) ((unsigned char)(c))

/* Shared by the installed functions as their upvalue 1. */
struct meter {
    pattern_meter fn;
    void *ud;
    int64_t pending; /* steps of short calls, not yet reported */
};

struct matcher {
    lua_State *L;
    const char *subject, *subject_end;
    const char *pattern_end;
    struct meter *meter; /* NULL: unmetered */
    int64_t steps;       /* counted, not yet added to the meter */
    int depth_left;      /* recursion allowed before "pattern too complex" */
    int level;           /* captures started */
    struct {
        const char *start;
        ptrdiff_t len; /* or CAPTURE_OPEN, CAPTURE_POSITION */
    } capture[PATTERN_MAXCAPTURES];
};

static const char *match(struct matcher *m, const char *s, const char *p);

/* ---------------------------------------------------------------------- */
/* Metering                                                               */

/* The meter may raise: callers keep nothing that would need freeing. */
static void meter_add(struct meter *mt, lua_State *L, int64_t steps)
{
    if (mt == NULL || mt->fn == NULL)
        return;
    mt->pending += steps;
    if (mt->pending >= PATTERN_METER_STEP) {
        steps = mt->pending;
        mt->pending = 0;
        mt->fn(L, mt->ud, steps);
    }
}

static struct meter *meter_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* Hands the matcher's steps to the meter; called at the end of every call. */
static void settle(struct matcher *m)
{
    int64_t steps = m->steps;
    m->steps = 0;
    meter_add(m->meter, m->L, steps);
}

static inline void count(struct matcher *m, ptrdiff_t steps)
{
    m->steps += steps;
    if (m->steps >= PATTERN_METER_STEP)
        settle(m);
}

/* ---------------------------------------------------------------------- */
/* Single characters: classes and sets                                    */

/* Whether c belongs to %cl: a class letter, upper case for the complement;
** any other cl stands for itself. */
static int class_has(int c, int cl)
{
    int in;
    switch (tolower(cl)) {
    case 'a': in = isalpha(c); break;
    case 'c': in = iscntrl(c); break;
    case 'd': in = isdigit(c); break;
    case 'g': in = isgraph(c); break;
    case 'l': in = islower(c); break;
    case 'p': in = ispunct(c); break;
    case 's': in = isspace(c); break;
    case 'u': in = isupper(c); break;
    case 'w': in = isalnum(c); break;
    case 'x': in = isxdigit(c); break;
    case 'z': in = c == 0; break; /* deprecated since 5.2, still there in 5.4 */
    default: return cl == c;
    }
    return isupper(cl) ? !in : in != 0;
}

/* Whether c belongs to the set that opens at p ('[') and closes at close
** (its ']'). A '-' is a range only between two characters, so "[a-]" and
** "[-a]" hold a '-'; the first ']' after "[" or "[^" is a member. */
static int set_has(int c, const char *p, const char *close)
{
    int member = 1;
    if (p[1] == '^') {
        member = 0;
        p++;
    }
    while (++p < close) {
        if (*p == ESC) {
            p++;
            if (class_has(c, UCHAR(*p)))
                return member;
        } else if (p[1] == '-' && p + 2 < close) {
            if (UCHAR(p[0]) <= c && c <= UCHAR(p[2]))
                return member;
            p += 2;
        } else if (UCHAR(*p) == c) {
            return member;
        }
    }
    return !member;
}

/* Past the single-character class at p: "%x", "[set]" or one character. */
static const char *class_end(struct matcher *m, const char *p)
{
    char first = *p++;
    if (first == ESC) {
        if (p == m->pattern_end)
            luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (first != '[')
        return p;
    const char *start = p;
    if (*p == '^')
        p++;
    do { /* the first character is a member even when it is ']' */
        if (p == m->pattern_end)
            luaL_error(m->L, "malformed pattern (missing ']')");
        if (*p++ == ESC && p < m->pattern_end)
            p++;
    } while (*p != ']');
    count(m, p - start);
    return p + 1;
}

/* Whether the subject character at s matches the class from p to ep. */
static int single_match(struct matcher *m, const char *s, const char *p, const char *ep)
{
    count(m, 1);
    if (s >= m->subject_end)
        return 0;
    int c = UCHAR(*s);
    switch (*p) {
    case '.': return 1;
    case ESC: return class_has(c, UCHAR(p[1]));
    case '[': count(m, ep - p); return set_has(c, p, ep - 1);
    default: return UCHAR(*p) == c;
    }
}

/* ---------------------------------------------------------------------- */
/* Captures                                                               */

/* The capture that a back-reference %d names ('1' to '9'). */
static int capture_index(struct matcher *m, int digit)
{
    int i = digit - '1';
    if (i < 0 || i >= m->level || m->capture[i].len == CAPTURE_OPEN)
        return luaL_error(m->L, "invalid capture index %%%d", i + 1);
    return i;
}

/* The innermost capture still open, which a ')' closes. */
static int capture_to_close(struct matcher *m)
{
    for (int i = m->level - 1; i >= 0; i--)
        if (m->capture[i].len == CAPTURE_OPEN)
            return i;
    return luaL_error(m->L, "invalid pattern capture");
}

/* "(" or "()" at p: the capture holds only if the rest matches. */
static const char *start_capture(struct matcher *m, const char *s, const char *p)
{
    int position = p[1] == ')';
    if (m->level >= PATTERN_MAXCAPTURES)
        luaL_error(m->L, "too many captures");
    m->capture[m->level].start = s;
    m->capture[m->level].len = position ? CAPTURE_POSITION : CAPTURE_OPEN;
    m->level++;
    const char *end = match(m, s, p + (position ? 2 : 1));
    if (end == NULL)
        m->level--;
    return end;
}

static const char *end_capture(struct matcher *m, const char *s, const char *p)
{
    int i = capture_to_close(m);
    m->capture[i].len = s - m->capture[i].start;
    const char *end = match(m, s, p);
    if (end == NULL)
        m->capture[i].len = CAPTURE_OPEN;
    return end;
}

/* ---------------------------------------------------------------------- */
/* Items                                                                  */

/* %bxy at p (p points at x): from an x to the y that balances it. */
static const char *match_balance(struct matcher *m, const char *s, const char *p)
{
    if (p >= m->pattern_end - 1)
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->subject_end || *s != *p)
        return NULL;
    const char *start = s;
    int depth = 1;
    while (++s < m->subject_end) {
        if (*s == p[1]) { /* the closer first: "%b''" pairs quotes */
            if (--depth == 0)
                break;
        } else if (*s == p[0]) {
            depth++;
        }
    }
    count(m, s - start);
    return s < m->subject_end ? s + 1 : NULL;
}

/* %1 to %9: the text of a closed capture again. A position capture has no
** text and never matches. */
static const char *match_backref(struct matcher *m, const char *s, int digit)
{
    int i = capture_index(m, digit);
    size_t len = (size_t)m->capture[i].len;
    if ((size_t)(m->subject_end - s) < len)
        return NULL;
    count(m, (ptrdiff_t)len);
    return memcmp(m->capture[i].start, s, len) == 0 ? s + len : NULL;
}

/* The loops below keep going with *s and *p (return 1) for the pattern's
** tail, and recurse only where a failure must come back to try another
** choice; they return 0 when *s is the final answer (NULL: no match). */

/* %f[set]: between a character outside the set and one inside it; the
** subject's ends count as '\0'. */
static int match_frontier(struct matcher *m, const char **s, const char **p)
{
    const char *set = *p + 2;
    if (*set != '[')
        luaL_error(m->L, "missing '[' after '%%f' in pattern");
    const char *ep = class_end(m, set);
    int before = *s == m->subject ? 0 : UCHAR((*s)[-1]);
    int after = *s < m->subject_end ? UCHAR(**s) : 0;
    if (!set_has(before, set, ep - 1) && set_has(after, set, ep - 1)) {
        *p = ep;
        return 1;
    }
    *s = NULL;
    return 0;
}

/* As many repetitions as possible, then fewer until the rest matches. */
static const char *longest(struct matcher *m, const char *s, const char *p, const char *ep)
{
    ptrdiff_t n = 0;
    while (single_match(m, s + n, p, ep))
        n++;
    for (; n >= 0; n--) {
        const char *end = match(m, s + n, ep + 1);
        if (end != NULL)
            return end;
    }
    return NULL;
}

/* As few repetitions as possible, one more each time the rest fails. */
static const char *shortest(struct matcher *m, const char *s, const char *p, const char *ep)
{
    for (;; s++) {
        const char *end = match(m, s, ep + 1);
        if (end != NULL)
            return end;
        if (!single_match(m, s, p, ep))
            return NULL;
    }
}

/* A single-character class and its quantifier, if any. */
static int match_item(struct matcher *m, const char **s, const char **p)
{
    const char *ep = class_end(m, *p);
    if (!single_match(m, *s, *p, ep)) {
        if (*ep == '*' || *ep == '?' || *ep == '-') {
            *p = ep + 1; /* zero repetitions are allowed */
            return 1;
        }
        *s = NULL;
        return 0;
    }
    switch (*ep) {
    case '?': {
        const char *end = match(m, *s + 1, ep + 1);
        if (end != NULL) {
            *s = end;
            return 0;
        }
        *p = ep + 1;
        return 1;
    }
    case '+': *s = longest(m, *s + 1, *p, ep); return 0;
    case '*': *s = longest(m, *s, *p, ep); return 0;
    case '-': *s = shortest(m, *s, *p, ep); return 0;
    default:
        (*s)++;
        *p = ep;
        return 1;
    }
}

/* An item that starts with '%': %b, %f, a back-reference or a class. */
static int match_escape(struct matcher *m, const char **s, const char **p)
{
    const char *item = *p;
    switch (item[1]) {
    case 'b':
        *s = match_balance(m, *s, item + 2);
        *p = item + 4;
        return *s != NULL;
    case 'f': return match_frontier(m, s, p);
    default:
        if (item[1] < '0' || item[1] > '9')
            return match_item(m, s, p);
        *s = match_backref(m, *s, UCHAR(item[1]));
        *p = item + 2;
        return *s != NULL;
    }
}

/* The end of the match of the pattern from p against the subject from s,
** or NULL. */
static const char *match(struct matcher *m, const char *s, const char *p)
{
    if (m->depth_left-- == 0)
        luaL_error(m->L, "pattern too complex");
    int more = 1;
    while (more && p != m->pattern_end) {
        count(m, 1);
        switch (*p) {
        case '(':
            s = start_capture(m, s, p);
            more = 0;
            break;
        case ')':
            s = end_capture(m, s, p + 1);
            more = 0;
            break;
        case '$':
            if (p + 1 == m->pattern_end) { /* only the last '$' anchors */
                s = s == m->subject_end ? s : NULL;
                more = 0;
            } else {
                more = match_item(m, &s, &p);
            }
            break;
        case ESC: more = match_escape(m, &s, &p); break;
        default: more = match_item(m, &s, &p); break;
        }
    }
    m->depth_left++;
    return s;
}

static void matcher_init(struct matcher *m, lua_State *L, const char *s, size_t ls, const char *p,
                         size_t lp)
{
    m->L = L;
    m->subject = s;
    m->subject_end = s + ls;
    m->pattern_end = p + lp;
    m->meter = meter_of(L);
    m->steps = 0;
    m->depth_left = PATTERN_MAXDEPTH;
    m->level = 0;
}

/* One attempt at s, with no captures and the whole depth. */
static const char *attempt(struct matcher *m, const char *s, const char *p)
{
    m->level = 0;
    m->depth_left = PATTERN_MAXDEPTH;
    return match(m, s, p);
}

/* ---------------------------------------------------------------------- */
/* Results                                                                */

/* Capture i as text (*text, length returned) or as CAPTURE_POSITION. With no
** captures, "capture" 0 is the whole match s..e. */
static ptrdiff_t capture_text(struct matcher *m, int i, const char *s, const char *e,
                              const char **text)
{
    if (i >= m->level) {
        if (i != 0)
            luaL_error(m->L, "invalid capture index %%%d", i + 1);
        *text = s;
        return e - s;
    }
    if (m->capture[i].len == CAPTURE_OPEN)
        luaL_error(m->L, "unfinished capture");
    *text = m->capture[i].start;
    return m->capture[i].len;
}

static void push_capture(struct matcher *m, int i, const char *s, const char *e)
{
    const char *text;
    ptrdiff_t len = capture_text(m, i, s, e, &text);
    if (len == CAPTURE_POSITION)
        lua_pushinteger(m->L, (text - m->subject) + 1);
    else
        lua_pushlstring(m->L, text, (size_t)len);
}

/* All captures, or the whole match s..e when there are none (and s is not
** NULL: find passes NULL, having pushed the match's bounds already). */
static int push_captures(struct matcher *m, const char *s, const char *e)
{
    int n = m->level == 0 && s != NULL ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++)
        push_capture(m, i, s, e);
    return n;
}

/* ---------------------------------------------------------------------- */
/* find and match                                                         */

/* The 0-based start of a search from a 1-based, possibly negative init;
** past the end when init is. */
static size_t start_offset(lua_Integer init, size_t len)
{
    if (init > 0)
        return (size_t)init - 1;
    if (init == 0 || init < -(lua_Integer)len)
        return 0;
    return len - (size_t)-init;
}

/* Whether p has a character that makes it a pattern; the bytes looked at
** are charged, since a script may pass a long pattern many times. */
static int has_specials(lua_State *L, const char *p, size_t lp)
{
    static const char specials[] = "^$*+?.([%-";
    size_t i = 0;
    while (i < lp && memchr(specials, p[i], sizeof specials - 1) == NULL)
        i++;
    meter_add(meter_of(L), L, (int64_t)i);
    return i < lp;
}

/* memmem is linear in the text searched, so a plain search cannot be made
** slow; its steps are the bytes it looked at. */
static int find_plain(lua_State *L, const char *s, size_t ls, size_t init, const char *p, size_t lp)
{
    const char *from = s + init;
    const char *at = memmem(from, ls - init, p, lp);
    meter_add(meter_of(L), L, at ? (int64_t)(at - from + lp) : (int64_t)(ls - init));
    if (at == NULL) {
        luaL_pushfail(L);
        return 1;
    }
    lua_pushinteger(L, (at - s) + 1);
    lua_pushinteger(L, (lua_Integer)((at - s) + lp));
    return 2;
}

static int find_or_match(lua_State *L, int find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !has_specials(L, p, lp)))
        return find_plain(L, s, ls, init, p, lp);
    int anchored = *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    struct matcher m;
    matcher_init(&m, L, s, ls, p, lp);
    const char *from = s + init;
    for (;;) {
        const char *end = attempt(&m, from, p);
        if (end != NULL) {
            settle(&m);
            if (!find)
                return push_captures(&m, from, end);
            lua_pushinteger(L, (from - s) + 1);
            lua_pushinteger(L, end - s);
            return push_captures(&m, NULL, NULL) + 2;
        }
        if (anchored || from == m.subject_end)
            break;
        from++;
    }
    settle(&m);
    luaL_pushfail(L);
    return 1;
}

int pattern_find(lua_State *L)
{
    return find_or_match(L, 1);
}

int pattern_match(lua_State *L)
{
    return find_or_match(L, 0);
}

/* ---------------------------------------------------------------------- */
/* gmatch                                                                 */

struct gmatch_state {
    const char *from;     /* where the next search starts; NULL: past the end */
    const char *last_end; /* an empty match here would repeat the last one */
    const char *pattern;
    struct matcher m;
};

/* The iterator; upvalues: subject, pattern (kept alive), state, meter. */
static int gmatch_next(lua_State *L)
{
    struct gmatch_state *g = lua_touserdata(L, lua_upvalueindex(3));
    g->m.L = L;
    if (g->from == NULL)
        return 0;
    for (const char *s = g->from;; s++) {
        const char *end = attempt(&g->m, s, g->pattern);
        if (end != NULL && end != g->last_end) {
            g->from = g->last_end = end;
            settle(&g->m);
            return push_captures(&g->m, s, end);
        }
        if (s == g->m.subject_end)
            break;
    }
    settle(&g->m);
    return 0;
}

/* A '^' is not an anchor here (it would stop the iteration): it matches
** itself. */
int pattern_gmatch(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    lua_settop(L, 2);
    struct gmatch_state *g = lua_newuserdatauv(L, sizeof *g, 0);
    matcher_init(&g->m, L, s, ls, p, lp);
    g->from = init > ls ? NULL : s + init;
    g->last_end = NULL;
    g->pattern = p;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, gmatch_next, 4);
    return 1;
}

/* ---------------------------------------------------------------------- */
/* gsub                                                                   */

static void add_capture(struct matcher *m, luaL_Buffer *b, int i, const char *s, const char *e)
{
    const char *text;
    ptrdiff_t len = capture_text(m, i, s, e, &text);
    if (len == CAPTURE_POSITION) {
        lua_pushinteger(m->L, (text - m->subject) + 1);
        luaL_addvalue(b);
    } else {
        luaL_addlstring(b, text, (size_t)len);
    }
}

/* The replacement string (argument 3) with %0-%9 and %% expanded. */
static void add_expanded(struct matcher *m, luaL_Buffer *b, const char *s, const char *e)
{
    size_t len;
    const char *text = lua_tolstring(m->L, 3, &len);
    const char *esc;
    count(m, (ptrdiff_t)len); /* "%1%1%1..." of empty captures adds nothing, yet works */
    while ((esc = memchr(text, ESC, len)) != NULL) {
        luaL_addlstring(b, text, (size_t)(esc - text));
        char c = esc[1]; /* the string's terminating '\0' after a final '%' */
        if (c == ESC)
            luaL_addchar(b, ESC);
        else if (c == '0')
            luaL_addlstring(b, s, (size_t)(e - s));
        else if (isdigit(UCHAR(c)))
            add_capture(m, b, c - '1', s, e);
        else
            luaL_error(m->L, "invalid use of '%c' in replacement string", ESC);
        len -= (size_t)(esc + 2 - text);
        text = esc + 2;
    }
    luaL_addlstring(b, text, len);
}

/* Adds the replacement of the match s..e; 1 if it differs from the match
** (nil or false from a table or function keeps the match). */
static int add_replacement(struct matcher *m, luaL_Buffer *b, const char *s, const char *e,
                           int kind)
{
    lua_State *L = m->L;
    if (kind == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        lua_call(L, push_captures(m, s, e), 1);
    } else if (kind == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_expanded(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

int pattern_gsub(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int kind = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L,
                     kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION ||
                         kind == LUA_TTABLE,
                     3, "string/function/table");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int anchored = *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    struct matcher m;
    matcher_init(&m, L, s, ls, p, lp);
    const char *last_end = NULL;
    lua_Integer n = 0;
    int changed = 0;
    while (n < max) {
        const char *end = attempt(&m, s, p);
        if (end != NULL && end != last_end) { /* not an empty match right after the last */
            n++;
            changed |= add_replacement(&m, &b, s, end, kind);
            s = last_end = end;
        } else if (s < m.subject_end) {
            luaL_addchar(&b, *s++);
        } else {
            break;
        }
        if (anchored)
            break;
    }
    settle(&m);
    if (changed) {
        luaL_addlstring(&b, s, (size_t)(m.subject_end - s));
        luaL_pushresult(&b);
    } else {
        lua_pushvalue(L, 1); /* the subject itself, not a copy */
    }
    lua_pushinteger(L, n);
    return 2;
}

/* ---------------------------------------------------------------------- */

void pattern_install(lua_State *L, pattern_meter meter, void *ud)
{
    static const luaL_Reg functions[] = {{"find", pattern_find},
                                         {"match", pattern_match},
                                         {"gmatch", pattern_gmatch},
                                         {"gsub", pattern_gsub},
                                         {NULL, NULL}};
    struct meter *mt = lua_newuserdatauv(L, sizeof *mt, 0);
    mt->fn = meter;
    mt->ud = ud;
    mt->pending = 0;
    luaL_setfuncs(L, functions, 1);
}
