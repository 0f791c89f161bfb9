#!/bin/sh
# points.sh — points, rewards and matching as a community uses them: a month
# of attendance earns points by the shipped rule, a community's override
# changes its own points only, history explains every entry, a rules
# preview changes nothing, the last reward goes to exactly one of two
# racing volunteers, and a need meets a resource and a project.
. "$TOP_SRCDIR/tests/lib.sh"

DB="$T/points.db"
tandem() { "$TANDEM" -c "$T/points.ini" --db "$DB" "$@"; }
at() { TANDEM_NOW="$1"; export TANDEM_NOW; }

cat > "$T/points.ini" <<INI
[core]
script_dir = $TOP_SRCDIR/scripts
log_level = error
[script.points]
coefficient = 1.0
monthly_cap = 25
[script.points@劲松北社区]
coefficient = 1.5
INI

at "2026-02-27 09:00"
tandem place add --name 北京市 --kind city >/dev/null
tandem place add --name 朝阳区 --kind district --parent 北京市 >/dev/null
tandem place add --name 劲松街道 --kind street --parent 朝阳区 >/dev/null
tandem place add --name 劲松北社区 --kind community --parent 劲松街道 >/dev/null
tandem place add --name 农光里社区 --kind community --parent 劲松街道 >/dev/null
tandem person add --name 王芳 --roles social_worker --community 劲松北社区 >/dev/null
tandem person add --name 张伟 --roles volunteer --community 劲松北社区 >/dev/null
tandem person add --name 李娜 --roles volunteer --community 农光里社区 >/dev/null
tandem team add --name 红绿先锋 --place 劲松街道 --leader 王芳 --status new >/dev/null
tandem project add --name 护学蓝 --team 红绿先锋 --place 劲松街道 --programme school_guard >/dev/null

# --- a month of school-route guard duty: 20 school days in March 2026 --------
day=2; days=0
while [ "$days" -lt 20 ]; do
    date=$(printf '2026-03-%02d' "$day")
    dow=$(date -d "$date" +%u)
    day=$((day + 1))
    [ "$dow" -ge 6 ] && continue
    days=$((days + 1))
    at "2026-02-28 10:00"
    tandem shift add --project 护学蓝 --title "护学岗" --kind guard \
        --starts-at "$date 07:20" --ends-at "$date 08:20" --capacity 4 > "$T/shift.out"
    shift=$(sed 's/shift \([0-9]*\) added/\1/' "$T/shift.out")
    tandem signup "$shift" 张伟 >/dev/null
    [ "$days" -le 10 ] && tandem signup "$shift" 李娜 >/dev/null
    at "$date 07:20"
    tandem checkin "$shift" 张伟 >/dev/null
    [ "$days" -le 10 ] && tandem checkin "$shift" 李娜 >/dev/null
    at "$date 08:20"
    tandem checkout 张伟 >/dev/null
    [ "$days" -le 10 ] && tandem checkout 李娜 >/dev/null
done
ok 0 "20 school days of duty recorded"

like "$(tandem points balance 李娜)" "李娜 V00000008: 10 积分" \
    "the shipped rule gives an hour of guard duty 1 point (10 hours: 10 points)"
like "$(tandem points balance 张伟)" "张伟 V00000007: 25 积分" \
    "劲松北社区's coefficient 1.5 applies to its volunteer only, up to the monthly cap (30 → 25)"
hist=$(tandem points history 张伟)
is "$(printf '%s\n' "$hist" | grep -c '← attendance [0-9]* ← shift [0-9]* 护学岗')" 17 \
    "every award in the history names its attendance and shift (17 awards fill the cap)"
like "$hist" "+1.5 护学岗 60分钟 × 1.5 × 1 ← attendance" "and how it was computed"
like "$(printf '%s\n' "$hist" | grep '03-24')" "+1 护学岗 60分钟 × 1.5 × 1" \
    "the award that reached the cap was cut to what was left (1 of 1.5)"

