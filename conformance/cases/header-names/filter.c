/* header-names: the names before and after adding one, joined with ",". */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

static pb_str joined_names(void) {
  pb_strs names = pb_header_names();
  pb_buf b = {0};
  for (size_t i = 0; i < names.len; i++) {
    if (i) pb_buf_putc(&b, ',');
    pb_buf_put(&b, names.items[i]);
  }
  return pb_buf_str(&b);
}

pb_str pb_handle(void) {
  pb_str before = joined_names();
  pb_add_header(PB_STR("X-New"), PB_STR("n"));
  pb_str after = joined_names();
  pb_set_header(PB_STR("x-names"), before);
  pb_set_header(PB_STR("x-names-after"), after);
  return PB_CONTINUE;
}
