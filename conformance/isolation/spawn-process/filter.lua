-- isolation/spawn-process: tries io.popen, then os.execute.
function handle()
  local ok, res = pcall(function()
    local p = io.popen("echo spawned $$")
    local out = p:read("l")
    p:close()
    return out
  end)
  if ok and res then return "allowed:" .. res end
  local why = "io.popen: " .. tostring(res)
  local eok, eres = pcall(function() return os.execute("true") end)
  if eok and eres then return "allowed:os.execute ran" end
  return "denied:" .. why .. "; os.execute: " .. tostring(eres)
end