# --- revoked attendance gives its points back -------------------------------
att=$(tandem attendance list --person 李娜 --json | grep '"id"' | head -n 1 | tr -dc 0-9)
tandem attendance revoke "$att" --reason "代签，核实无效" >/dev/null
like "$(tandem points balance 李娜)" "9 积分" "revoking an attendance reverses its point"
like "$(tandem points history 李娜)" "reverse" "and the history shows the reversal"

# --- a manual adjustment is audited --------------------------------------------
err=$(tandem points adjust 李娜 --points 5 --reason 补发 --approver 张伟 2>&1)
is "$?" 3 "an adjustment approved by a volunteer is vetoed"
tandem points adjust 李娜 --points 5 --reason "线下活动补发" --approver 王芳 >/dev/null
like "$(tandem points balance 李娜)" "14 积分" "an adjustment by a social worker counts"
like "$(tandem events --topic points.adjusted)" "reason=线下活动补发 approver=6" \
    "and is journaled with its reason and approver"

# --- rules preview ---------------------------------------------------------------
sed 's/default = "guard:1.0,/default = "guard:2.0,/' "$TOP_SRCDIR/scripts/points.lua" > "$T/new.lua"
before=$(cksum < "$DB")
out=$(tandem rules preview --script points --file "$T/new.lua")
is "$?" 0 "rules preview runs a changed rule over the journal"
like "$out" "V00000008  李娜  14   23             9" \
    "and prints each person's balance now and with the new rule (guard factor 2: +9)"
like "$out" "V00000007  张伟  25   25" "a capped balance stays capped"
is "$(cksum < "$DB")" "$before" "the database file is byte-identical afterwards"

# --- two redemptions race for the last item -------------------------------------
at "2026-04-01 10:00"
tandem org add --name 劲松超市 --kind merchant --place 劲松北社区 >/dev/null
wins=0 losses=0
for round in 1 2 3 4 5; do
    tandem reward add --name "洗衣液$round" --org 劲松超市 --cost 1 --stock 1 >/dev/null
    tandem redeem 张伟 "洗衣液$round" >"$T/a.out" 2>&1 &
    a=$!
    tandem redeem 李娜 "洗衣液$round" >"$T/b.out" 2>&1 &
    b=$!
    wait "$a"; ra=$?
    wait "$b"; rb=$?
    if [ $((ra + rb)) -eq 3 ] && { [ "$ra" -eq 0 ] || [ "$rb" -eq 0 ]; }; then
        wins=$((wins + 1))
    else
        losses=$((losses + 1))
        cat "$T/a.out" "$T/b.out" | sed 's/^/# /'
    fi
done
is "$wins/$losses" "5/0" "two redemptions racing for the last item: exactly one succeeds, five times out of five"
like "$(tandem redeem 张伟 洗衣液1 2>&1)" "已兑完 (out of stock)" "the loser is told it is out of stock"
code=$(tandem redemption list --json | grep '"code"' | head -n 1 | cut -d'"' -f4)
tandem redemption confirm "$code" >/dev/null
ok $? "the merchant confirms a code"
tandem redemption confirm "$code" >/dev/null 2>&1
is "$?" 1 "but only once"
tandem reward add --name 理发券 --org 劲松超市 --cost 2 --stock 3 >/dev/null
before=$(tandem points balance 张伟)
out=$(tandem redeem 张伟 理发券)
code=$(printf '%s' "$out" | sed -n 's/.*code \([0-9A-Z]*\).*/\1/p')
tandem redemption cancel "$code" --reason 不需要了 >/dev/null
is "$(tandem points balance 张伟)" "$before" "a cancellation returns the points"
like "$(tandem reward show 理发券)" "库存 stock                 3" "and the stock"

