-- elder_care.lua — 永愿助老·安享银龄: volunteers visit elderly residents at
-- home, and nobody is forgotten. An elderly resident (a person with the
-- resident role) is enrolled with a risk level; each risk level has a visit
-- frequency (days between visits). Visits are logged with how the resident
-- is doing; a need raised in a visit becomes a need of the shared model. A
-- watcher runs every morning and alerts the social worker of the team that
-- runs the programme in the resident's community when a resident has not
-- been visited in time: once per overdue period, not every day. While that
-- alert is open nothing more is raised; once it is closed, a resident still
-- not visited is alerted again a full period later; a visit ends it.
--
-- One instance serves every community; a community that visits more (or
-- less) often gets a section of its own:
--   [script.elder_care]                  the district's frequencies
--   [script.elder_care@农光里社区]         农光里社区's own, e.g. frequency_high = 3
-- docs/programmes/elder_care.md describes the options and the events.

tandem.register{
  version = "1.0.0",
  summary = "elder-care home visits: enrolment, visit log, overdue-visit alerts",
  options = {
    frequency_high = { type = "integer", default = 7, min = 1, max = 365,
                       doc = "days between visits for a high-risk resident" },
    frequency_medium = { type = "integer", default = 14, min = 1, max = 365,
                         doc = "days between visits for a medium-risk resident" },
    frequency_low = { type = "integer", default = 30, min = 1, max = 365,
                      doc = "days between visits for a low-risk resident" },
    watch_time = { type = "text", default = "08:00",
                   doc = "when the daily watcher runs (HH:MM; [script.NAME] only)" },
    need_category = { type = "text", default = "care",
                      doc = "category of a need raised in a visit, unless the visit names one" },
    visit_points = { type = "real", default = 0, min = 0, max = 100,
                     doc = "points the visitor earns per visit (0: none)" },
  },
}

local RISKS = { high = "高", medium = "中", low = "低" }
local MAX_MINUTES = 720
local TIMER = tandem.name .. "_watch"

tandem.declare("elder.enrolled", { person = "integer", living_alone = "boolean",
                                   risk = "text", needs = "text?" })
tandem.declare("elder.updated", { elder = "integer", living_alone = "boolean?", needs = "text?" })
tandem.declare("elder.risk_changed", { elder = "integer", risk = "text", reason = "text?" })
tandem.declare("elder.left", { elder = "integer", reason = "text?" })
tandem.declare("elder.visited", { elder = "integer", visitor = "integer", at = "integer?",
                                  minutes = "integer", wellbeing = "text", need = "text?",
                                  need_category = "text?" })
tandem.declare("elder.overdue", { elder = "integer", place = "integer?", risk = "text",
                                  frequency = "integer", days = "integer",
                                  last_visit = "integer?", social_worker = "integer?" })

tandem.timer(TIMER, "daily " .. tandem.options.watch_time)

-- ---------------------------------------------------------------------------
-- Helpers

-- A calendar day as a number: days between two times are calendar days.
local function day_no(t)
  local d = os.date("*t", t)
  return os.time{ year = d.year, month = d.month, day = d.day, hour = 12 } // 86400
end

local function month_of(t)
  return os.date("%Y-%m", t)
end

local function add(key, n)
  tandem.kv.set(key, (tandem.kv.get(key) or 0) + n)
end

local function has_role(person, role)
  return string.find("," .. (person.roles or "") .. ",", "," .. role .. ",", 1, true) ~= nil
end

local function blank(s)
  return s == nil or not string.find(s, "%S")
end

local function enrolled(id)
  return id ~= nil and tandem.kv.get("risk:" .. id) ~= nil
end

local function frequency(risk, place, t)
  return tandem.option("frequency_" .. risk, place, t)
end

