-- isolation/shared-builtins: deployment A adds a field to the string library
-- (the __index of every string's metatable); does B see it?
local name = ""

function init(config)
  name = config:match('"name"%s*:%s*"([^"]*)"') or "?"
end

function handle()
  if req.path() == "/write" then
    string.pb_isolation_marker = name
    return "wrote:" .. name
  end
  local seen = ("").pb_isolation_marker
  return "seen:" .. (type(seen) == "string" and seen or "")
end
