-- welcome.lua — the example script. When a resident signs the guestbook,
-- the community's team thanks them: it refuses messages with words the team
-- listed, sends a thank-you note as a follow-up event, and remembers how
-- often each resident wrote. docs/SCRIPTING.md walks through it.

tandem.register{
  version = "1.0.0",
  summary = "thank residents who sign the guestbook",
  requires = { "guestbook >= 1.0" },
  options = {
    banned = { type = "list", default = "", doc = "words a message may not contain" },
    thanks = { type = "text", default = "谢谢您的留言！", doc = "the thank-you note" },
  },
}

tandem.declare("welcome.sent", { name = "text", text = "text", visits = "integer" })

tandem.before("guestbook.signed", function(ev)
  for _, word in ipairs(tandem.options.banned) do
    if string.find(ev.message, word, 1, true) then
      return false, "留言含有不允许的词语：" .. word
    end
  end
end)

tandem.on("guestbook.signed", function(ev)
  local key = "visits:" .. ev.name
  local visits = (tandem.kv.get(key) or 0) + 1
  tandem.kv.set(key, visits)
  tandem.emit("welcome.sent", { name = ev.name, text = tandem.options.thanks, visits = visits })
end)

tandem.after("welcome.sent", function(ev)
  tandem.log.info("thanked " .. ev.name .. " (visit " .. ev.visits .. ")")
end)
