/* redact: mask card numbers in the body, exactly as
 * workloads/redact/README.md says. One pass over the bytes; the body is
 * copied (into the call's scratch arena) on the first change only. */
#include "plugbench.h"

static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static bool is_sep(uint8_t c) { return c == ' ' || c == '-'; }

/* Luhn over the digits of b[start, end), from the right. */
static bool luhn(const uint8_t *b, size_t start, size_t end) {
  unsigned sum = 0;
  bool dbl = false;
  for (size_t k = end; k-- > start;) {
    if (is_sep(b[k])) continue;
    unsigned d = b[k] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool pb_init(pb_str config, pb_str *error) {
  (void)config; /* no configuration */
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  pb_bytes body = pb_body();
  const uint8_t *b = body.ptr;
  size_t n = body.len;
  uint8_t *out = NULL;
  unsigned count = 0;
  size_t i = 0;
  while (i < n) {
    if (!is_digit(b[i])) {
      i++;
      continue;
    }
    /* A run: digits, each pair possibly joined by one space or dash. */
    size_t start = i++;
    unsigned digits = 1;
    for (;;) {
      if (i < n && is_digit(b[i])) {
        digits++;
        i++;
      } else if (i + 1 < n && is_sep(b[i]) && is_digit(b[i + 1])) {
        digits++;
        i += 2;
      } else {
        break;
      }
    }
    if (digits >= 13 && digits <= 19 && luhn(b, start, i)) {
      if (!out) {
        out = (uint8_t *)pb_alloc(n);
        memcpy(out, b, n);
      }
      /* Every digit but the last four becomes X; separators stay. */
      for (size_t k = start, mask = digits - 4; mask > 0; k++) {
        if (!is_sep(out[k])) {
          out[k] = 'X';
          mask--;
        }
      }
      count++;
    }
  }
  if (!out) return PB_CONTINUE;
  pb_set_body(pb_bytes_of(out, n));
  pb_buf c = {0};
  pb_buf_dec(&c, count);
  pb_set_header(PB_STR("x-redactions"), pb_buf_str(&c));
  return PB_STR("redacted");
}
