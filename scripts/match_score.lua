-- match_score.lua — an example of replacing the matching score. This
-- community cares most about urgency and closeness: an urgent need prefers
-- what is nearest, and volunteers count double for companionship (陪伴).

tandem.register{ version = "1.0.0", summary = "matching favours nearby help for urgent needs" }

tandem.scorer(function(need, candidate)
  local score = candidate.score
  if need.urgency == "urgent" or need.urgency == "high" then
    if candidate.distance >= 0 then score = score + 30 - 10 * candidate.distance end
  end
  if need.category == "companionship" and candidate.kind == "person" then
    score = score * 2
  end
  return score
end)
