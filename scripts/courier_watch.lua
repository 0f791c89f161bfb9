-- courier_watch.lua — 有劲小哥: couriers and delivery riders (新就业群体)
-- who volunteer as the community's eyes on their rounds. Modelled on 劲松街道's
-- "有劲小哥" courier team; 有劲小哥 is the team's brand (option brand).
--
--   courier.registered {person, platform, area}
--       a courier joins: their platform (顺丰, 美团 ...) and the area (a place
--       in the community) they ride. Kept in this script's key/value area.
--   courier.hazard_reported {reporter, kind, lat, lon, text, place?}
--       a quick report on the round: a broken streetlight, a blocked fire
--       lane, an elderly person in trouble. The first report of a hazard
--       becomes courier.hazard and an alert (alert.raised, kind
--       courier.hazard) for the community; a report of the same kind within
--       merge_distance metres and merge_window of an earlier one is merged
--       into it (courier.hazard_merged): no second alert.
--   courier.hazard_confirmed {hazard, by, note?}
--       a social worker or staff member confirms the hazard was real: the
--       first reporter gets `points`, each other courier whose report was
--       merged into it `merged_points` (once per hazard).
-- A monthly brand report (NAME_brand) lists each courier's reports,
-- confirmed reports, points and service hours.
--
-- One file serves any number of communities: each [script.NAME] section
-- that names this file is one community's team, with its own options, key/
-- value area and report. A courier belongs to the team whose community
-- contains the area they registered with; that team handles their reports.
-- The courier.* topics are owned by whichever team loads first; the others
-- share the declaration.

tandem.register{
  version = "1.0.0",
  summary = "有劲小哥: couriers report hazards on their rounds; duplicates merged, points on confirmation",
  instances = "many", -- one section per community, sharing the courier.* topics
  options = {
    community = { type = "text", default = "",
                  doc = "required: the community the team serves (place name or id); alerts go there" },
    team = { type = "text", default = "",
             doc = "the courier team (name or id); service hours in the brand report count its projects only" },
    brand = { type = "text", default = "有劲小哥", doc = "the team's brand, in alerts and points" },
    kinds = { type = "list",
              default = "streetlight:路灯损坏, fire_lane:消防通道堵塞, elderly:老人遇困, other:其他隐患",
              doc = "the hazards couriers may report, as kind:label" },
    urgent = { type = "list", default = "elderly",
               doc = "kinds whose alert is marked 【紧急】" },
    merge_distance = { type = "integer", default = "50", min = 0, max = 10000,
                       doc = "metres within which a report of the same kind is a duplicate" },
    merge_window = { type = "duration", default = "30m",
                     doc = "how long after a report a nearby one of the same kind is a duplicate" },
    points = { type = "real", default = "5", min = 0, max = 1000,
               doc = "points for a confirmed report, to the courier who reported it first" },
    merged_points = { type = "real", default = "1", min = 0, max = 1000,
                      doc = "points to each other courier whose report was merged into it" },
    confirmers = { type = "list", default = "social_worker, staff",
                   doc = "roles that may confirm a report" },
    confirm_within = { type = "duration", default = "30d",
                       doc = "how long after a hazard was reported it may be confirmed" },
  },
}

-- Not declared `required`: the host would then demand it in every
-- [script.NAME@PLACE from DATE] section too.
if tandem.options.community == "" then
  error(string.format("[script.%s] needs 'community' (see docs/programmes/courier_watch.md)",
                      tandem.name), 0)
end

-- A topic has one owner: the first team to load declares the courier
-- topics; the other sections that run this file declare the same fields and
-- share them (instances = "many" above).
local declare = tandem.declare

declare("courier.registered", { person = "integer", platform = "text", area = "integer" })
declare("courier.hazard_reported", { reporter = "integer", kind = "text", lat = "real",
                                     lon = "real", text = "text", place = "integer?" })
declare("courier.hazard", { report = "integer", reporter = "integer", kind = "text",
                            lat = "real", lon = "real", text = "text", place = "integer?",
                            community = "integer", watch = "text" })
declare("courier.hazard_merged", { hazard = "integer", report = "integer", reporter = "integer",
                                   kind = "text", lat = "real", lon = "real",
                                   distance = "integer", watch = "text" })
