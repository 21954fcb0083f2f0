-- isolation/global-state: a global table, written by one deployment, read by another.
names = {}
local name = ""

function init(config)
  name = config:match('"name"%s*:%s*"([^"]*)"') or "?"
end

function handle()
  if req.path() == "/write" then names[#names + 1] = name end
  return "seen:" .. table.concat(names, ",")
end
