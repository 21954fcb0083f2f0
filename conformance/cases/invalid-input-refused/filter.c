/* invalid-input-refused: each path makes one host call the host must refuse; /ok marks x-ok. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_str path = pb_path();
  if (pb_eq(path, PB_STR("/crlf"))) {
    pb_set_header(PB_STR("x-v"), PB_STR("a\r\nx-injected: 1"));
  } else if (pb_eq(path, PB_STR("/name"))) {
    pb_add_header(PB_STR("bad name"), PB_STR("v"));
  } else if (pb_eq(path, PB_STR("/path"))) {
    pb_set_path(PB_STR("no-slash"));
  } else if (pb_eq(path, PB_STR("/path-space"))) {
    pb_set_path(PB_STR("/a b"));
  } else if (pb_eq(path, PB_STR("/status"))) {
    pb_respond(1000, NULL, 0, PB_BYTES("x"));
  } else {
    pb_set_header(PB_STR("x-ok"), PB_STR("yes"));
    return PB_CONTINUE;
  }
  return PB_STR("not-refused");
}
