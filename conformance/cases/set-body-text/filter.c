/* set-body-text: set the body, or respond, with a non-ASCII string (this file is UTF-8). */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_bytes text = PB_BYTES("héllo ✓ — naïve 𝄞");
  if (pb_eq(pb_path(), PB_STR("/respond"))) {
    static const pb_field headers[] = {PB_HEADER("content-type", "text/plain; charset=utf-8")};
    pb_respond(200, headers, PB_COUNT(headers), text);
    return PB_STR("responded");
  }
  pb_set_body(text);
  return PB_CONTINUE;
}
