/* body-1mib: report the body's length and FNV-1a, and set it reversed. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

static uint32_t fnv1a32(pb_bytes b) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < b.len; i++) {
    h ^= b.ptr[i];
    h *= 16777619u;
  }
  return h;
}

pb_str pb_handle(void) {
  pb_bytes body = pb_body();
  pb_buf len = {0};
  pb_buf_dec(&len, (int64_t)body.len);
  pb_set_header(PB_STR("x-body-length"), pb_buf_str(&len));
  pb_buf hash = {0};
  pb_buf_hex(&hash, fnv1a32(body), 8);
  pb_set_header(PB_STR("x-body-fnv1a"), pb_buf_str(&hash));
  uint8_t *out = (uint8_t *)pb_alloc(body.len);
  for (size_t i = 0; i < body.len; i++) out[i] = body.ptr[body.len - 1 - i];
  pb_set_body(pb_bytes_of(out, body.len));
  return PB_CONTINUE;
}
