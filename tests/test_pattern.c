/*
** test_pattern.c — the sandbox's string.find, match, gmatch and gsub
** (core/pattern.c) return exactly what Lua 5.4's own return, errors and
** their messages included, on hand-written edge cases and on thousands of
** random ones; and a pattern built to run for minutes stops at the script's
** instruction or time limit, cannot be caught by pcall, and leaves the next
** call working.
**
** The originals run in a plain state (luaL_openlibs) next to a sandbox, in
** the same process, so the comparison needs no stored expectations.
** TANDEM_BENCH=N runs the speed comparison N times longer (default 1).
*/
#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pattern.h"
#include "pattern_cases.h"
#include "sandbox.h"
#include "tap.h"

/* Runs in both states; a case's results come back as pcall's. */
static const char driver[] =
    "ALL = (function() local t = {} for i = 0, 255 do t[#t + 1] = string.char(i) end\n"
    "  return table.concat(t) end)()\n"
    "T = {a = '<A>', b = false, ab = 1.5, c = 7, aa = '<AA>', [''] = '<E>', ['1'] = '<one>',\n"
    "  [1] = '<p1>', [2] = {}, [3] = true, ['('] = '%1', ['%'] = '%%'}\n"
    "F = {\n"
    "  concat = function(...) local t = table.pack(...)\n"
    "    for i = 1, t.n do t[i] = tostring(t[i]) end\n"
    "    return '<' .. table.concat(t, ',', 1, t.n) .. '>' end,\n"
    "  none = function() end,\n"
    "  false_ = function() return false end,\n"
    "  number = function(...) return select('#', ...) + 0.5 end,\n"
    "  integer = function() return 42 end,\n"
    "  table = function() return {} end,\n"
    "  error = function(x) error('repl ' .. tostring(x)) end,\n"
    "}\n"
    "function G(s, p, init)\n"
    "  local out, it = {}, string.gmatch(s, p, init)\n"
    "  while true do\n"
    "    local r = table.pack(it())\n"
    "    if r.n == 0 then break end\n"
    "    out[#out + 1] = r.n\n"
    "    for i = 1, r.n do out[#out + 1] = r[i] end\n"
    "  end\n"
    "  return table.unpack(out)\n"
    "end\n"
    "local function run(op, s, p, a, b)\n"
    "  if op == 'expr' then return assert(load('return ' .. s, '=expr'))() end\n"
    "  if op == 'find' then return string.find(s, p, a, b) end\n"
    "  if op == 'match' then return string.match(s, p, a) end\n"
    "  if op == 'gmatch' then return G(s, p, a) end\n"
    "  if op == 'gsub' then return string.gsub(s, p, a, b) end\n"
    "  if op == 'gsub_table' then return string.gsub(s, p, T, b) end\n"
    "  return string.gsub(s, p, F[a], b)\n"
    "end\n"
    "return function(...) return pcall(run, ...) end\n";

struct pair {
    lua_State *ref; /* the originals */
    int ref_run;
    struct sandbox sb;
    lua_State *L; /* ours, in a sandbox */
    int run;
};

/* ---------------------------------------------------------------------- */
/* Results as comparable text                                             */

static void put_value(FILE *out, lua_State *L, int i)
{
    switch (lua_type(L, i)) {
    case LUA_TNIL: fputs("nil", out); break;
    case LUA_TBOOLEAN: fputs(lua_toboolean(L, i) ? "true" : "false", out); break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, i))
            fprintf(out, "%lld", (long long)lua_tointeger(L, i));
        else
            fprintf(out, "%.17gf", (double)lua_tonumber(L, i));
        break;
    case LUA_TSTRING: {
        size_t len;
        const unsigned char *s = (const unsigned char *)lua_tolstring(L, i, &len);
        fputc('"', out);
        for (size_t k = 0; k < len; k++)
            if (s[k] >= 32 && s[k] < 127 && s[k] != '"' && s[k] != '\\')
                fputc(s[k], out);
            else
                fprintf(out, "\\%u", s[k]);
        fputc('"', out);
        break;
    }
    default: fputs(luaL_typename(L, i), out); break;
    }
}

