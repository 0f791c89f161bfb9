#!/bin/sh
# programme_school_guard.sh — 护学蓝 (scripts/school_guard.lua) as two
# communities of 劲松街道 run it, with the clock injected: the school calendar
# (no shifts on weekends and holidays, shifts on a make-up working day), the
# daily roster for both windows at every gate without duplicates, one
# under-filled alert per window 48 hours ahead, the check-in tolerance veto,
# points per completed window with the bad-weather bonus, and the two
# sections' different options side by side without touching each other.
. "$TOP_SRCDIR/tests/lib.sh"

DB="$T/guard.db"
# the sections name the shipped script by its bare file name (found in the script dir)
TANDEM_ACTOR=test
export TANDEM_ACTOR
unset TANDEM_CONFIG TANDEM_DB TANDEM_LOG_LEVEL TANDEM_TZ_KEEP
tandem() { "$TANDEM" -c "$T/guard.ini" --db "$DB" "$@"; }
at() { TANDEM_NOW="$1"; export TANDEM_NOW; }
# lines of TEXT that contain PART
lines() { printf '%s\n' "$1" | grep -c -F -e "$2"; }
# shift_id PROJECT SITE "YYYY-MM-DD HH:MM": the id of the shift there and then
shift_id() {
    tandem shift list --project "$1" --site "$2" | awk -v t="$3" 'index($0, t) { print $1; exit }'
}
# the id in "KIND N added..."
new_id() { sed -n 's/^[a-z]* \([0-9]*\) added.*/\1/p'; }

# 劲松北社区: two gates of 劲松一小, the usual windows. 农光里社区: one gate,
# its school's own windows, fewer guards, more points, and one extra day off.
cat > "$T/guard.ini" <<INI
[core]
log_level = error
[script.guard_jinsong]
file = school_guard.lua
project = 劲松北护学蓝
gates = 劲松一小东门, 劲松一小西门
windows = 07:20-08:00, 16:30-17:15
min_guards = 2
tolerance = 10
points_per_window = 2
bad_weather_bonus = 1
days_ahead = 10
term_start = 2026-03-02
term_end = 2026-07-10
holidays = 2026-04-04..2026-04-06, 2026-05-01..2026-05-05
workdays = 2026-05-09
[script.guard_nongguang]
file = school_guard.lua
project = 农光里护学蓝
gates = 农光里小学南门
windows = 07:30-08:10, 16:00-16:45
min_guards = 1
tolerance = 5
points_per_window = 3
bad_weather_bonus = 2
days_ahead = 10
term_start = 2026-03-02
term_end = 2026-07-10
holidays = 2026-05-01..2026-05-05, 2026-05-08
workdays = 2026-05-09
INI

# --- the community, its gates, its people ------------------------------------
at "2026-04-28 10:00"
tandem place add --name 北京市 --kind city >/dev/null
tandem place add --name 朝阳区 --kind district --parent 北京市 >/dev/null
tandem place add --name 劲松街道 --kind street --parent 朝阳区 >/dev/null
tandem place add --name 劲松北社区 --kind community --parent 劲松街道 --pilot yes >/dev/null
tandem place add --name 农光里社区 --kind community --parent 劲松街道 --pilot yes >/dev/null
for gate in 劲松一小东门 劲松一小西门; do
    tandem place add --name "$gate" --kind site --parent 劲松北社区 --site-kind school_gate >/dev/null
done
tandem place add --name 农光里小学南门 --kind site --parent 农光里社区 --site-kind school_gate >/dev/null
wang=$(tandem person add --name 王芳 --roles social_worker --community 劲松北社区 | sed 's/person \([0-9]*\).*/\1/')
li=$(tandem person add --name 李静 --roles social_worker --community 农光里社区 | sed 's/person \([0-9]*\).*/\1/')
for name in 张伟 李娜 赵敏 刘洋; do
    tandem person add --name "$name" --roles volunteer --community 劲松北社区 >/dev/null
done
for name in 陈杰 周丽; do
    tandem person add --name "$name" --roles volunteer --community 农光里社区 >/dev/null
