#!/bin/sh
# programme_river_patrol.sh — the river patrol programme (首善河心) as two
# communities run it: a route of checkpoints, patrols that scan them in
# order and are credited or not by each community's threshold, with their
# completion and distance; incidents that go reported → assigned → resolved
# → verified and refuse any other order; an incident nobody took escalated
# once, after each community's delay, on an injected clock; and the points.
. "$TOP_SRCDIR/tests/lib.sh"

if [ ! -f "$TANDEM_PLUGIN_DIR/river_patrol.so" ]; then
    echo "Bail out! river_patrol.so is not in TANDEM_PLUGIN_DIR ($TANDEM_PLUGIN_DIR)"
    exit 1
fi

DB="$T/river.db"
export TANDEM_ACTOR=doc
tandem() { "$TANDEM" -c "$T/river.ini" --db "$DB" "$@"; }
at() { TANDEM_NOW="$1"; export TANDEM_NOW; }
count() { tandem events --topic "$1" --json | grep -c '"id":'; }
scan() { tandem emit patrol.checkpoint_scanned "{\"shift\":$1,\"person\":$2,\"route\":$3,\"checkpoint\":$4}"; }
emit() { tandem emit "$@" 2>&1; }
id_of() { sed -n 's/^[a-z]* \([0-9]*\).*/\1/p' | head -n 1; }

cat > "$T/river.ini" <<INI
[core]
log_level = error
[plugin.river_patrol]
credit_percent = 80
[plugin.river_patrol@北池子社区]
credit_percent = 60
points_per_patrol = 3
escalate_after = 2h
responsible_unit = 东城区河长办
INI

# The section for 北池子社区 waits until the community is recorded.
at "2026-03-02 08:00"
tandem place add --name 北京市 --kind city >/dev/null
tandem place add --name 东城区 --kind district --parent 北京市 >/dev/null
tandem place add --name 东华门街道 --kind street --parent 东城区 >/dev/null
south=$(tandem place add --name 南池子社区 --kind community --parent 东华门街道 | id_of)
north=$(tandem place add --name 北池子社区 --kind community --parent 东华门街道 | id_of)

# --- the plugin and its options ----------------------------------------------
like "$(tandem plugins)" "river_patrol  c     1.0.0    running" "the plugin loads"
like "$(tandem topics)" "patrol.checkpoint_scanned        river_patrol  shift:integer person:integer route:any checkpoint:any at:integer?" \
    "it declares its topics"
sed 's/^credit_percent = 60$/credit_percent = 120/' "$T/river.ini" > "$T/bad.ini"
err=$("$TANDEM" -c "$T/bad.ini" --db "$DB" check-config 2>&1)
like "$err" "bad.ini:6: [plugin.river_patrol@北池子社区] credit_percent: '120' is out of range (0 to 100)" "a community's credit_percent out of range is refused with its line"

# --- people, a team, two projects, two routes -----------------------------------
unit=$(tandem org add --name 东城区水务局 --kind government --place 东城区 | id_of)
wang=$(tandem person add --name 王芳 --roles social_worker --community 南池子社区 | id_of)
zhang=$(tandem person add --name 张伟 --roles volunteer --community 南池子社区 | id_of)
li=$(tandem person add --name 李娜 --roles volunteer --community 南池子社区 | id_of)
chen=$(tandem person add --name 陈静 --roles volunteer --community 南池子社区 | id_of)
liu=$(tandem person add --name 刘洋 --roles volunteer --community 南池子社区 | id_of)
zhao=$(tandem person add --name 赵强 --roles volunteer --community 北池子社区 | id_of)
tandem team add --name 筒子河护河队 --place 东华门街道 --leader 王芳 --status new >/dev/null
tandem project add --name 筒子河巡护 --team 筒子河护河队 --place 东华门街道 --programme river_patrol >/dev/null
tandem project add --name 护学岗 --team 筒子河护河队 --place 东华门街道 --programme school_guard >/dev/null

