/* header-multi-value: first value, add-header appends, set-header replaces all. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

static pb_str header_or_absent(pb_str name) {
  pb_str v;
  return pb_header(name, &v) ? v : PB_STR("absent");
}

pb_str pb_handle(void) {
  pb_set_header(PB_STR("x-first"), header_or_absent(PB_STR("X-Multi")));
  pb_add_header(PB_STR("VIA"), PB_STR("1.1 plugbench"));
  pb_set_header(PB_STR("x-multi"), PB_STR("only"));
  pb_add_header(PB_STR("x-added"), PB_STR("a"));
  pb_add_header(PB_STR("X-Added"), PB_STR("b"));
  pb_set_header(PB_STR("x-added-first"), header_or_absent(PB_STR("x-added")));
  return PB_CONTINUE;
}
