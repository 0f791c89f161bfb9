#!/bin/sh
# programme_vocational_station.sh — 职教+志愿 (scripts/vocational_station.lua)
# as two counties run it: a minor without a guardian's consent is refused by
# the core, a minor's week is capped, night duty is refused, other projects
# are left alone, and each school gets a term's service-learning CSV with
# credits by its own rule. Two stations, two sets of rules, one file.
. "$TOP_SRCDIR/tests/lib.sh"

DB="$T/station.db"
tandem() { "$TANDEM" -c "$T/station.ini" --db "$DB" "$@"; }
at() { TANDEM_NOW="$1"; export TANDEM_NOW; }
shift_add() { # PROJECT TITLE START END
    tandem shift add --project "$1" --title "$2" --kind duty --starts-at "$3" --ends-at "$4" \
        --capacity 5 >/dev/null
}
serve() { # SHIFT PERSON START END: check in at START, out at END
    at "$3"
    tandem checkin "$1" "$2" >/dev/null
    at "$4"
    tandem checkout "$2" >/dev/null
}

cat > "$T/station.ini" <<INI
[core]
log_level = error

; 彝良: 政府指导 + 专业机构 + 职业院校 + 社区落地
[script.station_yiliang]
file = vocational_station.lua
project = 彝良职高志愿服务站
school = 彝良职高
government = 彝良县委社会工作部
agency = 禾心社工
community = 角奎社区
weekly_hours = 4
latest_end = 21:00
hours_per_credit = 4
max_credits = 2

; another county, other rules
[script.station_zhenxiong]
file = vocational_station.lua
project = 镇雄职中志愿服务站
school = 镇雄职中
government = 镇雄县委社会工作部
agency = 乌蒙社工
community = 乌峰社区
weekly_hours = 6
earliest_start = 07:00
latest_end = 20:00
hours_per_credit = 3
credit_step = 0.5
max_credits = 3

; in the summer holidays 镇雄's students may stay until 21:00
[script.station_zhenxiong from 2026-07-01]
latest_end = 21:00
INI

at "2026-02-27 09:00"
out=$(tandem plugins)
like "$(printf '%s\n' "$out" | grep '^station_yiliang ')" "lua   1.0.0    running" \
    "the 彝良 station runs from its INI section"
like "$(printf '%s\n' "$out" | grep '^station_zhenxiong ')" "lua   1.0.0    running" \
    "and so does 镇雄's, from the same file"

tandem place add --name 彝良县 --kind district >/dev/null
tandem place add --name 角奎社区 --kind community --parent 彝良县 >/dev/null
tandem place add --name 镇雄县 --kind district >/dev/null
tandem place add --name 乌峰社区 --kind community --parent 镇雄县 >/dev/null
tandem org add --name 彝良职高 --kind school --place 彝良县 >/dev/null
tandem org add --name 彝良县委社会工作部 --kind government --place 彝良县 >/dev/null
tandem org add --name 禾心社工 --kind social_work_agency --place 彝良县 >/dev/null
tandem org add --name 镇雄职中 --kind school --place 镇雄县 >/dev/null
tandem org add --name 镇雄县委社会工作部 --kind government --place 镇雄县 >/dev/null
tandem org add --name 乌蒙社工 --kind social_work_agency --place 镇雄县 >/dev/null
tandem person add --name 王老师 --roles social_worker --org 禾心社工 >/dev/null
tandem person add --name 赵老师 --roles social_worker --org 乌蒙社工 >/dev/null
tandem person add --name 张小明 --roles volunteer --birth-date 2009-05-01 --org 彝良职高 >/dev/null
tandem person add --name 李小红 --roles volunteer --birth-date 2010-09-01 --org 彝良职高 >/dev/null
tandem person add --name 王大伟 --roles volunteer --birth-date 2007-01-15 --org 彝良职高 >/dev/null
tandem person add --name 刘校长 --roles staff --org 彝良职高 >/dev/null
tandem person add --name 陈小燕 --roles volunteer --birth-date 2009-03-01 --org 镇雄职中 >/dev/null
tandem team add --name 彝良职教志愿队 --place 角奎社区 --leader 王老师 --status new >/dev/null
tandem team add --name 镇雄职教志愿队 --place 乌峰社区 --leader 赵老师 --status new >/dev/null
tandem project add --name 彝良职高志愿服务站 --team 彝良职教志愿队 --place 角奎社区 >/dev/null
tandem project add --name 护学蓝 --team 彝良职教志愿队 --place 角奎社区 >/dev/null
tandem project add --name 镇雄职中志愿服务站 --team 镇雄职教志愿队 --place 乌峰社区 >/dev/null

