/*
** bench.c — see bench.h.
*/
#include "bench.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

static char dir[512];

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double bench_median(const double *v, size_t n)
{
    double sorted[256];
    if (n == 0)
        return 0;
    if (n > 256)
        n = 256;
    memcpy(sorted, v, n * sizeof *v);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

int bench_full(void)
{
    const char *f = getenv("BENCH_FULL");
    return f && *f && strcmp(f, "0") != 0;
}

int bench_runs(void)
{
    const char *r = getenv("BENCH_RUNS");
    int n = r ? atoi(r) : 0;
    return n >= 1 && n <= 255 ? n : 5;
}

int bench_wanted(const char *key)
{
    const char *only = getenv("BENCH_ONLY");
    return only == NULL || *only == '\0' || strstr(only, key) != NULL;
}

static void cleanup(void)
{
    char cmd[600];
    if (dir[0] == '\0' || getenv("BENCH_KEEP"))
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", dir);
}

const char *bench_dir(void)
{
    if (dir[0])
        return dir;
    const char *base = getenv("BENCH_TMPDIR");
    if (base == NULL || *base == '\0')
        base = "bench/tmp";
    mkdir(base, 0755);
    snprintf(dir, sizeof dir, "%s/run-XXXXXX", base);
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        exit(2);
    }
    char *real = realpath(dir, NULL); /* the INI's relative paths are relative to it */
    if (real) {
        snprintf(dir, sizeof dir, "%s", real);
        free(real);
    }
    atexit(cleanup);
    return dir;
}

const char *bench_path(const char *name)
{
    static char ring[8][700];
    static int slot;
    char *p = ring[slot++ % 8];
    snprintf(p, sizeof ring[0], "%s/%s", bench_dir(), name);
    return p;
}

const char *bench_write(const char *name, const char *text)
{
    const char *path = bench_path(name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
    return path;
}

void bench_remove_db(const char *path)
{
    char p[800];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

struct core *bench_core(const char *ini, const char *db_path)
{
    static int serial;
    char name[64];
    snprintf(name, sizeof name, "bench-%d.ini", ++serial);
    struct core_args a = {
        .config_path = bench_write(name, ini), .database = db_path, .mode = HOST_RUN};
    struct core *c = NULL;
    if (core_open(&c, &a) != 0) {
        fprintf(stderr, "bench: core_open failed on:\n%s\n", ini);
        exit(2);
    }
    return c;
}

static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0)
            kb = atol(line + n);
    if (f)
        fclose(f);
    return kb;
}

long bench_rss_kb(void)
{
    return status_kb("VmRSS:");
}

long bench_hwm_kb(void)
{
    return status_kb("VmHWM:");
}

void bench_row(const char *key, const char *figure, const char *value, const char *baseline,
               const char *ratio, const char *goal, int pass)
{
    printf("ROW\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", key, figure, value, baseline, ratio, goal,
           pass > 0    ? "PASS"
           : pass == 0 ? "MISS"
                       : "skipped");
    fflush(stdout);
}

void bench_about(const char *key, const char *fmt, ...)
{
    va_list ap;
    printf("ABOUT\t%s\t", key);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

void bench_log(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  bench: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
}

const char *bench_rate(double r, char *out, size_t len)
{
    if (r >= 1e6)
        snprintf(out, len, "%.2f M/s", r / 1e6);
    else if (r >= 1e3)
        snprintf(out, len, "%.1f k/s", r / 1e3);
    else
        snprintf(out, len, "%.0f /s", r);
    return out;
}
