/* header-case-insensitive: read one header under three spellings, then write
 * with upper- and mixed-case names. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  static const pb_str spellings[] = {PB_STR_INIT("x-mixed-case"), PB_STR_INIT("X-MIXED-CASE"), PB_STR_INIT("x-MiXeD-cAsE")};
  pb_buf read = {0};
  for (size_t i = 0; i < PB_COUNT(spellings); i++) {
    pb_str v;
    if (i) pb_buf_putc(&read, '|');
    pb_buf_put(&read, pb_header(spellings[i], &v) ? v : PB_STR("absent"));
  }
  pb_set_header(PB_STR("x-read"), pb_buf_str(&read));
  pb_set_header(PB_STR("CONTENT-TYPE"), PB_STR("application/json"));
  pb_remove_header(PB_STR("x-REMOVE-me"));
  pb_add_header(PB_STR("X-Added"), PB_STR("yes"));
  pb_str keep;
  pb_buf kept = {0};
  pb_buf_put(&kept, pb_header(PB_STR("X-Keep"), &keep) ? keep : PB_STR("absent"));
  pb_buf_put(&kept, PB_STR("+set"));
  pb_set_header(PB_STR("X-KEEP"), pb_buf_str(&kept));
  return PB_CONTINUE;
}
