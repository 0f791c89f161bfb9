-- points_expiry.lua — points expire when they have not been used for a
-- while (two years by default), oldest first: every day the expiring part
-- of each balance goes back to the community's pool, as points.expired.

tandem.register{
  version = "1.0.0",
  summary = "unused points expire after after_days",
  options = {
    after_days = { type = "integer", default = 730, min = 1, max = 36500,
                   doc = "days after which unused points expire" },
  },
}

tandem.on("timer.daily", function()
  local now = tandem.current().time
  local cutoff = now - tandem.options.after_days * 86400
  for _, person in ipairs(tandem.points.holders()) do
    local points = tandem.points.expirable(person, cutoff)
    if points > 0 then
      tandem.points.expire(person, points,
        string.format("超过 %d 天未使用的积分过期", tandem.options.after_days))
    end
  end
end)