/* The values from base to the top, then pops them (caller frees). */
static char *describe(lua_State *L, int base)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        abort();
    for (int i = base; i <= lua_gettop(L); i++) {
        if (i > base)
            fputs(", ", out);
        put_value(out, L, i);
    }
    fclose(out);
    lua_settop(L, base - 1);
    return text;
}

/* ---------------------------------------------------------------------- */
/* The two states                                                         */

static lua_State *sandboxed(struct sandbox *sb, int64_t instructions, int64_t time_ms)
{
    memset(sb, 0, sizeof *sb);
    sb->limits.instructions = instructions;
    sb->limits.time_ms = time_ms;
    return sandbox_new(sb);
}

/* Runs a chunk in the sandbox: LUA_OK, or the error in err. */
static int sandbox_run(lua_State *L, const char *code, int nresults, char *err, size_t errlen)
{
    if (sandbox_load(L, code, strlen(code), "=test") != LUA_OK) {
        snprintf(err, errlen, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return LUA_ERRSYNTAX;
    }
    return sandbox_call(L, 0, nresults, err, errlen);
}

static int pair_open(struct pair *p)
{
    char err[512];
    p->ref = luaL_newstate();
    luaL_openlibs(p->ref);
    if (luaL_loadbufferx(p->ref, driver, strlen(driver), "=driver", "t") != LUA_OK ||
        lua_pcall(p->ref, 0, 1, 0) != LUA_OK) {
        printf("# reference driver: %s\n", lua_tostring(p->ref, -1));
        return -1;
    }
    p->ref_run = luaL_ref(p->ref, LUA_REGISTRYINDEX);
    /* limits far above any case, so that a loop in ours fails instead of hanging */
    p->L = sandboxed(&p->sb, 10000000000LL, 20000);
    if (p->L == NULL)
        return -1;
    if (sandbox_load(p->L, driver, strlen(driver), "=driver") != LUA_OK ||
        sandbox_call(p->L, 0, 1, err, sizeof err) != LUA_OK) {
        printf("# sandbox driver: %s\n", err);
        return -1;
    }
    p->run = luaL_ref(p->L, LUA_REGISTRYINDEX);
    return 0;
}

static void pair_close(struct pair *p)
{
    lua_close(p->ref);
    lua_close(p->L);
}

/* One case: op and up to four arguments, pushed by push (in each state). */
typedef void (*push_args)(lua_State *L, const void *args);

static char *run_ref(struct pair *p, push_args push, const void *args)
{
    int base = lua_gettop(p->ref) + 1;
    lua_rawgeti(p->ref, LUA_REGISTRYINDEX, p->ref_run);
    push(p->ref, args);
    if (lua_pcall(p->ref, lua_gettop(p->ref) - base, LUA_MULTRET, 0) != LUA_OK)
        lua_pushstring(p->ref, "(driver failed)");
    return describe(p->ref, base);
}

static char *run_ours(struct pair *p, push_args push, const void *args)
{
    char err[2048];
    int base = lua_gettop(p->L) + 1;
    lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->run);
    push(p->L, args);
    if (sandbox_call(p->L, lua_gettop(p->L) - base, LUA_MULTRET, err, sizeof err) != LUA_OK) {
        lua_settop(p->L, base - 1);
        lua_pushfstring(p->L, "(sandbox call failed: %s)", err);
    }
    return describe(p->L, base);
}

/* 1 if both agree; else prints both when *shown is below 10. */
static int agree(struct pair *p, push_args push, const void *args, const char *what, int *shown)
{
    char *theirs = run_ref(p, push, args);
    char *ours = run_ours(p, push, args);
    int same = strcmp(theirs, ours) == 0;
    if (!same && (*shown)++ < 10)
        printf("#   %s\n#     lua:  %s\n#     ours: %s\n", what, theirs, ours);
    free(theirs);
    free(ours);
    return same;
}

