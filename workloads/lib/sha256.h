/*
 * sha256.h: SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), header-only,
 * freestanding (memcpy / memset only). The same algorithm as
 * workloads/lib/sha256.ts and sha256.lua: a streaming context (8-word state,
 * 64-byte block buffer, byte count), the 64-round compression over a 64-word
 * message schedule, padding with 0x80, zeros and the 64-bit big-endian bit
 * length, and HMAC as two hashes over (key ^ ipad) || message and
 * (key ^ opad) || inner digest.
 *
 *   uint8_t mac[SHA256_BYTES];
 *   hmac_sha256(key, key_len, msg, msg_len, mac);
 *
 * Include it from a filter with a relative path: #include "../lib/sha256.h".
 * Every function is static inline, so unused ones cost nothing and raise no
 * warnings.
 */
#ifndef PLUGBENCH_SHA256_H
#define PLUGBENCH_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SHA256_BYTES 32
#define SHA256_BLOCK 64

typedef struct sha256_ctx {
  uint32_t h[8];
  uint8_t block[SHA256_BLOCK];
  size_t fill;    /* bytes waiting in block */
  uint64_t total; /* bytes hashed so far */
} sha256_ctx;

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t sha256_rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

/* Compresses one 64-byte block into h. */
static inline void sha256_compress(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64];
  for (int t = 0; t < 16; t++, p += 4) {
    w[t] = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
  }
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = sha256_rotr(w[t - 15], 7) ^ sha256_rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = sha256_rotr(w[t - 2], 17) ^ sha256_rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int t = 0; t < 64; t++) {
    uint32_t t1 = hh + (sha256_rotr(e, 6) ^ sha256_rotr(e, 11) ^ sha256_rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                  sha256_k[t] + w[t];
    uint32_t t2 = (sha256_rotr(a, 2) ^ sha256_rotr(a, 13) ^ sha256_rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

static inline void sha256_init(sha256_ctx *ctx) {
  static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(ctx->h, h0, sizeof h0);
  ctx->fill = 0;
  ctx->total = 0;
}

static inline void sha256_update(sha256_ctx *ctx, const void *data, size_t len) {
  const uint8_t *p = (const uint8_t *)data;
  ctx->total += len;
  if (ctx->fill > 0) {
    size_t take = SHA256_BLOCK - ctx->fill;
    if (take > len) take = len;
    memcpy(ctx->block + ctx->fill, p, take);
    ctx->fill += take;
    p += take;
    len -= take;
    if (ctx->fill < SHA256_BLOCK) return;
    sha256_compress(ctx->h, ctx->block);
    ctx->fill = 0;
  }
  for (; len >= SHA256_BLOCK; p += SHA256_BLOCK, len -= SHA256_BLOCK) sha256_compress(ctx->h, p);
  if (len) memcpy(ctx->block, p, len);
  ctx->fill = len;
}

static inline void sha256_final(sha256_ctx *ctx, uint8_t out[SHA256_BYTES]) {
  uint64_t bits = ctx->total * 8;
  ctx->block[ctx->fill++] = 0x80;
  if (ctx->fill > 56) {
    memset(ctx->block + ctx->fill, 0, SHA256_BLOCK - ctx->fill);
    sha256_compress(ctx->h, ctx->block);
    ctx->fill = 0;
  }
  memset(ctx->block + ctx->fill, 0, 56 - ctx->fill);
  for (int i = 0; i < 8; i++) ctx->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_compress(ctx->h, ctx->block);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(ctx->h[i] >> 24);
    out[4 * i + 1] = (uint8_t)(ctx->h[i] >> 16);
    out[4 * i + 2] = (uint8_t)(ctx->h[i] >> 8);
    out[4 * i + 3] = (uint8_t)ctx->h[i];
  }
}

static inline void sha256(const void *data, size_t len, uint8_t out[SHA256_BYTES]) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data, len);
  sha256_final(&ctx, out);
}

/* HMAC-SHA-256: a key longer than the 64-byte block is hashed first. */
static inline void hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                               uint8_t out[SHA256_BYTES]) {
  uint8_t k[SHA256_BLOCK] = {0};
  if (key_len > SHA256_BLOCK) sha256(key, key_len, k);
  else if (key_len) memcpy(k, key, key_len);
  uint8_t pad[SHA256_BLOCK];
  uint8_t inner[SHA256_BYTES];
  sha256_ctx ctx;
  for (int i = 0; i < SHA256_BLOCK; i++) pad[i] = k[i] ^ 0x36;
  sha256_init(&ctx);
  sha256_update(&ctx, pad, SHA256_BLOCK);
  sha256_update(&ctx, msg, msg_len);
  sha256_final(&ctx, inner);
  for (int i = 0; i < SHA256_BLOCK; i++) pad[i] = k[i] ^ 0x5c;
  sha256_init(&ctx);
  sha256_update(&ctx, pad, SHA256_BLOCK);
  sha256_update(&ctx, inner, SHA256_BYTES);
  sha256_final(&ctx, out);
}

#endif /* PLUGBENCH_SHA256_H */
