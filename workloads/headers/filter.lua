-- headers: header hygiene at the edge (see README.md; same steps, same order).

local HOP_BY_HOP = {
  ["connection"] = true,
  ["keep-alive"] = true,
  ["te"] = true,
  ["trailer"] = true,
  ["transfer-encoding"] = true,
  ["upgrade"] = true,
}

local byte, format = string.byte, string.format

-- FNV-1a, 32 bits, over the bytes of s (all bytes fetched in one call).
local function fnv1a32(s)
  local bytes = { byte(s, 1, -1) }
  local h = 2166136261
  for i = 1, #bytes do
    h = ((h ~ bytes[i]) * 16777619) & 0xffffffff
  end
  return h
end

function handle()
  -- 1. No Host: answer 400 and stop.
  if req.header("host") == nil then
    req.respond(400, { { "content-type", "text/plain" } }, "missing host header\n")
    return "missing-host"
  end

  -- 2. Strip hop-by-hop headers (names arrive lower-case).
  for _, name in ipairs(req.header_names()) do
    if HOP_BY_HOP[name] or name:sub(1, 6) == "proxy-" then
      req.remove_header(name)
    end
  end

  -- 3. Rename the legacy user header.
  local legacy = req.header("x-legacy-user")
  if legacy ~= nil then
    req.set_header("x-user", legacy)
    req.remove_header("x-legacy-user")
  end

  -- 4. Stamp the request id.
  local id = fnv1a32(req.method() .. " " .. req.path())
  req.set_header("x-request-id", format("pb-%08x", id))

  -- 5. Say we were here.
  req.add_header("via", "1.1 plugbench")

  -- 6. Continue.
  return ""
end
