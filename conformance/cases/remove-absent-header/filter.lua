-- remove-absent-header: remove names that are not there, then report.
function handle()
  req.remove_header("x-absent")
  req.remove_header("X-ALSO-ABSENT")
  req.remove_header("x-absent")
  req.set_header("x-after", (req.header("x-absent") or "absent") .. "|" .. (req.header("x-keep") or "absent"))
  return ""
end
