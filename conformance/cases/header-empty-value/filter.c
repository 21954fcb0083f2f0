/* header-empty-value: tell an empty value from an absent one; write empty values. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_str v;
  if (pb_header(PB_STR("x-empty"), &v)) {
    pb_buf seen = {0};
    pb_buf_put(&seen, PB_STR("present:"));
    pb_buf_dec(&seen, (int64_t)v.len);
    pb_set_header(PB_STR("x-seen"), pb_buf_str(&seen));
  } else {
    pb_set_header(PB_STR("x-seen"), PB_STR("absent"));
  }
  pb_set_header(PB_STR("x-set-empty"), PB_STR(""));
  pb_add_header(PB_STR("x-add-empty"), PB_STR(""));
  return PB_CONTINUE;
}