-- The programme's project nearest to a place: one whose programme is this
-- script's name, at the place itself or at a place above it, not ended.
local function project_for(place, t)
  local today = os.date("%Y-%m-%d", t)
  local projects = tandem.list("project", { programme = tandem.name }, 1000)
  local seen = 0
  while place and seen < 32 do
    for _, p in ipairs(projects) do
      if p.place == place and (p.ends_on == nil or p.ends_on >= today) then return p end
    end
    local row = tandem.get("place", place)
    place = row and row.parent
    seen = seen + 1
  end
end

-- The social worker who leads the team running the programme there.
local function social_worker(place, t)
  local project = project_for(place, t)
  local team = project and tandem.get("team", project.team)
  return team and team.leader
end

-- The time of the event being handled: handlers follow the event's time,
-- not the clock, so that they mean the same when the journal is replayed.
-- In a before handler the event has no time yet (current().time is 0) and
-- gets the clock's when it is journaled.
local function event_time()
  local current = tandem.current()
  if current and current.time ~= 0 then return current.time end
  return tandem.now()
end

-- ---------------------------------------------------------------------------
-- Enrolment and changes

local function check_elder(id)
  if not enrolled(id) then
    local person = id and tandem.get("person", id)
    return false, string.format("%s 未登记为助老服务对象 (person %s is not enrolled in %s)",
                                person and person.name or "?", tostring(id), tandem.name)
  end
end

local function check_risk(risk)
  if not RISKS[risk] then
    return false, "风险等级只能是 low、medium 或 high (risk must be low, medium or high)"
  end
end

tandem.before("elder.enrolled", function(ev)
  local person = tandem.get("person", ev.person)
  if not person then
    return false, string.format("没有编号为 %d 的人员 (there is no person %d)", ev.person, ev.person)
  end
  if not has_role(person, "resident") then
    return false, string.format("%s 不是服务对象，没有 resident 角色 "
                                .. "(person %d does not have the resident role)", person.name, ev.person)
  end
  if enrolled(ev.person) then
    return false, string.format("%s 已在册；改风险等级用 elder.risk_changed "
                                .. "(person %d is already enrolled)", person.name, ev.person)
  end
  if not person.community then
    return false, string.format("%s 没有所属社区 (person %d has no community)", person.name, ev.person)
  end
  local bad, why = check_risk(ev.risk)
  if bad == false then return bad, why end
  if not project_for(person.community, event_time()) then
    local place = tandem.get("place", person.community)
    return false, string.format("%s 没有 %s 项目，提醒无人接收：请先建项目（--programme %s）"
                                .. " (no %s project serves this community)",
                                place and place.name or "?", tandem.name, tandem.name, tandem.name)
  end
end)

tandem.on("elder.enrolled", function(ev)
  local id = ev.person
  tandem.kv.set("risk:" .. id, ev.risk)
  tandem.kv.set("alone:" .. id, ev.living_alone)
  tandem.kv.set("needs:" .. id, ev.needs)
  tandem.kv.set("since:" .. id, event_time())
  tandem.kv.set("last:" .. id, nil)
  tandem.kv.set("alerted:" .. id, nil)
  tandem.kv.set("open:" .. id, nil)
  tandem.kv.set("left:" .. id, nil)
end)

tandem.before("elder.updated", function(ev)
  local bad, why = check_elder(ev.elder)
  if bad == false then return bad, why end
  if ev.living_alone == nil and ev.needs == nil then
    return false, "没有要修改的内容：给出 living_alone 或 needs (nothing to update)"
  end
end)

tandem.on("elder.updated", function(ev)
  if ev.living_alone ~= nil then tandem.kv.set("alone:" .. ev.elder, ev.living_alone) end
  if ev.needs ~= nil then tandem.kv.set("needs:" .. ev.elder, ev.needs) end
end)

tandem.before("elder.risk_changed", function(ev)
  local bad, why = check_elder(ev.elder)
  if bad == false then return bad, why end
  bad, why = check_risk(ev.risk)
  if bad == false then return bad, why end
  if tandem.kv.get("risk:" .. ev.elder) == ev.risk then
    return false, "风险等级没有变化 (the risk is already " .. ev.risk .. ")"
  end
end)