# the duty rosters (值班表): the week of 2 March, and later
Y=彝良职高志愿服务站
Z=镇雄职中志愿服务站
shift_add $Y 周一值班 "2026-03-02 16:00" "2026-03-02 18:00"
shift_add $Y 周三值班 "2026-03-04 16:00" "2026-03-04 18:00"
shift_add $Y 周四傍晚值班 "2026-03-05 18:30" "2026-03-05 20:30"
shift_add $Y 周五晚间值班 "2026-03-06 19:00" "2026-03-06 21:30"
shift_add $Y 周六值班 "2026-03-07 09:00" "2026-03-07 10:00"
shift_add $Y 周日早班 "2026-03-08 05:30" "2026-03-08 07:00"
shift_add $Y 下周一值班 "2026-03-09 16:00" "2026-03-09 18:00"
shift_add $Y 运动会保障 "2026-03-14 08:00" "2026-03-14 20:00"
shift_add $Y 暑期值班 "2026-07-10 09:00" "2026-07-10 11:00"
shift_add $Y 学期后值班 "2026-07-11 09:00" "2026-07-11 11:00"
shift_add 护学蓝 护学岗 "2026-03-03 07:00" "2026-03-03 08:00"
shift_add 护学蓝 夜间巡查 "2026-03-06 21:00" "2026-03-06 22:00"
shift_add $Z 镇雄周一值班 "2026-03-02 16:00" "2026-03-02 18:00"
shift_add $Z 镇雄周三值班 "2026-03-04 16:00" "2026-03-04 18:00"
shift_add $Z 镇雄周五晚班 "2026-03-06 18:30" "2026-03-06 20:30"
shift_add $Z 镇雄周六值班 "2026-03-07 09:00" "2026-03-07 10:00"
shift_add $Z 镇雄周六早班 "2026-03-07 06:30" "2026-03-07 08:00"
shift_add $Z 镇雄暑期晚班 "2026-07-08 19:00" "2026-07-08 20:30"

# --- guardian consent: the core's rule, relied on ---------------------------
at "2026-02-28 10:00"
err=$(tandem signup 周一值班 张小明 2>&1)
is "$?" 3 "a minor without a guardian's consent is refused"
like "$err" "未成年人报名需要监护人同意" "by the core, with its reason"
is "$(tandem signup list --person 张小明 | grep -c confirmed)" 0 "and no sign-up is recorded"
tandem person consent 张小明 --guardian 张建国 >/dev/null
tandem person consent 李小红 --guardian 李建华 >/dev/null
tandem person consent 陈小燕 --guardian 陈国强 >/dev/null
like "$(tandem signup 周一值班 张小明)" "confirmed" "once the guardian's consent is recorded, the sign-up is confirmed"
like "$(tandem signup 周三值班 张小明)" "confirmed" "a second duty in the week: 4 hours so far, within 彝良's cap"

# --- two stations, two sets of rules ---------------------------------------------
like "$(tandem signup 镇雄周一值班 陈小燕)" "confirmed" "镇雄: 2 hours"
like "$(tandem signup 镇雄周三值班 陈小燕)" "confirmed" "镇雄: 4 hours"
like "$(tandem signup 镇雄周六值班 陈小燕)" "confirmed" \
    "镇雄 caps a minor's week at 6 hours, so a fifth hour is fine there"
like "$(tandem signup 周四傍晚值班 李小红)" "confirmed" "彝良: a minor may serve until 21:00 (18:30–20:30)"
err=$(tandem signup 镇雄周五晚班 陈小燕 2>&1)
is "$?" 3 "镇雄 ends a minor's duty at 20:00: the same hours are refused there"
like "$err" "未成年志愿者不安排夜间值班：镇雄周五晚班（18:30–20:30）须在 07:00 至 20:00 之间" \
    "with the station's own hours in the reason"
err=$(tandem signup 镇雄周六早班 陈小燕 2>&1)
is "$?" 3 "镇雄 starts a minor's duty at 07:00: 06:30 is refused"
like "$(tandem signup 运动会保障 王大伟)" "confirmed" "an adult student takes a 12-hour duty: the caps are for minors"
like "$(tandem signup 周五晚间值班 王大伟)" "confirmed" "and a night duty"
tandem signup 护学岗 王大伟 >/dev/null
tandem signup 暑期值班 李小红 >/dev/null
tandem signup 学期后值班 李小红 >/dev/null

# --- a week of service, then the weekly cap ------------------------------------
serve 周一值班 张小明 "2026-03-02 16:00" "2026-03-02 18:00"
serve 镇雄周一值班 陈小燕 "2026-03-02 16:00" "2026-03-02 18:00"
serve 护学岗 王大伟 "2026-03-03 07:00" "2026-03-03 08:00"

at "2026-03-03 10:00"
like "$(tandem hours 张小明)" "120 分钟" "张小明 served 2 hours on Monday"
err=$(tandem signup 周六值班 张小明 2>&1)
is "$?" 3 "彝良: a third duty that week would make 5 hours: refused"
like "$err" "vetoed: 未成年志愿者每周服务不超过 4 小时：张小明 本周已服务 2 小时，已报名 2 小时，本班次 1 小时 (a minor serves at most 4 hours a week)" \
    "the reason counts the hours served, the confirmed sign-ups and the new shift"
