/* kv-shared-instances: on x-kv-put, kv-set the shared key; always report kv-get of it in x-kv-value. */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_str put, value;
  if (pb_header(PB_STR("x-kv-put"), &put)) pb_kv_set(PB_STR("conformance-key"), put);
  pb_set_header(PB_STR("x-kv-value"), pb_kv_get(PB_STR("conformance-key"), &value) ? value : PB_STR("absent"));
  return PB_CONTINUE;
}
