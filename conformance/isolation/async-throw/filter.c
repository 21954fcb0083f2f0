/* isolation/async-throw: a C filter has no event loop, threads or timers to
 * leave work on (the component imports only the ABI): not expressible. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  if (pb_eq(pb_path(), PB_STR("/hazard"))) {
    return PB_STR("denied:not expressible: no threads, timers or event loop in a plugbench component (imports are the ABI only)");
  }
  return PB_STR("ok");
}
