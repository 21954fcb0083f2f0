-- abi-error-catchable: catch the refusal of an oversized header (the host's
-- limit is 64 bytes) with pcall, check its message names the limit, and go on.
function handle()
  local ok, err = pcall(req.set_header, "x-big", string.rep("v", 100))
  if ok then return "not-refused" end
  local message = tostring(err)
  req.set_header("x-caught", message:find("limit", 1, true) and "limit" or ("other: " .. message:sub(1, 40)))
  return "caught"
end
