/* sensitive-granted: report what the filter can see of the sensitive headers. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_strs list = pb_header_names();
  pb_buf names = {0};
  for (size_t i = 0; i < list.len; i++) {
    if (i) pb_buf_putc(&names, ',');
    pb_buf_put(&names, list.items[i]);
  }
  pb_str authorization, cookie;
  if (!pb_header(PB_STR("authorization"), &authorization)) authorization = PB_STR("absent");
  if (!pb_header(PB_STR("Cookie"), &cookie)) cookie = PB_STR("absent");
  pb_set_header(PB_STR("Authorization"), PB_STR("Bearer rotated"));
  pb_set_header(PB_STR("x-names"), pb_buf_str(&names));
  pb_set_header(PB_STR("x-seen-authorization"), authorization);
  pb_set_header(PB_STR("x-seen-cookie"), cookie);
  return PB_CONTINUE;
}