/* ---------------------------------------------------------------------- */
/* Hand-written cases (pattern_cases.h), evaluated in both states         */

static void push_expr(lua_State *L, const void *args)
{
    lua_pushstring(L, "expr");
    lua_pushstring(L, args);
}

/* A case that does not compile would "agree" and prove nothing. */
static int compiles(lua_State *L, const char *expr)
{
    lua_pushfstring(L, "return %s", expr);
    int status = luaL_loadstring(L, lua_tostring(L, -1));
    if (status != LUA_OK)
        printf("#   %s\n", lua_tostring(L, -1));
    lua_pop(L, 2);
    return status == LUA_OK;
}

static void test_hand_written(struct pair *p)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int shown = 0;
        ok(compiles(p->ref, cases[i]) && agree(p, push_expr, cases[i], cases[i], &shown),
           "as Lua: %s", cases[i]);
    }
}

/* ---------------------------------------------------------------------- */
/* Random cases from a small alphabet                                     */

static uint64_t seed = 0x9E3779B97F4A7C15ULL;

static unsigned rnd(unsigned n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed % n);
}

static const char *pick(const char *const *list, size_t n)
{
    return list[rnd((unsigned)n)];
}

#define PICK(list) pick(list, sizeof list / sizeof list[0])

/* '\1' in the tables below stands for an embedded '\0'. */
static const char subject_chars[] = "aaaabbbcc()[] %.-^$1A_\t\1\x80\xff";

static const char *const atoms[] = {
    "a",    "b",    "c",    "a",      "b",    ".",     ".",     "%a",    "%A",    "%d",
    "%s",   "%S",   "%w",   "%p",     "%l",   "%u",    "%x",    "%c",    "%g",    "%z",
    "%Z",   "%%",   "%(",   "%.",     "%]",   "%-",    "[ab]",  "[^a]",  "[a-c]", "[]]",
    "[^]]", "[%a]", "[a-]", "[-a]",   "[%]]", "[%w_]", "[^%s]", "[b-a]", " ",     "1",
    "\1",   "(",    ")",    "[\1-b]", "^",    "$",     "-",     "]",
};
static const char *const quantifiers[] = {"*", "+", "-", "?"};
static const char *const structures[] = {
    "(",       ")",    "()",   "(",  ")",   "%1",    "%2",     "%1",     "%0",
    "%9",      "%b()", "%bab", "%b", "%b(", "%f[a]", "%f[%w]", "%f[^a]", "%f[%z]",
    "%f[^%z]", "%f",   "%fa",  "%",  "[",   "[a",    "[%",     "[^",
};
static const char *const template_parts[] = {"x",  "%0", "%1", "%2", "%%", "%",
                                             "%a", "-",  "%9", "",   "<",  "%1%1"};
static const char *const functions[] = {"concat",  "none",  "false_", "number",
                                        "integer", "table", "error"};

struct random_case {
    const char *op;
    char subject[16];
    size_t subject_len;
    char pattern[64];
    size_t pattern_len;
    int has_init, has_n, plain;
    long init, n;
    char repl[32];
    const char *function;
};

static size_t append(char *buf, size_t len, size_t cap, const char *part)
{
    for (; *part && len + 1 < cap; part++)
        buf[len++] = *part == '\1' ? '\0' : *part;
    return len;
}

static void random_pattern(struct random_case *c)
{
    size_t len = 0, cap = sizeof c->pattern;
    if (rnd(5) == 0)
        len = append(c->pattern, len, cap, "^");
    for (unsigned items = rnd(6); items > 0; items--) {
        if (rnd(5) == 0) {
            len = append(c->pattern, len, cap, PICK(structures));
            continue;
        }
        len = append(c->pattern, len, cap, PICK(atoms));
        if (rnd(5) < 2)
            len = append(c->pattern, len, cap, PICK(quantifiers));
    }
    if (rnd(5) == 0)
        len = append(c->pattern, len, cap, "$");
    c->pattern_len = len;
}

