-- sensitive-hidden: report what the filter can see of the sensitive headers.
function handle()
  local names = table.concat(req.header_names(), ",")
  local authorization = req.header("authorization") or "absent"
  local cookie = req.header("Cookie") or "absent"
  req.set_header("x-names", names)
  req.set_header("x-seen-authorization", authorization)
  req.set_header("x-seen-cookie", cookie)
  return ""
end
