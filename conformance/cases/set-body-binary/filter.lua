-- set-body-binary: replace the body with bytes 0-255 (or nothing, on x-mode: empty).
local ALL = {}
for i = 0, 255 do ALL[i + 1] = string.char(i) end
ALL = table.concat(ALL)

function handle()
  req.set_header("x-old-length", tostring(#req.body()))
  if req.header("x-mode") == "empty" then
    req.set_body("")
  else
    req.set_body(ALL)
  end
  return ""
end
