-- sensitive-write-denied: each path tries one write to a sensitive header
-- (not granted: the host refuses it); /ok writes an ordinary one.
function handle()
  local path = req.path()
  if path == "/set" then
    req.set_header("authorization", "Bearer forged")
  elseif path == "/add" then
    req.add_header("Cookie", "admin=1")
  elseif path == "/remove" then
    req.remove_header("AUTHORIZATION")
  else
    req.set_header("x-ok", "yes")
  end
  return ""
end