static void random_case(struct random_case *c, const char *op)
{
    memset(c, 0, sizeof *c);
    c->op = op;
    c->subject_len = rnd(12);
    for (size_t i = 0; i < c->subject_len; i++) {
        char ch = subject_chars[rnd(sizeof subject_chars - 1)];
        c->subject[i] = ch == '\1' ? '\0' : ch;
    }
    random_pattern(c);
    c->has_init = rnd(10) < 7;
    c->init = (long)rnd(29) - 14;
    c->has_n = rnd(2);
    c->n = (long)rnd(6) - 1;
    c->plain = rnd(5) == 0;
    size_t len = 0;
    for (unsigned parts = rnd(4); parts > 0; parts--)
        len = append(c->repl, len, sizeof c->repl, PICK(template_parts));
    c->repl[len] = '\0';
    c->function = PICK(functions);
}

static void push_random(lua_State *L, const void *args)
{
    const struct random_case *c = args;
    lua_pushstring(L, c->op);
    lua_pushlstring(L, c->subject, c->subject_len);
    lua_pushlstring(L, c->pattern, c->pattern_len);
    if (strcmp(c->op, "gsub") == 0) {
        lua_pushstring(L, c->repl);
    } else if (strcmp(c->op, "gsub_fn") == 0) {
        lua_pushstring(L, c->function);
    } else if (c->has_init) {
        lua_pushinteger(L, c->init);
    } else {
        lua_pushnil(L);
    }
    if (strncmp(c->op, "gsub", 4) == 0 && c->has_n)
        lua_pushinteger(L, c->n);
    else if (strcmp(c->op, "find") == 0 && c->plain)
        lua_pushboolean(L, 1);
    else
        lua_pushnil(L);
}

static void describe_case(const struct random_case *c, char *out, size_t outlen)
{
    char pat[200];
    size_t k = 0;
    for (size_t i = 0; i < c->pattern_len && k + 3 < sizeof pat; i++) {
        if (c->pattern[i] == '\0')
            pat[k++] = '\\';
        pat[k++] = c->pattern[i] ? c->pattern[i] : '0';
    }
    pat[k] = '\0';
    snprintf(out, outlen, "%s(subject of %zu bytes, '%s', init %ld/%d, n %ld/%d, repl '%s', %s)",
             c->op, c->subject_len, pat, c->init, c->has_init, c->n, c->has_n, c->repl,
             c->function);
}

static void test_random(struct pair *p, const char *op, int count)
{
    int agreeing = 0, shown = 0;
    for (int i = 0; i < count; i++) {
        struct random_case c;
        char what[400];
        random_case(&c, op);
        describe_case(&c, what, sizeof what);
        agreeing += agree(p, push_random, &c, what, &shown);
    }
    is_int(agreeing, count, "%d random %s cases give what Lua gives", count, op);
}

/* ---------------------------------------------------------------------- */
/* Attacks                                                                */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The chunk is stopped for the reason given, quickly, and the state works
** afterwards. */
static void expect_stopped(lua_State *L, const char *code, const char *why, const char *what)
{
    char err[1024] = "";
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status = sandbox_run(L, code, 0, err, sizeof err);
    double took = seconds_since(&t0);
    ok(status != LUA_OK, "%s: is stopped", what);
    like(err, why, "%s: with '%s'", what, why);
    ok(took < 2.0, "%s: within 2 s (took %.3f s)", what, took);
    status = sandbox_run(L, "return swallowed == nil, ('key=value'):match('(%w+)=(%w+)')", 3, err,
                         sizeof err);
    ok(status == LUA_OK && lua_toboolean(L, -3), "%s: the script could not catch it", what);
    is_str(status == LUA_OK ? lua_tostring(L, -1) : err, "value",
           "%s: the next call matches normally", what);
    lua_settop(L, 0);
}

