/* headers: header hygiene at the edge, exactly as workloads/headers/README.md
 * says, in the order it says. Names arrive lower-case through the ABI. */
#include "plugbench.h"

static bool is_hop_by_hop(pb_str name) {
  static const pb_str hop[] = {
      PB_STR_INIT("connection"),       PB_STR_INIT("keep-alive"), PB_STR_INIT("te"),
      PB_STR_INIT("trailer"),          PB_STR_INIT("transfer-encoding"),
      PB_STR_INIT("upgrade"),
  };
  for (size_t i = 0; i < PB_COUNT(hop); i++) {
    if (pb_eq(name, hop[i])) return true;
  }
  return pb_starts_with(name, PB_STR("proxy-"));
}

/* FNV-1a, 32 bits, over the bytes of s. */
static uint32_t fnv1a32(uint32_t hash, pb_str s) {
  for (size_t i = 0; i < s.len; i++) {
    hash ^= (unsigned char)s.ptr[i];
    hash *= 16777619u;
  }
  return hash;
}

bool pb_init(pb_str config, pb_str *error) {
  (void)config; /* no configuration */
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  /* 1. No host: answer 400 and change nothing else. */
  if (!pb_header(PB_STR("host"), NULL)) {
    static const pb_field headers[] = {PB_HEADER("content-type", "text/plain")};
    pb_respond(400, headers, PB_COUNT(headers), PB_BYTES("missing host header\n"));
    return PB_STR("missing-host");
  }

  /* 2. Strip hop-by-hop headers. */
  pb_strs names = pb_header_names();
  for (size_t i = 0; i < names.len; i++) {
    if (is_hop_by_hop(names.items[i])) pb_remove_header(names.items[i]);
  }

  /* 3. Rename the legacy user header. */
  pb_str user;
  if (pb_header(PB_STR("x-legacy-user"), &user)) {
    pb_set_header(PB_STR("x-user"), user);
    pb_remove_header(PB_STR("x-legacy-user"));
  }

  /* 4. Request id: "pb-" + fnv1a32(method + " " + path) as 8 lower-case hex digits. */
  uint32_t hash = 2166136261u;
  hash = fnv1a32(hash, pb_method());
  hash = fnv1a32(hash, PB_STR(" "));
  hash = fnv1a32(hash, pb_path());
  pb_buf id = {0};
  pb_buf_put(&id, PB_STR("pb-"));
  pb_buf_hex(&id, hash, 8);
  pb_set_header(PB_STR("x-request-id"), pb_buf_str(&id));

  /* 5. Say we were here. */
  pb_add_header(PB_STR("via"), PB_STR("1.1 plugbench"));

  /* 6. Continue. */
  return PB_CONTINUE;
}