done
liu_no=$(tandem person show 刘洋 --json | sed -n 's/.*"volunteer_no": "\([^"]*\)".*/\1/p')
tandem team add --name 劲松北护学队 --place 劲松北社区 --leader 王芳 --status new >/dev/null
tandem team add --name 农光里护学队 --place 农光里社区 --leader 李静 --status new >/dev/null
js=$(tandem project add --name 劲松北护学蓝 --team 劲松北护学队 --place 劲松北社区 \
    --programme school_guard | new_id)
ng=$(tandem project add --name 农光里护学蓝 --team 农光里护学队 --place 农光里社区 \
    --programme school_guard | new_id)

out=$(tandem plugins)
is "$(lines "$out" running)" 2 "two sections run the same script, one per community"
out=$(tandem topics)
like "$out" "guard.underfilled" "guard.underfilled is declared (once, for both sections)"
like "$out" "timer.guard_jinsong_roster" "each section has its own roster timer, named after it"
like "$out" "timer.guard_nongguang_roster" "(the other one's)"

# --- the roster and the school calendar ------------------------------------
# 2026-05-01 is a Friday and a holiday; the roster covers 05-01 to 05-10.
at "2026-05-01 06:00"
tandem tick >/dev/null
jsl=$(tandem shift list --project 劲松北护学蓝)
ngl=$(tandem shift list --project 农光里护学蓝)
is "$(lines "$jsl" 劲松北护学蓝)" 16 \
    "the first roster: 4 school days × 2 gates × 2 windows at 劲松北社区"
is "$(printf '%s\n' "$jsl" | grep -c ' 2026-05-0[1-5] ')" 0 \
    "no shifts on the Labour Day holidays (05-01 to 05-05, a weekend among them)"
is "$(lines "$jsl" ' 2026-05-10 ')" 0 "none on Sunday 05-10"
is "$(lines "$jsl" ' 2026-05-09 ')" 4 "four on Saturday 05-09, a make-up working day (调休上班)"
missing=0
for gate in 劲松一小东门 劲松一小西门; do
    for w in "07:20  2026-05-06 08:00" "16:30  2026-05-06 17:15"; do
        [ "$(lines "$jsl" "$gate  2026-05-06 $w")" = 1 ] || missing=1
    done
done
ok $missing "on 05-06 each gate has a shift for each window, 07:20–08:00 and 16:30–17:15"
like "$(tandem events --topic shift.created --limit 1)" \
    "project=$js site=" "shift.created names the project and the gate"
like "$(tandem events --topic shift.created --limit 1)" \
    "title=护学岗 劲松一小东门 07:20-08:00 kind=guard" "with a title and the kind guard"
like "$(tandem events --topic shift.created --limit 1)" "capacity=4" \
    "and twice min_guards places"
is "$(lines "$ngl" 农光里护学蓝)" 6 \
    "农光里社区: its own calendar (05-08 is its school's day off): 3 days × 1 gate × 2 windows"
is "$(lines "$ngl" '07:20')$(lines "$jsl" '07:30')" "00" \
    "each community's shifts follow its own windows (07:30 at 农光里, 07:20 at 劲松北)"
is "$(tandem alerts --json | grep -c '"id"')" 0 "no alert: no window is within 48 hours yet"

at "2026-05-02 06:00"
tandem tick >/dev/null
is "$(tandem shift list --project 劲松北护学蓝 | grep -c 劲松北护学蓝)" 20 \
    "a day later the roster adds Monday 05-11 (4 shifts) and nothing else"
tandem emit timer.guard_jinsong_roster '{"scheduled":0}' > "$T/again.out"
is "$(grep -c shift.created "$T/again.out")" 0 "making the roster again the same day adds nothing"
dups=$(tandem shift list --json | awk -F'"' '/"site"/ { s = $4 } /"starts_at"/ { print s, $3 }' |
    sort | uniq -d | wc -l)
