/*
** tap.h — a minimal Test Anything Protocol emitter for C tests. Each check
** prints "ok N - what" or "not ok N - what" with the place it failed;
** done_testing() prints the plan and returns the exit status.
*/
#ifndef TANDEM_TAP_H
#define TANDEM_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failures;

static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!pass) {
        tap_failures++;
        printf("#   failed at %s:%d\n", file, line);
    }
    fflush(stdout);
    return pass;
}

#define ok(cond, ...) tap_ok((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                                \
    do {                                                                                      \
        long long g_ = (long long)(got), w_ = (long long)(want);                              \
        if (!tap_ok(g_ == w_, __FILE__, __LINE__, __VA_ARGS__))                                \
            printf("#   got %lld, want %lld\n", g_, w_);                                       \
    } while (0)

#define is_str(got, want, ...)                                                                \
    do {                                                                                      \
        const char *g_ = (got), *w_ = (want);                                                 \
        if (!tap_ok(g_ && w_ && strcmp(g_, w_) == 0, __FILE__, __LINE__, __VA_ARGS__))          \
            printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)");       \
    } while (0)

#define like(got, part, ...)                                                                  \
    do {                                                                                      \
        const char *g_ = (got), *p_ = (part);                                                 \
        if (!tap_ok(g_ && strstr(g_, p_) != NULL, __FILE__, __LINE__, __VA_ARGS__))             \
            printf("#   '%s'\n#   does not contain '%s'\n", g_ ? g_ : "(null)", p_);           \
    } while (0)

#define unlike(got, part, ...)                                                                \
    do {                                                                                      \
        const char *g_ = (got), *p_ = (part);                                                 \
        if (!tap_ok(g_ && strstr(g_, p_) == NULL, __FILE__, __LINE__, __VA_ARGS__))             \
            printf("#   '%s'\n#   contains '%s'\n", g_ ? g_ : "(null)", p_);                   \
    } while (0)

static inline int done_testing(void)
{
    printf("1..%d\n", tap_count);
    return tap_failures ? 1 : 0;
}

#endif
