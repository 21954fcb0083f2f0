/* isolation/throw-in-handle: C has no exceptions; the nearest thing is a trap. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  if (pb_eq(pb_path(), PB_STR("/hazard"))) __builtin_trap();
  return PB_STR("ok");
}
