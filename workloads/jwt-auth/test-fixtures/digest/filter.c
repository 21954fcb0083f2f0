/* Test filter for workloads/lib/sha256.h and base64url.h (run by
 * workloads/jwt-auth/libs.test.ts, not a workload):
 *   x-sha256: hex(SHA-256(body))                              always
 *   x-hmac-sha256: hex(HMAC-SHA-256(key, body))               when x-hmac-key-hex carries the key in hex
 *   x-decoded-hex: hex(base64url-decode(value)) or "invalid"  when x-base64url is present */
#include "plugbench.h"
#include "../../../lib/base64url.h"
#include "../../../lib/sha256.h"

static pb_str hex(const uint8_t *bytes, size_t len) {
  static const char digits[] = "0123456789abcdef";
  char *out = (char *)pb_alloc(len * 2);
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  return pb_str_of(out, len * 2);
}

static int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_bytes body = pb_body();
  uint8_t digest[SHA256_BYTES];
  sha256(body.ptr, body.len, digest);
  pb_set_header(PB_STR("x-sha256"), hex(digest, sizeof digest));

  pb_str key_hex;
  if (pb_header(PB_STR("x-hmac-key-hex"), &key_hex)) {
    size_t key_len = key_hex.len / 2;
    uint8_t *key = (uint8_t *)pb_alloc(key_len);
    for (size_t i = 0; i < key_len; i++) key[i] = (uint8_t)(nibble(key_hex.ptr[2 * i]) << 4 | nibble(key_hex.ptr[2 * i + 1]));
    uint8_t mac[SHA256_BYTES];
    hmac_sha256(key, key_len, body.ptr, body.len, mac);
    pb_set_header(PB_STR("x-hmac-sha256"), hex(mac, sizeof mac));
  }

  pb_str b64;
  if (pb_header(PB_STR("x-base64url"), &b64)) {
    uint8_t *out = (uint8_t *)pb_alloc(BASE64URL_DECODED_MAX(b64.len));
    size_t n;
    if (base64url_decode(b64.ptr, b64.len, out, &n)) pb_set_header(PB_STR("x-decoded-hex"), hex(out, n));
    else pb_set_header(PB_STR("x-decoded-hex"), PB_STR("invalid"));
  }
  return PB_CONTINUE;
}
