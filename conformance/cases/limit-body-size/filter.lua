-- limit-body-size: /exact sets a 1024-byte body (the host's limit), /set-body and /respond use
-- 2048 bytes (over it); anything else marks x-ok.
function handle()
  local path = req.path()
  if path == "/exact" then
    req.set_body(string.rep("a", 1024))
    return ""
  end
  if path == "/set-body" then
    req.set_body(string.rep("a", 2048))
    return "not-refused"
  end
  if path == "/respond" then
    req.respond(200, { { "content-type", "text/plain" } }, string.rep("a", 2048))
    return "not-refused"
  end
  req.set_header("x-ok", "yes")
  return ""
end
