-- limit-header-size: /exact sets a 64-byte field (the host's limit), /overflow a 105-byte one;
-- anything else marks x-ok.
function handle()
  if req.path() == "/exact" then
    req.set_header("x-big", string.rep("v", 59)) -- 5 + 59 = 64 bytes: at the limit
    return ""
  end
  if req.path() == "/overflow" then
    req.set_header("x-big", string.rep("v", 100))
    return "not-refused"
  end
  req.set_header("x-ok", "yes")
  return ""
end
