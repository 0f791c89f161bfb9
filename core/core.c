/*
** core.c — opening and closing the core: configuration, [core] options,
** time zone, store, bus and plugin host, in that order.
*/
#include "build-config.h"

#include "core.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "host.h"
#include "log.h"
#include "lua_host.h"
#include "model.h"
#include "scheduler.h"
#include "text.h"
#include "tier.h"

#ifndef PLUGINDIR
#define PLUGINDIR "/usr/local/lib/tandem/plugins"
#endif
#ifndef SCRIPTDIR
#define SCRIPTDIR "/usr/local/share/tandem/scripts"
#endif

static const tandem_option core_schema[] = {
    {"database", TANDEM_OPT_PATH, NULL, 0, 0, 0, "the SQLite database (default ./tandem.db)"},
    {"plugin_dir", TANDEM_OPT_PATH, NULL, 0, 0, 0, "where [plugin.NAME] finds NAME.so"},
    {"script_dir", TANDEM_OPT_PATH, NULL, 0, 0, 0, "where [script.NAME] finds NAME.lua"},
    {"strict", TANDEM_OPT_BOOL, "no", 0, 0, 0, "any refused plugin or script is fatal"},
    {"log_level", TANDEM_OPT_TEXT, "info", 0, 0, 0, "error, warn, info or debug"},
    {"timezone", TANDEM_OPT_TEXT, "Asia/Shanghai", 0, 0, 0, "time zone for dates and shifts"},
    {"max_depth", TANDEM_OPT_INT, "8", 1, 64, 0, "how deep follow-up events may nest"},
    {"synchronous", TANDEM_OPT_TEXT, "full", 0, 0, 0,
     "full (every commit survives power loss) or normal (survives a crash)"},
    {"busy_timeout", TANDEM_OPT_DURATION, "5s", 0, 600000, 0,
     "how long to wait for another process's write"},
    {"volunteer_prefix", TANDEM_OPT_TEXT, "V", 0, 0, 0,
     "prefix of volunteer numbers, followed by 8 digits"},
    {"privileged_users", TANDEM_OPT_LIST, "root", 0, 0, 0,
     "system users who may see full ID numbers (person reveal-id), each look journaled"},
    {NULL, 0, NULL, 0, 0, 0, NULL}};

/* splitmix64: small, and good enough for a demo's repeatable codes */
static uint64_t next_seeded(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

void core_random(struct core *c, void *out, size_t n)
{
    if (!c->seed) {
        randombytes_buf(out, n);
        return;
    }
    unsigned char *p = out;
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)next_seeded(&c->seed);
}

int64_t core_now(const struct core *c)
{
    return c->fixed_now ? c->fixed_now : (int64_t)time(NULL);
}

int core_parse_time(const char *s, int64_t *out)
{
    struct tm tm;
    const char *end;
    memset(&tm, 0, sizeof tm);
    char *num_end;
    long long n = strtoll(s, &num_end, 10);
    if (*s && *num_end == '\0' && strlen(s) > 8) {
        *out = n;
        return 0;
    }
    if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL || *end) {
        memset(&tm, 0, sizeof tm);
        if ((end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm)) == NULL || *end) {
            memset(&tm, 0, sizeof tm);
            if ((end = strptime(s, "%Y-%m-%d %H:%M", &tm)) == NULL || *end) {
                memset(&tm, 0, sizeof tm);
                if ((end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) == NULL || *end) {
                    memset(&tm, 0, sizeof tm);
                    if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end)
                        return -1;
                }
            }
        }
    }
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = (int64_t)t;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Where things are                                                       */

/* An uninstalled binary at the top of the build tree uses the build tree's
** plugins and the source tree's scripts. */
static int running_uninstalled(void)
{
#ifdef ABS_TOP_BUILDDIR
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return 0;
    *slash = '\0';
    char *real = realpath(ABS_TOP_BUILDDIR, NULL);
    int same = real && strcmp(real, exe) == 0;
    free(real);
    return same;
#else
    return 0;
#endif
}

static char *pick_dir(const options *o, const char *key, const char *env, const char *built,
                      const char *installed, int uninstalled)
{
    tandem_value v;
    if (options_get(o, key, &v) == TANDEM_OK)
        return strdup(v.u.s.p);
    if (getenv(env) && *getenv(env))
        return strdup(getenv(env));
    return strdup(uninstalled ? built : installed);
}

