-- header-case-insensitive: read one header under three spellings, then write
-- with upper- and mixed-case names.
function handle()
  local read = {}
  for i, name in ipairs({ "x-mixed-case", "X-MIXED-CASE", "x-MiXeD-cAsE" }) do
    read[i] = req.header(name) or "absent"
  end
  req.set_header("x-read", table.concat(read, "|"))
  req.set_header("CONTENT-TYPE", "application/json")
  req.remove_header("x-REMOVE-me")
  req.add_header("X-Added", "yes")
  req.set_header("X-KEEP", (req.header("X-Keep") or "absent") .. "+set")
  return ""
end
