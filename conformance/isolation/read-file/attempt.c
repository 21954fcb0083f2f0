/* isolation/read-file: what a C filter author would write to read a file. Not a
 * filter.c, so `npm run build:wasm` never builds it; the isolation suite compiles
 * it with the build's own flags and records that the build refuses it. */
#include <stdio.h>
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  static char line[128];
  FILE *f = fopen("/etc/passwd", "r");
  if (!f || !fgets(line, sizeof line, f)) return PB_STR("denied:fopen failed");
  fclose(f);
  return pb_cstr(line);
}