# --- a reward for one community ---------------------------------------------------
tandem reward add --name 社区专享券 --org 劲松超市 --cost 1 --stock 5 --community 劲松北社区 >/dev/null
tandem reward add --name 街道通用券 --org 劲松超市 --cost 1 --stock 5 --community 劲松街道 >/dev/null
err=$(tandem redeem 李娜 社区专享券 2>&1)
is "$?" 3 "a volunteer of another community cannot redeem a community's reward"
like "$err" "“社区专享券”仅限劲松北社区兑换 (reward " "and is told it is for that community"
like "$err" "is for 劲松北社区 only)" "in English too"
tandem redeem 张伟 社区专享券 >/dev/null
ok $? "a volunteer of the community can"
tandem redeem 李娜 街道通用券 >/dev/null
ok $? "a reward for a street is for the communities inside it too"
tandem person add --name 赵强 --roles volunteer >/dev/null
tandem points adjust 赵强 --points 5 --reason 补发 --approver 王芳 >/dev/null
err=$(tandem redeem 赵强 街道通用券 2>&1)
is "$?" 3 "a person without a community cannot redeem a community's reward"
like "$err" "is for 劲松街道 only" "and is told why"

# --- the supply–demand report before there is any need -------------------------
out=$(tandem match --all 2>&1)
is "$?" 0 "match --all runs when no need is recorded at all"
like "$out" "needs: 0 open, 0 matched" "and counts none"

# --- needs meet resources, projects and volunteers -------------------------------
tandem org add --name 劲松社工站 --kind social_work_agency --place 劲松街道 >/dev/null
tandem resource add --org 劲松社工站 --category venue --name 党群服务中心活动室 --place 劲松北社区 \
    --confirmed-on 2026-03-20 --tags 场地,排练 >/dev/null
tandem resource add --org 劲松超市 --category service --name 上门陪伴服务 --place 朝阳区 \
    --confirmed-on 2026-03-20 --tags 陪伴 >/dev/null
tandem project add --name 永愿助老 --team 红绿先锋 --place 农光里社区 --target-groups 独居老人,陪伴 >/dev/null
tandem person update 李娜 --skills 陪伴,聊天 >/dev/null
tandem need add --place 劲松北社区 --category venue --description "老年合唱队需要每周排练场地" \
    --source survey --requester 赵桂兰 >/dev/null
tandem need add --place 农光里社区 --category companionship --description "独居老人需要有人陪伴聊天" \
    --source visit --urgency urgent >/dev/null
need=$(tandem need list --json | grep '"id"' | head -n 1 | tr -dc 0-9)
out=$(tandem match "$need")
like "$(printf '%s\n' "$out" | sed -n 3p)" "党群服务中心活动室" "the venue is the best match for the choir's need"
res=$(tandem resource list --json | grep '"id"' | head -n 1 | tr -dc 0-9)
proj=$(tandem project list --json | grep -B1 '永愿助老' | grep '"id"' | tr -dc 0-9)
tandem match "$need" --accept "resource:$res" >/dev/null
ok $? "the need is matched to a resource"
tandem match "$need" --accept "project:$proj" >/dev/null
ok $? "and to a project"
like "$(tandem need show "$need")" "matched" "the need is marked matched"
like "$(tandem events --topic need.matched)" "kind=project" "both matches are journaled"
like "$(tandem need show "$need")" "赵*" "the requester's name stays masked"

lonely=$(tandem need list --json | grep '"id"' | sed -n 2p | tr -dc 0-9)
default_top=$(tandem match "$lonely" | sed -n 3p)
like "$default_top" "project   $proj  永愿助老" "by the default score the elder-care project comes first"
printf '[script.match_score]\n' >> "$T/points.ini"
scripted_top=$(tandem match "$lonely" | sed -n 3p)
like "$scripted_top" "person" "with the scoring script a nearby volunteer comes first"
like "$scripted_top" "李娜" "李娜, who has the skill"
report=$(tandem match --all --community 劲松街道)
like "$report" "needs: 1 open, 1 matched" "the supply–demand report counts needs"
like "$report" "companionship  1" "and needs and resources by category"
tandem place add --name 双井街道 --kind street --parent 朝阳区 >/dev/null
out=$(tandem match --all --community 双井街道 2>&1)
is "$?" 0 "match --all runs for a place without needs"
like "$out" "needs: 0 open, 0 matched" "and counts none there"

