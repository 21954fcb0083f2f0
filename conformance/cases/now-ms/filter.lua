-- now-ms: two readings of the host clock, printed with 3 decimals.
function handle()
  local a = host.now_ms()
  local b = host.now_ms()
  req.set_header("x-now-1", string.format("%.3f", a))
  req.set_header("x-now-2", string.format("%.3f", b))
  return ""
end
