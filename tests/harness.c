/*
** harness.c — see harness.h.
*/
#include "harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "host.h"

static char dir[256];
static char *written[256];
static int nwritten;
static int saved_stderr = -1;
static char capture_path[300];

static void cleanup(void)
{
    char cmd[300];
    for (int i = 0; i < nwritten; i++)
        free(written[i]);
    if (dir[0] && getenv("TANDEM_KEEP_TEST_DIR") == NULL) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
}

const char *harness_dir(void)
{
    if (dir[0] == '\0') {
        const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(dir, sizeof dir, "%s/tandem-test-XXXXXX", tmp);
        if (mkdtemp(dir) == NULL) {
            perror("mkdtemp");
            exit(99);
        }
        atexit(cleanup);
    }
    return dir;
}

const char *harness_write(const char *name, const char *text)
{
    size_t n = strlen(harness_dir()) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        exit(99);
    }
    fputs(text, f);
    fclose(f);
    if (nwritten < 256)
        written[nwritten++] = path;
    return path;
}

struct core *harness_core_mode(const char *ini, const char *db, int mode)
{
    static int serial;
    char name[64], dbpath[400];
    snprintf(name, sizeof name, "config-%d.ini", ++serial);
    const char *path = harness_write(name, ini);
    snprintf(dbpath, sizeof dbpath, "%s/%s", harness_dir(), db ? db : "test.db");
    struct core_args a = {.config_path = path, .database = dbpath, .mode = mode};
    struct core *c = NULL;
    if (core_open(&c, &a) != 0) {
        core_close(c);
        return NULL;
    }
    return c;
}

struct core *harness_core(const char *ini, const char *db)
{
    return harness_core_mode(ini, db, HOST_RUN);
}

void harness_capture(void)
{
    fflush(stderr);
    snprintf(capture_path, sizeof capture_path, "%s/stderr.txt", harness_dir());
    int fd = open(capture_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    saved_stderr = dup(2);
    dup2(fd, 2);
    close(fd);
}

char *harness_captured(void)
{
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    FILE *f = fopen(capture_path, "rb");
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    if (f)
        fclose(f);
    /* echo it as TAP comments so that failures are readable in the log */
    for (char *line = b.p, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        printf("# stderr: %.*s\n", next ? (int)(next - line) : (int)strlen(line), line);
        next = next ? next + 1 : NULL;
    }
    return buf_steal(&b);
}

const char *harness_src(const char *relative)
{
    static char path[8][600];
    static int slot;
    const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : ".";
    char *p = path[slot++ % 8];
    snprintf(p, 600, "%s/%s", top, relative);
    return p;
}
