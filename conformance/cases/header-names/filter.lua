-- header-names: the names before and after adding one, joined with ",".
function handle()
  local before = table.concat(req.header_names(), ",")
  req.add_header("X-New", "n")
  local after = table.concat(req.header_names(), ",")
  req.set_header("x-names", before)
  req.set_header("x-names-after", after)
  return ""
end
