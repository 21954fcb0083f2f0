/*
 * base64url.h: base64url (RFC 4648 §5) without padding, as JWS uses it
 * (RFC 7515 §2), header-only and freestanding. Strict, like
 * workloads/lib/base64url.ts and base64url.lua: only A-Z a-z 0-9 - _ (no '=',
 * no whitespace), length mod 4 not 1, and the spare bits of the last
 * character zero; anything else is invalid.
 *
 *   uint8_t *out = pb_alloc(BASE64URL_DECODED_MAX(len));
 *   size_t n;
 *   if (!base64url_decode(text, len, out, &n)) ... invalid ...
 */
#ifndef PLUGBENCH_BASE64URL_H
#define PLUGBENCH_BASE64URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Room the decoded bytes of `len` characters need (at most). */
#define BASE64URL_DECODED_MAX(len) ((len) / 4 * 3 + 2)

/** The 6-bit value of an alphabet character, or -1. */
static inline int base64url_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

/** Decodes in[0, len) into out (room for BASE64URL_DECODED_MAX(len) bytes); false when invalid. */
static inline bool base64url_decode(const char *in, size_t len, uint8_t *out, size_t *out_len) {
  if (len % 4 == 1) return false;
  size_t o = 0;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < len; i++) {
    int v = base64url_value((unsigned char)in[i]);
    if (v < 0) return false;
    acc = ((acc << 6) | (uint32_t)v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (uint8_t)(acc >> bits);
    }
  }
  /* 2 or 4 bits left over (length mod 4 = 3 or 2) must be zero. */
  if (acc & ((1u << bits) - 1)) return false;
  *out_len = o;
  return true;
}

#endif /* PLUGBENCH_BASE64URL_H */
