/* rate-limit: a token bucket per client, state in the host kv, time from the
 * host clock, exactly as workloads/rate-limit/README.md says (same steps and
 * integer arithmetic as filter.ts). All values fit in int64_t. */
#include "plugbench.h"

#define MAX_DIGITS 15

static int64_t capacity, refill_tokens, period, full;
static pb_str limit_text; /* malloc'd at init */

/* Bytes [start, end) of s (1..15 ASCII digits) as an integer, or -1. */
static int64_t parse_digits(pb_str s, size_t start, size_t end) {
  if (end <= start || end - start > MAX_DIGITS) return -1;
  int64_t n = 0;
  for (size_t i = start; i < end; i++) {
    unsigned c = (unsigned char)s.ptr[i] - '0';
    if (c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The integer value of "name": <digits> in the (flat, trusted) JSON config, or -1. */
static int64_t int_field(pb_str config, pb_str name) {
  for (size_t i = 0; i + name.len + 2 <= config.len; i++) {
    if (config.ptr[i] != '"' || memcmp(config.ptr + i + 1, name.ptr, name.len) != 0 || config.ptr[i + 1 + name.len] != '"') continue;
    size_t j = i + name.len + 2;
    while (j < config.len && is_space(config.ptr[j])) j++;
    if (j >= config.len || config.ptr[j] != ':') return -1;
    j++;
    while (j < config.len && is_space(config.ptr[j])) j++;
    size_t start = j;
    while (j < config.len && config.ptr[j] >= '0' && config.ptr[j] <= '9') j++;
    int64_t v = parse_digits(config, start, j);
    while (j < config.len && is_space(config.ptr[j])) j++;
    if (j >= config.len || (config.ptr[j] != ',' && config.ptr[j] != '}')) return -1;
    return v;
  }
  return -1;
}

bool pb_init(pb_str config, pb_str *error) {
  capacity = int_field(config, PB_STR("capacity"));
  refill_tokens = int_field(config, PB_STR("refillTokens"));
  period = int_field(config, PB_STR("refillPeriodMs"));
  if (capacity < 1 || capacity > 1000000) {
    *error = PB_STR("rate-limit: \"capacity\" must be an integer in 1..1000000");
    return false;
  }
  if (refill_tokens < 1 || refill_tokens > 1000000) {
    *error = PB_STR("rate-limit: \"refillTokens\" must be an integer in 1..1000000");
    return false;
  }
  if (period < 1 || period > 86400000) {
    *error = PB_STR("rate-limit: \"refillPeriodMs\" must be an integer in 1..86400000");
    return false;
  }
  full = capacity * period;
  pb_buf b = {0};
  pb_buf_dec(&b, capacity);
  free((void *)limit_text.ptr);
  limit_text = pb_strdup(pb_buf_str(&b));
  return true;
}

/* Appends the bucket key "rl:<client>" to b. */
static void client_key(pb_buf *b) {
  pb_str v;
  pb_buf_put(b, PB_STR("rl:"));
  if (pb_header(PB_STR("x-api-key"), &v) && v.len > 0) {
    pb_buf_put(b, PB_STR("key:"));
    pb_buf_put(b, v);
    return;
  }
  if (pb_header(PB_STR("x-forwarded-for"), &v)) {
    ptrdiff_t comma = pb_index_of(v, ',');
    size_t start = 0, end = comma < 0 ? v.len : (size_t)comma;
    while (start < end && is_blank(v.ptr[start])) start++;
    while (end > start && is_blank(v.ptr[end - 1])) end--;
    if (end > start) {
      pb_buf_put(b, PB_STR("ip:"));
      pb_buf_put(b, pb_slice(v, start, end - start));
      return;
    }
  }
  pb_buf_put(b, PB_STR("anonymous"));
}

pb_str pb_handle(void) {
  pb_buf key = {0};
  client_key(&key);
  double clock = pb_now_ms();
  int64_t now = clock > 0 ? (int64_t)clock : 0; /* floor: the clock is positive */

  /* The stored bucket, "<units>:<lastMs>"; absent or malformed -> a full bucket. */
  int64_t units = full, last = now;
  pb_str state;
  if (pb_kv_get(pb_buf_str(&key), &state)) {
    ptrdiff_t colon = pb_index_of(state, ':');
    if (colon >= 0) {
      int64_t u = parse_digits(state, 0, (size_t)colon);
      int64_t l = parse_digits(state, (size_t)colon + 1, state.len);
      if (u >= 0 && l >= 0) {
        units = u < full ? u : full;
        last = l;
      }
    }
  }

  /* Refill: units = min(full, units + elapsed * refill_tokens), without overflow. */
  if (now > last) {
    int64_t deficit = full - units;
    if (deficit > 0) {
      int64_t elapsed = now - last;
      int64_t need = (deficit + refill_tokens - 1) / refill_tokens;
      units = elapsed >= need ? full : units + elapsed * refill_tokens;
    }
    last = now;
  }

  bool allowed = units >= period;
  if (allowed) units -= period;
  pb_buf value = {0};
  pb_buf_dec(&value, units);
  pb_buf_putc(&value, ':');
  pb_buf_dec(&value, last);
  pb_kv_set(pb_buf_str(&key), pb_buf_str(&value));

  if (!allowed) {
    int64_t wait_ms = (period - units + refill_tokens - 1) / refill_tokens;
    pb_buf seconds = {0};
    pb_buf_dec(&seconds, (wait_ms + 999) / 1000);
    const pb_field headers[] = {
        PB_HEADER("content-type", "text/plain"),
        {PB_STR_INIT("retry-after"), pb_buf_str(&seconds)},
        {PB_STR_INIT("x-ratelimit-limit"), limit_text},
        PB_HEADER("x-ratelimit-remaining", "0"),
    };
    pb_respond(429, headers, PB_COUNT(headers), PB_BYTES("rate limit exceeded\n"));
    return PB_STR("limited");
  }
  pb_buf remaining = {0};
  pb_buf_dec(&remaining, units / period);
  pb_set_header(PB_STR("x-ratelimit-limit"), limit_text);
  pb_set_header(PB_STR("x-ratelimit-remaining"), pb_buf_str(&remaining));
  return PB_CONTINUE;
}
