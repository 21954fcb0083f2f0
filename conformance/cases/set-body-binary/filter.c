/* set-body-binary: replace the body with bytes 0-255 (or nothing, on x-mode: empty). */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_buf len = {0};
  pb_buf_dec(&len, (int64_t)pb_body().len);
  pb_set_header(PB_STR("x-old-length"), pb_buf_str(&len));
  pb_str mode;
  if (pb_header(PB_STR("x-mode"), &mode) && pb_eq(mode, PB_STR("empty"))) {
    pb_set_body(pb_bytes_of("", 0));
  } else {
    static uint8_t all[256];
    for (int i = 0; i < 256; i++) all[i] = (uint8_t)i;
    pb_set_body(pb_bytes_of(all, sizeof all));
  }
  return PB_CONTINUE;
}
