-- body-empty: report the body's length.
function handle()
  req.set_header("x-body-length", tostring(#req.body()))
  return ""
end
