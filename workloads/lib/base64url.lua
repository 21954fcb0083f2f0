-- base64url (RFC 4648 §5) without padding, as JWS uses it (RFC 7515 §2), for
-- Lua 5.4 byte strings. Strict, like workloads/lib/base64url.ts and
-- base64url.h: only A-Z a-z 0-9 - _ (no '=', no whitespace), length mod 4
-- not 1, and the spare bits of the last character zero; anything else is
-- invalid and decode returns nil.
--
--   local base64url = require("base64url")
--   base64url.decode(s [, i [, j]])  --> bytes of s:sub(i, j), or nil

local M = {}

local byte, char, find, sub = string.byte, string.char, string.find, string.sub
local tunpack = table.unpack

-- Byte → 6-bit value (only the 64 alphabet bytes have one).
local VALUE = {}
do
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
  for i = 1, 64 do
    VALUE[byte(alphabet, i)] = i - 1
  end
end

function M.decode(s, i, j)
  if i ~= nil then s = sub(s, i, j) end
  local n = #s
  if n % 4 == 1 or find(s, "[^A-Za-z0-9_%-]") then return nil end
  local out, o = {}, 0
  local full = n - n % 4
  for p = 1, full, 4 do
    local a, b, c, d = byte(s, p, p + 3)
    local v = (VALUE[a] << 18) | (VALUE[b] << 12) | (VALUE[c] << 6) | VALUE[d]
    out[o + 1], out[o + 2], out[o + 3] = v >> 16, (v >> 8) & 0xff, v & 0xff
    o = o + 3
  end
  local rest = n - full
  if rest == 2 then
    local a, b = byte(s, full + 1, full + 2)
    local v = (VALUE[a] << 6) | VALUE[b] -- 12 bits: one byte and 4 spare bits
    if v & 0xf ~= 0 then return nil end
    out[o + 1] = v >> 4
    o = o + 1
  elseif rest == 3 then
    local a, b, c = byte(s, full + 1, full + 3)
    local v = (VALUE[a] << 12) | (VALUE[b] << 6) | VALUE[c] -- 18 bits: two bytes and 2 spare bits
    if v & 0x3 ~= 0 then return nil end
    out[o + 1], out[o + 2] = v >> 10, (v >> 2) & 0xff
    o = o + 2
  end
  -- string.char takes its bytes as arguments: convert in slices.
  if o <= 4096 then return char(tunpack(out, 1, o)) end
  local parts = {}
  for p = 1, o, 4096 do
    parts[#parts + 1] = char(tunpack(out, p, math.min(p + 4095, o)))
  end
  return table.concat(parts)
end

return M
