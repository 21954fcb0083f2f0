-- Test filter for workloads/lib/json.lua (driven by json-lib.test.ts).
-- Path /roundtrip: decode the body and answer with its encoding (set-body).
-- Path /edit: as /roundtrip, after editing the root object: remove "drop",
-- set "replace" to 1 (in place), set "added" to [null, "x"] (appended).
-- Invalid JSON: respond 400 with the error message, result "invalid".
local json = require("json")

function handle()
  local v, err = json.decode(req.body())
  if v == nil then
    req.respond(400, {}, err)
    return "invalid"
  end
  if req.path() == "/edit" then
    json.remove(v, "drop")
    json.set(v, "replace", 1)
    json.set(v, "added", json.array({ json.null, "x" }))
  end
  req.set_body(json.encode(v))
  return ""
end
