/* isolation/spawn-process: what a C filter author would write to run a command.
 * Compiled by the isolation suite only, to show the build refusing it. */
#include <stdlib.h>
#include <unistd.h>
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  char *const argv[] = {"/bin/sh", "-c", "echo spawned $$", NULL};
  if (fork() == 0) execv("/bin/sh", argv);
  return system("echo spawned") == 0 ? PB_STR("allowed:system") : PB_STR("denied:system failed");
}