static void test_attacks(void)
{
    struct sandbox sb;
    lua_State *L = sandboxed(&sb, 1000000, 10000);
    if (!ok(L != NULL, "a sandbox with a budget of a million instructions"))
        return;
    const char *limit = "instruction limit exceeded";
    expect_stopped(L, "return ('a'):rep(20000):find('.-.-.-b')", limit, "find .-.-.-b");
    expect_stopped(L,
                   "local ok, e = pcall(string.find, ('a'):rep(20000), '.-.-.-b')\n"
                   "swallowed = true",
                   limit, "find under pcall");
    expect_stopped(L,
                   "xpcall(function() return ('a'):rep(20000):match('.-.-.-b') end,\n"
                   "  function(e) return e end) swallowed = true",
                   limit, "match under xpcall");
    expect_stopped(L,
                   "coroutine.resume(coroutine.create(function()\n"
                   "  return ('a'):rep(20000):find('.-.-.-b') end)) swallowed = true",
                   limit, "find in a coroutine");
    expect_stopped(L, "return (('a'):rep(20000):gsub('.-.-.-b', 'x'))", limit, "gsub");
    expect_stopped(L, "for x in ('a'):rep(20000):gmatch('.-.-.-b') do end", limit, "gmatch");
    expect_stopped(L, "return string.rep('a', 1e5):match('^(a*)(a*)(a*)b')", limit,
                   "nested repetitions ^(a*)(a*)(a*)b");
    expect_stopped(L, "return string.rep('(', 1e5):find('%b()')", limit, "%b() over 1e5 '('");
    expect_stopped(L, "return string.rep('a', 1e5):find('(a*)%1b')", limit,
                   "a back-reference (a*)%1b");
    expect_stopped(L, "return string.rep('a', 20000):gsub('[' .. string.rep('b', 5000) .. ']', '')",
                   limit, "a 5000-character set");
    expect_stopped(L, "return string.rep('a', 3000):find(string.rep('a-', 100) .. 'b')", limit,
                   "a-a-...b");
    expect_stopped(L, "return ('a'):rep(1e4):gsub('(x?)', ('%1'):rep(1e5))", limit,
                   "a long replacement of empty captures");
    expect_stopped(L,
                   "local p = ('a'):rep(1e6) .. '.'\n"
                   "for i = 1, 1e5 do ('b'):find(p) end",
                   limit, "a long pattern, many times");
    /* "(a*)*" nests nothing in Lua: the second '*' is a literal */
    char err[256];
    int status = sandbox_run(L, "return string.rep('a', 1e5):match('^(a*)*$')", 1, err, sizeof err);
    ok(status == LUA_OK && lua_isnil(L, -1), "^(a*)*$ fails quickly: '*' after ')' is a literal");
    lua_settop(L, 0);
    lua_close(L);

    L = sandboxed(&sb, 1000000000000LL, 100);
    expect_stopped(L, "return ('a'):rep(20000):find('.-.-.-b')", "time limit exceeded",
                   "find with a 100 ms time limit");
    expect_stopped(L,
                   "local ok = pcall(string.gsub, ('a'):rep(20000), '.-.-.-b', '')\n"
                   "swallowed = true",
                   "time limit exceeded", "gsub under pcall with a 100 ms time limit");
    lua_close(L);
}

/* Pattern steps count like instructions; a deep pattern is an error, never a
** stack overflow, even from an iterator that raised it before. */
static void test_accounting(void)
{
    struct sandbox sb;
    char err[256];
    lua_State *L = sandboxed(&sb, 100000000, 10000);
    int status = sandbox_run(L, "return ('a'):rep(3000):find('.-b')", 1, err, sizeof err);
    ok(status == LUA_OK && lua_isnil(L, -1), "a quadratic search within budget finishes");
    ok(sb.used > 1000000, "its steps were charged as instructions (%lld)", (long long)sb.used);
    lua_settop(L, 0);
    status = sandbox_run(L,
                         "local s = ('a'):rep(1e5)\n"
                         "local it = s:gmatch(('a?'):rep(1e5))\n"
                         "local ok1, e1 = pcall(it)\n"
                         "local ok2, e2 = pcall(it)\n"
                         "return e1 .. ' / ' .. e2",
                         1, err, sizeof err);
    is_str(status == LUA_OK ? lua_tostring(L, -1) : err,
           "pattern too complex / pattern too complex",
           "an iterator called again after 'pattern too complex' stays bounded");
    lua_close(L);
}

