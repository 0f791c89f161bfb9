-- school_guard.lua — 护学蓝: volunteers guard the school gates of a community
-- when children arrive and leave. One INI section per community runs it for
-- one project:
--
--   [script.guard_jinsong]
--   file = school_guard.lua
--   project = 劲松北护学蓝
--   gates = 劲松一小东门, 劲松一小西门
--
-- Every day at roster_time it makes sure each gate has a shift for each duty
-- window on each school day of the next days_ahead days (the school calendar:
-- term dates, holidays, make-up working days 调休上班). From alert_hours before
-- a window, an under-filled window raises one alert that names volunteers who
-- could still come. Check-in is accepted within the window ± tolerance. A
-- completed window earns points_per_window, and bad_weather_bonus more on a
-- day a weather.* event called bad. Everything it touches is its own
-- project's guard shifts, so two sections (two communities) run side by side.

tandem.register{
  version = "1.0.0",
  summary = "护学蓝 school-route guards: duty windows at school gates on school days",
  instances = "many", -- one section per community, sharing guard.underfilled
  options = {
    project = { type = "text", default = "",
                doc = "name or id of the project this section manages (default: the only "
                   .. "project whose programme is school_guard)" },
    gates = { type = "list", default = "",
              doc = "names or ids of the gates (sites of site_kind school_gate); default: "
                 .. "every school gate in the project's place" },
    windows = { type = "list", default = "07:20-08:00, 16:30-17:15",
                doc = "duty windows on a school day, HH:MM-HH:MM" },
    min_guards = { type = "integer", default = 2, min = 1, max = 50,
                   doc = "fewest confirmed guards a gate needs in a window" },
    capacity = { type = "integer", default = 0, min = 0, max = 100,
                 doc = "places of each window's shift; 0: twice min_guards" },
    tolerance = { type = "integer", default = 10, min = 0, max = 120,
                  doc = "minutes around the window in which check-in is accepted" },
    points_per_window = { type = "real", default = 1, min = 0, max = 1000,
                          doc = "points for a completed window" },
    bad_weather_bonus = { type = "real", default = 1, min = 0, max = 1000,
                          doc = "extra points for a window on a bad-weather day" },
    bad_weather = { type = "list",
                    default = "大雨, 暴雨, 大雪, 暴雪, 冰雹, 雷电, 大风, 沙尘暴, 寒潮, 高温, "
                           .. "大雾, 霾, 道路结冰",
                    doc = "a weather level that contains one of these words is bad weather" },
    days_ahead = { type = "integer", default = 7, min = 1, max = 60,
                   doc = "days (today included) the roster covers" },
    alert_hours = { type = "integer", default = 48, min = 1, max = 720,
                    doc = "how long before a window an under-filled window raises an alert" },
    candidates = { type = "integer", default = 5, min = 0, max = 50,
                   doc = "how many volunteers an alert names at most" },
    term_start = { type = "text", default = "", doc = "first day of term, YYYY-MM-DD" },
    term_end = { type = "text", default = "", doc = "last day of term, YYYY-MM-DD" },
    holidays = { type = "list", default = "",
                 doc = "days without school: dates and ranges (2026-05-01..2026-05-05)" },
    workdays = { type = "list", default = "",
                 doc = "make-up working days (调休上班) that are school days: dates and ranges" },
    title = { type = "text", default = "护学岗", doc = "the first word of each shift's title" },
    roster_time = { type = "text", default = "06:00", doc = "when the roster is made each day" },
  },
}

local opt = tandem.options
local DAY = 86400

-- Every section that runs this file declares guard.underfilled; with
-- instances = "many" they share it.
tandem.declare("guard.underfilled", {
  shift = "integer", project = "integer", site = "integer?", starts_at = "integer",
  confirmed = "integer", min_guards = "integer", candidates = "text", alert = "integer?",
})

local function fail(fmt, ...)
  error(string.format(fmt, ...), 0)
end

local function items(v) -- a list option as a table (older cores gave "" for an empty one)
  return type(v) == "table" and v or {}
end

-- ---------------------------------------------------------------------------
-- The school calendar, read once when the script loads

