/* json-transform: rewrite a JSON batch of orders, exactly as
 * workloads/json-transform/README.md says, in the order it says. JSON through
 * the project's json.h (workloads/lib). */
#include "plugbench.h"
#include "../lib/json.h"

/* The configuration, parsed once in pb_init and kept for the instance's life
 * (its strings point into a malloc'd copy of the config text). */
static json_arena config_arena;
static const json_value *drops;   /* array of strings */
static const json_value *renames; /* object: old name -> new name */
static json_str processed_by;

/* Per request: the document and its transformed copy live in `arena` (reset,
 * not freed, between requests); the output text in `out` (reused). */
static json_arena arena;
static json_buf out;

#define MAX_SAFE 9007199254740991.0 /* 2^53 - 1 */

bool pb_init(pb_str config, pb_str *error) {
  pb_str text = pb_strdup(config);
  json_value *c = json_parse(&config_arena, text.ptr, text.len, NULL);
  const json_value *processed = c ? json_object_get(c, JSON_STR("processedBy")) : NULL;
  drops = c ? json_object_get(c, JSON_STR("drop")) : NULL;
  renames = c ? json_object_get(c, JSON_STR("rename")) : NULL;
  bool ok = drops && drops->type == JSON_ARRAY && renames && renames->type == JSON_OBJECT && processed &&
            processed->type == JSON_STRING;
  for (uint32_t i = 0; ok && i < drops->len; i++) ok = drops->u.items[i].type == JSON_STRING;
  for (uint32_t i = 0; ok && i < renames->len; i++) ok = renames->u.members[i].value.type == JSON_STRING;
  if (!ok) {
    *error = PB_STR("config needs drop (list of strings), rename (object of strings) and processedBy (string)");
    return false;
  }
  processed_by = json_string_of(processed);
  return true;
}

static bool is_dropped(json_str key) {
  for (uint32_t i = 0; i < drops->len; i++) {
    if (json_str_eq(json_string_of(&drops->u.items[i]), key)) return true;
  }
  return false;
}

static json_str renamed(json_str key) {
  const json_value *to = json_object_get(renames, key);
  return to ? json_string_of(to) : key;
}

/* Number.isSafeInteger. */
static bool safe_integer(const json_value *v) {
  if (!v || v->type != JSON_NUMBER) return false;
  double d = v->u.number;
  return d >= -MAX_SAFE && d <= MAX_SAFE && d == (double)(int64_t)d;
}

/* Drops and renames keys at every depth, building new values so keys keep
 * their positions. `extra`: room for members the caller will append. */
static json_value transform(const json_value *v, uint32_t extra) {
  if (v->type == JSON_ARRAY) {
    json_value arr = json_array(&arena, v->len);
    for (uint32_t i = 0; i < v->len; i++) arr.u.items[i] = transform(&v->u.items[i], 0);
    arr.len = v->len;
    return arr;
  }
  if (v->type != JSON_OBJECT) return *v;
  json_value obj = json_object(&arena, v->len + extra);
  for (uint32_t i = 0; i < v->len; i++) {
    const json_member *m = &v->u.members[i];
    if (is_dropped(m->key)) continue;
    json_object_set(&arena, &obj, renamed(m->key), transform(&m->value, 0));
  }
  return obj;
}

pb_str pb_handle(void) {
  static const pb_field json_type[] = {PB_HEADER("content-type", "application/json")};

  /* 1-3. Parse: strict UTF-8, then JSON. */
  json_arena_reset(&arena);
  pb_bytes body = pb_body();
  json_value *doc = json_parse(&arena, (const char *)body.ptr, body.len, NULL);
  if (!doc) {
    pb_respond(400, json_type, PB_COUNT(json_type), PB_BYTES("{\"error\":\"invalid json\"}"));
    return PB_STR("invalid-json");
  }

  /* 4-5. Check the shape and compute every total before changing anything. */
  bool ok = doc->type == JSON_ARRAY;
  double *totals = ok && doc->len ? (double *)json_alloc(&arena, sizeof(double) * doc->len) : NULL;
  for (uint32_t i = 0; ok && i < doc->len; i++) {
    const json_value *order = &doc->u.items[i];
    const json_value *items = order->type == JSON_OBJECT ? json_object_get(order, JSON_STR("items")) : NULL;
    if (!items || items->type != JSON_ARRAY) {
      ok = false;
      break;
    }
    double total = 0;
    for (uint32_t j = 0; j < items->len; j++) {
      const json_value *item = &items->u.items[j];
      const json_value *qty = item->type == JSON_OBJECT ? json_object_get(item, JSON_STR("qty")) : NULL;
      const json_value *price = item->type == JSON_OBJECT ? json_object_get(item, JSON_STR("price")) : NULL;
      if (!safe_integer(qty) || !safe_integer(price)) {
        ok = false;
        break;
      }
      total += qty->u.number * price->u.number;
    }
    totals[i] = total;
  }
  if (!ok) {
    pb_respond(422, json_type, PB_COUNT(json_type), PB_BYTES("{\"error\":\"unexpected document shape\"}"));
    return PB_STR("bad-shape");
  }

  /* 6-7. Transform each order and stamp it. */
  json_value orders = json_array(&arena, doc->len);
  for (uint32_t i = 0; i < doc->len; i++) {
    json_value order = transform(&doc->u.items[i], 2);
    json_object_set(&arena, &order, JSON_STR("total"), json_number(totals[i]));
    json_object_set(&arena, &order, JSON_STR("processedBy"), json_string(processed_by));
    orders.u.items[i] = order;
  }
  orders.len = doc->len;

  /* 8. Serialise; set-body also rewrites content-length. */
  out.len = 0;
  json_write(&out, &orders);
  pb_set_body(pb_bytes_of(out.ptr, out.len));
  return PB_CONTINUE;
}
