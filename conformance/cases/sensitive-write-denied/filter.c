/* sensitive-write-denied: each path tries one write to a sensitive header
 * (not granted: the host refuses it, which ends the call); /ok writes an
 * ordinary one. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_str path = pb_path();
  if (pb_eq(path, PB_STR("/set"))) {
    pb_set_header(PB_STR("authorization"), PB_STR("Bearer forged"));
  } else if (pb_eq(path, PB_STR("/add"))) {
    pb_add_header(PB_STR("Cookie"), PB_STR("admin=1"));
  } else if (pb_eq(path, PB_STR("/remove"))) {
    pb_remove_header(PB_STR("AUTHORIZATION"));
  } else {
    pb_set_header(PB_STR("x-ok"), PB_STR("yes"));
  }
  return PB_CONTINUE;
}
