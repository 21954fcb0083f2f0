-- header-multi-value: first value, add-header appends, set-header replaces all.
function handle()
  req.set_header("x-first", req.header("X-Multi") or "absent")
  req.add_header("VIA", "1.1 plugbench")
  req.set_header("x-multi", "only")
  req.add_header("x-added", "a")
  req.add_header("X-Added", "b")
  req.set_header("x-added-first", req.header("x-added") or "absent")
  return ""
end
