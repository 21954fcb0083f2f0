-- body-binary: report the body's length and FNV-1a (32 bits) of its bytes.
local byte, min = string.byte, math.min

local function fnv1a32(s)
  local h = 2166136261
  for i = 1, #s, 4096 do
    local chunk = { byte(s, i, min(i + 4095, #s)) }
    for j = 1, #chunk do
      h = ((h ~ chunk[j]) * 16777619) & 0xffffffff
    end
  end
  return string.format("%08x", h)
end

function handle()
  local body = req.body()
  req.set_header("x-body-length", tostring(#body))
  req.set_header("x-body-fnv1a", fnv1a32(body))
  return ""
end
