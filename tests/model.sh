#!/bin/sh
# model.sh — the shared model as a social worker uses it: importing a roster
# from Excel (GB18030, Chinese headers), sign-up, check-in and out, hours,
# corrections by an approver, certificates, a script's veto, masking of ID
# numbers everywhere, and bad input refused with the field and the reason.
. "$TOP_SRCDIR/tests/lib.sh"

DB="$T/model.db"
export TANDEM_TZ_KEEP= TANDEM_ACTOR=root
unset TANDEM_TZ_KEEP
tandem() { "$TANDEM" -c "$T/model.ini" --db "$DB" "$@"; }
at() { TANDEM_NOW="$1"; export TANDEM_NOW; }
events() { tandem events --json 2>/dev/null | grep -c '"id":'; }

cat > "$T/model.ini" <<INI
[core]
script_dir = $TOP_SRCDIR/scripts
log_level = warn
[script.minor_rules]
INI

# --- a roster of 300 volunteers from Excel: GB18030, Chinese headers ----------
awk 'function check(s,  w, i, sum) {
         split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
         sum = 0
         for (i = 1; i <= 17; i++) sum += substr(s, i, 1) * w[i]
         return substr("10X98765432", sum % 11 + 1, 1)
     }
     BEGIN {
         split("张 王 李 赵 刘 陈 杨 黄 周 吴 徐 孙 马 朱 胡 郭 何 高 林 罗", s1, " ")
         split("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平", s2, " ")
         print "姓名,性别,出生日期,证件号码,手机,社区,技能"
         for (i = 1; i <= 300; i++) {
             name = s1[(i % 20) + 1] s2[(int(i / 20) % 20) + 1]
             if (i == 7) name = "欧阳娜娜"
             if (i == 8) name = "司马𠮷"
             if (i == 9) name = "陈䶮"
             birth = sprintf("19%02d%02d%02d", 50 + i % 45, i % 12 + 1, i % 28 + 1)
             id = sprintf("110105%s%03d", birth, i)
             id = id check(id)
             printf "%s,%s,%s-%s-%s,%s,139%08d,,%s\r\n", name, (i % 2 ? "男" : "女"),
                 substr(birth, 1, 4), substr(birth, 5, 2), substr(birth, 7, 2), id, i,
                 (i % 3 ? "交通引导" : "急救")
         }
     }' > "$T/roster.csv"
iconv -f UTF-8 -t GB18030 "$T/roster.csv" > "$T/roster-gb.csv"
cut -d, -f1 "$T/roster.csv" | tail -n +2 | tr -d '\r' > "$T/names.txt"
cut -d, -f4 "$T/roster.csv" | tail -n +2 > "$T/ids.txt"

# one bad cell: an ID number whose check digit is wrong, on spreadsheet row 57
awk -F, 'NR == 57 { $4 = substr($4, 1, 17) (substr($4, 18, 1) == "1" ? "2" : "1") } 1' OFS=, \
    "$T/roster.csv" | iconv -f UTF-8 -t GB18030 > "$T/roster-bad.csv"

at "2026-03-01 09:00"
tandem place add --name 北京市 --kind city >/dev/null
tandem place add --name 朝阳区 --kind district --parent 北京市 >/dev/null
tandem place add --name 劲松街道 --kind street --parent 朝阳区 >/dev/null
tandem place add --name 劲松北社区 --kind community --parent 劲松街道 --pilot yes >/dev/null
tandem place add --name 劲松一小东门 --kind site --parent 劲松北社区 --site-kind school_gate >/dev/null
before=$(events)

err=$(tandem import people "$T/roster-bad.csv" --community 劲松北社区 2>&1)
is "$?" 1 "an import with a bad row fails"
like "$err" 'row 57, column 4 (D, "证件号码"): id_number: the check digit should be' \
    "and names the row, the column and the reason"
like "$err" "nothing was imported" "saying nothing was imported"
is "$(events)" "$before" "and indeed nothing was imported"