static int set_paths(struct core *c, const struct core_args *a)
{
    int uninstalled = running_uninstalled();
    const char *built_plugins = "", *built_scripts = "";
#ifdef ABS_TOP_BUILDDIR
    built_plugins = ABS_TOP_BUILDDIR "/plugins/.libs";
    built_scripts = ABS_TOP_SRCDIR "/scripts";
#endif
    tandem_value v;
    c->plugin_dir = pick_dir(c->opts, "plugin_dir", "TANDEM_PLUGIN_DIR", built_plugins,
                             PLUGINDIR, uninstalled);
    c->script_dir = pick_dir(c->opts, "script_dir", "TANDEM_SCRIPT_DIR", built_scripts,
                             SCRIPTDIR, uninstalled);
    if (a->database)
        c->database = strdup(a->database);
    else if (getenv("TANDEM_DB") && *getenv("TANDEM_DB"))
        c->database = strdup(getenv("TANDEM_DB"));
    else if (options_get(c->opts, "database", &v) == TANDEM_OK)
        c->database = strdup(v.u.s.p);
    else
        c->database = strdup("tandem.db");
    return c->plugin_dir && c->script_dir && c->database ? 0 : -1;
}

/* ---------------------------------------------------------------------- */
/* Configuration checks that belong to the core                           */

static int check_sections(const struct config *cfg, buf *errors)
{
    static const char *const plain[] = {"core", "attendance", "certificate", "resources",
                                        "timers"};
    int nerrors = 0;
    for (size_t i = 0; i < cfg->ns; i++) {
        const char *s = cfg->s[i].name;
        const char *dot = strchr(s, '.');
        int known = 0;
        for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++)
            known |= strcmp(s, plain[k]) == 0;
        if (known)
            continue;
        if (dot && (strncmp(s, "plugin.", 7) == 0 || strncmp(s, "script.", 7) == 0)) {
            char base[64];
            tier_base_section(s, base, sizeof base);
            if (text_is_name(strchr(base, '.') + 1))
                continue;
            buf_printf(errors, "%s:%d: [%s]: a name is lower-case letters, digits and _, "
                               "starting with a letter\n",
                       cfg->path, cfg->s[i].line, s);
            nerrors++;
            continue;
        }
        char head[64];
        snprintf(head, sizeof head, "%.*s", dot ? (int)(dot - s) : (int)strlen(s), s);
        const char *words[] = {plain[0], plain[1], plain[2], plain[3], plain[4], "plugin",
                               "script"};
        const char *hint = text_suggest(head, words, 7);
        buf_printf(errors,
                   "%s:%d: unknown section [%s]; sections are [core], [attendance], "
                   "[certificate], [resources], [timers], [plugin.NAME] and [script.NAME]%s%s%s\n",
                   cfg->path, cfg->s[i].line, s, hint ? " (did you mean [" : "",
                   hint ? hint : "", hint ? "]?)" : "");
        nerrors++;
    }
    return nerrors;
}

static int check_core_values(struct core *c, buf *errors)
{
    tandem_value v;
    int nerrors = 0, line;
    const char *path = c->config ? c->config->path : "(defaults)";
    options_get(c->opts, "log_level", &v);
    int level = log_level_parse(v.u.s.p);
    if (level < 0) {
        line = options_line(c->opts, "log_level");
        buf_printf(errors, "%s:%d: [core] log_level: '%s' is not error, warn, info or debug\n",
                   path, line, v.u.s.p);
        nerrors++;
    } else if (getenv("TANDEM_LOG_LEVEL") == NULL ||
               log_level_parse(getenv("TANDEM_LOG_LEVEL")) < 0) {
        log_set_level(level);
    }
    options_get(c->opts, "synchronous", &v);
    if (strcmp(v.u.s.p, "full") != 0 && strcmp(v.u.s.p, "normal") != 0) {
        line = options_line(c->opts, "synchronous");
        buf_printf(errors, "%s:%d: [core] synchronous: '%s' is not full or normal\n", path, line,
                   v.u.s.p);
        nerrors++;
    }
    options_get(c->opts, "strict", &v);
    c->strict = v.u.b;
    options_get(c->opts, "max_depth", &v);
    c->max_depth = (int)v.u.i;
    return nerrors;
}

