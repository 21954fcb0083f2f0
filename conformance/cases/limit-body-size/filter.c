/* limit-body-size: /exact sets a 1024-byte body (the host's limit), /set-body and /respond use
 * 2048 bytes (over it); anything else marks x-ok. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_str path = pb_path();
  if (pb_eq(path, PB_STR("/exact"))) {
    uint8_t *body = (uint8_t *)pb_alloc(1024);
    memset(body, 'a', 1024);
    pb_set_body(pb_bytes_of(body, 1024));
    return PB_CONTINUE;
  }
  if (pb_eq(path, PB_STR("/set-body")) || pb_eq(path, PB_STR("/respond"))) {
    uint8_t *big = (uint8_t *)pb_alloc(2048);
    memset(big, 'a', 2048);
    if (pb_eq(path, PB_STR("/set-body"))) {
      pb_set_body(pb_bytes_of(big, 2048));
    } else {
      static const pb_field headers[] = {PB_HEADER("content-type", "text/plain")};
      pb_respond(200, headers, PB_COUNT(headers), pb_bytes_of(big, 2048));
    }
    return PB_STR("not-refused");
  }
  pb_set_header(PB_STR("x-ok"), PB_STR("yes"));
  return PB_CONTINUE;
}
