/* now-ms: two readings of the host clock, printed with 3 decimals (no printf:
 * it would pull in WASI). */
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

static pb_str millis(double t) {
  int64_t whole = (int64_t)t;
  int64_t frac = (int64_t)((t - (double)whole) * 1000.0 + 0.5);
  if (frac >= 1000) {
    whole++;
    frac -= 1000;
  }
  pb_buf b = {0};
  pb_buf_dec(&b, whole);
  pb_buf_putc(&b, '.');
  pb_buf_putc(&b, (char)('0' + frac / 100));
  pb_buf_putc(&b, (char)('0' + frac / 10 % 10));
  pb_buf_putc(&b, (char)('0' + frac % 10));
  return pb_buf_str(&b);
}

pb_str pb_handle(void) {
  double a = pb_now_ms();
  double b = pb_now_ms();
  pb_set_header(PB_STR("x-now-1"), millis(a));
  pb_set_header(PB_STR("x-now-2"), millis(b));
  return PB_CONTINUE;
}