/* TZ for the process. China has had no daylight saving since 1991, so the
** POSIX rule CST-8 is exact when the tzdata package is missing. */
static int set_timezone(struct core *c, buf *errors)
{
    tandem_value v;
    options_get(c->opts, "timezone", &v);
    char file[PATH_MAX];
    struct stat st;
    snprintf(file, sizeof file, "/usr/share/zoneinfo/%s", v.u.s.p);
    const char *tz = v.u.s.p;
    if (stat(file, &st) != 0) {
        if (strcmp(tz, "Asia/Shanghai") == 0 || strcmp(tz, "Asia/Chongqing") == 0 ||
            strcmp(tz, "PRC") == 0) {
            tz = "CST-8";
        } else if (strpbrk(tz, "+-0123456789") == NULL) {
            buf_printf(errors, "%s:%d: [core] timezone: unknown time zone '%s' (no %s; is "
                               "tzdata installed?)\n",
                       c->config ? c->config->path : "(defaults)",
                       options_line(c->opts, "timezone"), tz, file);
            return 1;
        }
    }
    if (getenv("TANDEM_TZ_KEEP") == NULL) {
        setenv("TZ", tz, 1);
        tzset();
    }
    return 0;
}

/* 1 when tz names a zone of the tz database rather than a POSIX rule such as
** "CST-8": its file exists, or it is one of the names of China's zone that
** set_timezone stands in for when tzdata is missing. */
static int zone_is_named(const char *tz)
{
    char file[PATH_MAX];
    struct stat st;
    if (tz == NULL || *tz == '\0' || *tz == ':' || strstr(tz, ".."))
        return 0;
    if (strcmp(tz, "Asia/Shanghai") == 0 || strcmp(tz, "Asia/Chongqing") == 0 ||
        strcmp(tz, "PRC") == 0)
        return 1;
    snprintf(file, sizeof file, "/usr/share/zoneinfo/%s", tz);
    return stat(file, &st) == 0 && S_ISREG(st.st_mode);
}

const char *core_zone_name(const struct core *c)
{
    tandem_value v;
    const char *tz = NULL;
    if (getenv("TANDEM_TZ_KEEP"))
        tz = getenv("TZ");
    else if (options_get(c->opts, "timezone", &v) == TANDEM_OK)
        tz = v.u.s.p;
    return zone_is_named(tz) ? tz : NULL;
}

static void set_actor(struct core *c)
{
    const char *user = getenv("TANDEM_ACTOR");
    struct passwd *pw = NULL;
    if (user == NULL || *user == '\0')
        user = getenv("USER");
    if ((user == NULL || *user == '\0') && (pw = getpwuid(getuid())) != NULL)
        user = pw->pw_name;
    snprintf(c->actor, sizeof c->actor, "cli:%s", user && *user ? user : "unknown");
}

/* ---------------------------------------------------------------------- */
/* Opening                                                                */

static const char *config_path(const struct core_args *a)
{
    if (a->config_path)
        return a->config_path;
    if (getenv("TANDEM_CONFIG") && *getenv("TANDEM_CONFIG"))
        return getenv("TANDEM_CONFIG");
    return "etc/tandem.ini";
}

static int read_config(struct core *c, const struct core_args *a)
{
    buf errors = BUF_INIT;
    const char *path = config_path(a);
    int nerrors = 0;
    if (a->no_config_ok && a->config_path == NULL && getenv("TANDEM_CONFIG") == NULL &&
        access(path, F_OK) != 0) {
        c->config = NULL; /* built-in defaults */
    } else {
        nerrors = config_load(path, &c->config, &errors);
        if (nerrors < 0) {
            fputs(buf_str(&errors), stderr);
            buf_free(&errors);
            return 1;
        }
        nerrors += check_sections(c->config, &errors);
    }
    c->config_path = strdup(path);
    c->opts = options_bind(c->config, "core", core_schema, NULL, &errors, &nerrors);
    c->attendance = options_bind(c->config, "attendance", attendance_schema, NULL, &errors,
                                 &nerrors);
    c->certificate = options_bind(c->config, "certificate", certificate_schema, NULL, &errors,
                                  &nerrors);
    c->resources = options_bind(c->config, "resources", resources_schema, NULL, &errors,
                                &nerrors);
    if (c->opts == NULL || c->attendance == NULL || c->certificate == NULL ||
        c->resources == NULL) {
        buf_free(&errors);
        return 1;
    }
    nerrors += check_core_values(c, &errors);
    nerrors += set_timezone(c, &errors);
    fputs(buf_str(&errors), stderr);
    buf_free(&errors);
    return nerrors ? 1 : 0;
}

