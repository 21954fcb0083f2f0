// The checker against outcomes worked out by hand from README.md (config:
// capacity 10, 2 tokens per 3000 ms, so 1 token = 3000 units, a full bucket is
// 30000 units and the bucket gains 2 units per ms), not against a filter.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRequest } from '../../runtimes/abi/context.ts';
import { CONFIG, RateLimitModel, clientKey, expect } from './check.ts';
import { START_MS, corpus } from './corpus.ts';

const empty = new Uint8Array();
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

function get(headers: Array<[string, string]>): HttpRequest {
  return { method: 'get', path: '/api/v1/orders?page=2', headers, body: empty };
}

test('the deployment config is the one the hand-worked numbers assume', () => {
  assert.deepEqual(CONFIG, { capacity: 10, refillTokens: 2, refillPeriodMs: 3000 });
});

test('client key: api key, else first forwarded hop trimmed of spaces and tabs, else anonymous', () => {
  assert.equal(clientKey([['X-Api-Key', 'k1'], ['X-Forwarded-For', '1.2.3.4']]), 'key:k1');
  assert.equal(clientKey([['x-api-key', ''], ['x-forwarded-for', ' \t1.2.3.4 , 10.0.0.1']]), 'ip:1.2.3.4');
  assert.equal(clientKey([['x-forwarded-for', '1.2.3.4,10.0.0.1'], ['x-forwarded-for', '9.9.9.9']]), 'ip:1.2.3.4');
  assert.equal(clientKey([['x-forwarded-for', ' , 10.0.0.1']]), 'anonymous');
  assert.equal(clientKey([['x-forwarded-for', '']]), 'anonymous');
  assert.equal(clientKey([['host', 'h']]), 'anonymous');
});

test('an allowed request continues with limit and remaining set in place', () => {
  const m = new RateLimitModel();
  const out = m.expect(get([['Host', 'h'], ['X-RateLimit-Remaining', '999'], ['X-Api-Key', 'a'], ['x-ratelimit-remaining', '5']]), START_MS + 0.75);
  assert.deepEqual(out, {
    result: '',
    method: 'GET',
    path: '/api/v1/orders?page=2',
    body: empty,
    headers: [
      ['host', 'h'],
      ['x-ratelimit-remaining', '9'],
      ['x-api-key', 'a'],
      ['x-ratelimit-limit', '10'],
    ],
  });
  assert.deepEqual([...m.kv()], [['rl:key:a', `27000:${START_MS}`]]);
});

test('a burst drains the bucket: the 11th request in the same ms is refused with retry-after 2', () => {
  const m = new RateLimitModel();
  const t = START_MS + 1000;
  const remaining: string[] = [];
  for (let i = 0; i < 10; i++) {
    const out = m.expect(get([['x-api-key', 'a']]), t + 0.1 * i);
    assert.equal(out.result, '');
    remaining.push(out.headers.find(([n]) => n === 'x-ratelimit-remaining')![1]);
  }
  assert.deepEqual(remaining, ['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
  const out = m.expect(get([['x-api-key', 'a']]), t + 0.999);
  assert.equal(out.result, 'limited');
  assert.deepEqual(out.headers, [['x-api-key', 'a']], 'a refused request is not changed');
  assert.equal(out.response?.status, 429);
  // 3000 units missing at 2 units per ms: 1500 ms, rounded up to 2 s.
  assert.deepEqual(out.response?.headers, [
    ['content-type', 'text/plain'],
    ['retry-after', '2'],
    ['x-ratelimit-limit', '10'],
    ['x-ratelimit-remaining', '0'],
  ]);
  assert.equal(text(out.response?.body), 'rate limit exceeded\n');
  assert.equal(m.kv().get('rl:key:a'), `0:${t}`);

  // 1000 ms later: 2000 units, still short by 1000 units = 500 ms → retry-after 1; the refill is stored.
  const later = m.expect(get([['x-api-key', 'a']]), t + 1000.5);
  assert.equal(later.result, 'limited');
  assert.equal(later.response?.headers[1]?.[1], '1');
  assert.equal(m.kv().get('rl:key:a'), `2000:${t + 1000}`);

  // 500 ms after that: exactly one token; allowed, 0 left.
  const ok = m.expect(get([['x-api-key', 'a']]), t + 1500);
  assert.equal(ok.result, '');
  assert.equal(ok.headers.find(([n]) => n === 'x-ratelimit-remaining')?.[1], '0');
  assert.equal(m.kv().get('rl:key:a'), `0:${t + 1500}`);

  // Other clients have their own buckets.
  assert.equal(m.expect(get([['x-forwarded-for', '1.2.3.4']]), t + 1500).result, '');
  assert.equal(m.kv().get('rl:ip:1.2.3.4'), `27000:${t + 1500}`);
});

test('a long pause refills to capacity and no further', () => {
  const m = new RateLimitModel();
  m.expect(get([]), START_MS);
  m.expect(get([]), START_MS);
  assert.equal(m.kv().get('rl:anonymous'), `24000:${START_MS}`);
  const out = m.expect(get([]), START_MS + 3_600_000);
  assert.equal(out.headers.find(([n]) => n === 'x-ratelimit-remaining')?.[1], '9');
  assert.equal(m.kv().get('rl:anonymous'), `27000:${START_MS + 3_600_000}`);
});

test('the shared model starts over when a new pass over the corpus begins', () => {
  const items = corpus();
  const first = items.map((i) => expect(i.request, i));
  const second = items.map((i) => expect(i.request, i));
  assert.deepEqual(second, first);
  assert.throws(() => expect(items[0]!.request, { label: 'x', request: items[0]!.request }), /nowMs/);
});

test('the corpus is deterministic, monotonic, and about a fifth of it is limited', () => {
  const items = corpus();
  assert.deepEqual(items, corpus());
  for (let i = 1; i < items.length; i++) assert.ok(items[i]!.nowMs! >= items[i - 1]!.nowMs!, `item ${i} is not before item ${i - 1}`);
  const m = new RateLimitModel();
  const limited = new Map<string, number>();
  for (const item of items) {
    if (m.expect(item.request, item.nowMs!).result === 'limited') limited.set(item.label, (limited.get(item.label) ?? 0) + 1);
  }
  const total = [...limited.values()].reduce((a, b) => a + b, 0);
  assert.ok(total > items.length * 0.1 && total < items.length * 0.35, `limited ${total} of ${items.length}`);
  for (const label of ['burst', 'burst, forwarded', 'poller']) assert.ok(limited.get(label), `${label} requests get limited`);
  const labels = new Set(items.map((i) => i.label));
  for (const label of ['api key', 'forwarded', 'forwarded chain', 'empty api key', 'anonymous']) assert.ok(labels.has(label));
});
