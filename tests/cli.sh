#!/bin/sh
# cli.sh — the `tandem` command as users meet it: the sample configuration,
# emit / events / plugins / check-config / reload, exit codes, and the
# must-show behaviours of the framework issue.
. "$TOP_SRCDIR/tests/lib.sh"

tandem() { "$TANDEM" "$@"; }
SAMPLE="$TOP_SRCDIR/etc/tandem.ini"
DB="$T/cli.db"

# --- the sample configuration ------------------------------------------------
out=$(tandem -c "$SAMPLE" --db "$DB" plugins 2>&1)
printf '%s\n' "$out" | grep -Eq '^guestbook +c +1\.0\.0 +running'
ok $? "the example C plugin is running"
printf '%s\n' "$out" | grep -Eq '^welcome +lua +1\.0\.0 +running'
ok $? "the example Lua script is running"
for name in river_patrol guard_jinsong guard_nongguang elder_care station_yiliang \
    station_zhenxiong couriers_jinsong couriers_nongguang points; do
    printf '%s\n' "$out" | grep -Eq "^$name +(c|lua) +[0-9.]+ +running"
    ok $? "the sample configuration runs $name"
done

out=$(tandem -c "$SAMPLE" --db "$DB" emit guestbook.signed '{"name":"张伟","message":"谢谢护学岗的志愿者们！"}' 2>/dev/null)
is "$?" 0 "emit exits 0"
like "$out" "event 1 guestbook.signed" "emit prints the journal id"
like "$out" "→ event 2 welcome.sent" "and the follow-up events"

err=$(tandem -c "$SAMPLE" --db "$DB" emit guestbook.signed '{"name":"李娜","message":"卖广告"}' 2>&1 >/dev/null)
is "$?" 3 "a vetoed event exits 3"
like "$err" "vetoed: 留言含有不允许的词语：广告" "and prints vetoed: REASON"

out=$(tandem -c "$SAMPLE" --db "$DB" emit guestbook.signed '{"name":"王芳","message":"再次感谢"}' --key visit-42 2>/dev/null)
again=$(tandem -c "$SAMPLE" --db "$DB" emit guestbook.signed '{"name":"王芳","message":"再次感谢"}' --key visit-42 2>/dev/null)
like "$again" "already recorded with this key" "a repeated idempotency key changes nothing"
count=$(tandem -c "$SAMPLE" --db "$DB" events --topic guestbook.signed 2>/dev/null | grep -c guestbook.signed)
is "$count" 2 "the journal holds each signed message once"

json=$(tandem -c "$SAMPLE" --db "$DB" events --json --since 1 2>/dev/null)
like "$json" '"topic": "welcome.sent"' "events --json lists topics"
like "$json" '"caused_by": 1' "with the cause of follow-ups"
like "$json" '"fields": {"name":"张伟","text":"谢谢您的留言，社区志愿者会尽快回复！","visits":1}' \
    "and fields as JSON, in a stable order"

err=$(tandem -c "$SAMPLE" --db "$DB" emit guestbook.signed '{"name": }' 2>&1)
is "$?" 1 "malformed JSON exits 1"
like "$err" "line 1, column" "naming the place"

# --- usage ------------------------------------------------------------------
tandem frobnicate >/dev/null 2>&1
is "$?" 2 "an unknown command exits 2"
err=$(tandem -c "$SAMPLE" --db "$DB" emit 2>&1)
is "$?" 2 "a missing argument exits 2"
like "$err" "usage: tandem emit TOPIC" "and shows the usage"
like "$(tandem --version)" "plugin ABI 1." "--version names the plugin ABI"
like "$(tandem help)" "exit codes: 0 ok, 1 error, 2 usage, 3 vetoed" "help documents the exit codes"

# --- configuration errors ---------------------------------------------------
cat > "$T/bad.ini" <<'INI'
[core]
timezone = Asia/Shanghai
this line is not a key value pair
INI
err=$(tandem -c "$T/bad.ini" --db "$T/bad.db" plugins 2>&1)
is "$?" 1 "a malformed INI line exits 1"
like "$err" "$T/bad.ini:3: expected 'key = value'" "and names FILE:LINE"

