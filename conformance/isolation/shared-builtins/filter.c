/* isolation/shared-builtins: deployment A seeds the C library's rand() with its
 * name; B's first rand() tells whether it shares that state. */
#include "plugbench.h"

static char name = '?';

bool pb_init(pb_str config, pb_str *error) {
  (void)error;
  static const char key[] = "\"name\":\"";
  for (size_t i = 0; i + sizeof key <= config.len; i++) {
    if (memcmp(config.ptr + i, key, sizeof key - 1) == 0) {
      name = config.ptr[i + sizeof key - 1];
      break;
    }
  }
  return true;
}

pb_str pb_handle(void) {
  static char out[16] = "wrote:?";
  if (pb_eq(pb_path(), PB_STR("/write"))) {
    srand((unsigned)name);
    out[6] = name;
    return pb_str_of(out, 7);
  }
  int first = rand();
  srand(1); /* the C default seed: an untouched state */
  if (rand() == first) return PB_STR("seen:");
  for (int c = 'A'; c <= 'Z'; c++) {
    srand((unsigned)c);
    if (rand() == first) {
      memcpy(out, "seen:", 5);
      out[5] = (char)c;
      return pb_str_of(out, 6);
    }
  }
  return PB_STR("seen:?");
}
