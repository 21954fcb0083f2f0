/* isolation/memory-bomb: malloc 1 MiB blocks and touch their pages until malloc fails (then trap). */
#include "plugbench.h"

typedef struct block {
  struct block *next;
} block;

static block *hold;

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  if (pb_eq(pb_path(), PB_STR("/hazard"))) {
    for (;;) {
      block *b = (block *)malloc(1 << 20);
      if (!b) __builtin_trap();
      for (size_t i = 0; i < (1 << 20); i += 4096) ((volatile char *)b)[i] = 1; /* touch every page: resident */
      b->next = hold;
      hold = b;
    }
  }
  return PB_STR("ok");
}