err=$(tandem signup 周五晚间值班 张小明 2>&1)
is "$?" 3 "a minor's duty until 21:30 is refused"
like "$err" "未成年志愿者不安排夜间值班：周五晚间值班（19:00–21:30）须在 06:00 至 21:00 之间" \
    "as night duty, with the station's hours"
err=$(tandem signup 周日早班 张小明 2>&1)
like "$err" "周日早班（05:30–07:00）须在 06:00 至 21:00 之间" "and so is a duty starting at 05:30"
like "$(tandem signup 夜间巡查 张小明)" "confirmed" \
    "a shift of another project is not the station's business (the core's rules only)"
like "$(tandem signup 下周一值班 张小明)" "confirmed" "the next week starts afresh"

# --- the rest of the term ---------------------------------------------------------
serve 周三值班 张小明 "2026-03-04 16:00" "2026-03-04 18:00"
serve 镇雄周三值班 陈小燕 "2026-03-04 16:00" "2026-03-04 18:00"
serve 周四傍晚值班 李小红 "2026-03-05 18:30" "2026-03-05 20:30"
serve 周五晚间值班 王大伟 "2026-03-06 19:00" "2026-03-06 21:30"
serve 镇雄周六值班 陈小燕 "2026-03-07 09:00" "2026-03-07 10:00"
serve 下周一值班 张小明 "2026-03-09 16:00" "2026-03-09 18:00"
serve 运动会保障 王大伟 "2026-03-14 08:00" "2026-03-14 20:00"

at "2026-07-01 09:00"
like "$(tandem signup 镇雄暑期晚班 陈小燕)" "confirmed" \
    "镇雄's summer section ([script.station_zhenxiong from 2026-07-01]) allows 19:00–20:30"
serve 暑期值班 李小红 "2026-07-10 09:00" "2026-07-10 11:00"
serve 学期后值班 李小红 "2026-07-11 09:00" "2026-07-11 11:00"

# --- the service-learning reports ------------------------------------------------
at "2026-07-12 09:00"
out=$(tandem report)
like "$out" "station_yiliang_service_learning" "each station offers its own report"
like "$out" "station_zhenxiong_service_learning" "named after its section"

out=$(tandem report station_yiliang_service_learning --from 2026-02-23 --to 2026-07-10 \
    --output "$T/yiliang.csv")
is "$out" "3 rows written to $T/yiliang.csv" "彝良's CSV has a row per student (its staff are not students)"
is "$(head -c 3 "$T/yiliang.csv" | od -An -tx1 | tr -d ' \n')" "efbbbf" "it starts with a UTF-8 BOM, for Excel"
is "$(tr -cd '\r' < "$T/yiliang.csv" | wc -c | tr -d ' ')" "$(wc -l < "$T/yiliang.csv" | tr -d ' ')" \
    "and every line ends in CRLF"
csv=$(tr -d '\r' < "$T/yiliang.csv")
like "$csv" "志愿者编号,姓名,服务次数,服务分钟,服务小时,学分,学校,指导单位,专业机构,服务社区" \
    "the header names the columns and the four parties"
like "$csv" ",张小明,3,360,6.0,1,彝良职高,彝良县委社会工作部,禾心社工,角奎社区" \
    "6 hours at 4 hours a credit: 1 credit, rounded down (the 护学蓝 night patrol is another project)"
like "$csv" ",李小红,2,240,4.0,1,彝良职高," \
    "the term's last day counts, the day after does not"
like "$csv" ",王大伟,2,870,14.5,2,彝良职高," \
    "14.5 hours would be 3 credits, capped at 2; the 护学蓝 hour is not the station's"
like "$(printf '%s\n' "$csv" | grep -c 刘校长)" "0" "the school's staff are left out"

out=$(tandem report station_zhenxiong_service_learning --from 2026-02-23 --to 2026-07-10 \
    --output "$T/zhenxiong.csv")
is "$out" "1 rows written to $T/zhenxiong.csv" "镇雄's CSV lists its own student only"
like "$(tr -d '\r' < "$T/zhenxiong.csv")" ",陈小燕,3,300,5.0,1.5,镇雄职中,镇雄县委社会工作部,乌蒙社工,乌峰社区" \
    "5 hours at 3 hours a credit in half credits: 1.5"

err=$(tandem report station_yiliang_service_learning --from 2026-02-23 2>&1)
is "$?" 1 "a report without the term's end fails"
like "$err" "give the term as --from YYYY-MM-DD --to YYYY-MM-DD (--to is missing)" "and says what to give"

# --- a bad time refuses the station -------------------------------------------
sed 's/^latest_end = 21:00$/latest_end = 9pm/' "$T/station.ini" > "$T/bad.ini"
err=$("$TANDEM" -c "$T/bad.ini" --db "$T/bad.db" check-config 2>&1)
is "$?" 1 "check-config refuses a station whose latest_end is not HH:MM"
like "$err" "option latest_end: write a time of day as HH:MM (e.g. 21:00), not '9pm'" "and says why"

done_testing
