/* kv-host-store: answer with two values the host stored, as text; store a literal
 * (this file is UTF-8). */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_str latin, wide;
  pb_buf body = {0};
  pb_buf_put(&body, pb_kv_get(PB_STR("latin"), &latin) ? latin : PB_STR("absent"));
  pb_buf_putc(&body, '|');
  pb_buf_put(&body, pb_kv_get(PB_STR("wide"), &wide) ? wide : PB_STR("absent"));
  pb_set_body(pb_str_bytes(pb_buf_str(&body)));
  pb_kv_set(PB_STR("written"), PB_STR("héllo ✓"));
  return PB_CONTINUE;
}
