#!/bin/sh
# programme_courier_watch.sh — 有劲小哥 (scripts/courier_watch.lua) as two
# communities run it: couriers register with their platform and area, a
# hazard report on a round becomes an alert for the community, a nearby
# report of the same kind soon after is merged into it (no second alert),
# a report further away, later or of another kind is not, a social worker's
# confirmation earns points, and each team gets its monthly brand report.
# The two communities merge duplicates within different distances.
. "$TOP_SRCDIR/tests/lib.sh"

DB="$T/couriers.db"
tandem() { "$TANDEM" -c "$T/couriers.ini" --db "$DB" "$@"; }
at() { TANDEM_NOW="$1"; export TANDEM_NOW; }
id() { sed -n 's/^[a-z]* \([0-9]*\) added.*/\1/p'; } # "person 7 added: ..." -> 7
report() { # REPORTER KIND LAT LON TEXT [PLACE]
    place=${6:+,\"place\":$6}
    tandem emit courier.hazard_reported \
        "{\"reporter\":$1,\"kind\":\"$2\",\"lat\":$3,\"lon\":$4,\"text\":\"$5\"$place}" 2>&1
}
count_alerts() { tandem alerts --json | grep -c '"kind": "courier.hazard"'; }

cat > "$T/couriers.ini" <<INI
[core]
log_level = error

[script.couriers_jinsong]
file = courier_watch.lua
community = 劲松北社区
team = 劲松有劲小哥
merge_distance = 50
merge_window = 30m
points = 5
merged_points = 1

[script.couriers_nongguang]
file = courier_watch.lua
community = 农光里社区
merge_distance = 200
merge_window = 2h
points = 10
merged_points = 0
INI

at "2026-03-01 09:00"
out=$(tandem plugins)
like "$(printf '%s\n' "$out" | grep '^couriers_jinsong ')" "lua   1.0.0    running" \
    "劲松北社区's courier team runs from its INI section"
like "$(printf '%s\n' "$out" | grep '^couriers_nongguang ')" "lua   1.0.0    running" \
    "and 农光里社区's, from the same file"
like "$(tandem topics | grep '^courier.registered ')" "couriers_jinsong  area:integer person:integer platform:text" \
    "the courier topics are declared once, by the team that loads first"

tandem place add --name 朝阳区 --kind district >/dev/null
tandem place add --name 劲松街道 --kind street --parent 朝阳区 >/dev/null
jinsong=$(tandem place add --name 劲松北社区 --kind community --parent 劲松街道 | id)
nongguang=$(tandem place add --name 农光里社区 --kind community --parent 劲松街道 | id)
bldg=$(tandem place add --name 劲松北3号楼 --kind site --parent 劲松北社区 | id)
yard=$(tandem place add --name 农光里5号院 --kind site --parent 农光里社区 | id)
wangfang=$(tandem person add --name 王芳 --roles social_worker --community 劲松北社区 | id)
sunmin=$(tandem person add --name 孙敏 --roles staff --community 农光里社区 | id)
liu=$(tandem person add --name 刘强 --roles volunteer | id)
chen=$(tandem person add --name 陈刚 --roles volunteer | id)
zhao=$(tandem person add --name 赵磊 --roles volunteer | id)
wu=$(tandem person add --name 吴昊 --roles volunteer | id)
zhou=$(tandem person add --name 周杰 --roles volunteer | id)
tandem team add --name 劲松有劲小哥 --place 劲松北社区 --leader 王芳 --status new >/dev/null
tandem team add --name 红绿先锋 --place 劲松街道 --leader 王芳 --status new >/dev/null
tandem project add --name 有劲小哥夜巡 --team 劲松有劲小哥 --place 劲松北社区 >/dev/null
tandem project add --name 护学蓝 --team 红绿先锋 --place 劲松街道 >/dev/null
# the team's own patrol, and another team's guard duty
tandem shift add --project 有劲小哥夜巡 --title 夜巡 --kind patrol \
    --starts-at "2026-03-05 20:00" --ends-at "2026-03-05 22:00" --capacity 5 >/dev/null
tandem shift add --project 护学蓝 --title 护学岗 --kind guard \
    --starts-at "2026-03-06 07:00" --ends-at "2026-03-06 08:00" --capacity 5 >/dev/null
tandem signup 夜巡 "$liu" >/dev/null
tandem signup 护学岗 "$liu" >/dev/null
tandem signup 护学岗 "$zhao" >/dev/null

# --- registration ------------------------------------------------------------
reg() { tandem emit courier.registered "{\"person\":$1,\"platform\":\"$2\",\"area\":$3}" 2>&1; }
like "$(reg "$liu" 顺丰 "$jinsong")" "courier.registered" "刘强 (顺丰) registers for 劲松北社区"
reg "$chen" 美团 "$bldg" >/dev/null
reg "$zhao" 京东 "$yard" >/dev/null
reg "$wu" 饿了么 "$nongguang" >/dev/null
out=$(reg 999 顺丰 "$jinsong")
is "$?" 3 "registering someone who is not a person is refused"
like "$out" "there is no person 999" "with the reason"
out=$(reg "$zhou" 顺丰 "$liu")
is "$?" 3 "an area that is not a place is refused"
like "$out" "片区 $liu 不是一个地点 (area $liu is not a place)" "with the reason"

# --- a hazard becomes an alert for the community -------------------------------
at "2026-03-02 08:00"
out=$(report "$liu" streetlight 39.88380 116.46180 "3号楼东侧路灯不亮" "$bldg")
like "$out" "→ event" "a hazard report is accepted"
like "$out" "courier.hazard
" "and becomes a hazard"
like "$out" "alert.raised" "and an alert"
h1=$(printf '%s\n' "$out" | sed -n 's/.*→ event \([0-9]*\) courier.hazard$/\1/p')
alerts=$(tandem alerts)
like "$alerts" "courier.hazard  劲松北社区  有劲小哥 刘强（顺丰）报告路灯损坏：3号楼东侧路灯不亮 @ 劲松北3号楼（39.88380, 116.46180）" \
    "the alert is for 劲松北社区 and says who reported what, where"
raised=$(tandem events --topic alert.raised)
like "$raised" "place=$jinsong person=$liu subject=$h1" \
    "the alert's place is the community, its person the courier, its subject the hazard"

at "2026-03-02 08:10"
out=$(report "$chen" streetlight 39.88400 116.46180 "这里路灯坏了")
like "$out" "courier.hazard_merged" "a report of the same kind 22 m away 10 minutes later is merged"
is "$(count_alerts)" 1 "and raises no second alert"
like "$(tandem events --topic courier.hazard_merged)" "distance=22 hazard=$h1 kind=streetlight" \
    "the merge names the hazard and the distance"

at "2026-03-02 08:12"
out=$(report "$chen" streetlight 39.88500 116.46180 "另一盏路灯不亮")
like "$out" "alert.raised" "133 m away is another hazard for 劲松北社区 (merge_distance 50)"
at "2026-03-02 08:15"
out=$(report "$liu" fire_lane 39.88380 116.46180 "消防通道被电动车堵住")
like "$out" "alert.raised" "another kind at the same spot is another hazard"
h3=$(printf '%s\n' "$out" | sed -n 's/.*→ event \([0-9]*\) courier.hazard$/\1/p')
at "2026-03-02 08:35"
out=$(report "$liu" streetlight 39.88390 116.46180 "路灯还是不亮")
like "$out" "courier.hazard_merged" \
    "35 minutes after the first report but 25 after the merged one: merged"
at "2026-03-02 09:10"
out=$(report "$chen" streetlight 39.88380 116.46180 "路灯不亮")
like "$out" "alert.raised" "35 minutes after the last report of it: a new hazard (merge_window 30m)"
is "$(count_alerts)" 4 "four alerts for six reports"

out=$(report "$liu" fire 39.88380 116.46180 "着火了")
is "$?" 3 "an unknown kind is refused"
like "$out" "未知的隐患类型 fire，可选：streetlight, fire_lane, elderly, other" "with the kinds to choose from"
out=$(report "$liu" streetlight 139.9 116.46 "x")
is "$?" 3 "a position off the globe is refused"
out=$(report "$zhou" streetlight 39.88380 116.46180 "路灯")
is "$?" 3 "a report by someone who registered with no team is refused"
like "$out" "请先登记为有劲小哥 (person $zhou is not a registered courier)" "and told to register"

at "2026-03-02 09:20"
out=$(report "$liu" elderly 39.88000 116.46500 "一位老人在路边摔倒，已扶起" "$bldg")
like "$(tandem alerts)" "【紧急】有劲小哥 刘强（顺丰）报告老人遇困：一位老人在路边摔倒" \
    "an elderly person in trouble is an urgent alert"

# --- confirmation and points ----------------------------------------------------
at "2026-03-02 09:30"
confirm() { tandem emit courier.hazard_confirmed "{\"hazard\":$1,\"by\":$2}" 2>&1; }
out=$(confirm "$h1" "$chen")
is "$?" 3 "a courier cannot confirm a hazard"
like "$out" "陈刚 不能确认隐患上报，确认人须是 social_worker, staff (only social_worker, staff may confirm a report)" \
    "only a social worker or staff member"
out=$(confirm "$h1" "$wangfang")
like "$out" "points.awarded" "a social worker confirms it: points follow"
like "$(tandem points balance "$liu")" "5 积分" "the first reporter gets 5 points (劲松北社区's points)"
like "$(tandem points balance "$chen")" "1 积分" "the courier whose report was merged gets 1 (merged_points)"
like "$(tandem points history "$chen")" "有劲小哥 隐患上报 $h1 已确认（同一隐患的后续上报） ← courier.hazard_confirmed" \
    "the history says why"
is "$(tandem events --topic points.awarded --json | grep -c "\"person\":$liu,")" 1 \
    "刘强 reported the hazard twice but is paid once"