out=$(tandem import people "$T/roster-gb.csv" --community 劲松北社区 2>&1)
like "$out" "imported 300 people from $T/roster-gb.csv (GB18030)" \
    "300 volunteers import from a GB18030 file with Chinese headers"
tandem export people --format json > "$T/people.json"
exported=$(grep '"name":' "$T/people.json" | sed 's/.*"name": "\(.*\)",/\1/')
printf '%s\n' "$exported" > "$T/exported-names.txt"
cmp -s "$T/names.txt" "$T/exported-names.txt"
ok $? "every name comes back intact (欧阳娜娜, 司马𠮷, 陈䶮 ...)"
like "$(tandem person list --limit 400)" "司马𠮷" "including a name that needs GB18030's 4-byte form"

err=$(tandem import people "$T/roster-gb.csv" 2>&1)
is "$?" 1 "importing the same roster again fails"
like "$err" "id_number: this ID number is already registered as" "because the people exist"

tandem import people "$T/roster-bad.csv" --skip-bad >"$T/skip.out" 2>"$T/skip.err"
like "$(cat "$T/skip.out")" "imported 0 people" "--skip-bad imports only the good rows"
like "$(cat "$T/skip.err")" "row 57, column 4" "and reports the skipped ones"

# --- the people who run a project ------------------------------------------
tandem person add --name 欧阳晓燕 --roles social_worker --community 劲松北社区 >/dev/null
tandem person add --name 上官明 --roles volunteer --birth-date 2010-05-01 --community 劲松北社区 >/dev/null
tandem org add --name 劲松街道社工站 --kind social_work_agency --in-charge 刘主任 --contact 欧阳晓燕 --phone 010-67890123 >/dev/null
tandem team add --name 红绿先锋 --place 劲松北社区 --leader 欧阳晓燕 --status new --org 劲松街道社工站 >/dev/null
tandem project add --name 护学蓝 --team 红绿先锋 --place 劲松北社区 --programme school_guard >/dev/null
tandem shift add --project 护学蓝 --site 劲松一小东门 --title 早高峰护学 --kind guard \
    --starts-at "2026-03-02 07:20" --ends-at "2026-03-02 08:00" --capacity 1 --skills 交通引导 >/dev/null
tandem shift add --project 护学蓝 --site 劲松一小东门 --title 夜间巡查 --kind patrol \
    --starts-at "2026-03-02 21:30" --ends-at "2026-03-02 23:00" --capacity 5 >/dev/null
zhang=$(tandem person list --json --limit 1 | grep volunteer_no | cut -d'"' -f4)
zhao=$(tandem person list --json --limit 3 | grep volunteer_no | sed -n 2p | cut -d'"' -f4)

# --- sign up, check in, check out, hours --------------------------------------
out=$(tandem signup 早高峰护学 "$zhang")
like "$out" "confirmed" "a volunteer signs up and is confirmed"
out=$(tandem signup 早高峰护学 "$zhao" 2>&1)
like "$out" "waitlisted" "the next one is waitlisted: the shift has one place"
err=$(tandem signup 早高峰护学 "$zhang" 2>&1)
is "$?" 3 "signing up twice for the same shift is refused"
like "$err" "已报名这个班次 (already signed up for shift " "as a duplicate, not as a clash with itself"
at "2026-03-02 07:12"
tandem checkin 早高峰护学 "$zhang" >/dev/null
ok $? "the volunteer checks in eight minutes early"
at "2026-03-02 08:05"
out=$(tandem checkout "$zhang")
like "$out" "53 分钟" "checks out, and the minutes are exact"
out=$(tandem hours "$zhang")
like "$out" "53 分钟（0 小时 53 分钟）, 1 次服务" "hours shows the exact minutes"

