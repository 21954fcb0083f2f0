-- SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104) for Lua 5.4, on byte
-- strings. The same algorithm as workloads/lib/sha256.ts and sha256.h: an
-- 8-word state, the 64-round compression over a 64-word message schedule,
-- padding with 0x80, zeros and the 64-bit big-endian bit length, and HMAC as
-- two hashes over (key ~ ipad) .. message and (key ~ opad) .. inner digest.
-- Lua 5.4 integers are 64-bit: every 32-bit word is masked with 0xffffffff
-- where bits above 31 could reach a right shift or the output.
--
--   local sha256 = require("sha256")
--   sha256.digest(s)        --> 32-byte string
--   sha256.hmac(key, msg)   --> 32-byte string
--   sha256.hex(bytes)       --> lower-case hex

local M = {}

local byte, char, rep, pack, unpack = string.byte, string.char, string.rep, string.pack, string.unpack
local format, gsub = string.format, string.gsub
local tunpack = table.unpack

local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

local BLOCK = ">I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4" -- one 64-byte block as 16 big-endian words
local DIGEST = ">I4I4I4I4I4I4I4I4"

-- The message schedule, reused: one hash runs at a time.
local W = {}

-- Compresses the 64-byte block of s starting at pos into the state H.
local function compress(H, s, pos)
  local w = W
  w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12], w[13], w[14], w[15], w[16] =
    unpack(BLOCK, s, pos)
  for t = 17, 64 do
    local w15, w2 = w[t - 15], w[t - 2]
    local s0 = ((w15 >> 7) | (w15 << 25)) ~ ((w15 >> 18) | (w15 << 14)) ~ (w15 >> 3)
    local s1 = ((w2 >> 17) | (w2 << 15)) ~ ((w2 >> 19) | (w2 << 13)) ~ (w2 >> 10)
    w[t] = (w[t - 16] + s0 + w[t - 7] + s1) & 0xffffffff
  end
  local a, b, c, d, e, f, g, h = H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8]
  for t = 1, 64 do
    local S1 = ((e >> 6) | (e << 26)) ~ ((e >> 11) | (e << 21)) ~ ((e >> 25) | (e << 7))
    local ch = (e & f) ~ (~e & g)
    local t1 = h + S1 + ch + K[t] + w[t]
    local S0 = ((a >> 2) | (a << 30)) ~ ((a >> 13) | (a << 19)) ~ ((a >> 22) | (a << 10))
    local maj = (a & b) ~ (a & c) ~ (b & c)
    h = g
    g = f
    f = e
    e = (d + t1) & 0xffffffff
    d = c
    c = b
    b = a
    a = (t1 + S0 + maj) & 0xffffffff
  end
  H[1] = (H[1] + a) & 0xffffffff
  H[2] = (H[2] + b) & 0xffffffff
  H[3] = (H[3] + c) & 0xffffffff
  H[4] = (H[4] + d) & 0xffffffff
  H[5] = (H[5] + e) & 0xffffffff
  H[6] = (H[6] + f) & 0xffffffff
  H[7] = (H[7] + g) & 0xffffffff
  H[8] = (H[8] + h) & 0xffffffff
end

-- The 32-byte digest of the byte string s.
function M.digest(s)
  local H = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 }
  local n = #s
  local full = n - n % 64
  for pos = 1, full, 64 do
    compress(H, s, pos)
  end
  -- The rest, 0x80, zeros to 56 mod 64, the bit length: one or two blocks.
  local tail = s:sub(full + 1) .. "\128" .. rep("\0", (55 - n) % 64) .. pack(">I8", n * 8)
  for pos = 1, #tail, 64 do
    compress(H, tail, pos)
  end
  return pack(DIGEST, H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8])
end

local function xor_pad(key, x)
  local t = { byte(key, 1, 64) }
  for i = 1, 64 do
    t[i] = t[i] ~ x
  end
  return char(tunpack(t))
end

-- HMAC-SHA-256 of msg under key (byte strings): a key longer than the 64-byte
-- block is hashed first, a shorter one is padded with zeros.
function M.hmac(key, msg)
  if #key > 64 then key = M.digest(key) end
  key = key .. rep("\0", 64 - #key)
  local inner = M.digest(xor_pad(key, 0x36) .. msg)
  return M.digest(xor_pad(key, 0x5c) .. inner)
end

local function hex_byte(c)
  return format("%02x", byte(c))
end

-- Lower-case hex of a byte string.
function M.hex(s)
  return (gsub(s, ".", hex_byte))
end

return M