static int open_store(struct core *c, const struct core_args *a)
{
    tandem_value v;
    char err[512];
    struct store_options so = {STORE_SYNC_FULL, 5000, 1, 0};
    options_get(c->opts, "synchronous", &v);
    so.sync = strcmp(v.u.s.p, "normal") == 0 ? STORE_SYNC_NORMAL : STORE_SYNC_FULL;
    options_get(c->opts, "busy_timeout", &v);
    so.busy_timeout = v.u.i;
    if (a->store == CORE_STORE_MEMORY && access(c->database, F_OK) == 0) {
        /* check against the real data, on a private copy: nothing is written */
        store *file = NULL;
        so.readonly = 1;
        so.create = 0;
        int rc = store_open(&file, c->database, &so, err, sizeof err) != 0 ||
                 store_clone_memory(file, &c->store, err, sizeof err) != 0;
        store_close(file);
        if (rc)
            fprintf(stderr, "tandem: error: cannot read the database: %s\n", err);
        return rc;
    }
    const char *path = a->store == CORE_STORE_MEMORY ? ":memory:" : c->database;
    if (store_open(&c->store, path, &so, err, sizeof err) != 0) {
        fprintf(stderr, "tandem: error: cannot open the database: %s\n", err);
        return 1;
    }
    return 0;
}

static int make_self(struct core *c)
{
    c->self = calloc(1, sizeof *c->self);
    if (c->self == NULL)
        return 1;
    c->self->name = strdup("core");
    c->self->version = strdup(PACKAGE_VERSION);
    c->self->kind = NODE_CORE;
    c->self->state = NODE_RUNNING;
    c->self->core = c;
    return c->self->name && c->self->version ? 0 : 1;
}

int core_open(struct core **out, const struct core_args *a)
{
    struct core *c = calloc(1, sizeof *c);
    *out = c;
    if (c == NULL) {
        store_close(a->use_store);
        return 1;
    }
    c->store = a->use_store; /* ours to close from here on, whatever happens */
    const char *now = getenv("TANDEM_NOW");
    if (now && *now && core_parse_time(now, &c->fixed_now) != 0) {
        fprintf(stderr, "tandem: error: TANDEM_NOW='%s' is not a time such as "
                        "2026-03-02 07:20\n", now);
        return 1;
    }
    set_actor(c);
    if (getenv("TANDEM_LOG_LEVEL") && log_level_parse(getenv("TANDEM_LOG_LEVEL")) >= 0)
        log_set_level(log_level_parse(getenv("TANDEM_LOG_LEVEL")));
    if (read_config(c, a) || set_paths(c, a) || make_self(c))
        return 1;
    if (now && *now) /* the time zone is known only now */
        core_parse_time(now, &c->fixed_now);
    c->override_script = a->script;
    c->override_file = a->script_file;
    if (c->store == NULL && open_store(c, a))
        return 1;
    if ((c->bus = bus_new(c)) == NULL || (c->host = host_new(c)) == NULL)
        return 1;
    char err[600];
    if (model_init(c, err, sizeof err) != 0) {
        fprintf(stderr, "tandem: error: %s: %s\n", c->database, err);
        return 1;
    }
    if (sched_init(c, err, sizeof err) != 0) {
        fprintf(stderr, "tandem: error: %s\n", err);
        return 1;
    }
    c->checking = a->mode == HOST_CHECK;
    if (!a->store_only && host_load(c->host, a->mode) < 0)
        return 1;
    if (a->mode == HOST_RUN && a->store == CORE_STORE_FILE)
        bus_deliver(c->bus); /* AFTER handlers that failed earlier and are due again */
    return 0;
}

void core_close(struct core *c)
{
    if (c == NULL)
        return;
    host_free(c->host);
    lua_model_free(c);
    sched_free(c);
    bus_free(c->bus);
    store_close(c->store);
    node_free(c->self);
    options_free(c->opts);
    options_free(c->attendance);
    options_free(c->certificate);
    options_free(c->resources);
    config_free(c->config);
    free(c->config_path);
    free(c->database);
    free(c->plugin_dir);
    free(c->script_dir);
    free(c);
}