out=$(confirm "$liu" "$wangfang")
is "$?" 3 "an id that is no hazard cannot be confirmed"
like "$out" "最近 30 天内没有编号为 $liu 的隐患上报，更早的不能再确认 (no hazard $liu was reported in the last 30d; older ones cannot be confirmed)" \
    "whichever team's it would be"
out=$(confirm "$h1" "$wangfang")
is "$?" 3 "a hazard is confirmed once"
like "$out" "already confirmed" "the second time is refused"
# --- the other community merges within 200 m -------------------------------------
at "2026-03-03 08:00"
out=$(report "$zhao" streetlight 39.88000 116.47000 "5号院门口路灯不亮" "$yard")
like "$out" "alert.raised" "农光里社区: a hazard and an alert"
h2=$(printf '%s\n' "$out" | sed -n 's/.*→ event \([0-9]*\) courier.hazard$/\1/p')
like "$(tandem alerts)" "courier.hazard  农光里社区  有劲小哥 赵磊（京东）报告路灯损坏" \
    "for 农光里社区"
at "2026-03-03 09:30"
out=$(report "$wu" streetlight 39.88130 116.47000 "路灯坏了")
like "$out" "courier.hazard_merged" \
    "133 m and 90 minutes later is the same hazard in 农光里社区 (200 m, 2h), unlike in 劲松北社区"