east_cps="东华门@39.9139,116.4021;南池子桥@39.9117,116.4024;太庙东门@39.9098,116.4026;南池子南口@39.9079,116.4030;菖蒲河口@39.9070,116.4035"
north_cps="北池子北口@39.9210,116.4017;北池子桥@39.9190,116.4019;骑河楼@39.9170,116.4020;北池子南口@39.9150,116.4020;东华门北@39.9140,116.4020"
out=$(emit patrol.route_added "{\"name\":\"筒子河东段\",\"place\":$south,\"checkpoints\":\"$east_cps\"}")
like "$out" "patrol.route_added" "a route of five checkpoints is added for 南池子社区"
east=$(printf '%s\n' "$out" | id_of)
north_route=$(emit patrol.route_added "{\"name\":\"筒子河北段\",\"place\":$north,\"checkpoints\":\"$north_cps\"}" | id_of)
out=$(emit patrol.route_added "{\"name\":\"亮马河\",\"place\":$south,\"checkpoints\":\"闸口@39.9012;桥下@39.9031,116.4650\"}")
is "$?" 3 "a checkpoint without a longitude is vetoed"
like "$out" "checkpoint 1 ('闸口@39.9012') is not NAME@LAT,LON" "naming the checkpoint and the form"
like "$(emit patrol.route_added "{\"name\":\"筒子河东段\",\"place\":$south,\"checkpoints\":\"$east_cps\"}")" \
    "there is already a route called 筒子河东段" "two routes cannot share a name"
like "$(emit patrol.route_added "{\"name\":\"亮马河\",\"place\":$south,\"checkpoints\":\"闸口@39.9,116.4;闸口@39.91,116.4\"}")" \
    "checkpoints 1 and 2 are both called '闸口'" "nor two checkpoints of a route"

# --- a Saturday patrol --------------------------------------------------------
patrol=$(tandem shift add --project 筒子河巡护 --title 周六巡河 --kind patrol \
    --starts-at "2026-03-07 09:00" --ends-at "2026-03-07 11:00" --capacity 6 | id_of)
guard=$(tandem shift add --project 护学岗 --title 护学 --kind guard \
    --starts-at "2026-03-07 07:00" --ends-at "2026-03-07 08:00" --capacity 6 | id_of)
for p in 张伟 李娜 陈静 刘洋 赵强; do tandem signup "$patrol" "$p" >/dev/null; done
tandem signup "$guard" 张伟 >/dev/null

at "2026-03-07 08:50"
out=$(scan "$patrol" "$zhang" "$east" 1 2>&1)
like "$out" "张伟 is not checked in to shift $patrol: check in before scanning" \
    "a scan before check-in is vetoed"
for p in 张伟 李娜 陈静 刘洋 赵强; do tandem checkin "$patrol" "$p" >/dev/null; done

# 张伟 walks the route in order; 李娜 skips 太庙东门 and goes back for it; 陈静
# walks it the other way; 赵强 walks three of the five checkpoints of the north route.
minute=0
step() { minute=$((minute + 1)); at "$(printf '2026-03-07 09:%02d' "$minute")"; scan "$@" >/dev/null; }
for cp in 1 2 3 4 5; do step "$patrol" "$zhang" "\"筒子河东段\"" "$cp"; done
for cp in '"东华门"' '"南池子桥"' '"南池子南口"' '"太庙东门"'; do step "$patrol" "$li" "$east" "$cp"; done
for cp in 5 4 3 2 1; do step "$patrol" "$chen" "$east" "$cp"; done
for cp in 1 2 3; do step "$patrol" "$zhao" "$north_route" "$cp"; done
is "$(count patrol.checkpoint_scanned)" 17 "17 scans are recorded, by name or by position"

out=$(scan "$patrol" "$li" "$east" 3 2>&1)
is "$?" 3 "scanning a checkpoint twice on one patrol is vetoed"
like "$out" "checkpoint 3 太庙东门 was already scanned on this patrol" "naming the checkpoint"
like "$(scan "$patrol" "$li" "$east" '"桥头"' 2>&1)" \
    "route $east has no checkpoint '桥头'; its checkpoints: 1 东华门, 2 南池子桥, 3 太庙东门, 4 南池子南口, 5 菖蒲河口" \
    "an unknown checkpoint is vetoed with the route's checkpoints"
like "$(scan "$patrol" "$li" "$north_route" 1 2>&1)" "this patrol follows route $east, 筒子河东段" \
    "a patrol keeps to one route"
like "$(scan "$guard" "$zhang" "$east" 1 2>&1)" \
    "shift $guard belongs to project" "a shift of another programme is not a patrol"

# --- the end of the patrols: completion, distance, credit ------------------------
at "2026-03-07 11:00"
for p in 张伟 李娜 陈静 赵强; do tandem checkout "$p" >/dev/null; done   # 刘洋 forgets
results=$(tandem events --topic 'patrol.*' | grep -E 'patrol\.(not_)?credited')
like "$results" "patrol.credited            plugin:river_patrol" "checking out ends a patrol"
like "$results" "shift=$patrol person=$zhang percent=100 metres=781 route=$east scanned=5 total=5" \
    "张伟 scanned 5 of 5 in order over 781 m: credited"
