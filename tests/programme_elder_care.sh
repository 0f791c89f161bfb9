#!/bin/sh
# programme_elder_care.sh — the elder-care programme (永愿助老·安享银龄,
# scripts/elder_care.lua) as two pilot communities use it, with an injected
# clock: elderly residents are enrolled, visits are logged, a need raised in a
# visit becomes a need of the shared model with the resident's name masked,
# and the daily watcher alerts the community's social worker when a visit is
# overdue: after the community's own threshold (农光里社区 visits high-risk
# residents every 3 days, 劲松北社区 every 7), once per overdue period, and
# not again after a visit until the next one is overdue.
. "$TOP_SRCDIR/tests/lib.sh"

DB="$T/elder.db"
unset TANDEM_TZ_KEEP
TANDEM_ACTOR=root
export TANDEM_ACTOR
tandem() { "$TANDEM" -c "$T/elder.ini" --db "$DB" "$@"; }
at() { TANDEM_NOW="$1"; export TANDEM_NOW; }
id_of() { sed -n 's/^[a-z]* \([0-9][0-9]*\) added.*/\1/p'; }
# Unix time of 2026-03-DD HH:MM in Asia/Shanghai (the default time zone)
march() { echo $((1772380800 + ($1 - 2) * 86400 + $2 * 3600)); }
alerts_for() { tandem alerts --all --json | grep '"message"' | grep -c "$1"; }
tick() { at "$1"; tandem tick >/dev/null; }

cat > "$T/elder.ini" <<INI
[core]
script_dir = $TOP_SRCDIR/scripts
log_level = error

[script.elder_care]
frequency_high = 7
frequency_medium = 14
frequency_low = 30
visit_points = 2
INI

# --- two pilot communities, each with its own team and social worker ---------
at "2026-03-02 09:00"
tandem place add --name 北京市 --kind city >/dev/null
tandem place add --name 朝阳区 --kind district --parent 北京市 >/dev/null
tandem place add --name 劲松街道 --kind street --parent 朝阳区 >/dev/null
jinsong=$(tandem place add --name 劲松北社区 --kind community --parent 劲松街道 --pilot yes | id_of)
nongguang=$(tandem place add --name 农光里社区 --kind community --parent 劲松街道 --pilot yes | id_of)
tandem place add --name 潘家园街道 --kind street --parent 朝阳区 >/dev/null
tandem place add --name 华威西里社区 --kind community --parent 潘家园街道 >/dev/null
# the community's own section names a place, so it goes in once the place exists
cat >> "$T/elder.ini" <<INI

[script.elder_care@农光里社区]
frequency_high = 3
INI

wang=$(tandem person add --name 王芳 --roles social_worker --community 劲松北社区 | id_of)
liu=$(tandem person add --name 刘洋 --roles social_worker --community 农光里社区 | id_of)
zhang=$(tandem person add --name 张伟 --roles volunteer --community 劲松北社区 | id_of)
li=$(tandem person add --name 李娜 --roles volunteer --community 农光里社区 | id_of)
zhao=$(tandem person add --name 赵桂兰 --roles resident --community 劲松北社区 --birth-date 1941-05-03 | id_of)
sun=$(tandem person add --name 孙德明 --roles resident --community 劲松北社区 | id_of)
qian=$(tandem person add --name 钱秀英 --roles resident --community 农光里社区 | id_of)
zhou=$(tandem person add --name 周淑珍 --roles resident --community 华威西里社区 | id_of)
tandem team add --name 劲松北银龄守护队 --place 劲松北社区 --leader 王芳 --status new >/dev/null
tandem team add --name 农光里银龄守护队 --place 农光里社区 --leader 刘洋 --status new >/dev/null
tandem project add --name 永愿助老·劲松北 --team 劲松北银龄守护队 --place 劲松北社区 \
    --programme elder_care --target-groups 独居老人,高龄老人 >/dev/null
tandem project add --name 永愿助老·农光里 --team 农光里银龄守护队 --place 农光里社区 \
    --programme elder_care --target-groups 独居老人,高龄老人 >/dev/null

out=$(tandem plugins)
like "$out" "elder_care  lua   1.0.0    running" "the elder_care script runs"
out=$(tandem check-config)
like "$out" "ok (1 plugins and scripts)" "the configuration with a community's section checks"
out=$(tandem topics)
like "$out" "elder.visited" "it declares elder.visited"
like "$(printf '%s\n' "$out" | grep '^elder.enrolled')" \
    "living_alone:boolean needs:text? person:integer risk:text" \
    "elder.enrolled has the person, living alone, the risk level and the needs"

# one instance serves both communities: a second instance of the same file
# would declare the same topics, which have one owner
cat > "$T/two.ini" <<INI
[core]
script_dir = $TOP_SRCDIR/scripts
[script.elder_care]
[script.elder_nongguangli]
file = $TOP_SRCDIR/scripts/elder_care.lua
frequency_high = 3
INI
err=$("$TANDEM" -c "$T/two.ini" --db "$DB" check-config 2>&1)
is "$?" 1 "a second instance of elder_care.lua is refused"
like "$err" "topic elder.enrolled is already declared by elder_care" \
    "because its topics already have an owner"

