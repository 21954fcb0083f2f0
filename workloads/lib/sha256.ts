// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), in pure TypeScript so the
// same code runs on native V8, QuickJS and the remote service (no node:crypto,
// no WebCrypto). The same algorithm is written in workloads/lib/sha256.lua and
// workloads/lib/sha256.h: a streaming context (8-word state, 64-byte block
// buffer, byte count), the 64-round compression with a 64-word message
// schedule, and HMAC as two hashes over (key ^ ipad) || message and
// (key ^ opad) || inner digest. Tested against the published vectors in
// sha256.test.ts.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** The message schedule, shared: one hash runs at a time (filters are synchronous). */
const W = new Int32Array(64);

/** Compresses the 64-byte block at `data[off..off+64)` into `h` (8 words, as signed 32-bit ints). */
function compress(h: Int32Array, data: Uint8Array, off: number): void {
  for (let t = 0; t < 16; t++, off += 4) {
    W[t] = (data[off]! << 24) | (data[off + 1]! << 16) | (data[off + 2]! << 8) | data[off + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/** A streaming SHA-256: update() any number of times, then digest() once. */
export class Sha256 {
  private readonly h = Int32Array.from(H0);
  private readonly block = new Uint8Array(64);
  private fill = 0;
  private total = 0;

  update(data: Uint8Array): this {
    let i = 0;
    const n = data.length;
    this.total += n;
    if (this.fill > 0) {
      while (i < n && this.fill < 64) this.block[this.fill++] = data[i++]!;
      if (this.fill < 64) return this;
      compress(this.h, this.block, 0);
      this.fill = 0;
    }
    for (; i + 64 <= n; i += 64) compress(this.h, data, i);
    while (i < n) this.block[this.fill++] = data[i++]!;
    return this;
  }

  /** The 32-byte digest. Pads: 0x80, zeros, the bit length as a 64-bit big-endian integer. */
  digest(): Uint8Array {
    const bits = this.total * 8;
    const block = this.block;
    block[this.fill++] = 0x80;
    if (this.fill > 56) {
      block.fill(0, this.fill);
      compress(this.h, block, 0);
      this.fill = 0;
    }
    block.fill(0, this.fill, 56);
    const hi = Math.floor(bits / 4294967296);
    const lo = bits >>> 0;
    block[56] = hi >>> 24;
    block[57] = hi >>> 16;
    block[58] = hi >>> 8;
    block[59] = hi;
    block[60] = lo >>> 24;
    block[61] = lo >>> 16;
    block[62] = lo >>> 8;
    block[63] = lo;
    compress(this.h, block, 0);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const w = this.h[i]!;
      out[i * 4] = w >>> 24;
      out[i * 4 + 1] = w >>> 16;
      out[i * 4 + 2] = w >>> 8;
      out[i * 4 + 3] = w;
    }
    return out;
  }
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Sha256().update(data).digest();
}

/** HMAC-SHA-256 (RFC 2104): a key longer than the 64-byte block is hashed first. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = key.length > 64 ? sha256(key) : key;
  const pad = new Uint8Array(64);
  for (let i = 0; i < 64; i++) pad[i] = (i < k.length ? k[i]! : 0) ^ 0x36;
  const inner = new Sha256().update(pad).update(message).digest();
  for (let i = 0; i < 64; i++) pad[i] = (i < k.length ? k[i]! : 0) ^ 0x5c;
  return new Sha256().update(pad).update(inner).digest();
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}
