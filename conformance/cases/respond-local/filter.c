/* respond-local: /teapot answers 418 with bytes 255-0; /empty answers 204; anything else goes on. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_str path = pb_path();
  if (pb_eq(path, PB_STR("/teapot"))) {
    static const pb_field headers[] = {
        PB_HEADER("Content-Type", "application/octet-stream"),
        PB_HEADER("X-Reply", "1"),
        PB_HEADER("x-reply", "2"),
    };
    static uint8_t body[256];
    for (int i = 0; i < 256; i++) body[i] = (uint8_t)(255 - i);
    pb_respond(418, headers, PB_COUNT(headers), pb_bytes_of(body, sizeof body));
    return PB_STR("responded");
  }
  if (pb_eq(path, PB_STR("/empty"))) {
    pb_respond(204, NULL, 0, pb_bytes_of("", 0));
    return PB_STR("responded");
  }
  return PB_CONTINUE;
}
