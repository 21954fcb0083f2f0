-- rate-limit: a token bucket per client, state in the host kv, time from the
-- host clock (see README.md; same steps, same integer arithmetic as filter.ts).
-- Lua 5.4 integers are 64-bit; every value here stays an integer subtype, so
-- tostring writes plain digits.

local capacity, refill_tokens, period, full, limit_text
local MAX_DIGITS = 15

local byte, sub, find, floor = string.byte, string.sub, string.find, math.floor

-- The integer value of "name": <digits> in the (flat, trusted) JSON config.
local function int_field(config, name, max)
  local digits = config:match('"' .. name .. '"%s*:%s*(%d+)%s*[,}]')
  local v = digits and #digits <= MAX_DIGITS and tonumber(digits)
  if not v or v < 1 or v > max then
    error('rate-limit: "' .. name .. '" must be an integer in 1..' .. max, 0)
  end
  return v
end

function init(config)
  capacity = int_field(config, "capacity", 1000000)
  refill_tokens = int_field(config, "refillTokens", 1000000)
  period = int_field(config, "refillPeriodMs", 86400000)
  full = capacity * period
  limit_text = tostring(capacity)
end

-- Bytes i..j of s (1..15 ASCII digits) as an integer, or -1.
local function parse_digits(s, i, j)
  if j < i or j - i + 1 > MAX_DIGITS then return -1 end
  local n = 0
  for k = i, j do
    local c = byte(s, k) - 48
    if c < 0 or c > 9 then return -1 end
    n = n * 10 + c
  end
  return n
end

local function client_key()
  local api_key = req.header("x-api-key")
  if api_key ~= nil and api_key ~= "" then return "key:" .. api_key end
  local xff = req.header("x-forwarded-for") -- only read when there is no key
  if xff ~= nil then
    local comma = find(xff, ",", 1, true)
    local i, j = 1, comma and comma - 1 or #xff
    while i <= j and (byte(xff, i) == 32 or byte(xff, i) == 9) do i = i + 1 end
    while j >= i and (byte(xff, j) == 32 or byte(xff, j) == 9) do j = j - 1 end
    if j >= i then return "ip:" .. sub(xff, i, j) end
  end
  return "anonymous"
end

function handle()
  local key = "rl:" .. client_key()
  local now = floor(host.now_ms())

  -- The stored bucket, "<units>:<lastMs>"; absent or malformed -> a full bucket.
  local units, last = full, now
  local state = host.kv_get(key)
  if state ~= nil then
    local colon = find(state, ":", 1, true)
    if colon then
      local u = parse_digits(state, 1, colon - 1)
      local l = parse_digits(state, colon + 1, #state)
      if u >= 0 and l >= 0 then
        units = u < full and u or full
        last = l
      end
    end
  end

  -- Refill: units = min(full, units + elapsed * refill_tokens), without overflow.
  if now > last then
    local deficit = full - units
    if deficit > 0 then
      local elapsed = now - last
      local need = (deficit + refill_tokens - 1) // refill_tokens
      units = elapsed >= need and full or units + elapsed * refill_tokens
    end
    last = now
  end

  local allowed = units >= period
  if allowed then units = units - period end
  host.kv_set(key, units .. ":" .. last)

  if not allowed then
    local wait_ms = (period - units + refill_tokens - 1) // refill_tokens
    local seconds = (wait_ms + 999) // 1000
    req.respond(429, {
      { "content-type", "text/plain" },
      { "retry-after", tostring(seconds) },
      { "x-ratelimit-limit", limit_text },
      { "x-ratelimit-remaining", "0" },
    }, "rate limit exceeded\n")
    return "limited"
  end
  req.set_header("x-ratelimit-limit", limit_text)
  req.set_header("x-ratelimit-remaining", tostring(units // period))
  return ""
end
