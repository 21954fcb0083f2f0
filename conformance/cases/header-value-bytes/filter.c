/* header-value-bytes: copy a value with every legal byte, and write one with
 * obs-text, space and tab. WIT strings are Unicode: the byte 0xbb is the
 * character U+00bb, which a C guest reads and writes as UTF-8. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_str v;
  pb_set_header(PB_STR("x-echo"), pb_header(PB_STR("x-bytes"), &v) ? v : PB_STR("absent"));
  pb_add_header(PB_STR("x-obs"), PB_STR("obs:\xc2\x80\xc2\xa0\xc3\xbf tab:\t."));
  return PB_CONTINUE;
}
