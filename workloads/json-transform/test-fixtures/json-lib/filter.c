/* Test filter for workloads/lib/json.h (driven by json-lib.test.ts).
 * Path /roundtrip: parse the body and answer with its serialisation (set-body).
 * Path /edit: as /roundtrip, after editing the root object: remove "drop",
 * set "replace" to 1 (in place), set "added" to [null, "x"] (appended).
 * Invalid JSON: respond 400 with the error message, result "invalid". */
#include "plugbench.h"
#include "../../../lib/json.h"

static json_arena arena;
static json_buf out;

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  json_arena_reset(&arena);
  pb_bytes body = pb_body();
  json_error err;
  json_value *v = json_parse(&arena, (const char *)body.ptr, body.len, &err);
  if (!v) {
    pb_buf msg = {0};
    pb_buf_put(&msg, pb_cstr(err.message));
    pb_buf_put(&msg, PB_STR(" at byte "));
    pb_buf_dec(&msg, (int64_t)err.offset);
    pb_respond(400, NULL, 0, pb_str_bytes(pb_buf_str(&msg)));
    return PB_STR("invalid");
  }
  if (pb_eq(pb_path(), PB_STR("/edit"))) {
    json_object_remove(v, JSON_STR("drop"));
    json_object_set(&arena, v, JSON_STR("replace"), json_number(1));
    json_value added = json_array(&arena, 0);
    json_array_push(&arena, &added, json_null());
    json_array_push(&arena, &added, json_string(JSON_STR("x")));
    json_object_set(&arena, v, JSON_STR("added"), added);
  }
  out.len = 0;
  json_write(&out, v);
  pb_set_body(pb_bytes_of(out.ptr, out.len));
  return PB_CONTINUE;
}
