/*
** test_config.c — INI errors name FILE:LINE and what was expected; typed
** options parse sizes, durations, lists and paths.
*/
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "harness.h"
#include "tap.h"

/* Loads text as a file; returns the error text (caller frees) and the
** configuration in *out (may be NULL). */
static char *load(const char *name, const char *text, struct config **out, int *nerrors)
{
    buf errors = BUF_INIT;
    const char *path = harness_write(name, text);
    struct config *c = NULL;
    *nerrors = config_load(path, &c, &errors);
    if (out)
        *out = c;
    else
        config_free(c);
    char *e = buf_steal(&errors);
    printf("# errors: %s\n", e && *e ? e : "(none)");
    return e;
}

static const char *value_of(const struct config *c, const char *section, const char *key)
{
    for (size_t i = 0; c && i < c->n; i++)
        if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, key) == 0)
            return c->e[i].value;
    return NULL;
}

static void test_syntax_errors(void)
{
    int n;
    char *e = load("syntax.ini",
                   "[core]\n"
                   "timezone = Asia/Shanghai\n"
                   "this line has no equals sign\n"
                   "[plugin.guestbook\n"
                   "= orphan value\n"
                   "[script.ok]\n"
                   "thanks = 谢谢 ; an inline comment\n",
                   NULL, &n);
    is_int(n, 3, "three syntax errors are all reported, not just the first");
    like(e, "syntax.ini:3: expected 'key = value'", "a line without = names its line");
    like(e, "syntax.ini:4: section header has no closing ']'", "an unclosed section names its line");
    like(e, "syntax.ini:5: a key is missing", "a value without a key names its line");
    free(e);
}

static void test_long_line(void)
{
    char text[1200];
    char value[300];
    memset(value, 'x', 250);
    value[250] = '\0';
    snprintf(text, sizeof text, "[core]\ntimezone = Asia/Shanghai\nlog_level = %s\nnot a pair\n",
             value);
    int n;
    struct config *c;
    char *e = load("long.ini", text, &c, &n);
    like(e, "long.ini:3: line is 262 bytes long, the INI parser reads at most",
         "a line too long for inih is reported with its own line number");
    like(e, "long.ini:4: expected", "and the next line keeps its right number");
    ok(value_of(c, "core", "log_level") == NULL, "the long value is not silently truncated");
    free(e);
    config_free(c);
    memset(value, 'y', 186);
    value[186] = '\0';
    snprintf(text, sizeof text, "[core]\nlog_level = %s\n", value);
    e = load("almost.ini", text, &c, &n);
    is_int(n, 0, "a line of 198 bytes, the most inih reads, is fine");
    ok(value_of(c, "core", "log_level") && strlen(value_of(c, "core", "log_level")) == 186,
       "and its value arrives whole");
    free(e);
    config_free(c);
}

static void test_duplicates_and_structure(void)
{
    int n;
    char *e = load("dup.ini",
                   "orphan = 1\n"
                   "[core]\n"
                   "timezone = Asia/Shanghai\n"
                   "timezone = UTC\n"
                   "[core]\n"
                   "[a_section_name_that_is_far_too_long_for_inih_to_keep_whole_a_section_name_"
                   "that_is_far_too_long_for_inih_to_keep_whole_a_section_name_that_is_far_too_"
                   "long_for_inih_to_keep_whole_and_more]\n",
                   NULL, &n);
    like(e, "dup.ini:1: 'orphan' is outside any section", "a key before any section");
    like(e, "dup.ini:4: 'timezone' is set twice in [core] (first on line 3)",
         "a duplicate key names both lines");
    like(e, "dup.ini:5: section [core] appears twice (first on line 2)",
         "a duplicate section names both lines");
    like(e, "dup.ini:6: section name is 185 bytes long, at most 180",
         "a section name longer than any sensible one");
    free(e);
    e = load("utf8.ini", "[core]\ntimezone = \xff\xfe\n", NULL, &n);
    like(e, "utf8.ini:2: not valid UTF-8", "invalid UTF-8 is named");
    free(e);
}