# --- a correction needs an approver and keeps the original -----------------
att=$(tandem attendance list --person "$zhang" --json | grep '"id"' | head -n 1 | tr -dc 0-9)
out=$(tandem attendance correct "$att" --checkin-at "2026-03-02 07:20" --reason "提前到岗不计入服务时长")
cor=$(printf '%s' "$out" | sed 's/correction \([0-9]*\).*/\1/')
like "$(tandem hours "$zhang")" "53 分钟" "a requested correction changes nothing yet"
err=$(tandem attendance approve --correction "$cor" --approver "$zhang" 2>&1)
is "$?" 3 "a volunteer cannot approve a correction"
like "$err" "the approver must be a social worker" "and is told why"
tandem attendance approve --correction "$cor" --approver 欧阳晓燕 >/dev/null
ok $? "the social worker approves it"
like "$(tandem hours "$zhang")" "45 分钟（0 小时 45 分钟）" "the hours follow the correction"
like "$(tandem attendance list --person "$zhang")" "corrected        53" \
    "the attendance keeps the original minutes beside the corrected ones"
like "$(tandem events --topic attendance.checked_in --json)" '"at":1772406720' \
    "and the journal still holds the original check-in (07:12)"
is "$(sqlite3 "$DB" "SELECT minutes, times FROM service_person WHERE person = (SELECT id FROM person WHERE volunteer_no = '$zhang')")" "45|1" \
    "the reports' totals follow the correction too (45 minutes, one person-time)"

# --- no full ID number anywhere --------------------------------------------
{
    tandem person list --limit 400
    tandem person list --json --limit 400
    tandem person show "$zhang"
    tandem person show "$zhang" --json
    tandem record "$zhang"
    tandem record "$zhang" --json
    tandem export people
    tandem export people --format json
    tandem export attendance
    tandem events
    tandem events --json
} > "$T/outputs.txt" 2>&1
leaked=$(grep -c -F -f "$T/ids.txt" "$T/outputs.txt")
is "$leaked" 0 "no full ID number appears in any list, show, record, export or event output"
like "$(tandem person show "$zhang")" "**********" "ID numbers are shown masked"
like "$(tandem place list --kind community --json)" '"pilot": true' "list --json shows a yes/no field as true or false"
like "$(tandem place show 劲松北社区 --json)" '"pilot": true' "and so does show --json"
like "$(tandem record "$zhang" --json)" '"registered_at": "2026-03-01 09:00"' \
    "record --json gives the registration time formatted like the other times"
printf '[core]\nprivileged_users = auditor\n' > "$T/strict.ini"
out=$(TANDEM_ACTOR=auditor "$TANDEM" -c "$T/strict.ini" --db "$DB" person reveal-id "$zhang" --reason 核对 2>&1)
like "$out" "may not see full ID numbers" \
    "only privileged system users may reveal an ID number (TANDEM_ACTOR does not count)"
out=$(tandem person reveal-id "$zhang" --reason "民政局核查身份")
like "$out" "$(head -n 1 "$T/ids.txt")" "a privileged user sees it, with a reason"
like "$(tandem events --topic audit.id_revealed)" "reason=民政局核查身份" "and the look is journaled"

# --- exports are Excel-friendly ------------------------------------------------
tandem export hours --output "$T/hours.csv"
head -c 3 "$T/hours.csv" | od -An -tx1 | grep -q "ef bb bf"
ok $? "CSV exports start with a UTF-8 byte-order mark"
grep -q "$(printf '\r')$" "$T/hours.csv"
ok $? "and end lines with CRLF"
like "$(cat "$T/hours.csv")" "志愿者编号,姓名,社区,服务分钟" "with Chinese headers"

# --- certificates --------------------------------------------------------------
at "2026-03-03 10:00"
out=$(tandem certificate issue "$zhang" --org 劲松街道社工站 --handler 李娜)
number=$(printf '%s' "$out" | sed -n 's/certificate \([0-9-]*\) issued.*/\1/p')
code=$(printf '%s' "$out" | sed -n 's/verification code: //p')
like "$out" "certificate 2026-" "a certificate is issued"
out=$(tandem certificate verify "$number" "$code")
is "$?" 0 "it verifies by number and code"
like "$out" "VALID" "and says so"
like "$out" "in its publicity period (公示期) until 2026-03-10" \
    "during the publicity period it is valid but not final"
