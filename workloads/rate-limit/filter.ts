// rate-limit: a token bucket per client, state in the host kv, time from the
// host clock (see README.md for the exact behaviour and the kv encoding).
// All arithmetic is on integers below 2^53, so every language computes the
// same bucket; numbers are written as plain decimal digits.
import type { FilterModule, FilterRequest } from '../../runtimes/abi/types.ts';

let capacity = 0; // whole tokens
let refillTokens = 0; // tokens added per period
let period = 0; // refill period in ms = token units per token
let full = 0; // capacity in units
let limitText = '';

const MAX_DIGITS = 15;

function intField(config: Record<string, unknown>, name: string, max: number): number {
  const v = config[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new Error(`rate-limit: "${name}" must be an integer in 1..${max}`);
  }
  return v;
}

/** A run of 1..15 ASCII digits as a number, or -1. */
function parseDigits(s: string, start: number, end: number): number {
  if (end <= start || end - start > MAX_DIGITS) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function clientKey(req: FilterRequest): string {
  const apiKey = req.header('x-api-key');
  if (apiKey !== undefined && apiKey !== '') return 'key:' + apiKey;
  const xff = req.header('x-forwarded-for'); // only read when there is no key
  if (xff !== undefined) {
    let end = xff.indexOf(',');
    if (end < 0) end = xff.length;
    let start = 0;
    while (start < end && isBlank(xff.charCodeAt(start))) start++;
    while (end > start && isBlank(xff.charCodeAt(end - 1))) end--;
    if (end > start) return 'ip:' + xff.slice(start, end);
  }
  return 'anonymous';
}

export default {
  init(text) {
    const config = JSON.parse(text) as Record<string, unknown>;
    capacity = intField(config, 'capacity', 1_000_000);
    refillTokens = intField(config, 'refillTokens', 1_000_000);
    period = intField(config, 'refillPeriodMs', 86_400_000);
    full = capacity * period;
    limitText = String(capacity);
  },

  handle(req, host) {
    const key = 'rl:' + clientKey(req);
    const now = Math.floor(host.nowMs());

    // The stored bucket, "<units>:<lastMs>"; absent or malformed → a full bucket.
    let units = full;
    let last = now;
    const state = host.kvGet(key);
    if (state !== undefined) {
      const colon = state.indexOf(':');
      const u = colon < 0 ? -1 : parseDigits(state, 0, colon);
      const l = colon < 0 ? -1 : parseDigits(state, colon + 1, state.length);
      if (u >= 0 && l >= 0) {
        units = u < full ? u : full;
        last = l;
      }
    }

    // Refill: units = min(full, units + elapsed * refillTokens), without overflow.
    if (now > last) {
      const deficit = full - units;
      if (deficit > 0) {
        const elapsed = now - last;
        const need = Math.floor((deficit + refillTokens - 1) / refillTokens); // ms to fill up
        units = elapsed >= need ? full : units + elapsed * refillTokens;
      }
      last = now;
    }

    const allowed = units >= period;
    if (allowed) units -= period;
    host.kvSet(key, units + ':' + last);

    if (!allowed) {
      const waitMs = Math.floor((period - units + refillTokens - 1) / refillTokens);
      const seconds = Math.floor((waitMs + 999) / 1000);
      req.respond(
        429,
        [
          ['content-type', 'text/plain'],
          ['retry-after', String(seconds)],
          ['x-ratelimit-limit', limitText],
          ['x-ratelimit-remaining', '0'],
        ],
        'rate limit exceeded\n',
      );
      return 'limited';
    }
    req.setHeader('x-ratelimit-limit', limitText);
    req.setHeader('x-ratelimit-remaining', String(Math.floor(units / period)));
    return '';
  },
} satisfies FilterModule;