is "$dups" 0 "no gate has two shifts at the same time"
is "$(tandem shift list --project 农光里护学蓝 | grep -c 农光里护学蓝)" 8 "农光里社区 adds its 2 for 05-11"

# --- 48 hours ahead, an under-filled window raises one alert ------------------
east=$(shift_id 劲松北护学蓝 劲松一小东门 "2026-05-06 07:20")
west=$(shift_id 劲松北护学蓝 劲松一小西门 "2026-05-06 07:20")
east_pm=$(shift_id 劲松北护学蓝 劲松一小东门 "2026-05-06 16:30")
south=$(shift_id 农光里护学蓝 农光里小学南门 "2026-05-06 07:30")
at "2026-05-03 10:00"
tandem signup "$east" 张伟 >/dev/null
tandem signup "$west" 李娜 >/dev/null
tandem signup "$west" 赵敏 >/dev/null
tandem signup "$east_pm" 刘洋 >/dev/null
tandem signup "$south" 陈杰 >/dev/null

at "2026-05-04 06:00"
tandem tick >/dev/null
is "$(tandem alerts --json | grep -c '"id"')" 0 "49 hours before the 07:20 window: no alert yet"
at "2026-05-04 07:20"
tandem tick >/dev/null
alerts=$(tandem alerts)
is "$(lines "$alerts" guard.underfilled)" 1 \
    "48 hours before: the east gate (1 of 2 guards) raises an alert; the west gate (2 of 2) does not"
like "$alerts" "2026-05-06 护学岗 劲松一小东门 07:20-08:00 已确认 1 人，至少需要 2 人（还差 1 人）" \
    "the alert says which window is short, and by how many"
like "$alerts" "刘洋 $liu_no" "it names a volunteer who is free then, with the volunteer number"
msg=$(printf '%s\n' "$alerts" | grep guard.underfilled)
contains "$msg" 李娜 || contains "$msg" 赵敏 || contains "$msg" 张伟
ok $((1 - $?)) "and not those on the west gate at that time (a clash) or already on the shift"
like "$(tandem events --topic alert.raised)" "place=4 person=$wang subject=$east" \
    "alert.raised: the community, the team's leading social worker, the shift"
like "$(tandem events --topic guard.underfilled)" "confirmed=1 min_guards=2 project=$js shift=$east" \
    "guard.underfilled carries the details"
at "2026-05-04 08:30"
tandem tick >/dev/null
at "2026-05-05 09:00"
tandem tick >/dev/null
is "$(tandem events --topic alert.raised | grep -c "subject=$east\$")" 1 \
    "the east gate's window is alerted once, however often the check runs"
like "$(tandem events --topic alert.raised)" "place=5 person=$li subject=" \
    "农光里社区's windows are alerted to its own social worker"
is "$(tandem events --topic alert.raised | grep -c "subject=$south\$")" 0 \
    "农光里 needs one guard (min_guards = 1): its 07:30 window, with 陈杰, raises none"

# --- check-in within the window ± tolerance ------------------------------------
at "2026-05-06 07:05"
err=$(tandem checkin "$east" 张伟 2>&1)
is "$?" 3 "a check-in 15 minutes before the window is vetoed"
like "$err" "vetoed: 护学岗 07:20–08:00 最早 07:10 签到（提前 10 分钟以内）" \
    "with a reason the volunteer understands"
at "2026-05-06 07:12"
tandem checkin "$east" 张伟 >/dev/null
ok $? "8 minutes before, within the tolerance, it is accepted"
at "2026-05-06 07:20"
err=$(tandem checkin "$south" 陈杰 2>&1)
like "$err" "护学岗 07:30–08:10 最早 07:25 签到（提前 5 分钟以内）" \
    "农光里's window and tolerance (5 minutes) are its own"
at "2026-05-06 07:26"
tandem checkin "$south" 陈杰 >/dev/null
ok $? "and only its own rule applies to its shifts"

