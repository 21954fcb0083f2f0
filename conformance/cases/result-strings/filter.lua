-- result-strings: the result named by the path (this file is UTF-8).
function handle()
  local path = req.path()
  if path == "/nothing" then return nil end
  if path == "/deny" then return "deny" end
  if path == "/unicode" then return "résultat-✓" end
  return ""
end
