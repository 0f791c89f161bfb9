/*
** sandbox.h — one Lua 5.4 state with limits that a script cannot escape.
**
**  - memory: a capped allocator; growth past the cap fails;
**  - instructions and time: a count hook every SANDBOX_HOOK_STEP
**    instructions checks the per-call budget and a monotonic deadline;
**  - once a limit is hit the sandbox is "killed" until the host's call
**    returns: the hook raises again at every firing, and the pcall/xpcall the
**    script sees re-raise, so neither pcall, xpcall nor a coroutine can
**    swallow it;
**  - string.find, match, gmatch and gsub are core/pattern.c's, whose steps
**    count like instructions: one C call cannot outlast the limits;
**  - libraries: base (no dofile, loadfile; load reads text only), string
**    (no dump), table, math, utf8, coroutine, and os.time/date/clock.
*/
#ifndef TANDEM_SANDBOX_H
#define TANDEM_SANDBOX_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SANDBOX_HOOK_STEP 1000

enum sandbox_kill { SANDBOX_ALIVE = 0, SANDBOX_INSTRUCTIONS, SANDBOX_TIME, SANDBOX_MEMORY };

struct sandbox_limits {
    int64_t instructions; /* per call */
    int64_t time_ms;      /* per call */
    size_t memory;        /* bytes, for the whole state */
};

struct sandbox {
    struct sandbox_limits limits;
    size_t mem;      /* bytes allocated now */
    size_t mem_peak;
    int64_t used;    /* instructions in the current call */
    struct timespec deadline;
    int killed;      /* enum sandbox_kill */
    int depth;       /* sandbox_call nesting: a handler's own events re-enter */
    int refused;     /* the allocator refused growth past the cap */
    size_t refused_size;
    const char *where_source; /* last position seen by the hook */
    int where_line;
    int bare;        /* the last error was error(string, 0): a message, not a bug */
    lua_CFunction error_fn; /* the base library's error, to recognise it */
    void *owner;     /* the host's record of the script */
};

/* A new state whose allocator and hook use sb (which must outlive it). NULL
** when out of memory. */
lua_State *sandbox_new(struct sandbox *sb);

/* The sandbox of a state (or of any of its threads). */
struct sandbox *sandbox_of(lua_State *L);

/* Loads a text chunk (binary chunks are refused). The chunk name is shown in
** messages, e.g. "@scripts/welcome.lua". LUA_OK or an error (message pushed). */
int sandbox_load(lua_State *L, const char *text, size_t len, const char *chunkname);

/* Calls the function under it with nargs arguments within fresh limits.
** On error returns the status and writes a message with a traceback to err;
** sb->bare then says whether the script raised a plain message on purpose
** (error(msg, 0): no position), which a caller may show without the trace. */
int sandbox_call(lua_State *L, int nargs, int nresults, char *err, size_t errlen);

/* Charges steps of work done inside one C function (e.g. a pattern match)
** to the call's instruction budget and checks the deadline, so that long C
** work counts like instructions. Past a limit it kills the sandbox and raises,
** as the hook does. */
void sandbox_charge(lua_State *L, int64_t steps);

/* Human description of why the last call was stopped ("" if it was not). */
const char *sandbox_kill_reason(const struct sandbox *sb);

/* Raises the kill again if a limit was hit: host functions call it first so
** that a script cannot act (emit, write) after its budget ran out. */
void sandbox_check(lua_State *L);

#endif