declare("courier.hazard_confirmed", { hazard = "integer", by = "integer", note = "text?" })

-- ---------------------------------------------------------------------------
-- Helpers

-- A record by id ("12") or by name; nil when there is none.
local function resolve(noun, value)
  if value == nil or value == "" then return nil end
  if string.match(value, "^%d+$") then return tandem.get(noun, tonumber(value)) end
  return tandem.list(noun, { name = value }, 1)[1]
end

local warned = false
local function community()
  local c = resolve("place", tandem.options.community)
  if not c and not warned then -- once: the place may simply not be recorded yet
    warned = true
    tandem.log.warn("community '" .. tandem.options.community .. "' is not a place (yet)")
  end
  return c
end

-- true when place `id` is `root` or lies under it
local function within(id, root)
  for _ = 1, 16 do
    if id == nil then return false end
    if id == root then return true end
    local p = tandem.get("place", id)
    id = p and p.parent
  end
  return false
end

local function list_has(list, word)
  for _, item in ipairs(list) do
    if item == word then return true end
  end
  return false
end

-- kind -> label, from "kind:label" items
local function kind_label(list, kind)
  for _, item in ipairs(list) do
    local k, label = string.match(item, "^%s*([%w_]+)%s*:%s*(.-)%s*$")
    if (k or item) == kind then return label or kind end
  end
  return nil
end

