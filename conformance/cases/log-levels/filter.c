/* log-levels: one record from init, one per level from handle. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  pb_log(PB_INFO, PB_STR("conformance: init"));
  return true;
}

pb_str pb_handle(void) {
  pb_log(PB_DEBUG, PB_STR("conformance: debug"));
  pb_log(PB_INFO, PB_STR("conformance: info"));
  pb_log(PB_WARN, PB_STR("conformance: warn"));
  pb_log(PB_ERROR, PB_STR("conformance: error, na\xc3\xafve \xe2\x9c\x93"));
  return PB_CONTINUE;
}
