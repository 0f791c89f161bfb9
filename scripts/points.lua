-- points.lua — the shipped points rule (积分规则), in the common Chinese
-- scheme (Suzhou's DB3205/T 1001-2020 style): points = hours of service ×
-- coefficient × the category's factor, with caps per day and per month.
--
-- Every option can differ by place and date without copying this file:
--   [script.points]                        the district's default
--   [script.points@劲松北社区]               a community's own coefficient
--   [script.points@劲松北社区 from 2026-04-01]   ... from a given day on
-- A rule asks tandem.option(key, community, time) and gets the most
-- specific value. Revoked attendance gives its points back (the core does
-- that); a corrected attendance is awarded again at its corrected length.

tandem.register{
  version = "1.0.0",
  summary = "points = hours × coefficient × category factor, with daily and monthly caps",
  options = {
    coefficient = { type = "real", default = 1.0, min = 0, max = 100,
                    doc = "points per hour of service" },
    categories = { type = "list",
                   default = "guard:1.0, patrol:1.2, visit:1.5, counselling:1.5, childcare:1.2, "
                          .. "lecture:1.0, performance:1.0, duty:1.0, training:0.5, other:1.0",
                   doc = "factor per kind of shift, as kind:factor" },
    daily_cap = { type = "real", default = 8, min = 0, max = 1000, doc = "most points a day" },
    monthly_cap = { type = "real", default = 100, min = 0, max = 100000,
                    doc = "most points a calendar month" },
    min_minutes = { type = "integer", default = 10, min = 0, max = 1440,
                    doc = "shorter service earns nothing" },
  },
}

local COUNTED = { closed = true, auto_closed = true, corrected = true }

local function factor(list, kind)
  for _, item in ipairs(list) do
    local k, f = string.match(item, "^%s*([%w_]+)%s*:%s*([%d.]+)%s*$")
    if k == kind then return tonumber(f) end
  end
  return 1.0
end

local function day_start(t)
  local d = os.date("*t", t)
  return os.time{ year = d.year, month = d.month, day = d.day, hour = 0 }
end

local function month_bounds(t)
  local d = os.date("*t", t)
  local from = os.time{ year = d.year, month = d.month, day = 1, hour = 0 }
  local to = os.time{ year = d.year + (d.month == 12 and 1 or 0),
                      month = d.month % 12 + 1, day = 1, hour = 0 }
  return from, to
end

local function round2(x)
  return math.floor(x * 100 + 0.5) / 100
end

-- Awards the points an attendance record is worth, within the caps.
local function award_for(id)
  local a = tandem.get("attendance", id)
  if not a or not COUNTED[a.status] then return end
  local place, at = a.community, a.checkin_at
  if a.minutes < tandem.option("min_minutes", place, at) then return end
  local shift = tandem.get("shift", a.shift)
  local coefficient = tandem.option("coefficient", place, at)
  local f = factor(tandem.option("categories", place, at), shift.kind)
  local points = round2(a.minutes / 60 * coefficient * f)
  local day = day_start(at)
  local month_from, month_to = month_bounds(at)
  local left_today = tandem.option("daily_cap", place, at)
    - tandem.points.total(a.person, day, day + 86400, tandem.name)
  local left_month = tandem.option("monthly_cap", place, at)
    - tandem.points.total(a.person, month_from, month_to, tandem.name)
  points = round2(math.min(points, left_today, left_month))
  if points <= 0 then return end
  local ok, err = tandem.points.award{
    person = a.person, points = points, attendance = a.id, category = shift.kind, at = at,
    reason = string.format("%s %d分钟 × %g × %g", shift.title, a.minutes, coefficient, f),
  }
  if not ok then error(err) end
end

tandem.on("attendance.checked_out", function(ev) award_for(ev.attendance) end)
tandem.on("attendance.auto_closed", function(ev) award_for(ev.attendance) end)
tandem.on("attendance.approved", function(ev)
  if ev.attendance then award_for(ev.attendance) end -- an approved back-entry (补录)
  if ev.correction then
    local k = tandem.get("correction", ev.correction)
    if k then award_for(k.attendance) end
  end
end)
