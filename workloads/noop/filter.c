/* noop: continues every request without calling the host. It measures what a
 * call into a C WebAssembly component costs (the boundary), nothing else. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config; /* accepts any config */
  (void)error;
  return true;
}

pb_str pb_handle(void) { return PB_CONTINUE; }