# --- points balance --json names the person ---------------------------------------
json=$(tandem points balance 李娜 --json)
like "$json" '"volunteer_no": "V00000008"' "points balance --json gives the volunteer number"
like "$json" '"name": "李娜"' "and the name"

# --- a needs survey without places ------------------------------------------------
printf '需求类别,需求描述\n陪伴,独居老人需要陪伴\n' > "$T/noplace.csv"
err=$(tandem import needs "$T/noplace.csv" 2>&1)
is "$?" 1 "a needs survey without places (and no --community) is refused"
like "$err" "row 2: place: required (the sheet has no column for it; add one, or give --community)" \
    "naming the row and the field, not the event's topic"
printf '社区,需求类别,需求描述\n,陪伴,独居老人需要陪伴\n' > "$T/emptyplace.csv"
err=$(tandem import needs "$T/emptyplace.csv" 2>&1)
like "$err" 'row 2, column 1 (A, "社区"): place: required' "an empty place cell names its column"

# --- what scripts read: redemptions in points, alerts; refused awards -------------
cat > "$T/peek.lua" <<'LUA'
tandem.register{ version = "1.0" }
tandem.declare("peek.asked", { person = "integer" })
tandem.on("peek.asked", function(ev)
  local all = tandem.list("redemption")
  local listed = all[#all]
  local got = tandem.get("redemption", listed.id)
  tandem.log.warn("costs " .. tostring(listed.cost) .. " " .. tostring(got.cost))
  local alerts = tandem.list("alert", { person = ev.person })
  tandem.log.warn("alerts " .. tandem.count("alert") .. " " .. #alerts .. " " .. alerts[1].kind
    .. " " .. tandem.get("alert", alerts[1].id).message .. " closed_by readable: "
    .. tostring(pcall(tandem.count, "alert", { closed_by = "cli:root" })))
  local _, first = tandem.points.award{ person = 999999, points = 1 }
  local _, second = tandem.points.award{ person = ev.person, points = -1 }
  tandem.log.warn("first: " .. tostring(first))
  tandem.log.warn("second: " .. tostring(second))
end)
LUA
printf '[core]\nlog_level = warn\n[script.peek]\nfile = %s\n' "$T/peek.lua" > "$T/peek.ini"
peek() { "$TANDEM" -c "$T/peek.ini" --db "$DB" "$@"; }
peek emit alert.raised '{"kind":"test.lonely","message":"三天没有走访","person":8}' >/dev/null
peek emit alert.raised '{"kind":"test.other","message":"别的提醒"}' >/dev/null
tandem reward add --name 纪念徽章 --org 劲松超市 --cost 1.5 --stock 5 >/dev/null
tandem redeem 张伟 纪念徽章 >/dev/null
log=$(peek emit peek.asked '{"person":8}' 2>&1)
like "$log" "costs 1.5 1.5" "tandem.list and tandem.get give a redemption's cost in points"
like "$log" "alerts 2 1 test.lonely 三天没有走访 closed_by readable: false" \
    "scripts read alerts (without who closed them) with tandem.list, tandem.count and tandem.get"
like "$log" "first: points.awarded: person: there is no person 999999" "a refused award says why"
like "$log" "second: points.awarded: points: the amount must be positive" \
    "and the next refused award in the same handler gives its own reason, not the first's"
out=$(tandem alerts --for 李娜)
like "$out" "三天没有走访" "tandem alerts --for PERSON shows the alerts for that person"
case $out in *别的提醒*) ok 1 "and no others" ;; *) ok 0 "and no others" ;; esac

done_testing
