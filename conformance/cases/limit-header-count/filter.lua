-- limit-header-count: /exact adds 5 headers (to the host's limit), /overflow 20 (over it);
-- anything else marks x-ok.
function handle()
  if req.path() == "/exact" then
    for i = 1, 5 do req.add_header("x-extra-" .. i, tostring(i)) end -- 3 + 5 = 8: at the limit
    return ""
  end
  if req.path() == "/overflow" then
    for i = 1, 20 do req.add_header("x-extra-" .. i, tostring(i)) end
    return "not-refused"
  end
  req.set_header("x-ok", "yes")
  return ""
end
