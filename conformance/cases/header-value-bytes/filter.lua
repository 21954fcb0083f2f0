-- header-value-bytes: copy a value with every legal byte, and write one with
-- obs-text, space and tab (a Lua string holds the bytes themselves).
function handle()
  req.set_header("x-echo", req.header("x-bytes") or "absent")
  req.add_header("x-obs", "obs:\x80\xa0\xff tab:\t.")
  return ""
end
