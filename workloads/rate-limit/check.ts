// Reference for `rate-limit`: a model of every client's token bucket, stated on
// plain numbers (not on the kv strings the filters exchange), so the encoding
// and the arithmetic are checked by two different statements of README.md.
//
// The harness calls `expect` once per corpus item, in corpus order, each time it
// prepares a corpus (once per run of scripts/bench.ts, again in tests). The
// shared model starts over whenever the clock goes backwards, which is exactly
// when a new pass over the (monotonic) corpus begins.

import type { FilterOutcome, HttpRequest } from '../../runtimes/abi/context.ts';
import type { CorpusItem } from '../types.ts';
import { lowerFields, setField, type Fields } from '../lib/fields.ts';

export interface RateLimitConfig {
  /** Bucket size in whole tokens (1 token = 1 request). */
  capacity: number;
  /** `refillTokens` tokens are added every `refillPeriodMs` milliseconds, continuously. */
  refillTokens: number;
  refillPeriodMs: number;
}

/** The deployment's configuration: 10 requests of burst, 2 tokens every 3 s (40 per minute). */
export const CONFIG: RateLimitConfig = { capacity: 10, refillTokens: 2, refillPeriodMs: 3000 };

/** The bucket key of a request (README "Client key"), before the "rl:" kv prefix. */
export function clientKey(headers: Array<[string, string]>): string {
  const first = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
  const apiKey = first('x-api-key');
  if (apiKey !== undefined && apiKey !== '') return 'key:' + apiKey;
  const xff = first('x-forwarded-for');
  if (xff !== undefined) {
    const comma = xff.indexOf(',');
    const hop = (comma < 0 ? xff : xff.slice(0, comma)).replace(/^[ \t]+|[ \t]+$/g, '');
    if (hop !== '') return 'ip:' + hop;
  }
  return 'anonymous';
}

interface Bucket {
  /** Token units: 1 token = refillPeriodMs units; the bucket gains refillTokens units per ms. */
  units: number;
  lastMs: number;
}

export class RateLimitModel {
  readonly buckets = new Map<string, Bucket>();
  /** The clock reading of the last request seen (-Infinity before the first). */
  lastNow = -Infinity;

  constructor(readonly config: RateLimitConfig = CONFIG) {}

  reset(): void {
    this.buckets.clear();
    this.lastNow = -Infinity;
  }

  /** The kv store the filters should have written by now: "rl:<client>" → "<units>:<lastMs>". */
  kv(): Map<string, string> {
    return new Map([...this.buckets].map(([k, b]) => ['rl:' + k, `${b.units}:${b.lastMs}`]));
  }

  expect(req: HttpRequest, nowMs: number): FilterOutcome {
    this.lastNow = nowMs;
    const { capacity, refillTokens, refillPeriodMs } = this.config;
    const now = Math.floor(nowMs);
    const full = capacity * refillPeriodMs;
    const key = clientKey(req.headers);
    const bucket = this.buckets.get(key) ?? { units: full, lastMs: now };
    if (now > bucket.lastMs) {
      // BigInt so the model cannot overflow where the filters take care not to.
      const refilled = BigInt(bucket.units) + BigInt(now - bucket.lastMs) * BigInt(refillTokens);
      bucket.units = refilled >= BigInt(full) ? full : Number(refilled);
      bucket.lastMs = now;
    }
    const allowed = bucket.units >= refillPeriodMs;
    if (allowed) bucket.units -= refillPeriodMs;
    this.buckets.set(key, bucket);

    const method = req.method.toUpperCase();
    const headers: Array<[string, string]> = lowerFields(req.headers);
    const base = { method, path: req.path, body: req.body };
    if (!allowed) {
      const waitMs = Math.ceil((refillPeriodMs - bucket.units) / refillTokens);
      return {
        ...base,
        result: 'limited',
        headers,
        response: {
          status: 429,
          headers: [
            ['content-type', 'text/plain'],
            ['retry-after', String(Math.ceil(waitMs / 1000))],
            ['x-ratelimit-limit', String(capacity)],
            ['x-ratelimit-remaining', '0'],
          ],
          body: new TextEncoder().encode('rate limit exceeded\n'),
        },
      };
    }
    let out = setField(headers, 'x-ratelimit-limit', String(capacity));
    out = setField(out, 'x-ratelimit-remaining', String(Math.floor(bucket.units / refillPeriodMs)));
    return { ...base, result: '', headers: out };
  }
}

/** The model every corpus pass shares; it starts over when the clock goes backwards. */
export const model = new RateLimitModel();

export function expect(request: HttpRequest, item: CorpusItem): FilterOutcome {
  if (item?.nowMs === undefined) throw new Error('rate-limit: every corpus item needs nowMs');
  if (item.nowMs < model.lastNow) model.reset();
  return model.expect(request, item.nowMs);
}