at "2026-03-11 10:00"
out=$(tandem certificate verify "$number" "$code")
is "$?" 0 "after the publicity period it verifies"
case $out in *公示期*) ok 1 "and is final" ;; *) ok 0 "and is final" ;; esac
at "2026-03-03 10:00"
tandem org add --name 劲松物业公司 --kind enterprise >/dev/null
err=$(tandem certificate issue "$zhang" --org 劲松物业公司 2>&1)
is "$?" 1 "an organisation that kept no record cannot issue a certificate"
like "$err" "劲松物业公司 kept no record of" "and is told so"
tandem person update "$zhang" --org 劲松物业公司 >/dev/null
tandem certificate issue "$zhang" --org 劲松物业公司 >/dev/null
ok $? "the person's own organisation can"
tandem certificate verify "$number" "0000-0000-0000-0000" >/dev/null
is "$?" 1 "a wrong code fails"
tandem certificate show "$number" --output "$T/cert.json"
sed 's/"minutes": 45/"minutes": 450/' "$T/cert.json" > "$T/altered.json"
out=$(tandem certificate verify --file "$T/altered.json")
is "$?" 1 "an altered certificate fails verification"
like "$out" "do not match the code" "saying it was altered"
out=$(tandem certificate verify --file "$T/cert.json")
is "$?" 0 "the untouched file verifies"
tandem certificate show "$number" --html --output "$T/cert.html"
like "$(cat "$T/cert.html")" "志愿服务记录证明" "it prints as an HTML certificate"
like "$(cat "$T/cert.html")" "size: A4" "on A4"

# --- a Lua rule vetoes minors on night shifts -------------------------------
at "2026-03-01 10:00"
tandem person consent 上官明 --guardian 刘建国 >/dev/null
err=$(tandem signup 夜间巡查 上官明 2>&1)
is "$?" 3 "a script's veto of a minor on a night shift exits 3"
like "$err" "未成年志愿者不安排夜间班次（上官明 今年 15 岁）" "with the script's reason"

# --- bad input is refused, naming the field, and changes nothing ------------
before=$(events)
err=$(tandem signup 早高峰护学 nobody 2>&1); rc=$?
is "$rc" 1 "an unknown person is refused"
like "$err" "person: there is no person 'nobody'" "naming the field"
err=$(tandem person add --name 周明 --roles volunteer --birth-date 1990-02-30 2>&1)
like "$err" "birth_date: '1990-02-30' is not a date" "an impossible date is refused"
err=$(tandem person add --name 周明 --roles volunteer --id-number 110105199003071234 2>&1)
like "$err" "id_number: the check digit should be" "a bad ID check digit is refused"
err=$(tandem person add --name 周明 --roles volunteer --id-number 110105202606010018 2>&1)
like "$err" "the birth date 20260601 (characters 7–14) is in the future" \
    "a birth date after the core's clock (TANDEM_NOW) is in the future"
