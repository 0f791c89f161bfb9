#!/bin/sh
# demo.sh — `tandem demo` on the sample configuration (etc/tandem.ini): it
# completes, its summary agrees with what the journal holds (recomputed from
# `tandem events --json` by tests/demo_check), one seed gives one database,
# it never replaces a database it did not make, and switching one programme
# off in the INI leaves the others working and its data where it was.
. "$TOP_SRCDIR/tests/lib.sh"

INI="$TOP_SRCDIR/etc/tandem.ini"
CHECK="$TOP_BUILDDIR/tests/demo_check"
tandem() { "$TANDEM" -c "$INI" "$@"; }

# tap_include: renumbers another TAP stream into this one
tap_include() {
    while IFS= read -r line; do
        case "$line" in
        "not ok "*) ok 1 "${line#not ok * - }" ;;
        "ok "*) ok 0 "${line#ok * - }" ;;
        "#"*) echo "$line" ;;
        esac
    done
}

# --- the demo completes, and says what it did --------------------------------
tandem demo --db "$T/demo.db" --seed 7 --json >"$T/summary.json" 2>"$T/demo.err"
ok $? "tandem demo --seed 7 completes"
is "$(cat "$T/demo.err")" "" "without a warning or an error"
summary=$(cat "$T/summary.json")
like "$summary" '"community": "劲松北社区"' "the summary has the Beijing pilot communities"
like "$summary" '"community": "角奎社区"' "and Yiliang's"
# every community did something
for place in 劲松北社区 农光里社区 黄化门社区 柳荫街社区 角奎社区 乌峰社区; do
    minutes=$(tr -d '\n' <"$T/summary.json" | sed "s/.*\"community\": \"$place\"[^}]*\"minutes\": \([0-9]*\).*/\1/")
    [ "${minutes:-0}" -gt 600 ]
    ok $? "$place: more than 10 hours of service (${minutes:-none} minutes)"
done

# --- the numbers are the journal's ------------------------------------------
tandem --db "$T/demo.db" events --json >"$T/events.json"
ok $? "tandem events --json reads the demo's journal"
"$CHECK" "$T/summary.json" "$T/events.json" >"$T/check.tap"
ok $? "demo_check recomputed every figure from the journal"
tap_include <"$T/check.tap"

# --- each programme left its mark ----------------------------------------------
for topic in guard.underfilled elder.overdue elder.visited patrol.credited incident.verified \
    incident.escalated courier.hazard courier.hazard_merged courier.hazard_confirmed \
    reward.redeemed reward.confirmed weather.warning; do
    count=$(tandem --db "$T/demo.db" events --topic "$topic" | grep -c "$topic")
    [ "$count" -gt 0 ]
    ok $? "the journal has $topic events ($count)"
done
out=$(tandem --db "$T/demo.db" report station_yiliang_service_learning --from 2026-03-01 --to 2026-03-31 --format csv)
like "$out" "彝良职高" "the vocational station's service-learning report lists the school's students"

# --- one seed, one database ------------------------------------------------------
tandem demo --db "$T/again.db" --seed 7 --json >"$T/again.json" 2>/dev/null
tandem --db "$T/again.db" events --json >"$T/again-events.json"
sed 's/again\.db/demo.db/' "$T/again.json" | cmp -s - "$T/summary.json"
ok $? "the same seed gives the same summary"
cmp -s "$T/again-events.json" "$T/events.json"
ok $? "and the same journal, event for event (redemption codes included)"
tandem demo --db "$T/other.db" --seed 8 --json >"$T/other.json" 2>/dev/null
sed 's/other\.db/demo.db/; s/"seed": 8/"seed": 7/' "$T/other.json" | cmp -s - "$T/summary.json"
[ $? -ne 0 ]
ok $? "another seed gives other numbers"
tandem demo --db "$T/demo.db" --seed 7 --quiet >"$T/table.txt" 2>&1
ok $? "a demo database is replaced by the next demo"
like "$(cat "$T/table.txt")" "合计" "the table ends with a total row"

# --- the state is what the journal says: rebuilt, it is the same ----------------
out=$(tandem --db "$T/rebuilt.db" rebuild "$T/demo.db")
like "$out" "events copied from" "tandem rebuild copies the demo's journal into a new database"
for table in person team project shift signup attendance service_month service_person \
    service_community_month account transfer \
    balance redemption need alert p_river_patrol_routes p_river_patrol_patrols \
    p_river_patrol_incidents; do
    a=$(sqlite3 "$T/demo.db" "SELECT * FROM $table ORDER BY 1" | cksum)
    b=$(sqlite3 "$T/rebuilt.db" "SELECT * FROM $table ORDER BY 1" | cksum)
    is "$b" "$a" "rebuilt $table is row for row the demo's"