at "2026-03-03 10:00"
confirm "$h2" "$sunmin" >/dev/null
like "$(tandem points balance "$zhao")" "10 积分" "农光里社区 gives 10 points for a confirmed report"
like "$(tandem points balance "$wu")" "0 积分" "and nothing for a merged one (merged_points 0)"


# --- a week of service ----------------------------------------------------------
at "2026-03-05 20:00"; tandem checkin 夜巡 "$liu" >/dev/null
at "2026-03-05 22:00"; tandem checkout "$liu" >/dev/null
at "2026-03-06 07:00"; tandem checkin 护学岗 "$liu" >/dev/null; tandem checkin 护学岗 "$zhao" >/dev/null
at "2026-03-06 08:00"; tandem checkout "$liu" >/dev/null; tandem checkout "$zhao" >/dev/null

# --- the monthly brand reports ---------------------------------------------
at "2026-04-01 09:00"
out=$(confirm "$h3" "$wangfang")
is "$?" 3 "a hazard reported more than 30 days ago cannot be confirmed any more"
like "$out" "最近 30 天内没有编号为 $h3 的隐患上报，更早的不能再确认" "and says so"
out=$(tandem report)
like "$out" "couriers_jinsong_brand" "each team offers its brand report"
like "$out" "couriers_nongguang_brand" "named after its section"
out=$(tandem report couriers_jinsong_brand --month 2026-03 --output "$T/jinsong.csv")
is "$out" "3 rows written to $T/jinsong.csv" "劲松北社区's March: two couriers and a total"
is "$(head -c 3 "$T/jinsong.csv" | od -An -tx1 | tr -d ' \n')" "efbbbf" "a CSV with a BOM"
csv=$(tr -d '\r' < "$T/jinsong.csv")
like "$csv" "志愿者编号,姓名,平台,片区,上报,确认,积分,服务小时" "columns: reports, confirmed, points, hours"
like "$csv" ",刘强,顺丰,劲松北社区,4,2,5,2.0" \
    "刘强: 4 reports, 2 of them of the confirmed hazard, 5 points, 2 hours with the team (not 护学蓝)"
like "$csv" ",陈刚,美团,劲松北3号楼,3,1,1,0.0" "陈刚: 3 reports, 1 confirmed, 1 point"
like "$csv" "合计,2 人,,,7,3,6,2.0" "and a total"
csv=$(tandem report couriers_nongguang_brand --month 2026-03 | tr -d '\r')
like "$csv" ",赵磊,京东,农光里5号院,1,1,10,1.0" \
    "农光里社区 names no team: every hour of service counts"
like "$csv" ",吴昊,饿了么,农光里社区,1,1,0,0.0" "吴昊's merged report is counted as confirmed, without points"
like "$(tandem report couriers_jinsong_brand --month 2026-04 | tr -d '\r')" "合计,2 人,,,0,0,0,0.0" \
    "April has nothing yet"

# --- a courier who moves to the other community ------------------------------------
reg "$chen" 美团 "$yard" >/dev/null
like "$(tandem report couriers_jinsong_brand --month 2026-04 | tr -d '\r')" "合计,1 人" \
    "陈刚 moves to 农光里: 劲松北社区's team lets him go"
like "$(tandem report couriers_nongguang_brand --month 2026-04 | tr -d '\r')" ",陈刚,美团,农光里5号院" \
    "and 农光里社区's takes him on"

done_testing
