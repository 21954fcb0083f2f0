-- isolation/read-env: tries os.getenv for the variable named in the config.
local name = ""

function init(config)
  name = config:match('"env"%s*:%s*"([^"]*)"') or ""
end

function handle()
  local ok, res = pcall(function() return os.getenv(name) end)
  if ok and res ~= nil then return "allowed:" .. res end
  if ok then return "denied:os.getenv returned nil" end
  return "denied:os.getenv: " .. tostring(res)
end
