/* isolation/infinite-loop: pb_handle never returns on the hazard request. */
#include "plugbench.h"

static volatile unsigned long spins;

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  if (pb_eq(pb_path(), PB_STR("/hazard"))) {
    for (;;) spins++;
  }
  return PB_STR("ok");
}