done
# the reports' totals agree with the monthly summary they are kept beside
a=$(sqlite3 "$T/demo.db" "SELECT person, sum(minutes), sum(times) FROM service_month GROUP BY person")
b=$(sqlite3 "$T/demo.db" "SELECT person, minutes, times FROM service_person ORDER BY person")
is "$b" "$a" "service_person holds each volunteer's totals of service_month"
a=$(sqlite3 "$T/demo.db" "SELECT community, month, sum(minutes), sum(times) FROM service_month GROUP BY community, month")
b=$(sqlite3 "$T/demo.db" "SELECT community, month, minutes, times FROM service_community_month ORDER BY community, month")
is "$b" "$a" "service_community_month holds each community's monthly totals"
err=$(tandem --db "$T/rebuilt.db" rebuild "$T/demo.db" 2>&1)
[ $? -ne 0 ]
ok $? "a rebuild into a database that has a journal is refused"
like "$err" "already has a journal: rebuild into a new database" "saying the new database must be new"
err=$(tandem --db "$T/demo.db" rebuild "$T/demo.db" 2>&1)
like "$err" "cannot be" "a database cannot be rebuilt into itself"

# --- somebody's data is never replaced ------------------------------------------
tandem --db "$T/real.db" place add --name 朝阳区 --kind district >/dev/null
before=$(cksum <"$T/real.db")
err=$(tandem demo --db "$T/real.db" 2>&1)
[ $? -eq 1 ]
ok $? "tandem demo refuses a database it did not make"
like "$err" "was not made by tandem demo" "and says why"
is "$(cksum <"$T/real.db")" "$before" "the database is untouched"
err=$("$TANDEM" demo --weeks 0 2>&1)
like "$err" "--weeks" "a bad --weeks is a usage error"

# --- one programme off: the others go on, its data stays ---------------------------
# The sample INI without the river patrol sections (the plugin and its override).
awk '/^\[plugin.river_patrol/ { skip = 1; next } /^\[/ { skip = 0 } !skip' "$INI" >"$T/noriver.ini"
off() { "$TANDEM" -c "$T/noriver.ini" --db "$T/demo.db" "$@"; }
plugins=$(off plugins)
case "$plugins" in *river_patrol*) ok 1 "river_patrol is off" ;; *) ok 0 "river_patrol is off" ;; esac
like "$plugins" "couriers_jinsong" "the other programmes still load"
# first_field TOPIC FIELD: the field of the first such event in the journal
first_field() {
    tandem --db "$T/demo.db" events --topic "$1" --json | tr -d ' \n' |
        grep -o "\"$2\":[0-9]*" | head -1 | cut -d: -f2
}
incidents_before=$(tandem --db "$T/demo.db" events --topic "incident.*" | wc -l)
courier=$(first_field courier.registered person)
out=$(TANDEM_NOW="2026-03-30 10:00" off emit courier.hazard_reported \
    '{"reporter":'"$courier"',"kind":"streetlight","lat":39.8838,"lon":116.4612,"text":"路灯不亮"}' 2>&1)
like "$out" "courier.hazard" "a courier's report is still accepted and becomes a hazard"
TANDEM_NOW="2026-03-30 06:00" off tick >/dev/null
ok $? "the timers of the others still fire"
out=$(TANDEM_NOW="2026-03-30 10:30" off emit elder.visited '{"elder":'"$(first_field elder.enrolled person)"',"visitor":'"$(first_field elder.visited visitor)"',"minutes":40,"wellbeing":"精神不错"}' 2>&1)
like "$out" "elder.visited" "an elder-care visit is still logged"
is "$(tandem --db "$T/demo.db" events --topic "incident.*" | wc -l)" "$incidents_before" \
    "the river incidents are all still in the journal"
out=$(tandem --db "$T/demo.db" plugins)
like "$out" "river_patrol" "switched back on, the plugin loads on the same database"
incident=$(first_field incident.verified incident)
out=$(TANDEM_NOW="2026-03-30 11:00" tandem --db "$T/demo.db" emit incident.resolved '{"incident":'"$incident"',"note":"已处理"}' 2>&1)
like "$out" "已核实" "and its incidents are as they were: a verified one cannot be resolved again"

done_testing