# --- enrolment ------------------------------------------------------------------
out=$(tandem emit elder.enrolled \
    "{\"person\":$zhao,\"living_alone\":true,\"risk\":\"high\",\"needs\":\"腿脚不便，需要陪同就医\"}")
like "$out" "elder.enrolled" "赵桂兰 (劲松北社区, high risk, living alone) is enrolled"
tandem emit elder.enrolled "{\"person\":$qian,\"living_alone\":false,\"risk\":\"high\"}" >/dev/null
ok $? "钱秀英 (农光里社区, high risk) is enrolled"
tandem emit elder.enrolled "{\"person\":$sun,\"living_alone\":true,\"risk\":\"medium\"}" >/dev/null
ok $? "孙德明 (劲松北社区, medium risk) is enrolled"

before=$(tandem events --json | grep -c '"id":')
err=$(tandem emit elder.enrolled "{\"person\":$zhang,\"living_alone\":false,\"risk\":\"low\"}" 2>&1)
is "$?" 3 "a volunteer cannot be enrolled"
like "$err" "张伟 不是服务对象" "because the person is not a resident"
err=$(tandem emit elder.enrolled "{\"person\":$zhao,\"living_alone\":true,\"risk\":\"low\"}" 2>&1)
like "$err" "赵桂兰 已在册" "a resident is enrolled only once"
err=$(tandem emit elder.enrolled "{\"person\":$zhou,\"living_alone\":true,\"risk\":\"urgent\"}" 2>&1)
like "$err" "risk must be low, medium or high" "the risk level is low, medium or high"
err=$(tandem emit elder.enrolled "{\"person\":$zhou,\"living_alone\":true,\"risk\":\"high\"}" 2>&1)
like "$err" "华威西里社区 没有 elder_care 项目" \
    "a resident whose community has no elder_care project (nobody to alert) is refused"
is "$(tandem events --json | grep -c '"id":')" "$before" "refused enrolments leave nothing"

# --- visits ---------------------------------------------------------------------
at "2026-03-02 10:30"
out=$(tandem emit elder.visited "{\"elder\":$zhao,\"visitor\":$zhang,\"minutes\":45,\
\"wellbeing\":\"精神不错，血压偏高，按时服药\",\"need\":\"卫生间需要安装扶手\",\"need_category\":\"repair\"}")
like "$out" "→ event" "a visit to 赵桂兰 is logged"
like "$out" "need.added" "the need raised in the visit becomes a need"
like "$out" "points.awarded" "and the visitor earns points"
like "$(tandem need list)" "劲松北社区  repair  卫生间需要安装扶手" \
    "tandem need list shows it, in the resident's community"
need=$(tandem need list --json | grep '"id"' | head -n 1 | tr -dc 0-9)
show=$(tandem need show "$need")
like "$show" "visit" "its source is the visit"
like "$show" "赵**" "the requester, the resident, is masked"
contains "$show$(tandem events --topic need.added)$(tandem need list --json)" "赵桂兰"
is "$?" 1 "and the resident's name appears in no need output or journal line"
like "$(tandem points balance 张伟)" ": 2 积分" "visit_points = 2 gives the visitor 2 points"

before=$(tandem events --json | grep -c '"id":')
err=$(tandem emit elder.visited "{\"elder\":$zhou,\"visitor\":$li,\"minutes\":30,\"wellbeing\":\"好\"}" 2>&1)
is "$?" 3 "a visit to a resident who is not enrolled is refused"
like "$err" "周淑珍 未登记为助老服务对象" "saying who is not enrolled"
err=$(tandem emit elder.visited "{\"elder\":$qian,\"visitor\":$li,\"minutes\":0,\"wellbeing\":\"好\"}" 2>&1)
like "$err" "minutes must be 1 to 720" "a visit lasts 1 to 720 minutes"
err=$(tandem emit elder.visited "{\"elder\":$qian,\"visitor\":$li,\"minutes\":30,\"wellbeing\":\"  \"}" 2>&1)
like "$err" "wellbeing must say how the resident is doing" "a visit must say how the resident is doing"
err=$(tandem emit elder.visited "{\"elder\":$qian,\"visitor\":$li,\"minutes\":30,\"wellbeing\":\"好\",\
\"at\":$(march 3 10)}" 2>&1)
like "$err" "at is in the future" "a visit cannot be logged ahead of time"
is "$(tandem events --json | grep -c '"id":')" "$before" "refused visits leave nothing"

# --- the watcher: 农光里社区 alerts on day 4, 劲松北社区 not until day 8 --------
tandem emit elder.left "{\"elder\":$sun,\"reason\":\"搬去子女家居住\"}" >/dev/null
ok $? "孙德明 leaves the programme (and is no longer watched)"

tick "2026-03-03 08:00"
tick "2026-03-04 08:00"
tick "2026-03-05 08:00"
is "$(alerts_for elder)" 0 "days 1 to 3: nobody is overdue"
tick "2026-03-06 08:00"
is "$(alerts_for 钱秀英)" 1 "day 4: 钱秀英 in 农光里社区 (every 3 days) is overdue: one alert"
is "$(alerts_for 赵桂兰)" 0 "赵桂兰 in 劲松北社区 (every 7 days) is not"
like "$(tandem alerts)" "elder.overdue  农光里社区  钱秀英（高风险）登记后 4 天未走访，应每 3 天走访一次" \
    "the alert says who, how long and how often"