tandem.on("elder.risk_changed", function(ev)
  tandem.kv.set("risk:" .. ev.elder, ev.risk)
end)

tandem.before("elder.left", function(ev)
  return check_elder(ev.elder)
end)

tandem.on("elder.left", function(ev)
  for _, k in ipairs{ "risk", "alone", "needs", "since", "last", "alerted", "open" } do
    tandem.kv.set(k .. ":" .. ev.elder, nil)
  end
  tandem.kv.set("left:" .. ev.elder, event_time())
end)

-- ---------------------------------------------------------------------------
-- Visits

tandem.before("elder.visited", function(ev)
  local bad, why = check_elder(ev.elder)
  if bad == false then return bad, why end
  if not tandem.get("person", ev.visitor) then
    return false, string.format("没有编号为 %d 的走访人 (there is no person %d)", ev.visitor, ev.visitor)
  end
  if ev.visitor == ev.elder then
    return false, "走访人不能是老人本人 (the visitor cannot be the resident)"
  end
  if ev.minutes < 1 or ev.minutes > MAX_MINUTES then
    return false, string.format("走访时长应在 1 到 %d 分钟之间 (minutes must be 1 to %d)",
                                MAX_MINUTES, MAX_MINUTES)
  end
  if ev.at and ev.at > event_time() then
    return false, "走访时间不能在将来 (at is in the future)"
  end
  if blank(ev.wellbeing) then
    return false, "请记录老人的身体和精神状况 (wellbeing must say how the resident is doing)"
  end
end)

tandem.on("elder.visited", function(ev)
  local now = event_time()
  local at = ev.at or now
  local id = ev.elder
  local person = tandem.get("person", id)
  local place = person.community
  local last = tandem.kv.get("last:" .. id)
  if last == nil or at > last then
    tandem.kv.set("last:" .. id, at)
    last = at
  end
  -- a visit that brings the resident within the frequency ends the overdue
  -- period; a late entry of an older visit does not
  local risk = tandem.kv.get("risk:" .. id)
  if day_no(now) - day_no(last) <= frequency(risk, place, now) then
    tandem.kv.set("alerted:" .. id, nil)
    tandem.kv.set("open:" .. id, nil) -- the alert stays in the list until closed
  end
  add("visits:" .. month_of(at) .. ":" .. id, 1)
  add("minutes:" .. month_of(at) .. ":" .. id, ev.minutes)

  if not blank(ev.need) then
    local ok, err = tandem.emit("need.added", {
      place = place,
      category = ev.need_category or tandem.option("need_category", place, at),
      description = ev.need,
      source = "visit",
      requester = person.name,
      reported_on = os.date("%Y-%m-%d", at),
    })
    if not ok then error(err) end
  end

  local points = tandem.option("visit_points", place, at)
  if points > 0 then
    local ok, err = tandem.points.award{
      person = ev.visitor, points = points, category = "visit", at = at,
      reason = string.format("永愿助老走访 %d分钟", ev.minutes),
    }
    if not ok then error(err) end
  end
end)

-- ---------------------------------------------------------------------------
-- The watcher

