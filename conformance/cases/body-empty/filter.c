/* body-empty: report the body's length. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_buf b = {0};
  pb_buf_dec(&b, (int64_t)pb_body().len);
  pb_set_header(PB_STR("x-body-length"), pb_buf_str(&b));
  return PB_CONTINUE;
}