# --- points per completed window, and the bad-weather bonus ------------------
at "2026-05-06 08:00"
tandem checkout 张伟 >/dev/null
like "$(tandem points balance 张伟)" "2 积分" "a completed window earns 2 points at 劲松北"
at "2026-05-06 08:10"
tandem checkout 陈杰 >/dev/null
like "$(tandem points balance 陈杰)" "3 积分" "and 3 at 农光里"
is "$(tandem points history 陈杰 | grep -c guard_jinsong)" 0 "劲松北's section gives 农光里's guard nothing"

at "2026-05-06 10:00"
out=$(tandem emit weather.rain '{"community":"劲松北社区","level":"大雨"}')
like "$out" "points.awarded" "heavy rain at 劲松北社区: the day counts as bad weather"
like "$(tandem points balance 张伟)" "3 积分" "the morning's completed window gets its bonus too"
like "$(tandem points history 张伟)" "+1 恶劣天气加分（大雨）" "the history says why"
tandem emit weather.rain '{"community":"农光里社区","level":"小雨"}' >/dev/null
like "$(tandem points balance 陈杰)" "3 积分" "light rain at 农光里社区 is no bad weather"
at "2026-05-06 16:25"
tandem checkin "$east_pm" 刘洋 >/dev/null
at "2026-05-06 17:15"
tandem checkout 刘洋 >/dev/null
like "$(tandem points balance 刘洋)" "3 积分" \
    "the afternoon window of the rainy day earns 2 + 1 (the day's weather is remembered)"

# 05-07: a rainstorm warning at 农光里 only; 劲松北 is dry.
east7=$(shift_id 劲松北护学蓝 劲松一小东门 "2026-05-07 07:20")
west7=$(shift_id 劲松北护学蓝 劲松一小西门 "2026-05-07 07:20")
south7=$(shift_id 农光里护学蓝 农光里小学南门 "2026-05-07 07:30")
at "2026-05-06 18:00"
tandem signup "$east7" 赵敏 >/dev/null
tandem signup "$west7" 李娜 >/dev/null
tandem signup "$south7" 周丽 >/dev/null
at "2026-05-07 06:30"
tandem emit weather.warning '{"community":"农光里社区","level":"暴雨橙色预警"}' >/dev/null
at "2026-05-07 07:18"
tandem checkin "$west7" 李娜 >/dev/null
at "2026-05-07 07:28"
tandem checkin "$south7" 周丽 >/dev/null
at "2026-05-07 07:40"
tandem checkin "$east7" 赵敏 >/dev/null
at "2026-05-07 08:00"
tandem checkout 赵敏 >/dev/null
like "$(tandem points balance 赵敏)" "0 积分" "arriving 20 minutes late does not complete the window"
at "2026-05-07 08:10"
tandem checkout 周丽 >/dev/null
like "$(tandem points balance 周丽)" "5 积分" "农光里's rainstorm: 3 + its own bonus of 2"
at "2026-05-07 11:00"
tandem attendance close-forgotten >/dev/null
like "$(tandem points history 李娜)" "+2 完成护学时段" \
    "a forgotten check-out closed at the window's end still completes it"
like "$(tandem points balance 李娜)" "2 积分" "and earns no bonus: the rainstorm was at 农光里, not 劲松北"

# --- the two sections never touch each other's shifts ---------------------------
created=$(tandem events --topic shift.created)
is "$(printf '%s\n' "$created" | grep script:guard_jinsong | grep -vc "project=$js ")" 0 \
    "guard_jinsong created shifts for 劲松北护学蓝 only"
is "$(printf '%s\n' "$created" | grep script:guard_nongguang | grep -vc "project=$ng ")" 0 \
    "guard_nongguang for 农光里护学蓝 only"

# --- a bad calendar is refused before it goes live -----------------------------
cat > "$T/bad.ini" <<INI
[core]
log_level = error
[script.guard_bad]
file = school_guard.lua
holidays = 2026-02-30
INI
err=$("$TANDEM" -c "$T/bad.ini" --db "$T/bad.db" check-config 2>&1)
is "$?" 1 "check-config refuses a section with an impossible holiday"
like "$err" "holidays: '2026-02-30' is not a date" "and says which"

done_testing
