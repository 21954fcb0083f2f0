-- json.lua: a small JSON library (RFC 8259) for plugbench Lua filters.
-- local json = require("json")
--
-- Values. JSON null is `json.null` (Lua's nil cannot sit in a table); true,
-- false and strings are Lua's; numbers are Lua numbers (integers of up to 15
-- digits stay integers, every other number is a float, correctly rounded, as
-- JavaScript would read it). Arrays and objects are tables marked with a
-- metatable, so an empty array and an empty object stay apart:
--   - an array holds its items at 1..n;
--   - an object holds its values under their (string) keys and the keys, in
--     order, at 1..n. Keys are always strings, so the two never collide.
--       for i = 1, #obj do local key = obj[i]; local value = obj[key] ... end
--     json.set / json.remove keep the order list in step.
--
-- json.decode(text) -> value | nil, message. Strict RFC 8259:
--   - the text must be UTF-8 (utf8.len: no overlongs, no surrogates, at most
--     U+10FFFF), with no byte order mark;
--   - whitespace is space, tab, LF and CR only; one value, nothing after it;
--   - no comments, trailing commas, single quotes, NaN/Infinity, leading
--     zeros, leading '+' or '.', or raw control characters (< 0x20) in strings;
--   - nesting deeper than json.MAX_DEPTH (256) arrays/objects is refused.
-- Where RFC 8259 leaves a choice it does what JSON.parse does: a repeated key
-- keeps its first position and takes the last value; numbers too large become
-- +/-inf (written back as null); \u escapes of unpaired surrogates are kept as
-- 3-byte (WTF-8) sequences and written back as \u escapes.
--
-- json.encode(value) -> string: the bytes JSON.stringify produces for the same
-- value. No whitespace; members in order; in strings '"' and '\' become \" and
-- \\, the bytes 0x08 0x09 0x0A 0x0C 0x0D become \b \t \n \f \r, other bytes
-- below 0x20 \u00xx (lower-case hex), unpaired surrogates \udxxx; everything
-- else ('/', DEL, all non-ASCII UTF-8) is copied as is. Numbers: integers and
-- integral floats below 2^53 in magnitude as decimal integers (-0 as 0);
-- inf and nan as null; other floats as ECMAScript's Number::toString: the
-- fewest significant digits that read back as the same float (of two such,
-- the nearer), laid out as 1.5, 0.001, 1e+21, 1.5e-7. A table without a json
-- marker is written as an array of t[1..#t].

local json = { MAX_DEPTH = 256 }

local byte, sub, find, format, gsub, rep = string.byte, string.sub, string.find, string.format, string.gsub, string.rep
local concat = table.concat
local mtype, floor, huge = math.type, math.floor, math.huge
local utf8len, utf8char = utf8.len, utf8.char
local tonumber, tostring, type, error, pcall = tonumber, tostring, type, error, pcall
local setmetatable, getmetatable = setmetatable, getmetatable

local object_mt = { __name = "json.object" }
local array_mt = { __name = "json.array" }
local null = setmetatable({}, { __name = "json.null", __tostring = function() return "null" end })
json.null = null

--- A new empty object.
function json.object() return setmetatable({}, object_mt) end
--- A new array holding the given table's items (or empty).
function json.array(t) return setmetatable(t or {}, array_mt) end
function json.is_object(v) return getmetatable(v) == object_mt end
function json.is_array(v) return getmetatable(v) == array_mt end

--- Sets obj[key] = value: in place when the key is present, else appended. value must not be nil (use json.null).
function json.set(obj, key, value)
  if obj[key] == nil then obj[#obj + 1] = key end
  obj[key] = value
end

--- Removes key from obj, keeping the other keys in order. True when it was there.
function json.remove(obj, key)
  if obj[key] == nil then return false end
  obj[key] = nil
  local n = #obj
  for i = 1, n do
    if obj[i] == key then
      for j = i, n - 1 do obj[j] = obj[j + 1] end
      obj[n] = nil
      break
    end
  end
  return true
end

-- ---------------------------------------------------------------------------
-- Decoding. Errors are raised as {at, message} and caught in json.decode.

local function fail(at, message) error({ at = at, message = message }, 0) end

local ESCAPES = {
  [34] = '"', [92] = "\\", [47] = "/", [98] = "\b", [102] = "\f", [110] = "\n", [114] = "\r", [116] = "\t",
}

-- The first byte at or after i that is not whitespace.
local function skip(s, i)
  local c = byte(s, i)
  if c == 32 or c == 10 or c == 13 or c == 9 then
    return find(s, "[^ \t\r\n]", i) or #s + 1
  end
  return i
end

-- A string starting at the quote at i: its value and the index after it.
local function decode_string(s, i)
  local j = i + 1
  local k = find(s, '["\\\0-\31]', j)
  if k == nil then fail(#s + 1, "unterminated string") end
  local c = byte(s, k)
  if c == 34 then return sub(s, j, k - 1), k + 1 end -- no escapes
  local parts, n = {}, 0
  while true do
    if c == 34 then
      parts[n + 1] = sub(s, j, k - 1)
      return concat(parts, "", 1, n + 1), k + 1
    elseif c == 92 then
      n = n + 1
      parts[n] = sub(s, j, k - 1)
      local e = byte(s, k + 1)
      if e == 117 then -- \uXXXX
        local hex = sub(s, k + 2, k + 5)
        if not find(hex, "^%x%x%x%x$") then fail(k, "invalid \\u escape") end
        local cp = tonumber(hex, 16)
        j = k + 6
        if cp >= 0xD800 and cp <= 0xDBFF and sub(s, j, j + 1) == "\\u" then
          local low = sub(s, j + 2, j + 5)
          if find(low, "^%x%x%x%x$") then
            local lo = tonumber(low, 16)
            if lo >= 0xDC00 and lo <= 0xDFFF then
              cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
              j = j + 6
            end
          end
        end
        n = n + 1
        parts[n] = utf8char(cp) -- surrogates come out as 3-byte sequences
      else
        local r = ESCAPES[e]
        if r == nil then fail(k, "invalid escape") end
        n = n + 1
        parts[n] = r
        j = k + 2
      end
    else
      fail(k, "control character in string")
    end
    k = find(s, '["\\\0-\31]', j)
    if k == nil then fail(#s + 1, "unterminated string") end
    c = byte(s, k)
  end
end

-- A number starting at i: its value and the index after it.
local function decode_number(s, i)
  local first = byte(s, i) == 45 and i + 1 or i -- after a '-'
  local _, e = find(s, "^%d+", first)
  if e == nil then fail(first, "invalid number") end
  if byte(s, first) == 48 and e > first then fail(first, "leading zero") end
  local integer = true
  local c = byte(s, e + 1)
  if c == 46 then -- .
    local _, f = find(s, "^%d+", e + 2)
    if f == nil then fail(e + 2, "invalid number") end
    e, integer = f, false
    c = byte(s, e + 1)
  end
  if c == 101 or c == 69 then -- e E
    local _, x = find(s, "^[-+]?%d+", e + 2)
    if x == nil then fail(e + 2, "invalid number") end
    e, integer = x, false
  end
  local v = tonumber(sub(s, i, e))
  -- Up to 15 digits an integer is exact as a double too; longer ones are
  -- rounded to a double, as JavaScript reads them.
  if not integer or e - first >= 15 then v = v + 0.0 end
  return v, e + 1
end

local decode_value

-- (Whitespace is skipped through a call only when the next byte is <= 32:
-- compact JSON, the common case, then costs one byte() per token.)

local function decode_array(s, i, depth)
  local arr, n = setmetatable({}, array_mt), 0
  i = i + 1
  local c = byte(s, i)
  if c and c <= 32 then i = skip(s, i); c = byte(s, i) end
  if c == 93 then return arr, i + 1 end
  while true do
    local v
    v, i = decode_value(s, i, depth)
    n = n + 1
    arr[n] = v
    c = byte(s, i)
    if c and c <= 32 then i = skip(s, i); c = byte(s, i) end
    if c == 44 then
      i = i + 1
      c = byte(s, i)
      if c and c <= 32 then i = skip(s, i) end
    elseif c == 93 then
      return arr, i + 1
    else
      fail(i, "expected ',' or ']'")
    end
  end
end

local function decode_object(s, i, depth)
  local obj, n = setmetatable({}, object_mt), 0
  i = i + 1
  local c = byte(s, i)
  if c and c <= 32 then i = skip(s, i); c = byte(s, i) end
  if c == 125 then return obj, i + 1 end
  while true do
    if c ~= 34 then fail(i, "expected a string key") end
    local key, v
    key, i = decode_string(s, i)
    c = byte(s, i)
    if c and c <= 32 then i = skip(s, i); c = byte(s, i) end
    if c ~= 58 then fail(i, "expected ':'") end
    i = i + 1
    c = byte(s, i)
    if c and c <= 32 then i = skip(s, i) end
    v, i = decode_value(s, i, depth)
    if obj[key] == nil then -- a repeated key keeps its first position
      n = n + 1
      obj[n] = key
    end
    obj[key] = v
    c = byte(s, i)
    if c and c <= 32 then i = skip(s, i); c = byte(s, i) end
    if c == 44 then
      i = i + 1
      c = byte(s, i)
      if c and c <= 32 then i = skip(s, i); c = byte(s, i) end
    elseif c == 125 then
      return obj, i + 1
    else
      fail(i, "expected ',' or '}'")
    end
  end
end

-- The value starting at i (whitespace skipped): the value and the index after it.
decode_value = function(s, i, depth)
  local c = byte(s, i)
  if c == 34 then
    return decode_string(s, i)
  elseif c == 123 then
    if depth >= json.MAX_DEPTH then fail(i, "nested too deeply") end
    return decode_object(s, i, depth + 1)
  elseif c == 91 then
    if depth >= json.MAX_DEPTH then fail(i, "nested too deeply") end
    return decode_array(s, i, depth + 1)
  elseif c == 116 then
    if sub(s, i, i + 3) == "true" then return true, i + 4 end
  elseif c == 102 then
    if sub(s, i, i + 4) == "false" then return false, i + 5 end
  elseif c == 110 then
    if sub(s, i, i + 3) == "null" then return null, i + 4 end
  elseif c == 45 or (c and c >= 48 and c <= 57) then
    return decode_number(s, i)
  end
  fail(i, c and "unexpected character" or "expected a value")
end

local function decode_text(s)
  local v, i = decode_value(s, skip(s, 1), 0)
  i = skip(s, i)
  if i <= #s then fail(i, "unexpected data after the value") end
  return v
end

--- Parses JSON text: the value, or nil and "message at byte N" (1-based).
function json.decode(s)
  local ok, bad = utf8len(s)
  if not ok then return nil, "invalid UTF-8 at byte " .. bad end
  local ok2, v = pcall(decode_text, s)
  if ok2 then return v end
  if type(v) == "table" then return nil, v.message .. " at byte " .. v.at end
  error(v, 0) -- not a JSON error: a bug, or out of memory
end

-- ---------------------------------------------------------------------------
-- Encoding.

local STRING_ESCAPES = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
for b = 0, 31 do
  local ch = string.char(b)
  if STRING_ESCAPES[ch] == nil then STRING_ESCAPES[ch] = format("\\u%04x", b) end
end

local function escape_surrogate(seq)
  local b1, b2, b3 = byte(seq, 1, 3)
  return format("\\u%04x", ((b1 & 0x0F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F))
end

local function escape(s)
  s = gsub(s, '["\\\0-\31]', STRING_ESCAPES)
  if find(s, "\237[\160-\191]") then s = gsub(s, "\237[\160-\191][\128-\191]", escape_surrogate) end
  return s
end

local function encode_string(s)
  if find(s, '["\\\0-\31\237]') then s = escape(s) end
  return '"' .. s .. '"'
end
json.encode_string = encode_string

-- ECMAScript Number::toString layout of 0.DIGITS * 10^point.
local function layout(digits, point)
  local k, n = #digits, point
  if k <= n and n <= 21 then return digits .. rep("0", n - k) end
  if 0 < n and n <= 21 then return sub(digits, 1, n) .. "." .. sub(digits, n + 1) end
  if -6 < n and n <= 0 then return "0." .. rep("0", -n) .. digits end
  local x = n - 1
  local mant = k == 1 and digits or sub(digits, 1, 1) .. "." .. sub(digits, 2)
  return mant .. (x < 0 and "e-" or "e+") .. (x < 0 and -x or x)
end

-- Digits (no point, no trailing zeros) and point of a "%.Ne" rendering.
local function split_e(s)
  local d1, rest, x = s:match("^(%d)%.?(%d*)e([-+]%d+)$")
  local digits = (d1 .. rest):gsub("0+$", "")
  if digits == "" then digits = "0" end
  return digits, tonumber(x) + 1
end

-- The p-digit neighbour one unit in the last place above (delta 1) or below
-- (delta -1) 0.DIGITS * 10^point: its digits (no trailing zeros) and point.
local function step(digits, point, p, delta)
  local d = { byte(digits .. rep("0", p - #digits), 1, -1) }
  local i = p
  if delta > 0 then
    while i >= 1 and d[i] == 57 do d[i] = 48; i = i - 1 end
    if i == 0 then return "1", point + 1 end -- 9.99 -> 10.0
    d[i] = d[i] + 1
  else
    if digits == "1" then return rep("9", p), point - 1 end -- 1.00 -> 0.999
    while i >= 1 and d[i] == 48 do d[i] = 57; i = i - 1 end
    d[i] = d[i] - 1
  end
  local out = gsub(string.char(table.unpack(d)), "0+$", "")
  return out, point
end

local function readback(digits, point)
  return tonumber(sub(digits, 1, 1) .. "." .. (#digits > 1 and sub(digits, 2) or "0") .. "e" .. (point - 1))
end

-- A p-digit decimal that reads back as x > 0 (digits, point), or nil.
local function shortest_at(x, p)
  local digits, point = split_e(format("%." .. (p - 1) .. "e", x)) -- correctly rounded, half to even
  local back = readback(digits, point)
  if back == x then return digits, point end
  local d2, p2 = step(digits, point, p, back > x and -1 or 1) -- the other neighbour
  if readback(d2, p2) == x then return d2, p2 end
  return nil
end

local function encode_number(x)
  if mtype(x) == "integer" then
    if x > -9007199254740992 and x < 9007199254740992 then return tostring(x) end
    x = x + 0.0 -- as JavaScript would hold it
  end
  if x ~= x or x == huge or x == -huge then return "null" end
  if x > -9007199254740992.0 and x < 9007199254740992.0 and x == floor(x) then return format("%d", x) end
  local sign = ""
  if x < 0 then sign, x = "-", -x end
  -- ECMAScript's rule: the fewest digits p that read back as x; of the two
  -- p-digit neighbours of x, the correctly rounded one when both do. Reading
  -- back is monotonic in p (a p-digit decimal is also a (p+1)-digit one), so
  -- the fewest digits are found by bisection.
  local lo, hi = 1, 17
  local best_digits, best_point = shortest_at(x, 17)
  while lo < hi do
    local mid = (lo + hi) // 2
    local digits, point = shortest_at(x, mid)
    if digits then
      hi, best_digits, best_point = mid, digits, point
    else
      lo = mid + 1
    end
  end
  return sign .. layout(best_digits, best_point)
end
json.encode_number = encode_number

-- Keys repeat (every order has an "id"): their text, '"key":', is kept in
-- a small cache, emptied when it grows past KEY_CACHE_MAX entries.
local KEY_CACHE_MAX = 512
local key_text, key_count = {}, 0
local function encode_key(key)
  if key_count >= KEY_CACHE_MAX then key_text, key_count = {}, 0 end
  local text = '"' .. (find(key, '["\\\0-\31\237]') and escape(key) or key) .. '":'
  key_text[key] = text
  key_count = key_count + 1
  return text
end

local encode_value

-- Appends the pieces of v's text to buf after index n; returns the new last index.
encode_value = function(v, buf, n)
  local t = type(v)
  if t == "string" then
    if find(v, '["\\\0-\31\237]') then v = escape(v) end
    buf[n + 1] = '"'
    buf[n + 2] = v
    buf[n + 3] = '"'
    return n + 3
  elseif t == "number" then
    n = n + 1
    buf[n] = encode_number(v)
  elseif t == "boolean" then
    n = n + 1
    buf[n] = v and "true" or "false"
  elseif v == null or v == nil then
    n = n + 1
    buf[n] = "null"
  elseif t == "table" then
    local count = #v
    if getmetatable(v) == object_mt then
      if count == 0 then
        buf[n + 1] = "{}"
        return n + 1
      end
      for i = 1, count do
        local key = v[i]
        buf[n + 1] = i == 1 and "{" or ","
        buf[n + 2] = key_text[key] or encode_key(key)
        n = encode_value(v[key], buf, n + 2)
      end
      n = n + 1
      buf[n] = "}"
    else
      if count == 0 then
        buf[n + 1] = "[]"
        return n + 1
      end
      for i = 1, count do
        n = n + 1
        buf[n] = i == 1 and "[" or ","
        n = encode_value(v[i], buf, n)
      end
      n = n + 1
      buf[n] = "]"
    end
  else
    error("json.encode: cannot encode a " .. t, 0)
  end
  return n
end

--- Serialises a value (see the top of this file for the exact bytes).
function json.encode(v)
  local buf = {}
  local n = encode_value(v, buf, 0)
  return concat(buf, "", 1, n)
end

return json