err=$(tandem person add --name 周明 --roles pilot 2>&1)
like "$err" "roles: 'pilot' is not one of" "an unknown role is refused"
err=$(tandem shift add --project 护学蓝 --title 错 --kind guard --starts-at "2026-03-05 09:00" --ends-at "2026-03-05 08:00" --capacity 1 2>&1)
like "$err" "ends_at: the shift must end after it starts" "a shift ending before it starts"
at "2026-03-03 10:00"
err=$(tandem signup 早高峰护学 欧阳晓燕 2>&1); rc=$?
is "$rc" 3 "signing up for a shift in the past is vetoed"
like "$err" "the shift has already started" "and says why"
at "2026-03-01 10:00"
tandem person add --name 小明 --roles volunteer --birth-date 2012-01-01 >/dev/null
err=$(tandem signup 夜间巡查 小明 2>&1)
like "$err" "a minor needs a guardian's recorded consent" "a minor without consent cannot sign up"
tandem shift add --project 护学蓝 --title 小班 --kind duty --starts-at "2026-03-04 09:00" --ends-at "2026-03-04 10:00" --capacity 1 >/dev/null
tandem signup 小班 欧阳晓燕 >/dev/null
tandem signup 小班 上官明 >/dev/null
err=$(tandem signup 小班 "$zhao" 2>&1)
like "$err" "is full: 1 places taken and 1 waiting" "an over-capacity sign-up is refused once the waitlist is full too"
at "2026-03-04 08:40"
tandem checkin 小班 欧阳晓燕 >/dev/null
at "2026-03-04 09:30"
err=$(tandem attendance back-entry 小班 欧阳晓燕 --checkin-at "2026-03-04 08:50" --checkout-at "2026-03-04 09:20" --reason 补录 2>&1)
like "$err" "overlap" "overlapping attendance is refused"
after=$(events)
is "$after" "$((before + 5))" "and refused input added nothing to the journal (only the 5 accepted events)"

# --- a new ID number gives a new gender and birth date -------------------------
tandem person add --name 郑华 --roles volunteer --id-number 110105199001010010 >/dev/null
tandem person update 郑华 --id-number 110105198803150029 >/dev/null
show=$(tandem person show 郑华)
like "$(printf '%s\n' "$show" | grep birth_date)" "1988-03-15" \
    "person update --id-number derives the birth date again"
like "$(printf '%s\n' "$show" | grep gender)" "女" "and the gender"

# --- check-in closes checkin_late minutes after the start ------------------------
tandem project add --name 晨练陪护 --team 红绿先锋 --place 劲松北社区 --checkin-late 10 >/dev/null
tandem shift add --project 晨练陪护 --title 晨练 --kind duty --starts-at "2026-03-05 07:00" \
    --ends-at "2026-03-05 08:00" --capacity 3 >/dev/null
tandem signup 晨练 "$zhang" >/dev/null
tandem signup 晨练 "$zhao" >/dev/null
at "2026-03-05 07:10"
tandem checkin 晨练 "$zhao" >/dev/null
ok $? "check-in is open until checkin_late minutes after the start"
at "2026-03-05 07:11"
err=$(tandem checkin 晨练 "$zhang" 2>&1)
is "$?" 3 "and refused after"
like "$err" "check-in closed at 07:10, 10 minutes after the shift starts" "naming the limit and the time"

# --- calendar -------------------------------------------------------------
at "2026-03-06 12:00"
tandem calendar "$zhang" --output "$T/zhang.ics" >/dev/null
like "$(cat "$T/zhang.ics")" "BEGIN:VEVENT" "calendar writes iCalendar events"
like "$(cat "$T/zhang.ics")" "DTSTART:20260301T232000Z" "with shift times in UTC"
like "$(cat "$T/zhang.ics")" "DTSTAMP:20260306T040000Z" "stamped with the core's clock (TANDEM_NOW)"
like "$(cat "$T/zhang.ics")" "X-WR-TIMEZONE:Asia/Shanghai" "naming the configured time zone"
printf '[core]\ntimezone = Asia/Urumqi\n' > "$T/tz.ini"
cal=$("$TANDEM" -c "$T/tz.ini" --db "$DB" calendar "$zhang")
like "$cal" "X-WR-TIMEZONE:Asia/Urumqi" "another configured zone is named"
like "$cal" "DTSTART:20260301T232000Z" "and the times stay in UTC"
printf '[core]\ntimezone = CST-8\n' > "$T/posix.ini"
cal=$("$TANDEM" -c "$T/posix.ini" --db "$DB" calendar "$zhang")
case $cal in *X-WR-TIMEZONE*) ok 1 "a POSIX rule names no zone" ;; *) ok 0 "a POSIX rule names no zone" ;; esac

done_testing
