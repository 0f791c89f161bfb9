-- minor_rules.lua — minors (未成年人) do not take night shifts. A sign-up of a
-- volunteer under adult_age for a shift that starts at or after night_from
-- o'clock, or ends after night_until o'clock in the morning, is refused with
-- a reason the volunteer sees. The core already requires a guardian's
-- consent for minors; this rule adds what many communities ask for on top.

tandem.register{
  version = "1.0.0",
  summary = "no night shifts for minors",
  options = {
    night_from = { type = "integer", default = 21, min = 0, max = 23,
                   doc = "a shift starting at or after this hour is a night shift" },
    night_until = { type = "integer", default = 6, min = 0, max = 12,
                    doc = "a shift running past midnight and ending after this hour is too" },
    adult_age = { type = "integer", default = 18, min = 1, max = 30 },
  },
}

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

local function is_night(shift)
  local starts, ends = os.date("*t", shift.starts_at), os.date("*t", shift.ends_at)
  if starts.hour >= tandem.options.night_from or starts.hour < tandem.options.night_until then
    return true
  end
  return ends.day ~= starts.day and (ends.hour > tandem.options.night_until
    or (ends.hour == tandem.options.night_until and ends.min > 0))
end

tandem.before("signup.created", function(ev)
  local person, shift = tandem.get("person", ev.person), tandem.get("shift", ev.shift)
  if not person or not shift then return end
  local age = age_on(person.birth_date, shift.starts_at)
  if age and age < tandem.options.adult_age and is_night(shift) then
    return false, string.format("未成年志愿者不安排夜间班次（%s 今年 %d 岁）", person.name, age)
  end
end)
