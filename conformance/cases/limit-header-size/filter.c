/* limit-header-size: /exact sets a 64-byte field (the host's limit), /overflow a 105-byte one;
 * anything else marks x-ok. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  if (pb_eq(pb_path(), PB_STR("/exact"))) {
    char *value = (char *)pb_alloc(59);
    memset(value, 'v', 59); /* 5 + 59 = 64 bytes: at the limit */
    pb_set_header(PB_STR("x-big"), pb_str_of(value, 59));
    return PB_CONTINUE;
  }
  if (pb_eq(pb_path(), PB_STR("/overflow"))) {
    char *big = (char *)pb_alloc(100);
    memset(big, 'v', 100);
    pb_set_header(PB_STR("x-big"), pb_str_of(big, 100));
    return PB_STR("not-refused");
  }
  pb_set_header(PB_STR("x-ok"), PB_STR("yes"));
  return PB_CONTINUE;
}
