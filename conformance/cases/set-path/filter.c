/* set-path: prefix the path with /v2 and report what path() says afterwards. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_buf p = {0};
  pb_buf_put(&p, PB_STR("/v2"));
  pb_buf_put(&p, pb_path());
  pb_set_path(pb_buf_str(&p));
  pb_set_header(PB_STR("x-path-after"), pb_path());
  return PB_CONTINUE;
}
