/* init-error: init refuses a config carrying "refuse", with that text as its
 * reason (a JSON string whose only escapes here are \"). */
#include "plugbench.h"

static const pb_str KEY = PB_STR_INIT("\"refuse\":\"");

bool pb_init(pb_str config, pb_str *error) {
  for (size_t i = 0; i + KEY.len <= config.len; i++) {
    if (!pb_starts_with(pb_slice(config, i, config.len - i), KEY)) continue;
    pb_buf why = {0};
    for (size_t j = i + KEY.len; j < config.len && config.ptr[j] != '"'; j++) {
      if (config.ptr[j] == '\\' && j + 1 < config.len) j++;
      pb_buf_putc(&why, config.ptr[j]);
    }
    *error = pb_buf_str(&why);
    return false;
  }
  return true;
}

pb_str pb_handle(void) { return PB_STR("deployed"); }
