-- jsonscan: the members of a JSON object that a filter asks for, from a
-- validating single pass over the whole text (workloads/jwt-auth/README.md,
-- "JSON"). Lua has no JSON in its standard library; OpenResty filters use
-- lua-cjson (C), pure-Lua ones dkjson or rxi/json.lua, which build a table of
-- the whole document. This module checks the whole text just as strictly but
-- builds only what it is asked for, as a jsmn-style tokenizer would in C
-- (workloads/jwt-auth/jsonscan.h is the same algorithm).
--
--   local members = jsonscan.object(text, { sub = true, exp = true, aud = true })
--
-- returns nil unless `text` is one JSON object (RFC 8259, as ECMAScript's
-- JSON.parse accepts it, on bytes), else a table holding the wanted top-level
-- members (the last one wins when a name repeats) as:
--   string  -> the decoded bytes (escapes resolved, \u as UTF-8)
--   number  -> tonumber of its text (an integer or the nearest float)
--   array   -> a list with one entry per element: the decoded string, or
--              false for an element that is not a string
--   object  -> jsonscan.OBJECT, true / false -> the boolean, null -> jsonscan.NULL
-- Nesting is unbounded: open containers live on an explicit stack, not the C stack.

local M = {}

M.OBJECT = setmetatable({}, { __name = "jsonscan.OBJECT" })
M.NULL = setmetatable({}, { __name = "jsonscan.NULL" })

local byte, find, sub, char = string.byte, string.find, string.sub, string.char
local concat = table.concat
local utf8char = utf8.char

local NOT_WS = "[^ \t\n\r]"
local STRING_STOP = '["\\\0-\31]' -- what ends a run of plain string bytes
local ESCAPES = { [34] = '"', [92] = "\\", [47] = "/", [98] = "\b", [102] = "\f", [110] = "\n", [114] = "\r", [116] = "\t" }

-- The string whose opening quote is at pos: the position after its closing
-- quote and whether it holds escapes, or nil when it is not valid JSON.
local function skip_string(s, pos)
  local p = pos + 1
  local escaped = false
  while true do
    local q = find(s, STRING_STOP, p)
    if q == nil then return nil end
    local c = byte(s, q)
    if c == 34 then return q + 1, escaped end
    if c ~= 92 then return nil end -- a raw control character
    escaped = true
    local e = byte(s, q + 1)
    if e == 117 then -- \uXXXX
      if not find(s, "^[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]", q + 2) then return nil end
      p = q + 6
    elseif ESCAPES[e] then
      p = q + 2
    else
      return nil
    end
  end
end

-- The decoded bytes of the (validated) string content s[i..j] that holds escapes.
-- A surrogate pair becomes one 4-byte UTF-8 sequence; a lone surrogate is
-- encoded on its own (3 bytes), as JSON.parse keeps it.
local function decode(s, i, j)
  local out, n = {}, 0
  local p = i
  while true do
    local q = find(s, "\\", p, true)
    if q == nil or q > j then
      n = n + 1
      out[n] = sub(s, p, j)
      return concat(out)
    end
    n = n + 1
    out[n] = sub(s, p, q - 1)
    local e = byte(s, q + 1)
    if e == 117 then
      local cp = tonumber(sub(s, q + 2, q + 5), 16)
      p = q + 6
      if cp >= 0xD800 and cp <= 0xDBFF and byte(s, p) == 92 and byte(s, p + 1) == 117 then
        local lo = tonumber(sub(s, p + 2, p + 5), 16)
        if lo >= 0xDC00 and lo <= 0xDFFF then
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
          p = p + 6
        end
      end
      n = n + 1
      out[n] = utf8char(cp)
    else
      n = n + 1
      out[n] = ESCAPES[e]
      p = q + 2
    end
  end
end

