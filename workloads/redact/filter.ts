// redact: mask card numbers in the body (see README.md for the exact rules).
// One pass over the bytes; the body is copied on the first change only.
import type { FilterModule } from '../../runtimes/abi/types.ts';

const X = 88; // 'X'
const SPACE = 32;
const DASH = 45;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Luhn over the digits of body[start, end), from the right. */
function luhn(body: Uint8Array, start: number, end: number): boolean {
  let sum = 0;
  let double = false;
  for (let k = end - 1; k >= start; k--) {
    const c = body[k]!;
    if (c === SPACE || c === DASH) continue;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export default {
  handle(req) {
    const body = req.body();
    const n = body.length;
    let out: Uint8Array | undefined;
    let count = 0;
    let i = 0;
    while (i < n) {
      if (!isDigit(body[i]!)) {
        i++;
        continue;
      }
      // A run: digits, each pair possibly joined by one space or dash.
      const start = i;
      let digits = 1;
      i++;
      for (;;) {
        if (i < n && isDigit(body[i]!)) {
          digits++;
          i++;
        } else if (i + 1 < n && (body[i] === SPACE || body[i] === DASH) && isDigit(body[i + 1]!)) {
          digits++;
          i += 2;
        } else {
          break;
        }
      }
      if (digits >= 13 && digits <= 19 && luhn(body, start, i)) {
        if (!out) out = body.slice();
        // Every digit but the last four becomes X; separators stay.
        let mask = digits - 4;
        for (let k = start; mask > 0; k++) {
          const c = out[k]!;
          if (c !== SPACE && c !== DASH) {
            out[k] = X;
            mask--;
          }
        }
        count++;
      }
    }
    if (!out) return '';
    req.setBody(out);
    req.setHeader('x-redactions', String(count));
    return 'redacted';
  },
} satisfies FilterModule;
