/* isolation/network-connect: not expressible in a plugbench C filter: wasi-libc
 * has no socket() / connect() for wasm32-wasi (see attempt.c), and the build
 * refuses WASI imports. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  return PB_STR("denied:not expressible: no socket API in a plugbench component (imports are the ABI only)");
}
