/* isolation/read-env: what a C filter author would write to read the host's
 * environment. Compiled by the isolation suite only, to show the build refusing it. */
#include <stdlib.h>
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  const char *v = getenv("PLUGBENCH_ISOLATION_SECRET");
  return v ? pb_cstr(v) : PB_STR("denied:not set");
}