like "$(tandem events --topic alert.raised)" "place=$nongguang person=$liu subject=$qian" \
    "it goes to 农光里社区's social worker 刘洋, about 钱秀英"
like "$(tandem events --topic elder.overdue)" "days=4 elder=$qian frequency=3" \
    "and elder.overdue is journaled with the days and the threshold"
at "2026-03-06 08:30"
is "$(tandem tick)" "0 timers fired" "a second tick the same morning fires nothing"
tick "2026-03-07 08:00"
is "$(alerts_for 钱秀英)" 1 "day 5: no second alert: once per overdue period, not every day"

at "2026-03-08 20:00"
tandem emit elder.visited "{\"elder\":$qian,\"visitor\":$li,\"minutes\":60,\
\"wellbeing\":\"情绪低落，想念女儿\",\"at\":$(march 8 10)}" >/dev/null
ok $? "李娜 logs her morning visit to 钱秀英 in the evening (at = 10:00)"
tick "2026-03-09 08:00"
is "$(alerts_for 赵桂兰)" 0 "day 7: 赵桂兰 is not overdue yet in 劲松北社区"
tick "2026-03-10 08:00"
is "$(alerts_for 赵桂兰)" 1 "day 8: now she is: one alert"
like "$(tandem events --topic alert.raised | tail -n 1)" "place=$jinsong person=$wang subject=$zhao" \
    "to 劲松北社区's social worker 王芳"
is "$(alerts_for 孙德明)" 0 "孙德明, who left, is never alerted"
is "$(alerts_for 钱秀英)" 1 "钱秀英, visited on day 6, is not overdue on day 8"
tick "2026-03-11 08:00"
is "$(alerts_for 钱秀英)" 1 "nor on day 9 (3 days after the visit)"
tick "2026-03-12 08:00"
is "$(alerts_for 钱秀英)" 2 "day 10: 4 days after the visit, a new overdue period: a new alert"
is "$(alerts_for 赵桂兰)" 1 "赵桂兰's open alert is not repeated"

# closing an alert without a visit: alerted again a full period after it
qalert=$(tandem events --topic alert.raised | tail -n 1 | cut -d' ' -f1)
at "2026-03-12 09:00"
tandem alerts --close "$qalert" --note "电话联系，老人住院" >/dev/null
ok $? "刘洋 closes 钱秀英's alert (she is in hospital)"
tick "2026-03-13 08:00"
tick "2026-03-14 08:00"
is "$(alerts_for 钱秀英)" 2 "no new alert within 3 days of the last one"
tick "2026-03-15 08:00"
is "$(alerts_for 钱秀英)" 3 "still not visited 3 days later: alerted again"

# a visit ends 赵桂兰's overdue period; the next one starts 7 days after it
at "2026-03-13 15:00"
tandem emit elder.visited "{\"elder\":$zhao,\"visitor\":$zhang,\"minutes\":30,\"wellbeing\":\"扶手已装好\"}" \
    >/dev/null
tick "2026-03-20 08:00"
is "$(alerts_for 赵桂兰)" 1 "visited on day 11, 赵桂兰 is not alerted on day 18"
tick "2026-03-21 08:00"
is "$(alerts_for 赵桂兰)" 2 "but on day 19 (8 days after the visit)"

# --- a changed risk level changes the frequency -------------------------------
at "2026-03-21 10:00"
tandem emit elder.visited "{\"elder\":$zhao,\"visitor\":$zhang,\"minutes\":40,\"wellbeing\":\"恢复良好\"}" \
    >/dev/null
tandem emit elder.risk_changed "{\"elder\":$zhao,\"risk\":\"low\",\"reason\":\"女儿搬来同住\"}" >/dev/null
ok $? "赵桂兰's risk is lowered"
err=$(tandem emit elder.risk_changed "{\"elder\":$zhao,\"risk\":\"low\"}" 2>&1)
is "$?" 3 "a change to the same level is refused"
tick "2026-03-30 08:00"
is "$(alerts_for 赵桂兰)" 2 "low risk (every 30 days): not alerted 9 days after the visit"

# --- the monthly report -----------------------------------------------------------
report=$(tandem report elder_visits --month 2026-03)
like "$report" "劲松北社区,$zhao,赵桂兰,low,yes,3,115,2026-03-21,2" \
    "the report counts 赵桂兰's visits, minutes and overdue alerts in March"
like "$report" "农光里社区,$qian,钱秀英,high,no,1,60,2026-03-08,3" "and 钱秀英's"
like "$report" "劲松北社区,$sun,孙德明,left,no,0,0,,0" "孙德明, who left in March, is listed as left"
report=$(tandem report elder_visits --month 2026-03 --community 农光里社区 --format json)
is "$(printf '%s\n' "$report" | grep -c '"姓名"')" 1 "--community limits it to one community"

done_testing