static void test_bom_crlf_continuation(void)
{
    int n;
    struct config *c;
    char *e = load("windows.ini",
                   "\xEF\xBB\xBF[script.welcome]\r\n"
                   "thanks = 谢谢您！\r\n"
                   "banned = 广告,\r\n"
                   "  推销,\r\n"
                   "  诈骗\r\n",
                   &c, &n);
    is_int(n, 0, "a file saved by a Windows editor (BOM, CRLF) reads cleanly");
    is_str(value_of(c, "script.welcome", "thanks"), "谢谢您！", "Chinese values arrive intact");
    is_int(config_section_line(c, "script.welcome"), 1, "the section after the BOM is on line 1");
    static const tandem_option schema[] = {{"banned", TANDEM_OPT_LIST, NULL, 0, 0, 0, NULL},
                                           {"thanks", TANDEM_OPT_TEXT, NULL, 0, 0, 0, NULL},
                                           {NULL, 0, NULL, 0, 0, 0, NULL}};
    buf errors = BUF_INIT;
    int nerr = 0;
    options *o = options_bind(c, "script.welcome", schema, NULL, &errors, &nerr);
    const char *item = NULL;
    size_t count = 0;
    while (options_item(o, "banned", count, &item) == TANDEM_OK)
        count++;
    is_int(count, 3, "a list continued on indented lines has all its items");
    options_item(o, "banned", 2, &item);
    is_str(item, "诈骗", "the last item is trimmed");
    options_free(o);
    buf_free(&errors);
    free(e);
    config_free(c);
}

static const tandem_option schema[] = {
    {"route", TANDEM_OPT_TEXT, NULL, 0, 0, TANDEM_OPTION_REQUIRED, "the patrol route"},
    {"credit_percent", TANDEM_OPT_INT, "80", 0, 100, 0, NULL},
    {"enabled", TANDEM_OPT_BOOL, "yes", 0, 0, 0, NULL},
    {"cache", TANDEM_OPT_SIZE, "4M", 0, 0, 0, NULL},
    {"escalate_after", TANDEM_OPT_DURATION, "48h", 0, 0, 0, NULL},
    {"coefficient", TANDEM_OPT_REAL, "1.5", 0, 10, 0, NULL},
    {"photos", TANDEM_OPT_PATH, "photos", 0, 0, 0, NULL},
    {NULL, 0, NULL, 0, 0, 0, NULL}};

static void test_typed_options(void)
{
    int n;
    struct config *c;
    char *e = load("typed.ini",
                   "[plugin.river_patrol]\n"
                   "credit_percent = 120\n"
                   "enabled = maybe\n"
                   "cache = 5 parsecs\n"
                   "escalate_after = 2 weeks\n"
                   "credt_percent = 10\n",
                   &c, &n);
    free(e);
    buf errors = BUF_INIT;
    int nerr = 0;
    options *o = options_bind(c, "plugin.river_patrol", schema, NULL, &errors, &nerr);
    const char *msg = buf_str(&errors);
    printf("# %s", msg);
    is_int(nerr, 6, "six option errors");
    like(msg, "typed.ini:2: [plugin.river_patrol] credit_percent: '120' is out of range (0 to 100)",
         "out of range names the range");
    like(msg, "typed.ini:3: [plugin.river_patrol] enabled: 'maybe' is not yes or no",
         "a bad boolean says what is expected");
    like(msg, "typed.ini:4: [plugin.river_patrol] cache: '5 parsecs' is not a size such as 512K",
         "a bad size says what is expected");
    like(msg, "typed.ini:5: [plugin.river_patrol] escalate_after: '2 weeks' is not a duration",
         "a bad duration says what is expected");
    like(msg, "typed.ini:6: unknown key 'credt_percent' in [plugin.river_patrol]; did you mean "
              "'credit_percent'?",
         "an unknown key gets a suggestion");
    like(msg, "typed.ini:1: [plugin.river_patrol] needs 'route' (the patrol route)",
         "a missing required key names the section's line");
    options_free(o);
    buf_free(&errors);
    config_free(c);

    e = load("good.ini",
             "[plugin.river_patrol]\n"
             "route = 亮马河\n"
             "cache = 64K\n"
             "escalate_after = 1.5h\n"
             "enabled = Off\n"
             "photos = ../photos\n",
             &c, &n);
    free(e);
    nerr = 0;
    o = options_bind(c, "plugin.river_patrol", schema, NULL, &errors, &nerr);
    tandem_value v;
    is_int(nerr, 0, "a good section binds cleanly");
    options_get(o, "cache", &v);
    is_int(v.u.i, 65536, "64K is 65536 bytes");
    options_get(o, "escalate_after", &v);
    is_int(v.u.i, 5400000, "1.5h is 5 400 000 ms");
    options_get(o, "enabled", &v);
    ok(v.type == TANDEM_BOOL && v.u.b == 0, "Off is false");
    options_get(o, "credit_percent", &v);
    is_int(v.u.i, 80, "an unset key takes its default");
    options_get(o, "coefficient", &v);
    ok(v.type == TANDEM_REAL && v.u.r == 1.5, "a real default");
    options_get(o, "photos", &v);
    char want[600];
    snprintf(want, sizeof want, "%s/../photos", c->dir);
    is_str(v.u.s.p, want, "a relative path is relative to the config file");
    is_int(options_line(o, "route"), 2, "options remember their line");
    options_free(o);
    buf_free(&errors);
    config_free(c);

    e = load("overlay.ini", "[plugin.river_patrol@亮马河社区]\ncredit_percent = 90\n", &c, &n);
    free(e);
    nerr = 0;
    o = options_bind_overlay(c, "plugin.river_patrol@亮马河社区", schema, NULL, &errors, &nerr);
    is_int(nerr, 0, "an override section need not repeat the required keys (%s)",
           buf_str(&errors));
    is_int(options_line(o, "credit_percent"), 2, "and holds the key it sets");
    is_int(options_line(o, "route"), 0, "but not the ones it leaves to the base section");
    options_free(o);
    buf_free(&errors);
    config_free(c);
}

