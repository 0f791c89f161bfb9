-- vocational_station.lua — 职教+志愿: a volunteer station at a vocational
-- school (彝良职高's 志愿服务站), run by four parties: the government that
-- guides it (政府指导), a social-work agency that runs it (专业机构), the
-- school whose students serve (职业院校) and the community where the
-- service lands (社区落地).
--
-- The station's duty roster is the shifts of one project (option project).
-- For sign-ups to those shifts, this script adds what a county's team asks
-- for its students, most of whom are minors (未成年人, under 18):
--   * a guardian's consent: the core already refuses a minor without one;
--     this script relies on that and does not repeat it;
--   * a weekly cap on a minor's service: counted service of the week, plus
--     the week's other active sign-ups, plus the new shift, may not exceed
--     weekly_hours;
--   * no night duty: a minor's shift must start at or after earliest_start
--     and end by latest_end on the same day.
-- Each term it gives the school a service-learning report (服务学习): every
-- student's hours, converted to credits by the configured rule, as CSV.
--
-- One file serves any number of stations: each [script.NAME] section that
-- names this file is one station, with its own options and report. Every
-- rule option can also differ by place and date ([script.NAME from
-- 2026-07-01], [script.NAME@社区 from 2026-07-01]); the station's place is
-- its project's.

tandem.register{
  version = "1.0.0",
  summary = "职教+志愿: weekly caps and no night duty for minors, service-learning credits",
  instances = "many", -- one section per station, all running this file
  options = {
    project = { type = "text", default = "",
                doc = "required: the station's project (name or id); its shifts are the duty roster" },
    school = { type = "text", default = "",
               doc = "required: the vocational school (organisation name or id); its people are the students" },
    government = { type = "text", default = "", doc = "the guiding government body (政府指导)" },
    agency = { type = "text", default = "", doc = "the social-work agency (专业机构)" },
    community = { type = "text", default = "",
                  doc = "where the service lands (社区落地): a place or an organisation" },
    weekly_hours = { type = "real", default = "6", min = 0, max = 168,
                     doc = "most hours of service a minor may have in a week (Monday to Sunday)" },
    earliest_start = { type = "text", default = "06:00",
                       doc = "a minor's shift may not start before this time (HH:MM)" },
    latest_end = { type = "text", default = "21:00",
                   doc = "a minor's shift may not end after this time, nor the next day (HH:MM)" },
    hours_per_credit = { type = "real", default = "16", min = 1, max = 1000,
                         doc = "hours of service that earn one credit" },
    credit_step = { type = "real", default = "1", min = 0, max = 100,
                    doc = "credits are rounded down to a multiple of this (0.5: half credits)" },
    max_credits = { type = "real", default = "2", min = 0, max = 100,
                    doc = "most credits a student earns in a term" },
    all_projects = { type = "boolean", default = "no",
                     doc = "credit service in every project, not only the station's" },
  },
}

local ADULT_AGE = 18 -- the core's age for a guardian's consent
local COUNTED = { closed = true, auto_closed = true, corrected = true }

-- "HH:MM" -> minutes after midnight; an error names the option.
local function clock(key, value)
  local h, m = string.match(value or "", "^%s*(%d%d?):(%d%d)%s*$")
  h, m = tonumber(h), tonumber(m)
  if not h or h > 24 or m > 59 or (h == 24 and m > 0) then
    error(string.format("option %s: write a time of day as HH:MM (e.g. 21:00), not '%s'",
                        key, tostring(value)), 0)
  end
  return h * 60 + m
end

-- Checked once, when the script loads: a missing key or a bad time refuses
-- the script. (project and school are not declared `required`: the host
-- would then demand them in every [script.NAME from DATE] section too.)
for _, key in ipairs{ "project", "school" } do
  if tandem.options[key] == "" then
    error(string.format("[script.%s] needs '%s' (see docs/programmes/vocational_station.md)",
                        tandem.name, key), 0)
  end
end
clock("earliest_start", tandem.options.earliest_start)
clock("latest_end", tandem.options.latest_end)

-- A record by id ("12") or by name; nil when there is none.
local function resolve(noun, value)
  if value == nil or value == "" then return nil end
  if string.match(value, "^%d+$") then return tandem.get(noun, tonumber(value)) end
  return tandem.list(noun, { name = value }, 1)[1]
end

local function station_project()
  local p = resolve("project", tandem.options.project)
  if not p then
    tandem.log.warn("project '" .. tandem.options.project .. "' does not exist: no rules apply")
  end
  return p
end

local function age_on(birth_date, t)
  local y, m, d = string.match(birth_date or "", "^(%d+)-(%d+)-(%d+)$")
  if not y then return nil end
  local now = os.date("*t", t)
  local age = now.year - tonumber(y)
  if now.month < tonumber(m) or (now.month == tonumber(m) and now.day < tonumber(d)) then
    age = age - 1
  end
  return age
end

-- Monday 00:00 of t's week and the Monday after (Asia/Shanghai).
local function week_of(t)
  local d = os.date("*t", t)
  local back = (d.wday + 5) % 7
  return os.time{ year = d.year, month = d.month, day = d.day - back, hour = 0 },
         os.time{ year = d.year, month = d.month, day = d.day - back + 7, hour = 0 }
end

-- 150 -> "2 小时 30 分钟"
local function hm(minutes)
  local h, m = minutes // 60, minutes % 60
  if m == 0 then return string.format("%d 小时", h) end
  if h == 0 then return string.format("%d 分钟", m) end
  return string.format("%d 小时 %d 分钟", h, m)
end

local function hhmm(minutes)
  return string.format("%02d:%02d", minutes // 60, minutes % 60)
end

local function attended(person, shift)
  for _, a in ipairs(tandem.list("attendance", { person = person, shift = shift }, 100)) do
    if COUNTED[a.status] then return true end
  end
  return false
end

-- Minutes of the person's active sign-ups (confirmed, or waitlisted: a
-- promotion from the waiting list is not checked again) for shifts that
-- start in [from, to), other than `except`, not served yet and not over.
local function planned_minutes(person, from, to, except, now)
  local minutes = 0
  for _, status in ipairs{ "confirmed", "waitlisted" } do
    for _, g in ipairs(tandem.list("signup", { person = person, status = status }, 10000)) do
      local o = g.shift ~= except and tandem.get("shift", g.shift)
      if o and o.starts_at >= from and o.starts_at < to and o.ends_at > now
         and not attended(person, o.id) then
        minutes = minutes + (o.ends_at - o.starts_at) // 60
      end
    end
  end
  return minutes
end

tandem.before("signup.created", function(ev)
  local shift = tandem.get("shift", ev.shift)
  local person = tandem.get("person", ev.person)
  if not shift or not person then return end -- the core reports those
  local project = station_project()
  if not project or shift.project ~= project.id then return end
  local age = age_on(person.birth_date, shift.starts_at)
  if not age or age >= ADULT_AGE then return end
  -- A minor without a guardian's consent never gets here: the core's own
  -- rule (which runs first) refuses the sign-up.
  local place, at = project.place, shift.starts_at

  local earliest = clock("earliest_start", tandem.option("earliest_start", place, at))
  local latest = clock("latest_end", tandem.option("latest_end", place, at))
  local starts = os.date("*t", shift.starts_at)
  local from_min = starts.hour * 60 + starts.min
  local to_min = from_min + (shift.ends_at - shift.starts_at) // 60
  if from_min < earliest or to_min > latest then
    return false, string.format(
      "未成年志愿者不安排夜间值班：%s（%s–%s）须在 %s 至 %s 之间 "
        .. "(no night duty for minors: a shift must run between %s and %s)",
      shift.title, hhmm(from_min), hhmm(to_min % 1440), hhmm(earliest), hhmm(latest),
      hhmm(earliest), hhmm(latest))
  end

  local cap_hours = tandem.option("weekly_hours", place, at)
  local week_from, week_to = week_of(shift.starts_at)
  local now = (tandem.current() or {}).time
  if not now or now == 0 then now = tandem.now() end -- the sign-up's time
  local served = tandem.hours(person.id, week_from, week_to)
  local planned = planned_minutes(person.id, week_from, week_to, shift.id, now)
  local this = (shift.ends_at - shift.starts_at) // 60
  if served + planned + this > cap_hours * 60 then
    return false, string.format(
      "未成年志愿者每周服务不超过 %s：%s 本周已服务 %s，已报名 %s，本班次 %s "
        .. "(a minor serves at most %g hours a week)",
      hm(math.floor(cap_hours * 60)), person.name, hm(served), hm(planned), hm(this), cap_hours)
  end
end)

-- ---------------------------------------------------------------------------
-- The service-learning report (服务学习学分)

local function day(value, arg)
  local y, m, d = string.match(value or "", "^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then
    error(string.format("give the term as --from YYYY-MM-DD --to YYYY-MM-DD (%s is %s)",
                        arg, value and "'" .. value .. "'" or "missing"), 0)
  end
  return os.time{ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 0 }
end

-- A party's name as the report shows it: the record's name, or what the
-- option says when there is no such record.
local function party(option, nouns)
  local value = tandem.options[option]
  for _, noun in ipairs(nouns) do
    local r = resolve(noun, value)
    if r then return r.name end
  end
  return value
end

local function credits_for(minutes, place, at)
  local per = tandem.option("hours_per_credit", place, at)
  local step = tandem.option("credit_step", place, at)
  local most = tandem.option("max_credits", place, at)
  local credits
  if step > 0 then
    credits = math.floor(minutes / (per * 60 * step) + 1e-9) * step
  else
    credits = minutes / (per * 60)
  end
  credits = math.min(credits, most)
  return math.floor(credits * 100 + 0.5) / 100
end

-- Students are the school's people with the volunteer role (not its staff).
local function is_volunteer(p)
  for role in string.gmatch(p.roles or "", "[^,%s]+") do
    if role == "volunteer" then return true end
  end
  return false
end

local function number(x)
  if x == math.floor(x) then return string.format("%d", math.floor(x)) end
  return string.format("%g", x)
end

tandem.report(tandem.name .. "_service_learning",
  "职教+志愿 " .. tandem.name .. ": each student's hours and credits for a term "
    .. "(--from YYYY-MM-DD --to YYYY-MM-DD)",
  function(args)
    local from = day(args.from, "--from")
    local to = day(args.to, "--to") + 86400 -- the last day counts
    if to <= from then error("--to is before --from", 0) end
    local school = resolve("org", tandem.options.school)
    if not school then
      error("school '" .. tandem.options.school .. "' is not an organisation", 0)
    end
    local project = station_project()
    local all = tandem.options.all_projects
    local place = project and project.place or 0
    local parties = {
      school.name,
      party("government", { "org" }),
      party("agency", { "org" }),
      party("community", { "place", "org" }),
    }
    local headers = { "志愿者编号", "姓名", "服务次数", "服务分钟", "服务小时", "学分",
                      "学校", "指导单位", "专业机构", "服务社区" }
    local rows = {}
    for _, p in ipairs(tandem.list("person", { org = school.id }, 10000)) do
      if not is_volunteer(p) then goto next end
      local minutes, times = 0, 0
      local list = tandem.list("attendance",
        { person = p.id, checkin_at_min = from, checkin_at_max = to - 1 }, 10000)
      for _, a in ipairs(list) do
        if COUNTED[a.status] and (all or (project and a.project == project.id)) then
          minutes, times = minutes + a.minutes, times + 1
        end
      end
      local row = { p.volunteer_no, p.name, times, minutes,
                    string.format("%.1f", minutes / 60),
                    number(credits_for(minutes, place, from)) }
      for _, name in ipairs(parties) do row[#row + 1] = name end
      rows[#rows + 1] = row
      ::next::
    end
    return headers, rows
  end)