local function parse_date(s)
  local y, m, d = string.match(s or "", "^%s*(%d%d%d%d)-(%d%d?)-(%d%d?)%s*$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local t = os.time{ year = y, month = m, day = d, hour = 12 }
  local back = os.date("*t", t)
  if back.year ~= y or back.month ~= m or back.day ~= d then return nil end
  return t -- noon of that day
end

local function day_key(t)
  return os.date("%Y-%m-%d", t)
end

-- A set of "YYYY-MM-DD" from dates and ranges FROM..TO.
local function date_set(key)
  local set = {}
  for _, item in ipairs(items(opt[key])) do
    local a, b = string.match(item, "^%s*(.-)%s*%.%.%s*(.-)%s*$")
    local from, to = parse_date(a or item), parse_date(b or item)
    if not from or not to then
      fail("%s: '%s' is not a date (YYYY-MM-DD) or a range (2026-05-01..2026-05-05)", key, item)
    end
    if to < from or to - from > 366 * DAY then
      fail("%s: '%s' must run forwards, for at most a year", key, item)
    end
    for t = from, to + 3600, DAY do set[day_key(t)] = true end
  end
  return set
end

local function term_day(key)
  if opt[key] == "" then return nil end
  local t = parse_date(opt[key])
  if not t then fail("%s: '%s' is not a date (YYYY-MM-DD)", key, opt[key]) end
  return day_key(t)
end

local HOLIDAYS, WORKDAYS = date_set("holidays"), date_set("workdays")
local TERM_START, TERM_END = term_day("term_start"), term_day("term_end")
if TERM_START and TERM_END and TERM_END < TERM_START then
  fail("term_end: %s is before term_start %s", TERM_END, TERM_START)
end

local function clock(s)
  local h, m = string.match(s, "^(%d%d?):(%d%d)$")
  h, m = tonumber(h), tonumber(m)
  if not h or h > 23 or m > 59 then return nil end
  return h, m
end

local WINDOWS = {}
for _, item in ipairs(items(opt.windows)) do
  local plain = item:gsub("–", "-"):gsub("～", "-"):gsub("~", "-")
  local a, b = string.match(plain, "^%s*([%d:]+)%s*%-%s*([%d:]+)%s*$")
  local sh, sm = clock(a or "")
  local eh, em = clock(b or "")
  if not sh or not eh or eh * 60 + em <= sh * 60 + sm then
    fail("windows: '%s' is not a window such as 07:20-08:00 (the end after the start)", item)
  end
  WINDOWS[#WINDOWS + 1] = { sh = sh, sm = sm, eh = eh, em = em,
                            label = string.format("%02d:%02d-%02d:%02d", sh, sm, eh, em) }
end
if #WINDOWS == 0 then fail("windows: give at least one window, such as 07:20-08:00") end
local CAPACITY = opt.capacity == 0 and 2 * opt.min_guards or opt.capacity
if CAPACITY < opt.min_guards then
  fail("capacity: %d is less than min_guards %d", CAPACITY, opt.min_guards)
end
if not clock(opt.roster_time) then
  fail("roster_time: '%s' is not a time of day (HH:MM)", opt.roster_time)
end

-- A school day: in term, and a weekday that is no holiday, or a make-up working day.
local function school_day(t)
  local key = day_key(t)
  if (TERM_START and key < TERM_START) or (TERM_END and key > TERM_END) then return false end
  if WORKDAYS[key] then return true end
  local wday = os.date("*t", t).wday -- 1 = Sunday, 7 = Saturday
  return wday ~= 1 and wday ~= 7 and not HOLIDAYS[key]
end

-- ---------------------------------------------------------------------------
-- The shared model: this section's project, its gates, their places

local function the_project()
  local want = opt.project
  if want == "" then
    local found = tandem.list("project", { programme = "school_guard" }, 2)
    return #found == 1 and found[1] or nil
  end
  local id = math.tointeger(tonumber(want))
  if id then return tandem.get("project", id) end
  local found = tandem.list("project", { name = want }, 10)
  if #found > 1 then
    local guard = {}
    for _, p in ipairs(found) do
      if p.programme == "school_guard" then guard[#guard + 1] = p end
    end
    found = guard
  end
  return #found == 1 and found[1] or nil
end

-- The place and its parents: {place, parent, ...} (at most 8 levels).
local function chain(id)
  local list = {}
  while id and #list < 8 do
    local p = tandem.get("place", id)
    if not p then break end
    list[#list + 1] = p
    id = p.parent
  end
  return list
end

local function inside(id, ancestor)
  for _, p in ipairs(chain(id)) do
    if p.id == ancestor then return true end
  end
  return false
end

local function community_of(site, project)
  for _, p in ipairs(chain(site)) do
    if p.kind == "community" then return p.id end
  end
  return project.place
end

-- The gates this section guards, as place records.
local function the_gates(project)
  local gates = {}
  if #items(opt.gates) == 0 then
    for _, p in ipairs(tandem.list("place", { kind = "site", site_kind = "school_gate" }, 1000)) do
      if inside(p.id, project.place) then gates[#gates + 1] = p end
    end
    return gates
  end
  for _, name in ipairs(items(opt.gates)) do
    local id = math.tointeger(tonumber(name))
    local found = id and { tandem.get("place", id) } or tandem.list("place", { name = name }, 10)
    if #found > 1 then
      local near = {}
      for _, p in ipairs(found) do
        if inside(p.id, project.place) then near[#near + 1] = p end
      end
      found = near
    end
    local gate = found[1]
    if #found ~= 1 then
      tandem.log.warn(string.format("gate '%s': %s", name,
                      #found == 0 and "there is no such place" or "the name is not unique"))
    elseif gate.kind ~= "site" or gate.site_kind ~= "school_gate" then
      tandem.log.warn(string.format("gate '%s' is not a site of site_kind school_gate", name))
    else
      gates[#gates + 1] = gate
    end
  end
  return gates
end

-- A guard shift of this section's project, or nil.
local function our_shift(id, project)
  local shift = id and tandem.get("shift", id)
  if not shift or shift.kind ~= "guard" then return nil end
  project = project or the_project()
  if not project or shift.project ~= project.id then return nil end
  return shift, project
end

local function hm(t)
  return os.date("%H:%M", t)
end

local function describe(shift)
  return string.format("%s %s", os.date("%Y-%m-%d", shift.starts_at), shift.title)
end

-- ---------------------------------------------------------------------------
-- The roster: a shift per gate, window and school day

local function make_roster(project, now)
  local gates = the_gates(project)
  local today = os.date("*t", now)
  local have = {}
  for _, s in ipairs(tandem.list("shift", { project = project.id, starts_at_min = now,
                                            starts_at_max = now + (opt.days_ahead + 1) * DAY },
                                 10000)) do
    have[(s.site or 0) .. "@" .. s.starts_at] = true
  end
  local made = 0
  for d = 0, opt.days_ahead - 1 do
    local noon = os.time{ year = today.year, month = today.month, day = today.day + d, hour = 12 }
    if school_day(noon) then
      local day = os.date("*t", noon)
      for _, gate in ipairs(gates) do
        for _, w in ipairs(WINDOWS) do
          local starts = os.time{ year = day.year, month = day.month, day = day.day,
                                  hour = w.sh, min = w.sm, sec = 0 }
          local ends = os.time{ year = day.year, month = day.month, day = day.day,
                                hour = w.eh, min = w.em, sec = 0 }
          local key = gate.id .. "@" .. starts
          if starts > now and not have[key] then
            local id, err = tandem.emit("shift.created", {
              project = project.id, site = gate.id, kind = "guard",
              title = string.format("%s %s %s", opt.title, gate.name, w.label),
              starts_at = starts, ends_at = ends, capacity = CAPACITY,
            })
            if not id then error("shift.created: " .. tostring(err)) end
            have[key] = true
            made = made + 1
          end
        end
      end
    end
  end
  if made > 0 then
    tandem.log.info(string.format("roster: %d new shifts until %s", made,
                    day_key(now + (opt.days_ahead - 1) * DAY)))
  end
end

-- ---------------------------------------------------------------------------
-- Under-filled windows: one alert each, from alert_hours before the window

local function who_could(shift, community)
  if opt.candidates == 0 then return {} end
  local near, far = {}, {}
  for _, c in ipairs(tandem.candidates(shift.id, 500)) do
    local p = tandem.get("person", c.id)
    local list = (p and p.community == community) and near or far
    list[#list + 1] = c
  end
  local names = {}
  for _, list in ipairs{ near, far } do
    for _, c in ipairs(list) do
      if #names < opt.candidates then names[#names + 1] = c.name .. " " .. c.volunteer_no end
    end
  end
  return names
end

local function check_underfilled(project, now)
  local shifts = tandem.list("shift", { project = project.id, kind = "guard",
                                        starts_at_min = now + 1,
                                        starts_at_max = now + opt.alert_hours * 3600 }, 10000)
  local team = tandem.get("team", project.team)
  for _, shift in ipairs(shifts) do
    local key = "alerted:" .. shift.id
    local confirmed = tandem.count("signup", { shift = shift.id, status = "confirmed" })
    if confirmed < opt.min_guards and not tandem.kv.get(key) then
      local community = community_of(shift.site, project)
      local names = who_could(shift, community)
      local listed = #names > 0 and table.concat(names, "、") or "无"
      local message = string.format(
        "%s 已确认 %d 人，至少需要 %d 人（还差 %d 人）；可联系的志愿者：%s",
        describe(shift), confirmed, opt.min_guards, opt.min_guards - confirmed, listed)
      local alert, err = tandem.emit("alert.raised", {
        kind = "guard.underfilled", message = message, place = community,
        subject = shift.id, person = team and team.leader or nil,
      })
      if not alert then error("alert.raised: " .. tostring(err)) end
      tandem.emit("guard.underfilled", {
        shift = shift.id, project = project.id, site = shift.site, starts_at = shift.starts_at,
        confirmed = confirmed, min_guards = opt.min_guards,
        candidates = table.concat(names, ", "), alert = alert,
      })
      tandem.kv.set(key, alert)
    end
  end
end

local function current_time()
  local ev = tandem.current()
  return ev and ev.time or tandem.now()
end

tandem.timer(tandem.name .. "_roster", "daily " .. opt.roster_time)

tandem.on("timer." .. tandem.name .. "_roster", function()
  local project, now = the_project(), current_time()
  if not project then
    tandem.log.warn("no project to manage: set project = NAME in [script." .. tandem.name .. "]")
    return
  end
  make_roster(project, now)
  check_underfilled(project, now)
end)

tandem.on("timer.hourly", function()
  local project = the_project()
  if project then check_underfilled(project, current_time()) end
end)

-- ---------------------------------------------------------------------------
-- Check-in: within the window ± tolerance

tandem.before("attendance.checked_in", function(ev)
  local shift = our_shift(ev.shift)
  if not shift then return end
  local at = ev.at or current_time()
  local slack = opt.tolerance * 60
  local from, to = shift.starts_at - slack, shift.ends_at + slack
  local window = hm(shift.starts_at) .. "–" .. hm(shift.ends_at)
  if at < from then
    return false, string.format("护学岗 %s 最早 %s 签到（提前 %d 分钟以内）"
      .. "(check-in for the %s guard window opens at %s)", window, hm(from), opt.tolerance,
      window, hm(from))
  elseif at > to then
    return false, string.format("护学岗 %s 最晚 %s 签到（结束后 %d 分钟以内）"
      .. "(check-in for the %s guard window closed at %s)", window, hm(to), opt.tolerance,
      window, hm(to))
  end
end)

-- ---------------------------------------------------------------------------
-- Weather: the day's weather per place, in the key/value area

local function bad_level(ev, topic)
  local level = type(ev.level) == "string" and ev.level or string.match(topic, "[^.]+$")
  if type(ev.bad) == "boolean" then return ev.bad, level end
  for _, word in ipairs(items(opt.bad_weather)) do
    if string.find(level, word, 1, true) then return true, level end
  end
  return false, level
end

-- The bad weather of a shift's day at its gate or any place above it, or nil.
local function bad_weather(shift)
  local day = day_key(shift.starts_at)
  for _, p in ipairs(chain(shift.site)) do
    if tandem.kv.get("bad:" .. day .. ":" .. p.id) then
      return tandem.kv.get("weather:" .. day .. ":" .. p.id) or "bad weather"
    end
  end
  return nil
end

-- ---------------------------------------------------------------------------
-- Points per completed window

local COUNTED = { closed = true, auto_closed = true, corrected = true }

-- The attendance and its shift, if it is a completed window of ours.
local function completed(id, project)
  local a = tandem.get("attendance", id)
  if not a or not COUNTED[a.status] or not a.checkout_at then return nil end
  local shift
  shift, project = our_shift(a.shift, project)
  if not shift then return nil end
  local slack = opt.tolerance * 60
  if a.checkin_at > shift.starts_at + slack or a.checkout_at < shift.ends_at - slack then
    tandem.log.info(string.format("attendance %d does not cover %s: no points", a.id,
                    describe(shift)))
    return nil
  end
  return a, shift, project
end

local function award_bonus(a, shift, level, project)
  local bonus = tandem.option("bad_weather_bonus", community_of(shift.site, project),
                              shift.starts_at)
  tandem.kv.set("bonus:" .. a.id, true)
  if bonus <= 0 then return end
  local ok, err = tandem.points.award{
    person = a.person, points = bonus, attendance = a.id, category = "guard", at = a.checkin_at,
    reason = string.format("恶劣天气加分（%s）", level),
  }
  if not ok then error(err) end
end

local function award_for(id)
  local a, shift, project = completed(id)
  if not a then return end
  local points = tandem.option("points_per_window", community_of(shift.site, project),
                               shift.starts_at)
  if points > 0 then
    local ok, err = tandem.points.award{
      person = a.person, points = points, attendance = a.id, category = "guard",
      at = a.checkin_at, reason = "完成护学时段",
    }
    if not ok then error(err) end
  end
  local level = bad_weather(shift)
  if level then award_bonus(a, shift, level, project) end
end

tandem.on("attendance.checked_out", function(ev) award_for(ev.attendance) end)
tandem.on("attendance.auto_closed", function(ev) award_for(ev.attendance) end)
tandem.on("attendance.approved", function(ev)
  -- an approved back-entry (补录), or a correction: the core took back what
  -- the attendance had earned; it earns again what it is worth now
  if ev.attendance then award_for(ev.attendance) end
  if ev.correction then
    local k = tandem.get("correction", ev.correction)
    if k then award_for(k.attendance) end
  end
end)

-- A weather report: {community = NAME or id (or place = ...), level = "大雨",
-- date = "YYYY-MM-DD" (default: the day of the event), bad = true/false
-- (default: from bad_weather)}. A bad day counts for the whole day: windows
-- already completed that day get their bonus now.
tandem.on("weather.*", function(ev, topic)
  local where = ev.community or ev.place
  if where == nil then return end
  local project = the_project()
  if not project then return end
  local day = ev.date and parse_date(ev.date)
  if ev.date and not day then
    tandem.log.warn(string.format("%s: date '%s' is not a date (YYYY-MM-DD); ignored", topic,
                    tostring(ev.date)))
    return
  end
  local d = os.date("*t", day or current_time())
  local from = os.time{ year = d.year, month = d.month, day = d.day, hour = 0 }
  local key_day = day_key(from)
  local places = math.type(where) == "integer" and { tandem.get("place", where) }
                 or tandem.list("place", { name = tostring(where) }, 10)
  local gates = the_gates(project)
  local bad, level = bad_level(ev, topic)
  for _, place in ipairs(places) do
    local ours = false
    for _, gate in ipairs(gates) do ours = ours or inside(gate.id, place.id) end
    if ours then
      local suffix = key_day .. ":" .. place.id
      local was_bad = tandem.kv.get("bad:" .. suffix)
      if bad or not was_bad then tandem.kv.set("weather:" .. suffix, level) end
      if bad and not was_bad then
        tandem.kv.set("bad:" .. suffix, true)
        for _, a in ipairs(tandem.list("attendance", { project = project.id,
                                                       checkin_at_min = from,
                                                       checkin_at_max = from + DAY - 1 }, 10000)) do
          if not tandem.kv.get("bonus:" .. a.id) then
            local done, shift = completed(a.id, project)
            if done and inside(shift.site, place.id) then
              award_bonus(done, shift, level, project)
            end
          end
        end
      end
    end
  end
end)