static void test_parsers(void)
{
    int64_t i;
    ok(config_parse_duration("50ms", &i) == 0 && i == 50, "50ms");
    ok(config_parse_duration("2s", &i) == 0 && i == 2000, "2s");
    ok(config_parse_duration("7d", &i) == 0 && i == 7 * 86400000LL, "7d");
    ok(config_parse_duration("50", &i) != 0, "a duration needs a unit");
    ok(config_parse_size("4M", &i) == 0 && i == 4 << 20, "4M");
    ok(config_parse_size("1G", &i) == 0 && i == 1 << 30, "1G");
    ok(config_parse_size("512", &i) == 0 && i == 512, "a bare size is bytes");
    ok(config_parse_size("-1M", &i) != 0, "a negative size is refused");
    ok(config_parse_int("99999999999999999999", &i) != 0, "an overflowing integer is refused");
    ok(config_parse_int("0x10", &i) != 0, "hexadecimal is not a decimal integer");
}

/* The core checks its own sections: unknown ones, bad names, [core] values. */
static void test_core_sections(void)
{
    harness_capture();
    struct core *c = harness_core("[core]\nlog_levle = info\n[cor]\n[plugin.Bad-Name]\n", NULL);
    char *e = harness_captured();
    ok(c == NULL, "a configuration with errors does not open");
    like(e, "unknown key 'log_levle' in [core]; did you mean 'log_level'?", "typo in [core]");
    like(e, ":3: unknown section [cor]", "unknown section with its line");
    like(e, "did you mean [core", "and a suggestion");
    like(e, ":4: [plugin.Bad-Name]: a name is lower-case", "a bad plugin name");
    free(e);
    harness_capture();
    c = harness_core("[core]\nlog_level = loud\ntimezone = Mars/Olympus\nmax_depth = 0\n", NULL);
    e = harness_captured();
    ok(c == NULL, "bad [core] values do not open");
    like(e, ":2: [core] log_level: 'loud' is not error, warn, info or debug", "log_level");
    like(e, ":3: [core] timezone: unknown time zone 'Mars/Olympus'", "timezone");
    like(e, ":4: [core] max_depth: '0' is out of range (1 to 64)", "max_depth");
    free(e);
    c = harness_core("", NULL);
    ok(c != NULL, "an empty file is a valid configuration with defaults");
    core_close(c);
}

/* inih cuts section names at 49 bytes: 16 Chinese characters */
static void test_long_section_names(void)
{
    const char *text = "[core]\nlog_level = info\n"
                       "[script.station_zhenxiong@乌峰社区 from 2026-07-01]\n"
                       "weekly_hours = 6\n"
                       "[script.station_zhenxiong@乌峰社区 from 2026-09-01]\n"
                       "weekly_hours = 8\n";
    int n;
    struct config *c;
    char *e = load("longsec.ini", text, &c, &n);
    is_int(n, 0, "a 53-byte section name is read (%s)", e);
    is_str(value_of(c, "script.station_zhenxiong@乌峰社区 from 2026-07-01", "weekly_hours"), "6",
       "its keys arrive under the whole name");
    is_str(value_of(c, "script.station_zhenxiong@乌峰社区 from 2026-09-01", "weekly_hours"), "8",
       "and two long names that differ only after byte 49 stay apart");
    free(e);
    config_free(c);
}

int main(void)
{
    test_syntax_errors();
    test_long_line();
    test_long_section_names();
    test_duplicates_and_structure();
    test_bom_crlf_continuation();
    test_typed_options();
    test_parsers();
    test_core_sections();
    return done_testing();
}