local function enrolled_ids()
  local ids = {}
  for _, key in ipairs(tandem.kv.keys("risk:")) do
    ids[#ids + 1] = math.tointeger(tonumber(string.sub(key, 6)))
  end
  table.sort(ids)
  return ids
end

local function watch(id, now)
  local person = tandem.get("person", id)
  if not person then return end
  local risk = tandem.kv.get("risk:" .. id)
  local place = person.community
  local freq = frequency(risk, place, now)
  local last = tandem.kv.get("last:" .. id)
  local days = day_no(now) - day_no(last or tandem.kv.get("since:" .. id))
  if days <= freq then return end
  if tandem.kv.get("open:" .. id) then return end -- its alert is still open
  local alerted = tandem.kv.get("alerted:" .. id)
  if alerted and day_no(now) - day_no(alerted) < freq then return end -- once per period

  local worker = social_worker(place, now)
  local alone = tandem.kv.get("alone:" .. id)
  local ok, err = tandem.emit("elder.overdue", {
    elder = id, place = place, risk = risk, frequency = freq, days = days,
    last_visit = last, social_worker = worker,
  })
  if not ok then error(err) end
  local message = string.format("%s（%s风险%s）%s %d 天未走访，应每 %d 天走访一次",
                                person.name, RISKS[risk], alone and "，独居" or "",
                                last and "已" or "登记后", days, freq)
  local alert
  alert, err = tandem.emit("alert.raised", {
    kind = "elder.overdue", message = message, place = place, person = worker, subject = id,
  })
  if not alert then error(err) end
  if not worker then
    tandem.log.warn(string.format("no %s project serves person %d's community: "
                                  .. "the alert has nobody to go to", tandem.name, id))
  end
  tandem.kv.set("alerted:" .. id, now)
  tandem.kv.set("open:" .. id, alert)
  tandem.kv.set("alert:" .. alert, id)
  add("overdue:" .. month_of(now) .. ":" .. id, 1)
end

-- Once the social worker closes the alert, a resident still not visited
-- is alerted again a full period after the last alert.
tandem.on("alert.closed", function(ev)
  local id = tandem.kv.get("alert:" .. ev.alert)
  if id == nil then return end
  tandem.kv.set("alert:" .. ev.alert, nil)
  if tandem.kv.get("open:" .. id) == ev.alert then tandem.kv.set("open:" .. id, nil) end
end)

tandem.on("timer." .. TIMER, function()
  local now = event_time()
  for _, id in ipairs(enrolled_ids()) do watch(id, now) end
end)

-- ---------------------------------------------------------------------------
-- The monthly report: tandem report elder_visits [--month 2026-03] [--community NAME]

tandem.report("elder_visits", "visits per elderly resident in a month (--month YYYY-MM), "
              .. "and overdue alerts", function(args)
  local month = args.month or month_of(tandem.now())
  if not string.match(month, "^%d%d%d%d%-%d%d$") then
    error("--month: use a month such as 2026-03")
  end
  local only
  if args.community then
    local found = tandem.list("place", { name = args.community }, 1)[1]
    if not found then error("--community: there is no place '" .. args.community .. "'") end
    only = found.id
  end
  local ids, seen = {}, {}
  local function take(id)
    id = math.tointeger(tonumber(id))
    if id and not seen[id] then seen[id] = true; ids[#ids + 1] = id end
  end
  for _, id in ipairs(enrolled_ids()) do take(id) end
  for _, key in ipairs(tandem.kv.keys("left:")) do
    if month_of(tandem.kv.get(key)) == month then take(string.sub(key, 6)) end
  end
  for _, prefix in ipairs{ "visits:", "overdue:" } do
    for _, key in ipairs(tandem.kv.keys(prefix .. month .. ":")) do
      take(string.match(key, ":(%d+)$"))
    end
  end
  local rows = {}
  for _, id in ipairs(ids) do
    local person = tandem.get("person", id)
    local place = person and person.community and tandem.get("place", person.community)
    if person and (only == nil or person.community == only) then
      local risk = tandem.kv.get("risk:" .. id)
      local last = tandem.kv.get("last:" .. id)
      rows[#rows + 1] = {
        place and place.name or "", id, person.name,
        risk or "left", tandem.kv.get("alone:" .. id) and "yes" or "no",
        tandem.kv.get("visits:" .. month .. ":" .. id) or 0,
        tandem.kv.get("minutes:" .. month .. ":" .. id) or 0,
        last and os.date("%Y-%m-%d", last) or "",
        tandem.kv.get("overdue:" .. month .. ":" .. id) or 0,
        place = person.community or 0,
      }
    end
  end
  table.sort(rows, function(a, b) -- by community, in the order places were added
    if a.place ~= b.place then return a.place < b.place end
    return a[2] < b[2]
  end)
  return { "社区", "编号", "姓名", "风险等级", "独居", "走访次数", "走访分钟", "最近走访", "逾期提醒" },
         rows
end)
