/* jwt-auth: verifies an HS256 JSON Web Token from `authorization: Bearer ...`
 * and forwards the subject as `x-user`, exactly as workloads/jwt-auth/README.md
 * says, in the order it says. base64url and HMAC-SHA-256 come from
 * workloads/lib, JSON from jsonscan.h beside this file. */
#include "plugbench.h"
#include "../lib/base64url.h"
#include "../lib/sha256.h"
#include "jsonscan.h"

/* The deployment's settings, from pb_init (malloc'd: they outlive the call). */
static uint8_t *key;
static size_t key_len;
static pb_str audience;

static bool printable(pb_str s) {
  if (s.len == 0) return false;
  for (size_t i = 0; i < s.len; i++) {
    if ((unsigned char)s.ptr[i] < 0x20 || (unsigned char)s.ptr[i] > 0x7e) return false;
  }
  return true;
}

/* A base64url text into arena bytes; false when invalid. */
static bool decode(pb_str text, pb_bytes *out) {
  uint8_t *buf = (uint8_t *)pb_alloc(BASE64URL_DECODED_MAX(text.len));
  size_t n;
  if (!base64url_decode(text.ptr, text.len, buf, &n)) return false;
  *out = pb_bytes_of(buf, n);
  return true;
}

bool pb_init(pb_str config, pb_str *error) {
  json_member m[] = {
      {.name = PB_STR_INIT("audience")},
      {.name = PB_STR_INIT("secret")},
      {.name = PB_STR_INIT("secret_base64url")},
  };
  json_member *aud = &m[0], *secret = &m[1], *secret_b64 = &m[2];
  if (!json_object(config.ptr, config.len, m, PB_COUNT(m))) {
    *error = PB_STR("config must be a JSON object");
    return false;
  }
  if (aud->kind != JSON_STRING || !printable(aud->string)) {
    *error = PB_STR("config.audience must be a non-empty printable ASCII string");
    return false;
  }
  if ((secret->kind == JSON_ABSENT) == (secret_b64->kind == JSON_ABSENT)) {
    *error = PB_STR("config needs exactly one of secret and secret_base64url");
    return false;
  }
  pb_bytes k;
  if (secret->kind != JSON_ABSENT) {
    if (secret->kind != JSON_STRING || !printable(secret->string)) {
      *error = PB_STR("config.secret must be a printable ASCII string");
      return false;
    }
    k = pb_str_bytes(secret->string);
  } else if (secret_b64->kind != JSON_STRING || !decode(secret_b64->string, &k)) {
    *error = PB_STR("config.secret_base64url must be a base64url string");
    return false;
  }
  if (k.len < 32) {
    *error = PB_STR("the secret must be at least 32 bytes (RFC 7518 §3.2)");
    return false;
  }
  free(key);
  free((void *)audience.ptr);
  key = (uint8_t *)malloc(k.len);
  if (!key) __builtin_trap();
  memcpy(key, k.ptr, k.len);
  key_len = k.len;
  audience = pb_strdup(aud->string);
  return true;
}

static pb_str deny(pb_str error) {
  static const pb_field missing[] = {
      PB_HEADER("content-type", "application/json"),
      PB_HEADER("www-authenticate", "Bearer realm=\"plugbench\""),
  };
  static const pb_field invalid[] = {
      PB_HEADER("content-type", "application/json"),
      PB_HEADER("www-authenticate", "Bearer realm=\"plugbench\", error=\"invalid_token\""),
  };
  pb_buf body = {0};
  pb_buf_put(&body, PB_STR("{\"error\":\""));
  pb_buf_put(&body, error);
  pb_buf_put(&body, PB_STR("\"}"));
  bool is_missing = pb_eq(error, PB_STR("missing_token"));
  pb_respond(401, is_missing ? missing : invalid, 2, pb_str_bytes(pb_buf_str(&body)));
  return PB_STR("unauthorized");
}

pb_str pb_handle(void) {
  /* 1. The bearer token. */
  pb_str authorization;
  if (!pb_header(PB_STR("authorization"), &authorization) || !pb_istarts_with(authorization, PB_STR("bearer "))) {
    return deny(PB_STR("missing_token"));
  }
  pb_str token = pb_slice(authorization, 7, authorization.len - 7);

  /* 2. Three base64url segments. */
  ptrdiff_t dot1 = pb_index_of(token, '.');
  ptrdiff_t dot2 = dot1 < 0 ? -1 : pb_index_of(pb_slice(token, (size_t)dot1 + 1, token.len), '.');
  if (dot2 < 0) return deny(PB_STR("malformed"));
  dot2 += dot1 + 1;
  pb_bytes header_json, payload_json, signature;
  if (!decode(pb_slice(token, 0, (size_t)dot1), &header_json) ||
      !decode(pb_slice(token, (size_t)dot1 + 1, (size_t)(dot2 - dot1 - 1)), &payload_json) ||
      !decode(pb_slice(token, (size_t)dot2 + 1, token.len), &signature)) {
    return deny(PB_STR("malformed"));
  }

  /* 3. The JOSE header: HS256 only. */
  json_member alg = {.name = PB_STR_INIT("alg")};
  if (!json_object((const char *)header_json.ptr, header_json.len, &alg, 1) || alg.kind != JSON_STRING) {
    return deny(PB_STR("malformed"));
  }
  if (!pb_eq(alg.string, PB_STR("HS256"))) return deny(PB_STR("unsupported_alg"));

  /* 4. The signature over the first two segments, compared in constant time. */
  if (signature.len != SHA256_BYTES) return deny(PB_STR("bad_signature"));
  uint8_t mac[SHA256_BYTES];
  hmac_sha256(key, key_len, token.ptr, (size_t)dot2, mac);
  uint8_t diff = 0;
  for (size_t i = 0; i < SHA256_BYTES; i++) diff |= mac[i] ^ signature.ptr[i];
  if (diff != 0) return deny(PB_STR("bad_signature"));

  /* 5. The claims. */
  json_member claims[] = {
      {.name = PB_STR_INIT("sub")},
      {.name = PB_STR_INIT("exp")},
      {.name = PB_STR_INIT("aud")},
  };
  json_member *sub = &claims[0], *exp = &claims[1], *aud = &claims[2];
  if (!json_object((const char *)payload_json.ptr, payload_json.len, claims, PB_COUNT(claims))) {
    return deny(PB_STR("malformed"));
  }
  if (sub->kind != JSON_STRING || !printable(sub->string)) return deny(PB_STR("malformed"));
  if (exp->kind != JSON_NUMBER) return deny(PB_STR("malformed"));
  if (aud->kind != JSON_ABSENT && aud->kind != JSON_STRING && !(aud->kind == JSON_ARRAY && aud->all_strings)) {
    return deny(PB_STR("malformed"));
  }

  /* 6. Expiry: exp is in seconds, the host clock in milliseconds (double arithmetic, like JavaScript). */
  if (pb_now_ms() >= exp->number * 1000.0) return deny(PB_STR("expired"));

  /* 7. Audience. */
  bool match = aud->kind == JSON_STRING && pb_eq(aud->string, audience);
  for (size_t i = 0; !match && aud->kind == JSON_ARRAY && i < aud->count; i++) match = pb_eq(aud->items[i], audience);
  if (!match) return deny(PB_STR("wrong_audience"));

  /* 8. Forward the subject. */
  pb_set_header(PB_STR("x-user"), sub->string);
  return PB_CONTINUE;
}
