/* method-path-read: report method() and path() in headers. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_set_header(PB_STR("x-method"), pb_method());
  pb_set_header(PB_STR("x-path"), pb_path());
  return PB_CONTINUE;
}