local function kind_names(list)
  local names = {}
  for _, item in ipairs(list) do names[#names + 1] = string.match(item, "^%s*([%w_]+)") end
  return table.concat(names, ", ")
end

-- Great-circle distance in metres (the haversine formula).
local EARTH = 6371008.8
local function metres(lat1, lon1, lat2, lon2)
  local r = math.pi / 180
  local dlat, dlon = (lat2 - lat1) * r, (lon2 - lon1) * r
  local a = math.sin(dlat / 2) ^ 2
          + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin(dlon / 2) ^ 2
  return 2 * EARTH * math.asin(math.min(1, math.sqrt(a)))
end

-- The time of the event being handled (its journal time), else the clock.
local function event_time()
  local cur = tandem.current()
  if cur and cur.time and cur.time > 0 then return cur.time end
  return tandem.now()
end

-- 2592000000 ms -> " 30 天" (or, in English, "30d"); 7200000 -> " 2 小时" ("2h")
local function span(ms, english)
  local s = ms // 1000
  if s % 86400 == 0 then return string.format(english and "%dd" or " %d 天", s // 86400) end
  if s % 3600 == 0 then return string.format(english and "%dh" or " %d 小时", s // 3600) end
  return string.format(english and "%dm" or " %d 分钟", s // 60)
end

-- tandem.recent returns at most 1000 events: with fewer, the answer is the
-- whole story; with 1000, a search in it may miss and proves nothing.
local RECENT_MAX = 1000

-- true when `person` was never registered with any team (registrations
-- are journaled events, which every team can read, unlike key/value areas)
local function never_registered(person)
  local list = tandem.recent("courier.registered", tandem.now())
  if #list >= RECENT_MAX then return false end
  for _, e in ipairs(list) do
    if e.person == person then return false end
  end
  return true
end

local function ints(s)
  local t = {}
  for n in string.gmatch(s or "", "%-?%d+") do t[#t + 1] = tonumber(n) end
  return t
end

-- The key/value area:
--   courier:P                 "AREA SINCE PLATFORM"
--   hazard:H                  "REPORTER TIME CONFIRMED_AT BY ALERT"
--   hazard:H:merged:P         time of P's first report merged into H
--   report:YYYY-MM:R          "REPORTER HAZARD TIME" for report event R

local function courier(person)
  local v = tandem.kv.get("courier:" .. person)
  if not v then return nil end
  local area, since, platform = string.match(v, "^(%d+) (%d+) (.*)$")
  return { area = tonumber(area), since = tonumber(since), platform = platform }
end

local function hazard(id)
  local v = ints(tandem.kv.get("hazard:" .. id))
  if #v < 5 then return nil end
  return { reporter = v[1], time = v[2], confirmed_at = v[3], by = v[4], alert = v[5] }
end

local function save_hazard(id, h)
  tandem.kv.set("hazard:" .. id, string.format("%d %d %d %d %d", h.reporter, h.time,
                                                h.confirmed_at, h.by, h.alert))
end

local function save_report(report, reporter, hazard_id, t)
  tandem.kv.set(string.format("report:%s:%d", os.date("%Y-%m", t), report),
                string.format("%d %d %d", reporter, hazard_id, t))
end

-- ---------------------------------------------------------------------------
-- Registration

tandem.before("courier.registered", function(ev)
  if not tandem.get("person", ev.person) then
    return false, string.format("没有编号为 %d 的人员 (there is no person %d)", ev.person, ev.person)
  end
  if not tandem.get("place", ev.area) then
    return false, string.format("片区 %d 不是一个地点 (area %d is not a place)", ev.area, ev.area)
  end
  if string.match(ev.platform, "^%s*$") then
    return false, "请填写所在平台 (platform is empty)"
  end
end)

tandem.on("courier.registered", function(ev)
  local c = community()
  local key = "courier:" .. ev.person
  if c and within(ev.area, c.id) then
    local old = courier(ev.person)
    tandem.kv.set(key, string.format("%d %d %s", ev.area, old and old.since or event_time(),
                                     ev.platform))
    tandem.log.info(string.format("%s %s（%s）joined %s", tandem.options.brand,
                                  tandem.get("person", ev.person).name, ev.platform, c.name))
  elseif courier(ev.person) then
    tandem.kv.set(key, nil) -- moved to an area another team serves
  end
end)

-- ---------------------------------------------------------------------------
-- Hazard reports

tandem.before("courier.hazard_reported", function(ev)
  if ev.lat < -90 or ev.lat > 90 or ev.lon < -180 or ev.lon > 180 then
    return false, string.format("位置无效 (lat %s, lon %s is not a position)",
                                tostring(ev.lat), tostring(ev.lon))
  end
  if ev.place and not tandem.get("place", ev.place) then
    return false, string.format("地点 %d 不存在 (there is no place %d)", ev.place, ev.place)
  end
  if not courier(ev.reporter) then
    if never_registered(ev.reporter) then
      return false, string.format("请先登记为%s (person %d is not a registered courier)",
                                  tandem.options.brand, ev.reporter)
    end
    return -- another team's courier
  end
  local kinds = tandem.options.kinds
  if not kind_label(kinds, ev.kind) then
    return false, string.format("未知的隐患类型 %s，可选：%s (unknown kind %s; use one of %s)",
                                ev.kind, kind_names(kinds), ev.kind, kind_names(kinds))
  end
end)

-- The nearest earlier report of the same kind within the distance and the
-- window: returns the hazard it belongs to and the distance, or nil.
local function duplicate_of(ev, now, self_id, place)
  local window = tandem.option("merge_window", place, now) // 1000
  local limit = tandem.option("merge_distance", place, now)
  local best, best_d
  for _, topic in ipairs{ "courier.hazard", "courier.hazard_merged" } do
    for _, e in ipairs(tandem.recent(topic, window + 60)) do
      if e.watch == tandem.name and e.kind == ev.kind and e.report ~= self_id
         and e.time >= now - window and e.time <= now then
        local d = metres(ev.lat, ev.lon, e.lat, e.lon)
        if d <= limit and (best_d == nil or d < best_d) then
          best, best_d = e.hazard or e.id, d
        end
      end
    end
  end
  return best, best_d
end

tandem.on("courier.hazard_reported", function(ev)
  local who = courier(ev.reporter)
  if not who then
    tandem.log.debug("reporter " .. ev.reporter .. " is not one of this team's couriers")
    return
  end
  local c = community()
  if not c then error("community '" .. tandem.options.community .. "' is not a place") end
  local cur = tandem.current()
  local now = event_time()

  local hid, d = duplicate_of(ev, now, cur.id, c.id)
  if hid then
    local id, err = tandem.emit("courier.hazard_merged", {
      hazard = hid, report = cur.id, reporter = ev.reporter, kind = ev.kind,
      lat = ev.lat, lon = ev.lon, distance = math.floor(d + 0.5), watch = tandem.name })
    if not id then error(err, 0) end
    local key = string.format("hazard:%d:merged:%d", hid, ev.reporter)
    if not tandem.kv.get(key) then tandem.kv.set(key, now) end
    save_report(cur.id, ev.reporter, hid, now)
    return
  end

  local hazard_id, err = tandem.emit("courier.hazard", {
    report = cur.id, reporter = ev.reporter, kind = ev.kind, lat = ev.lat, lon = ev.lon,
    text = ev.text, place = ev.place, community = c.id, watch = tandem.name })
  if not hazard_id then error(err, 0) end
  local person = tandem.get("person", ev.reporter)
  local where = ev.place and tandem.get("place", ev.place)
  local message = string.format("%s%s %s（%s）报告%s：%s%s（%.5f, %.5f）",
    list_has(tandem.options.urgent, ev.kind) and "【紧急】" or "",
    tandem.options.brand, person.name, who.platform,
    kind_label(tandem.options.kinds, ev.kind), ev.text,
    where and (" @ " .. where.name) or "", ev.lat, ev.lon)
  local alert, aerr = tandem.emit("alert.raised", {
    kind = "courier.hazard", message = message, place = c.id, person = ev.reporter,
    subject = hazard_id })
  if not alert then error(aerr, 0) end
  save_hazard(hazard_id, { reporter = ev.reporter, time = now, confirmed_at = 0, by = 0,
                           alert = alert })
  save_report(cur.id, ev.reporter, hazard_id, now)
end)

-- ---------------------------------------------------------------------------
-- Confirmation and points

-- true when a courier.hazard event `id` is among those of the last `seconds`
-- (or when that cannot be told)
local function reported_since(id, seconds)
  local list = tandem.recent("courier.hazard", seconds)
  if #list >= RECENT_MAX then return true end
  for _, e in ipairs(list) do
    if e.id == id then return true end
  end
  return false
end

tandem.before("courier.hazard_confirmed", function(ev)
  local c = community()
  local now = event_time()
  local within_ms = tandem.option("confirm_within", c and c.id or 0, now)
  -- Every team refuses the same ids with the same words (whichever runs
  -- first answers): an id that is no hazard, or one reported too long ago.
  local stale = string.format("最近%s内没有编号为 %d 的隐患上报，更早的不能再确认 "
    .. "(no hazard %d was reported in the last %s; older ones cannot be confirmed)",
    span(within_ms), ev.hazard, ev.hazard, span(within_ms, true))
  local h = hazard(ev.hazard)
  if not h then
    -- another team's hazard, or none at all: every team sees the same journal
    if not reported_since(ev.hazard, within_ms // 1000) then return false, stale end
    return
  end
  if now - h.time > within_ms // 1000 then return false, stale end
  local by = tandem.get("person", ev.by)
  if not by then
    return false, string.format("没有编号为 %d 的人员 (there is no person %d)", ev.by, ev.by)
  end
  local may = false
  for role in string.gmatch(by.roles or "", "[^,%s]+") do
    if list_has(tandem.options.confirmers, role) then may = true end
  end
  if not may then
    local roles = table.concat(tandem.options.confirmers, ", ")
    return false, string.format("%s 不能确认隐患上报，确认人须是 %s "
      .. "(only %s may confirm a report)", by.name, roles, roles)
  end
  if h.confirmed_at > 0 then
    return false, string.format("隐患 %d 已经确认过了 (hazard %d is already confirmed)",
                                ev.hazard, ev.hazard)
  end
end)

local function award(person, points, reason, at)
  if points <= 0 then return end
  local ok, err = tandem.points.award{ person = person, points = points, reason = reason,
                                       category = "courier.hazard", at = at }
  if not ok then error(err, 0) end
end

tandem.on("courier.hazard_confirmed", function(ev)
  local h = hazard(ev.hazard)
  if not h then return end
  local c = community()
  local place = c and c.id or 0
  local now = event_time()
  h.confirmed_at, h.by = now, ev.by
  save_hazard(ev.hazard, h)
  local brand = tandem.options.brand
  award(h.reporter, tandem.option("points", place, now),
        string.format("%s 隐患上报 %d 已确认", brand, ev.hazard), now)
  local prefix = string.format("hazard:%d:merged:", ev.hazard)
  local others = {}
  for _, key in ipairs(tandem.kv.keys(prefix)) do
    others[#others + 1] = tonumber(string.sub(key, #prefix + 1))
  end
  table.sort(others)
  for _, person in ipairs(others) do
    if person ~= h.reporter then
      award(person, tandem.option("merged_points", place, now),
            string.format("%s 隐患上报 %d 已确认（同一隐患的后续上报）", brand, ev.hazard), now)
    end
  end
end)

-- ---------------------------------------------------------------------------
-- The monthly brand report

local function month_bounds(arg)
  local y, m = string.match(arg, "^(%d%d%d%d)-(%d%d)$")
  if not y then error("give the month as --month YYYY-MM, not '" .. arg .. "'", 0) end
  y, m = tonumber(y), tonumber(m)
  return os.time{ year = y, month = m, day = 1, hour = 0 },
         os.time{ year = y + (m == 12 and 1 or 0), month = m % 12 + 1, day = 1, hour = 0 }
end

local COUNTED = { closed = true, auto_closed = true, corrected = true }

-- counted minutes in [from, to): in the team's projects, or all
local function service_minutes(person, from, to, projects)
  if not projects then return tandem.hours(person, from, to) end
  local minutes = 0
  local list = tandem.list("attendance",
    { person = person, checkin_at_min = from, checkin_at_max = to - 1 }, 10000)
  for _, a in ipairs(list) do
    if COUNTED[a.status] and projects[a.project] then minutes = minutes + a.minutes end
  end
  return minutes
end

local function number(x)
  if x == math.floor(x) then return string.format("%d", math.floor(x)) end
  return string.format("%g", x)
end

tandem.report(tandem.name .. "_brand",
  tandem.options.brand .. " " .. tandem.name
    .. ": each courier's reports, confirmed reports, points and service hours for a month (--month YYYY-MM)",
  function(args)
    local month = args.month or os.date("%Y-%m", tandem.now())
    local from, to = month_bounds(month)
    local projects
    if tandem.options.team ~= "" then
      local team = resolve("team", tandem.options.team)
      if not team then error("team '" .. tandem.options.team .. "' does not exist", 0) end
      projects = {}
      for _, p in ipairs(tandem.list("project", { team = team.id }, 10000)) do
        projects[p.id] = true
      end
    end
    local reports, confirmed = {}, {}
    for _, key in ipairs(tandem.kv.keys("report:" .. month .. ":")) do
      local v = ints(tandem.kv.get(key))
      local reporter, hid = v[1], v[2]
      reports[reporter] = (reports[reporter] or 0) + 1
      local h = hazard(hid)
      if h and h.confirmed_at > 0 then confirmed[reporter] = (confirmed[reporter] or 0) + 1 end
    end
    local people = {}
    for _, key in ipairs(tandem.kv.keys("courier:")) do
      local id = tonumber(string.sub(key, #"courier:" + 1))
      local who = courier(id)
      if who and who.since < to then
        people[#people + 1] = { id = id, who = who, p = tandem.get("person", id) }
      end
    end
    table.sort(people, function(a, b) return a.id < b.id end)
    local headers = { "志愿者编号", "姓名", "平台", "片区", "上报", "确认", "积分", "服务小时" }
    local rows = {}
    local total = { 0, 0, 0, 0 }
    for _, c in ipairs(people) do
      local area = tandem.get("place", c.who.area)
      local n, ok = reports[c.id] or 0, confirmed[c.id] or 0
      local points = tandem.points.total(c.id, from, to, tandem.name)
      local minutes = service_minutes(c.id, from, to, projects)
      rows[#rows + 1] = { c.p and c.p.volunteer_no or "", c.p and c.p.name or tostring(c.id),
                          c.who.platform, area and area.name or "", n, ok, number(points),
                          string.format("%.1f", minutes / 60) }
      total[1], total[2] = total[1] + n, total[2] + ok
      total[3], total[4] = total[3] + points, total[4] + minutes
    end
    rows[#rows + 1] = { "合计", string.format("%d 人", #people), "", "", total[1], total[2],
                        number(total[3]), string.format("%.1f", total[4] / 60) }
    return headers, rows
  end)