TANDEM_CONFIG="$SAMPLE" tandem --db "$DB" plugins >/dev/null 2>&1
is "$?" 0 "TANDEM_CONFIG names the configuration"

# --- check-config changes nothing -------------------------------------------
before=$(cksum < "$DB")
out=$(tandem -c "$SAMPLE" --db "$DB" check-config 2>&1)
is "$?" 0 "check-config accepts the sample configuration"
is "$(cksum < "$DB")" "$before" "check-config leaves the database untouched"
tandem -c "$SAMPLE" --db "$T/never.db" check-config >/dev/null 2>&1
[ ! -e "$T/never.db" ]
ok $? "check-config does not even create a database"
printf 'tandem.on("x.y", function(\n' > "$T/broken.lua"
printf '[script.broken]\nfile = %s\n' "$T/broken.lua" > "$T/broken.ini"
err=$(tandem -c "$T/broken.ini" --db "$T/b.db" check-config 2>&1)
is "$?" 1 "check-config fails on a script with a syntax error"
like "$err" "broken.lua:2:" "naming the script's line"

# --- a script that loops inside pcall ---------------------------------------
cat > "$T/spin.lua" <<'LUA'
tandem.on("spin.now", function()
  pcall(function() while true do end end)
end)
tandem.on("spin.ok", function() end)
LUA
printf '[script.spin]\nfile = %s\ninstruction_limit = 200000\n' "$T/spin.lua" > "$T/spin.ini"
err=$(tandem -c "$T/spin.ini" --db "$T/spin.db" emit spin.now 2>&1)
is "$?" 1 "a handler looping inside pcall is stopped"
like "$err" "script spin" "the error names the script"
like "$err" "instruction limit exceeded" "and the limit"
like "$err" "spin.lua:2" "with the script's file and line"
out=$(tandem -c "$T/spin.ini" --db "$T/spin.db" emit spin.ok 2>&1)
like "$out" "event 1 spin.ok" "the next event still dispatches"

# --- refused plugins: the others keep loading ---------------------------------
printf 'not an ELF file\n' > "$T/text.so"
cat > "$T/mixed.ini" <<INI
[core]
plugin_dir = $FIXTURE_DIR
[plugin.fx_no_entry]
[plugin.fx_abi_major]
[plugin.fx_text]
file = $T/text.so
[plugin.fx_ok]
INI
out=$(tandem -c "$T/mixed.ini" --db "$T/mixed.db" plugins 2>"$T/mixed.err")
err=$(cat "$T/mixed.err")
like "$err" "refused plugin fx_no_entry ($FIXTURE_DIR/fx_no_entry.so): not a tandem plugin" \
    "a shared object without the entry symbol is refused as not a tandem plugin"
like "$err" "refused plugin fx_abi_major ($FIXTURE_DIR/fx_abi_major.so): built for tandem ABI 2.0" \
    "a plugin built for another ABI major is refused saying so"
like "$err" "refused plugin fx_text ($T/text.so): cannot load it" "a file dlopen rejects is refused"
like "$out" "fx_ok         c     1.2.0    running" "while the good plugin loads"

# --- reload -----------------------------------------------------------------
sed 's/^log_level = .*/log_level = info/' "$SAMPLE" >"$T/sample-info.ini"
err=$(tandem -c "$T/sample-info.ini" --db "$DB" reload 2>&1)
is "$?" 0 "reload succeeds on good scripts"
like "$err" "reloaded script welcome (1.0.0 → 1.0.0)" "and says what it reloaded"

# --- symbols: the core exports none, plugins only their entry ------------------
if command -v nm >/dev/null 2>&1; then
    core_syms=$(nm -D --defined-only "$TANDEM" | grep -E ' T (bus|store|host|core|api|lua_host|sandbox)_' || true)
    is "$core_syms" "" "the tandem binary exports none of the core's functions"
    plugin_syms=$(nm -D --defined-only "$TANDEM_PLUGIN_DIR/guestbook.so" | awk '$2 == "T" { print $3 }')
    is "$plugin_syms" "tandem_plugin_entry" "a plugin exports only tandem_plugin_entry"
else
    ok 0 "# SKIP nm not installed"
    ok 0 "# SKIP nm not installed"
fi

done_testing
