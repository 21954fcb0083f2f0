/* isolation/read-env: not expressible in a plugbench C filter: getenv needs
 * WASI imports, which the build refuses (see attempt.c). */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  return PB_STR("denied:not expressible: a plugbench component imports only the ABI (no WASI environment)");
}
