/* isolation/oversized-body: a 100 MiB pb_set_body on the hazard request. */
#include "plugbench.h"

#define SIZE (100u * 1024u * 1024u)

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  if (pb_eq(pb_path(), PB_STR("/hazard"))) {
    uint8_t *body = (uint8_t *)malloc(SIZE);
    if (!body) __builtin_trap();
    memset(body, 'a', SIZE);
    pb_set_body(pb_bytes_of(body, SIZE));
    free(body);
  }
  return PB_STR("ok");
}
