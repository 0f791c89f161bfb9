/*
** resp.c — see resp.h.
*/
#include "resp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The one server this process may have started: stopped at exit and on
** SIGINT/SIGTERM, so that a failed or interrupted benchmark leaves none. */
static pid_t started;

static void stop_started(void)
{
    if (started > 0) {
        kill(started, SIGTERM);
        waitpid(started, NULL, 0);
        started = 0;
    }
}

static void on_signal(int sig)
{
    if (started > 0)
        kill(started, SIGTERM);
    signal(sig, SIG_DFL);
    raise(sig);
}

const char *resp_server_binary(void)
{
    static char found[512];
    const char *path = getenv("PATH");
    const char *dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = dirs; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(found, sizeof found, "%.*s/redis-server", (int)n, p);
        if (access(found, X_OK) == 0)
            return found;
        p += n + (p[n] == ':');
    }
    return NULL;
}

/* A port nobody listens on now (the kernel picks it). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t len = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static pid_t spawn_server(const char *bin, const char *dir, int port)
{
    char portbuf[16], log[600];
    snprintf(portbuf, sizeof portbuf, "%d", port);
    snprintf(log, sizeof log, "%s/redis.log", dir);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* dies with the benchmark, whatever kills it */
    execl(bin, bin, "--bind", "127.0.0.1", "--port", portbuf, "--dir", dir, "--appendonly", "yes",
          "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--logfile", log,
          (char *)NULL);
    _exit(127);
}

static int connect_port(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return fd;
    }
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Waits up to five seconds for the server to accept connections. */
static int await_server(struct resp *r)
{
    for (int i = 0; i < 500; i++) {
        if ((r->fd = connect_port(r->port)) >= 0)
            return 0;
        if (waitpid(r->server, NULL, WNOHANG) == r->server) {
            r->server = started = 0;
            snprintf(r->err, sizeof r->err, "redis-server exited at start (see its log)");
            return -1;
        }
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    snprintf(r->err, sizeof r->err, "redis-server did not accept connections on port %d", r->port);
    return -1;
}

int resp_start(struct resp *r, const char *dir)
{
    const char *bin = resp_server_binary();
    memset(r, 0, sizeof *r);
    r->fd = -1;
    if (bin == NULL) {
        snprintf(r->err, sizeof r->err, "redis-server not installed");
        return -1;
    }
    if ((r->port = free_port()) < 0) {
        snprintf(r->err, sizeof r->err, "no free port: %s", strerror(errno));
        return -1;
    }
    atexit(stop_started);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    if ((r->server = started = spawn_server(bin, dir, r->port)) < 0) {
        snprintf(r->err, sizeof r->err, "fork: %s", strerror(errno));
        r->server = started = 0;
        return -1;
    }
    if (await_server(r) != 0) {
        resp_stop(r);
        return -1;
    }
    return 0;
}

void resp_stop(struct resp *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    if (r->server > 0 && r->server == started)
        stop_started();
    r->server = 0;
    buf_free(&r->out);
    free(r->in);
    r->in = NULL;
    r->in_len = r->in_cap = r->in_pos = 0;
}

void resp_command(struct resp *r, int argc, const char *const *argv)
{
    buf_printf(&r->out, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        buf_printf(&r->out, "$%zu\r\n", n);
        buf_add(&r->out, argv[i], n);
        buf_add(&r->out, "\r\n", 2);
    }
}

static int send_all(struct resp *r)
{
    size_t off = 0;
    while (off < r->out.n) {
        ssize_t w = write(r->fd, r->out.p + off, r->out.n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    buf_reset(&r->out);
    return 0;
}

/* Reads more bytes into the input buffer (keeping unparsed ones). */
static int fill(struct resp *r)
{
    if (r->in_pos > 0) {
        memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
        r->in_len -= r->in_pos;
        r->in_pos = 0;
    }
    if (r->in_cap - r->in_len < 65536) {
        size_t cap = r->in_cap ? r->in_cap * 2 : 262144;
        char *p = realloc(r->in, cap);
        if (p == NULL)
            return -1;
        r->in = p;
        r->in_cap = cap;
    }
    ssize_t n;
    do
        n = read(r->fd, r->in + r->in_len, r->in_cap - r->in_len);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    r->in_len += (size_t)n;
    return 0;
}

/* The line at the read position (without CRLF); NULL if incomplete. */
static const char *line_at(struct resp *r, size_t at, size_t *len, size_t *next)
{
    for (size_t i = at; i + 1 < r->in_len; i++)
        if (r->in[i] == '\r' && r->in[i + 1] == '\n') {
            *len = i - at;
            *next = i + 2;
            return r->in + at;
        }
    return NULL;
}

/* Parses one reply starting at *at. 1 parsed, 0 incomplete, -1 malformed.
** *is_error is set for error replies; text gets a status/bulk/error's text. */
static int parse_reply(struct resp *r, size_t *at, int *is_error, char *text, size_t textlen)
{
    size_t len, next;
    const char *l = line_at(r, *at, &len, &next);
    if (l == NULL)
        return 0;
    long long n = strtoll(l + 1, NULL, 10);
    switch (l[0]) {
    case '+':
    case '-':
    case ':':
        *is_error |= l[0] == '-';
        if (text)
            snprintf(text, textlen, "%.*s", (int)(len - 1), l + 1);
        *at = next;
        return 1;
    case '$':
        if (n >= 0 && next + (size_t)n + 2 > r->in_len)
            return 0;
        if (text && n >= 0)
            snprintf(text, textlen, "%.*s", (int)n, r->in + next);
        *at = n < 0 ? next : next + (size_t)n + 2;
        return 1;
    case '*':
        *at = next;
        for (long long i = 0; i < n; i++) {
            int rc = parse_reply(r, at, is_error, NULL, 0);
            if (rc <= 0)
                return rc;
        }
        return 1;
    default: return -1;
    }
}

int resp_flush(struct resp *r, size_t n, char *last, size_t lastlen)
{
    int errors = 0;
    if (send_all(r) != 0)
        return -1;
    for (size_t got = 0; got < n;) {
        size_t at = r->in_pos;
        int is_error = 0;
        int rc = parse_reply(r, &at, &is_error, got + 1 == n ? last : NULL, lastlen);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            if (fill(r) != 0)
                return -1;
            continue;
        }
        r->in_pos = at;
        errors += is_error;
        got++;
    }
    return errors;
}
