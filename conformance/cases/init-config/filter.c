/* init-config: keep the config text from init and answer with it as the body. */
#include "plugbench.h"

static pb_str config = PB_STR_INIT("init was not called");

bool pb_init(pb_str text, pb_str *error) {
  (void)error;
  config = pb_strdup(text);
  return true;
}

pb_str pb_handle(void) {
  pb_set_body(pb_str_bytes(config));
  return PB_CONTINUE;
}
