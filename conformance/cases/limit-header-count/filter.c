/* limit-header-count: /exact adds 5 headers (to the host's limit), /overflow 20 (over it);
 * anything else marks x-ok. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

static void add_extra(int n) {
  for (int i = 1; i <= n; i++) {
    pb_buf name = {0}, value = {0};
    pb_buf_put(&name, PB_STR("x-extra-"));
    pb_buf_dec(&name, i);
    pb_buf_dec(&value, i);
    pb_add_header(pb_buf_str(&name), pb_buf_str(&value));
  }
}

pb_str pb_handle(void) {
  if (pb_eq(pb_path(), PB_STR("/exact"))) {
    add_extra(5); /* 3 + 5 = 8: at the limit */
    return PB_CONTINUE;
  }
  if (pb_eq(pb_path(), PB_STR("/overflow"))) {
    add_extra(20);
    return PB_STR("not-refused");
  }
  pb_set_header(PB_STR("x-ok"), PB_STR("yes"));
  return PB_CONTINUE;
}
