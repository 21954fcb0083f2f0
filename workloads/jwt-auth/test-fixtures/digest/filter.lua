-- Test filter for workloads/lib/sha256.lua and base64url.lua (run by
-- workloads/jwt-auth/libs.test.ts, not a workload):
--   x-sha256: hex(SHA-256(body))                              always
--   x-hmac-sha256: hex(HMAC-SHA-256(key, body))               when x-hmac-key-hex carries the key in hex
--   x-decoded-hex: hex(base64url-decode(value)) or "invalid"  when x-base64url is present

local sha256 = require("sha256")
local base64url = require("base64url")

local function unhex(s)
  return (s:gsub("%x%x", function(h) return string.char(tonumber(h, 16)) end))
end

function handle()
  local body = req.body()
  req.set_header("x-sha256", sha256.hex(sha256.digest(body)))
  local key = req.header("x-hmac-key-hex")
  if key ~= nil then
    req.set_header("x-hmac-sha256", sha256.hex(sha256.hmac(unhex(key), body)))
  end
  local b64 = req.header("x-base64url")
  if b64 ~= nil then
    local decoded = base64url.decode(b64)
    req.set_header("x-decoded-hex", decoded and sha256.hex(decoded) or "invalid")
  end
  return ""
end
