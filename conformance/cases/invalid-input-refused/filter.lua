-- invalid-input-refused: each path makes one host call the host must refuse; /ok marks x-ok.
function handle()
  local path = req.path()
  if path == "/crlf" then
    req.set_header("x-v", "a\r\nx-injected: 1")
  elseif path == "/name" then
    req.add_header("bad name", "v")
  elseif path == "/path" then
    req.set_path("no-slash")
  elseif path == "/path-space" then
    req.set_path("/a b")
  elseif path == "/status" then
    req.respond(1000, {}, "x")
  else
    req.set_header("x-ok", "yes")
    return ""
  end
  return "not-refused"
end
