-- header-empty-value: tell an empty value from an absent one; write empty values.
function handle()
  local v = req.header("x-empty")
  req.set_header("x-seen", v == nil and "absent" or ("present:" .. #v))
  req.set_header("x-set-empty", "")
  req.add_header("x-add-empty", "")
  return ""
end