-- The position after the number starting at p, or nil when none starts there:
-- -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
local function number_end(s, p)
  local q = p
  if byte(s, q) == 45 then q = q + 1 end
  local c = byte(s, q)
  if c == 48 then
    q = q + 1
  elseif c ~= nil and c >= 49 and c <= 57 then
    q = find(s, "[^0-9]", q + 1) or #s + 1
  else
    return nil
  end
  if byte(s, q) == 46 then
    local r = find(s, "[^0-9]", q + 1) or #s + 1
    if r == q + 1 then return nil end
    q = r
  end
  c = byte(s, q)
  if c == 101 or c == 69 then
    q = q + 1
    c = byte(s, q)
    if c == 43 or c == 45 then q = q + 1 end
    local r = find(s, "[^0-9]", q) or #s + 1
    if r == q then return nil end
    q = r
  end
  return q
end

local OPEN_OBJECT, OPEN_ARRAY = 123, 91

function M.object(s, wanted)
  local p = find(s, NOT_WS)
  if p == nil or byte(s, p) ~= OPEN_OBJECT then return nil end
  local out = {}
  local stack, depth = { OPEN_OBJECT }, 1
  local key = nil -- the wanted top-level member whose value comes next (depth 1)
  local list = nil -- that member's array, while its elements (depth 2) are read
  local state = "first_key" -- first_key | key | first_value | value | after
  p = p + 1
  while true do
    p = find(s, NOT_WS, p)
    if p == nil then return nil end
    local c = byte(s, p)
    if state == "after" or (state == "first_key" and c == 125) or (state == "first_value" and c == 93) then
      -- After a value: ',' or the container's close.
      local open = stack[depth]
      if c == 44 and state == "after" then
        p = p + 1
        state = open == OPEN_OBJECT and "key" or "value"
      elseif (c == 125 and open == OPEN_OBJECT) or (c == 93 and open == OPEN_ARRAY) then
        p = p + 1
        if depth == 2 then list = nil end
        depth = depth - 1
        if depth == 0 then
          -- The root object is closed: only whitespace may follow.
          if find(s, NOT_WS, p) then return nil end
          return out
        end
        state = "after"
      else
        return nil
      end
    elseif state == "key" or state == "first_key" then
      if c ~= 34 then return nil end
      local q, escaped = skip_string(s, p)
      if q == nil then return nil end
      if depth == 1 then
        local name = escaped and decode(s, p + 1, q - 2) or sub(s, p + 1, q - 2)
        key = wanted[name] and name or nil
      end
      p = find(s, NOT_WS, q)
      if p == nil or byte(s, p) ~= 58 then return nil end
      p = p + 1
      state = "value"
    else -- "value" or "first_value": a value starts at p
      local record = (depth == 1 and key) or (depth == 2 and list)
      if c == 34 then
        local q, escaped = skip_string(s, p)
        if q == nil then return nil end
        if record then
          local v = escaped and decode(s, p + 1, q - 2) or sub(s, p + 1, q - 2)
          if depth == 1 then out[key] = v else list[#list + 1] = v end
        end
        p = q
        state = "after"
      elseif c == OPEN_OBJECT or c == OPEN_ARRAY then
        if record then
          if depth == 2 then
            list[#list + 1] = false
          elseif c == OPEN_ARRAY then
            list = {}
            out[key] = list
          else
            out[key] = M.OBJECT
          end
        end
        depth = depth + 1
        stack[depth] = c
        p = p + 1
        state = c == OPEN_OBJECT and "first_key" or "first_value"
      else
        local q = number_end(s, p)
        local v
        if q ~= nil then
          if record and depth == 1 then v = tonumber(sub(s, p, q - 1)) end
        elseif find(s, "^true", p) then
          q, v = p + 4, true
        elseif find(s, "^false", p) then
          q, v = p + 5, false
        elseif find(s, "^null", p) then
          q, v = p + 4, M.NULL
        else
          return nil
        end
        if record then
          if depth == 1 then out[key] = v else list[#list + 1] = false end
        end
        p = q
        state = "after"
      end
    end
  end
end

return M
