/*
** pattern.h — Lua 5.4's string.find, string.match, string.gmatch and
** string.gsub, with the work of matching metered.
**
** The standard functions run a whole match inside one C call, where the
** count hook cannot fire: ("a"):rep(20000):find(".-.-.-b") holds the thread
** for minutes. These are a separate implementation with exactly the
** semantics of Lua 5.4.4 (results, errors and their messages) that counts
** its steps — one per attempt to match a character or per step of recursion,
** and one per byte compared or scanned by a back-reference, %b, a set or a
** plain search — and hands them to a meter every PATTERN_METER_STEP steps.
** The meter charges them wherever it likes and raises a Lua error to stop the
** match; nothing needs freeing then.
**
** Recursion is bounded as in Lua (PATTERN_MAXDEPTH), so a deep pattern fails
** with "pattern too complex" instead of overflowing the C stack.
*/
#ifndef TANDEM_PATTERN_H
#define TANDEM_PATTERN_H

#include <lua.h>
#include <stdint.h>

/* Steps counted between two calls of the meter. */
#define PATTERN_METER_STEP 4096

/* Called with the steps done since its last call. It may raise a Lua error
** (luaL_error) to stop the match; it must not return to Lua otherwise. */
typedef void (*pattern_meter)(lua_State *L, void *ud, int64_t steps);

/* Replaces find, match, gmatch and gsub in the table at the top of the stack
** (the string library's table, which is also the strings' __index) with
** metered ones that report to meter(L, ud, steps). Steps of calls too short to
** reach PATTERN_METER_STEP accumulate across calls. Raises on out of memory. */
void pattern_install(lua_State *L, pattern_meter meter, void *ud);

/* The functions themselves. Pushed as plain C functions they run unmetered;
** pattern_install gives them their meter as upvalue 1. */
int pattern_find(lua_State *L);
int pattern_match(lua_State *L);
int pattern_gmatch(lua_State *L);
int pattern_gsub(lua_State *L);

#endif
