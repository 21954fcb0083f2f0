/* isolation/deep-recursion: unbounded recursion on the hazard request. The frame
 * holds a volatile buffer so the compiler can neither drop it nor loop it. */
#include "plugbench.h"

/* Endless by design. */
#pragma clang diagnostic ignored "-Winfinite-recursion"

static int down(int n) {
  volatile char pad[64];
  pad[n & 63] = (char)n;
  return down(n + 1) + pad[(n + 1) & 63];
}

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  if (pb_eq(pb_path(), PB_STR("/hazard"))) return down(0) ? PB_STR("deep") : PB_STR("deeper");
  return PB_STR("ok");
}
