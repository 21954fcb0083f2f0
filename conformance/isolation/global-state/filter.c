/* isolation/global-state: a static buffer, written by one deployment, read by another. */
#include "plugbench.h"

static char name[16];
static size_t name_len;
static char names[256];
static size_t names_len;

bool pb_init(pb_str config, pb_str *error) {
  (void)error;
  static const char key[] = "\"name\":\"";
  for (size_t i = 0; i + sizeof key - 1 <= config.len; i++) {
    if (memcmp(config.ptr + i, key, sizeof key - 1) == 0) {
      size_t start = i + sizeof key - 1;
      while (start + name_len < config.len && config.ptr[start + name_len] != '"' && name_len < sizeof name) name_len++;
      memcpy(name, config.ptr + start, name_len);
      break;
    }
  }
  return true;
}

pb_str pb_handle(void) {
  if (pb_eq(pb_path(), PB_STR("/write")) && names_len + name_len + 1 < sizeof names) {
    if (names_len) names[names_len++] = ',';
    memcpy(names + names_len, name, name_len);
    names_len += name_len;
  }
  pb_buf out = {0};
  pb_buf_put(&out, PB_STR("seen:"));
  pb_buf_put(&out, pb_str_of(names, names_len));
  return pb_buf_str(&out);
}
