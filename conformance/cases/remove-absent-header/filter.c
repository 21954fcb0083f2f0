/* remove-absent-header: remove names that are not there, then report. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_remove_header(PB_STR("x-absent"));
  pb_remove_header(PB_STR("X-ALSO-ABSENT"));
  pb_remove_header(PB_STR("x-absent"));
  pb_str v;
  pb_buf b = {0};
  pb_buf_put(&b, pb_header(PB_STR("x-absent"), &v) ? v : PB_STR("absent"));
  pb_buf_putc(&b, '|');
  pb_buf_put(&b, pb_header(PB_STR("x-keep"), &v) ? v : PB_STR("absent"));
  pb_set_header(PB_STR("x-after"), pb_buf_str(&b));
  return PB_CONTINUE;
}
