-- redact: mask card numbers in the body (see README.md for the exact rules).
-- The body is a Lua byte string. string.find jumps to the next digit (the
-- idiomatic way to skip bytes in Lua); runs are then walked byte by byte, and
-- the new body is assembled from pieces only when something changed.

local find, byte, sub, gsub, concat = string.find, string.byte, string.sub, string.gsub, table.concat

local SPACE, DASH = 32, 45

-- Luhn over the digits of body[s..e], from the right.
local function luhn(body, s, e)
  local sum, double = 0, false
  for k = e, s, -1 do
    local c = byte(body, k)
    if c ~= SPACE and c ~= DASH then
      local d = c - 48
      if double then
        d = d * 2
        if d > 9 then d = d - 9 end
      end
      sum = sum + d
      double = not double
    end
  end
  return sum % 10 == 0
end

-- body[s..e] with every digit but the last four replaced by X (separators kept).
local function mask(body, s, e, digits)
  local left, k = digits - 4, s
  while left > 0 do
    local c = byte(body, k)
    if c ~= SPACE and c ~= DASH then left = left - 1 end
    k = k + 1
  end
  return (gsub(sub(body, s, k - 1), "%d", "X")) .. sub(body, k, e)
end

function handle()
  local body = req.body()
  local pieces, np, copied, count = {}, 0, 1, 0
  local pos = 1
  while true do
    local s = find(body, "%d", pos)
    if not s then break end
    -- A run: digits, each pair possibly joined by one space or dash.
    local i, digits = s + 1, 1
    while true do
      local c = byte(body, i)
      if c and c >= 48 and c <= 57 then
        digits = digits + 1
        i = i + 1
      elseif c == SPACE or c == DASH then
        local d = byte(body, i + 1)
        if d and d >= 48 and d <= 57 then
          digits = digits + 1
          i = i + 2
        else
          break
        end
      else
        break
      end
    end
    if digits >= 13 and digits <= 19 and luhn(body, s, i - 1) then
      pieces[np + 1] = sub(body, copied, s - 1)
      pieces[np + 2] = mask(body, s, i - 1, digits)
      np = np + 2
      copied = i
      count = count + 1
    end
    pos = i
  end
  if count == 0 then return "" end
  pieces[np + 1] = sub(body, copied)
  req.set_body(concat(pieces))
  req.set_header("x-redactions", tostring(count))
  return "redacted"
end
