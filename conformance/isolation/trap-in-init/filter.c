/* isolation/trap-in-init: pb_init traps when the config asks for it. */
#include "plugbench.h"

static bool contains(pb_str s, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= s.len; i++) {
    if (memcmp(s.ptr + i, needle, n) == 0) return true;
  }
  return false;
}

bool pb_init(pb_str config, pb_str *error) {
  (void)error;
  if (contains(config, "\"hazard\":true")) __builtin_trap();
  return true;
}

pb_str pb_handle(void) { return PB_STR("ok"); }