like "$(printf '%s\n' "$results" | grep "person=$li ")" \
    "patrol.not_credited" "李娜's patrol is not credited in 南池子社区 (80%)"
like "$(printf '%s\n' "$results" | grep "person=$li ")" \
    "percent=60 metres=886 route=$east scanned=3 total=5" \
    "for 3 of 5 in order (太庙东门 came after 南池子南口), and the walk back counts in the distance"
like "$(printf '%s\n' "$results" | grep "person=$chen ")" "patrol.credited" \
    "陈静 walked the route the other way: still in order, credited"
like "$(printf '%s\n' "$results" | grep "person=$zhao ")" \
    "patrol.credited" "赵强's 3 of 5 (60%) is credited in 北池子社区 (60%)"
at "2026-03-07 13:30"
tandem attendance close-forgotten >/dev/null
liu_result=$(tandem events --topic 'patrol.*' | grep "person=$liu ")
like "$liu_result" "patrol.not_credited" \
    "a forgotten check-out closed by the core ends the patrol too; one that scanned nothing is not credited"
like "$liu_result" "percent=0 metres=0 scanned=0" "with 0% and 0 m"
like "$(scan "$patrol" "$zhang" "$east" 1 2>&1)" "the patrol of 张伟 on shift $patrol has ended" \
    "no scans after the end"
like "$(emit patrol.credited "{\"shift\":$patrol,\"person\":$li,\"percent\":100,\"metres\":900}")" \
    "the patrol of person $li on shift $patrol was already recorded by event" \
    "a patrol's result is recorded once, also by hand"

# --- points for patrols ------------------------------------------------------------
like "$(tandem points balance 张伟)" "2 积分" "a credited patrol earns 2 points (the default)"
like "$(tandem points balance 赵强)" "3 积分" "3 in 北池子社区, whose section overrides it"
like "$(tandem points balance 李娜)" "0 积分" "an uncredited patrol earns none"
like "$(tandem points history 张伟)" "+2 巡河「筒子河东段」完成 100%，781 米 ← attendance" \
    "the award names the patrol and its attendance"
att=$(tandem attendance list --person 赵强 --json | grep '"id"' | head -n 1 | tr -dc 0-9)
tandem attendance revoke "$att" --reason "代签，核实无效" >/dev/null
like "$(tandem points balance 赵强)" "0 积分" "revoking the attendance takes the patrol's points back"

# --- an incident's life cycle ------------------------------------------------------
at "2026-03-07 09:30"
out=$(emit incident.reported "{\"kind\":\"litter\",\"place\":$south,\"location\":\"39.9098,116.4026\",\"description\":\"太庙东门岸边有塑料袋\",\"photo\":\"IMG_0413.jpg\",\"reporter\":$li,\"shift\":$patrol}")
like "$out" "incident.reported" "李娜 reports litter with a location, a photo and a description"
litter=$(printf '%s\n' "$out" | id_of)
like "$(emit incident.reported "{\"kind\":\"fire\",\"place\":$south,\"location\":\"39.9,116.4\",\"description\":\"?\"}")" \
    "use litter, pollution, illegal_fishing, drowning_hazard or damaged_facility" "an unknown kind is vetoed"
like "$(emit incident.reported "{\"kind\":\"litter\",\"place\":$south,\"location\":\"太庙东门\",\"description\":\"?\"}")" \
    "location: '太庙东门' is not LAT,LON" "so is a location that is not LAT,LON"
out=$(emit incident.resolved "{\"incident\":$litter}")
is "$?" 3 "resolving an incident nobody was assigned is vetoed"
like "$out" "incident $litter is reported: it must be assigned before it can be resolved" "saying why"
like "$(emit incident.verified "{\"incident\":$litter,\"verifier\":$wang}")" \
    "incident $litter is reported: it must be resolved before it can be verified" \
    "so is verifying it"
like "$(emit incident.assigned "{\"incident\":$litter,\"unit\":$zhang}")" \
    "there is no organisation $zhang" "the unit must be an organisation"
like "$(emit incident.assigned "{\"incident\":$litter,\"unit\":$unit}")" "incident.assigned" \
    "it is assigned to 东城区水务局"
