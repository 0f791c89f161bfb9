/*
** resp.h — a tiny Redis client for the comparison benchmark: it starts its
** own redis-server (loopback, a free port, a scratch directory, AOF with
** appendfsync everysec, no RDB snapshots), speaks RESP2 over one TCP
** connection with pipelining, and stops the server at exit, on a signal,
** and, through PR_SET_PDEATHSIG, when the benchmark itself dies.
**
** hiredis is not used: the benchmark needs five commands and pipelining,
** which is a hundred lines here, and one less library to install.
*/
#ifndef TANDEM_BENCH_RESP_H
#define TANDEM_BENCH_RESP_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

struct resp {
    pid_t server; /* the redis-server we started, or 0 */
    int port;
    int fd;
    buf out;  /* commands not yet sent */
    char *in; /* bytes received, not yet parsed */
    size_t in_len, in_cap, in_pos;
    char err[256];
};

/* The redis-server binary on PATH, or NULL. */
const char *resp_server_binary(void);

/* Starts redis-server in dir and connects. 0, or -1 with r->err set. */
int resp_start(struct resp *r, const char *dir);

/* Stops the server (if started) and closes the connection. */
void resp_stop(struct resp *r);

/* Queues one command of argc arguments (lengths from strlen). */
void resp_command(struct resp *r, int argc, const char *const *argv);

/* Sends what is queued, then reads n replies. Returns the number of error
** replies, or -1 on a connection error. The last reply's text (a status,
** bulk string or error) is copied to last, if given. */
int resp_flush(struct resp *r, size_t n, char *last, size_t lastlen);

#endif