/* ---------------------------------------------------------------------- */
/* Speed against the originals                                            */

static void count_steps(lua_State *L, void *ud, int64_t steps)
{
    (void)L;
    *(int64_t *)ud += steps;
}

static const char bench[] =
    "local n, what = ...\n"
    "local parts = {}\n"
    "for i = 1, 100 do parts[i] = 'field' .. i .. ' x' end\n"
    "local line = table.concat(parts, ',')\n"
    "local text = ('The quick  brown fox <jumps> & over the lazy dog. '):rep(20)\n"
    "local k = 0\n"
    "for i = 1, n do\n"
    "  if what == 'csv gmatch' then for f in line:gmatch('([^,]*)') do k = k + 1 end\n"
    "  elseif what == 'csv find plain' then\n"
    "    local at = 1\n"
    "    while true do local j = line:find(',', at, true) if not j then break end at = j + 1 end\n"
    "  elseif what == 'date match' then\n"
    "    local y, m, d = ('2024-03-05T10:20:30'):match('^(%d+)-(%d+)-(%d+)T')\n"
    "  elseif what == 'find pattern' then k = k + (text:find('l%a+y%s') or 0)\n"
    "  elseif what == 'gsub spaces' then text:gsub('%s+', ' ')\n"
    "  elseif what == 'gsub table' then text:gsub('[<>&]', {['<'] = '&lt;', ['>'] = '&gt;'})\n"
    "  elseif what == 'trim' then local t = ('   padded value   '):match('^%s*(.-)%s*$') end\n"
    "end\n"
    "return k\n";

static double time_bench(lua_State *L, const char *what, int n)
{
    struct timespec t0;
    if (luaL_loadstring(L, bench) != LUA_OK)
        return -1;
    lua_pushinteger(L, n);
    lua_pushstring(L, what);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        printf("# %s: %s\n", what, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    return seconds_since(&t0);
}

static void test_speed(void)
{
    static const struct {
        const char *what;
        int n;
    } runs[] = {{"csv gmatch", 2000},    {"csv find plain", 4000}, {"date match", 200000},
                {"find pattern", 20000}, {"gsub spaces", 2000},    {"gsub table", 4000},
                {"trim", 200000}};
    const char *scale = getenv("TANDEM_BENCH");
    int times = scale && atoi(scale) > 0 ? atoi(scale) : 1;
    int64_t steps = 0;
    lua_State *theirs = luaL_newstate(), *ours = luaL_newstate();
    luaL_openlibs(theirs);
    luaL_openlibs(ours);
    lua_getglobal(ours, LUA_STRLIBNAME);
    pattern_install(ours, count_steps, &steps);
    lua_pop(ours, 1);
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        int n = runs[i].n * times;
        double t_theirs = time_bench(theirs, runs[i].what, n);
        double t_ours = time_bench(ours, runs[i].what, n);
        printf("# speed %-15s lua %.3f s, ours %.3f s, ratio %.2f\n", runs[i].what, t_theirs,
               t_ours, t_ours / t_theirs);
    }
    ok(steps > 0, "the benchmark's steps reached the meter (%lld)", (long long)steps);
    lua_close(theirs);
    lua_close(ours);
}

int main(void)
{
    struct pair p;
    if (!ok(pair_open(&p) == 0, "the reference state and the sandbox load the driver"))
        return done_testing();
    test_hand_written(&p);
    static const char *const ops[] = {"find", "match", "gmatch", "gsub", "gsub_table", "gsub_fn"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        test_random(&p, ops[i], 2000);
    pair_close(&p);
    test_attacks();
    test_accounting();
    test_speed();
    return done_testing();
}