like "$(emit incident.assigned "{\"incident\":$litter,\"unit\":$unit}")" \
    "incident $litter was already assigned" "but only once"
like "$(emit incident.resolved "{\"incident\":$litter,\"note\":\"已清理\"}")" "incident.resolved" \
    "the unit resolves it"
like "$(emit incident.verified "{\"incident\":$litter,\"verifier\":$zhang}")" \
    "person $zhang is not a social worker, supervisor or staff member" "a volunteer cannot verify"
out=$(emit incident.verified "{\"incident\":$litter,\"verifier\":$wang}")
like "$out" "→ event" "a social worker verifies it"
like "$(tandem points history 李娜)" "+1 上报河心事件 $litter（垃圾）已核实" \
    "and its reporter earns 1 point"
like "$(emit incident.verified "{\"incident\":$litter,\"verifier\":$wang}")" \
    "incident $litter was already verified" "an incident is verified once"
like "$(emit incident.assigned "{\"incident\":999,\"unit\":$unit}")" "there is no incident 999" \
    "an unknown incident is refused"

# --- escalation, on an injected clock ------------------------------------------------
fishing=$(emit incident.reported "{\"kind\":\"illegal_fishing\",\"place\":$north,\"location\":\"39.9170,116.4020\",\"description\":\"骑河楼附近有人撒网\",\"reporter\":$zhao}" | id_of)
hazard=$(emit incident.reported "{\"kind\":\"drowning_hazard\",\"place\":$south,\"location\":\"39.9079,116.4030\",\"description\":\"南池子南口护栏缺口\"}" | id_of)
taken=$(emit incident.reported "{\"kind\":\"pollution\",\"place\":$north,\"location\":\"39.9190,116.4019\",\"description\":\"北池子桥下有油污\"}" | id_of)
emit incident.assigned "{\"incident\":$taken,\"unit\":$unit}" >/dev/null
at "2026-03-07 10:30"
tandem tick >/dev/null
is "$(count incident.escalated)" 0 "after an hour nothing is escalated"
at "2026-03-07 11:31"
tandem tick >/dev/null
is "$(count incident.escalated)" 1 "after 2 hours the unassigned incident in 北池子社区 is escalated"
like "$(tandem events --topic incident.escalated)" "incident=$fishing hours=2" "that one"
alerts=$(tandem alerts)
like "$alerts" "river.incident_unassigned  北池子社区  河心事件 $fishing（非法捕鱼，北池子社区）上报 2 小时仍未派单，请东城区河长办处理" \
    "an alert names the incident and the community's responsible unit"
like "$(tandem alerts --json)" '"kind": "river.incident_unassigned"' "its kind is river.incident_unassigned"
at "2026-03-07 14:31"
tandem tick >/dev/null
at "2026-03-07 18:31"
tandem tick >/dev/null
is "$(count incident.escalated)" 1 "later ticks do not escalate it again"
is "$(tandem alerts --json | grep -c '"id":')" 1 "nor raise another alert"
like "$(emit incident.escalated "{\"incident\":$fishing,\"hours\":9}")" \
    "incident $fishing was already escalated" "escalating it by hand is vetoed too"
at "2026-03-08 09:31"
tandem tick >/dev/null
is "$(count incident.escalated)" 2 "南池子社区's incident waits the default 24 hours"
like "$(tandem events --topic incident.escalated)" "incident=$hazard hours=24" "then it is escalated"
like "$(tandem alerts)" "河心事件 $hazard（溺水隐患，南池子社区）上报 24 小时仍未派单，请尽快派单" \
    "without a responsible unit, the alert asks for an assignment"
is "$(tandem events --topic incident.escalated | grep -c "incident=$taken ")" 0 \
    "an assigned incident is never escalated"

# --- the tables ------------------------------------------------------------------------
if command -v sqlite3 >/dev/null 2>&1; then
    is "$(sqlite3 "$DB" "SELECT count(*), round(sum(length_m)) FROM p_river_patrol_routes")" "2|1560.0" \
        "the routes table holds both routes and their lengths"
    is "$(sqlite3 "$DB" "SELECT group_concat(state, ',') FROM (SELECT state FROM p_river_patrol_incidents ORDER BY id)")" \
        "verified,reported,reported,assigned" "the incidents table holds each incident's state"
else
    n=$((n + 1)); echo "ok $n # SKIP sqlite3 is not installed"
    n=$((n + 1)); echo "ok $n # SKIP sqlite3 is not installed"
fi

done_testing
