/* result-strings: the result named by the path. C has no "no value": /nothing continues with "". */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_str path = pb_path();
  if (pb_eq(path, PB_STR("/deny"))) return PB_STR("deny");
  if (pb_eq(path, PB_STR("/unicode"))) return PB_STR("r\xc3\xa9sultat-\xe2\x9c\x93");
  return PB_CONTINUE;
}
