-- jwt-auth: verifies an HS256 JSON Web Token from `authorization: Bearer ...`
-- and forwards the subject as `x-user` (README.md: same rules, same order).
-- base64url and HMAC-SHA-256 come from workloads/lib, JSON from jsonscan.lua
-- beside this file.

local base64url = require("base64url")
local sha256 = require("sha256")
local jsonscan = require("jsonscan")

local byte, find, lower, sub = string.byte, string.find, string.lower, string.sub

local CHALLENGE = 'Bearer realm="plugbench"'
local CHALLENGE_INVALID = 'Bearer realm="plugbench", error="invalid_token"'
local NOT_PRINTABLE = "[^\32-\126]"

local key, audience -- the deployment's settings, from init

local function printable(s)
  return type(s) == "string" and #s > 0 and not find(s, NOT_PRINTABLE)
end

function init(config)
  local c = jsonscan.object(config, { audience = true, secret = true, secret_base64url = true })
  if c == nil then return nil, "config must be a JSON object" end
  if not printable(c.audience) then return nil, "config.audience must be a non-empty printable ASCII string" end
  if (c.secret == nil) == (c.secret_base64url == nil) then
    return nil, "config needs exactly one of secret and secret_base64url"
  end
  local k
  if c.secret ~= nil then
    if not printable(c.secret) then return nil, "config.secret must be a printable ASCII string" end
    k = c.secret
  else
    k = type(c.secret_base64url) == "string" and base64url.decode(c.secret_base64url) or nil
    if k == nil then return nil, "config.secret_base64url must be a base64url string" end
  end
  if #k < 32 then return nil, "the secret must be at least 32 bytes (RFC 7518 §3.2)" end
  key, audience = k, c.audience
  return true
end

local function deny(error)
  req.respond(401, {
    { "content-type", "application/json" },
    { "www-authenticate", error == "missing_token" and CHALLENGE or CHALLENGE_INVALID },
  }, '{"error":"' .. error .. '"}')
  return "unauthorized"
end

local HEADER_MEMBERS = { alg = true }
local CLAIM_MEMBERS = { sub = true, exp = true, aud = true }

function handle()
  -- 1. The bearer token.
  local authorization = req.header("authorization")
  if authorization == nil or lower(sub(authorization, 1, 7)) ~= "bearer " then
    return deny("missing_token")
  end

  -- 2. Three base64url segments (positions in the header value).
  local dot1 = find(authorization, ".", 8, true)
  local dot2 = dot1 and find(authorization, ".", dot1 + 1, true)
  if dot2 == nil then return deny("malformed") end
  local header_json = base64url.decode(authorization, 8, dot1 - 1)
  local payload_json = base64url.decode(authorization, dot1 + 1, dot2 - 1)
  local signature = base64url.decode(authorization, dot2 + 1)
  if header_json == nil or payload_json == nil or signature == nil then return deny("malformed") end

  -- 3. The JOSE header: HS256 only.
  local header = jsonscan.object(header_json, HEADER_MEMBERS)
  if header == nil or type(header.alg) ~= "string" then return deny("malformed") end
  if header.alg ~= "HS256" then return deny("unsupported_alg") end

  -- 4. The signature over the first two segments, compared in constant time.
  if #signature ~= 32 then return deny("bad_signature") end
  local mac = sha256.hmac(key, sub(authorization, 8, dot2 - 1))
  local diff = 0
  for i = 1, 32 do
    diff = diff | (byte(mac, i) ~ byte(signature, i))
  end
  if diff ~= 0 then return deny("bad_signature") end

  -- 5. The claims.
  local claims = jsonscan.object(payload_json, CLAIM_MEMBERS)
  if claims == nil then return deny("malformed") end
  local subject, exp, aud = claims.sub, claims.exp, claims.aud
  if not printable(subject) then return deny("malformed") end
  if type(exp) ~= "number" then return deny("malformed") end
  if aud ~= nil and type(aud) ~= "string" then
    if type(aud) ~= "table" or aud == jsonscan.OBJECT or aud == jsonscan.NULL then return deny("malformed") end
    for i = 1, #aud do
      if aud[i] == false then return deny("malformed") end
    end
  end

  -- 6. Expiry: exp is in seconds, the host clock in milliseconds (float arithmetic, like JavaScript).
  if host.now_ms() >= exp * 1000.0 then return deny("expired") end

  -- 7. Audience.
  local match = aud == audience
  if not match and type(aud) == "table" then
    for i = 1, #aud do
      if aud[i] == audience then
        match = true
        break
      end
    end
  end
  if not match then return deny("wrong_audience") end

  -- 8. Forward the subject.
  req.set_header("x-user", subject)
  return ""
end
