// The checker against outcomes written out by hand. The tokens are literals:
// two published ones (RFC 7515 Appendix A.1, the jwt.io example) and three
// signed with Python's hmac module under the workload's secret, not by any
// code in this repository.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FilterOutcome, HttpRequest } from '../../runtimes/abi/context.ts';
import { CONFIG, expect, expectWith, settingsFrom, strictBase64url, verify, type Settings } from './check.ts';
import { MIX, START_MS, corpus } from './corpus.ts';

const empty = new Uint8Array();
const text = (b: Uint8Array | undefined) => Buffer.from(b ?? empty).toString('latin1');
const SETTINGS = settingsFrom(CONFIG);

// Python: sign('{"alg":"HS256","typ":"JWT"}', '{"sub":"user_42","aud":"https://api.example.com","iat":1772440400,"exp":1772444000}')
const USER_42 =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyXzQyIiwiYXVkIjoiaHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20iLCJpYXQiOjE3NzI0NDA0MDAsImV4cCI6MTc3MjQ0NDAwMH0.TEDDVyEjLmJLKvgJDyFZoJ2KyiOTiqG9hPXK8FYKBI4';
// Python, PHP-style escaped slashes, an aud array and a fractional exp (1772444000.5).
const PHP_STYLE =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczpcL1wvYXV0aC5leGFtcGxlLmNvbVwvIiwic3ViIjoiYXV0aDB8NjVmMWMyYTllNGIwZDNmMWEyYjNjNGQ1IiwiYXVkIjpbImh0dHBzOlwvXC9hcGkuZXhhbXBsZS5jb20iLCJodHRwczpcL1wvZXhhbXBsZS5ldS5hdXRoMC5jb21cL3VzZXJpbmZvIl0sImV4cCI6MTc3MjQ0NDAwMC41LCJzY29wZSI6Im9wZW5pZCByZWFkOm9yZGVycyJ9.mp6qKiffgPKKL_TVhF88OlVx-4DUDB1TQBtd92FTdEk';
// Python: {"alg":"HS256"} . {"sub":"user_42","aud":"https://admin.example.com","exp":1772444000}
const ADMIN_AUDIENCE =
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyXzQyIiwiYXVkIjoiaHR0cHM6Ly9hZG1pbi5leGFtcGxlLmNvbSIsImV4cCI6MTc3MjQ0NDAwMH0.f6_WbvzPh8K8B8L7bcYUQSFO96f1zjSIfQpngC_Dijs';
// RFC 7515 Appendix A.1: {"typ":"JWT",\r\n "alg":"HS256"} . {"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}
const RFC7515_KEY = 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow';
const RFC7515 =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
// jwt.io's example, secret "your-256-bit-secret" (19 bytes: too short for a deployment, fine for verify()).
const JWT_IO =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

const NOW = 1772443800000; // 2026-03-02T09:30:00Z, 200 s before USER_42 expires

function request(headers: Array<[string, string]>): HttpRequest {
  return { method: 'get', path: '/api/v1/orders/7', headers: [['Host', 'api.example.com'], ...headers], body: empty };
}

test('a valid token: x-user set from sub (a client-sent x-user replaced in place), authorization forwarded, result ""', () => {
  const out = expectWith(
    SETTINGS,
    request([
      ['X-User', 'admin'],
      ['Authorization', `Bearer ${USER_42}`],
      ['x-user', 'root'],
    ]),
    NOW,
  );
  assert.deepEqual(out, {
    method: 'GET',
    path: '/api/v1/orders/7',
    body: empty,
    result: '',
    headers: [
      ['host', 'api.example.com'],
      ['x-user', 'user_42'],
      ['authorization', `Bearer ${USER_42}`],
    ],
  });
});

test('the same token at exp * 1000 ms is expired: 401 with the exact JSON body and challenge, nothing else changed', () => {
  const out = expectWith(SETTINGS, request([['Authorization', `Bearer ${USER_42}`], ['X-User', 'admin']]), 1772444000000);
  assert.equal(out.result, 'unauthorized');
  assert.deepEqual(out.headers, [
    ['host', 'api.example.com'],
    ['authorization', `Bearer ${USER_42}`],
    ['x-user', 'admin'],
  ]);
  assert.equal(out.response?.status, 401);
  assert.deepEqual(out.response?.headers, [
    ['content-type', 'application/json'],
    ['www-authenticate', 'Bearer realm="plugbench", error="invalid_token"'],
  ]);
  assert.equal(text(out.response?.body), '{"error":"expired"}');
  // One ms-fraction earlier it is still valid.
  assert.equal(expectWith(SETTINGS, request([['Authorization', `Bearer ${USER_42}`]]), 1772443999999.875).result, '');
});

test('no token: 401 missing_token with the challenge that carries no error code (RFC 6750 §3.1)', () => {
  for (const headers of [[], [['Authorization', 'Basic dXNlcjpwYXNz']], [['Authorization', 'Bearer']]] as Array<Array<[string, string]>>) {
    const out: FilterOutcome = expectWith(SETTINGS, request(headers), NOW);
    assert.equal(out.result, 'unauthorized');
    assert.deepEqual(out.response?.headers, [
      ['content-type', 'application/json'],
      ['www-authenticate', 'Bearer realm="plugbench"'],
    ]);
    assert.equal(text(out.response?.body), '{"error":"missing_token"}');
  }
});

test('verdicts for hand-made tokens', () => {
  const v = (auth: string | undefined, nowMs = NOW, settings: Settings = SETTINGS) => verify(auth, nowMs, settings);
  assert.deepEqual(v(`Bearer ${USER_42}`), { ok: true, sub: 'user_42' });
  assert.deepEqual(v(`bEARER ${USER_42}`), { ok: true, sub: 'user_42' }, 'the scheme is case-insensitive');
  assert.deepEqual(v(`Bearer  ${USER_42}`), { ok: false, error: 'malformed' }, 'exactly one space');
  assert.deepEqual(v(`Bearer ${PHP_STYLE}`), { ok: true, sub: 'auth0|65f1c2a9e4b0d3f1a2b3c4d5' });
  assert.deepEqual(v(`Bearer ${PHP_STYLE}`, 1772444000500), { ok: false, error: 'expired' });
  assert.deepEqual(v(`Bearer ${PHP_STYLE}`, 1772444000499.875), { ok: true, sub: 'auth0|65f1c2a9e4b0d3f1a2b3c4d5' });
  assert.deepEqual(v(`Bearer ${ADMIN_AUDIENCE}`), { ok: false, error: 'wrong_audience' });
  // One changed character in the signature, or in the claims.
  assert.deepEqual(v(`Bearer ${USER_42.slice(0, -2)}J4`), { ok: false, error: 'bad_signature' });
  assert.deepEqual(v(`Bearer ${USER_42.replace('eyJzdWIiOiJ1c2VyXzQy', 'eyJzdWIiOiJ1c2VyXzQz')}`), { ok: false, error: 'bad_signature' });
  // Last char 4 → 5: same bytes under a lenient decoder, but spare bits set.
  assert.deepEqual(v(`Bearer ${USER_42.slice(0, -1)}5`), { ok: false, error: 'malformed' });
  assert.deepEqual(v(`Bearer ${USER_42}.`), { ok: false, error: 'malformed' });
  assert.deepEqual(v('Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'), { ok: false, error: 'unsupported_alg' });

  // RFC 7515 A.1: the signature verifies (not bad_signature), then the claims lack sub.
  const rfc = { key: strictBase64url(RFC7515_KEY)!, audience: 'https://api.example.com' };
  assert.equal(rfc.key.length, 64);
  assert.deepEqual(v(`Bearer ${RFC7515}`, NOW, rfc), { ok: false, error: 'malformed' });
  assert.deepEqual(v(`Bearer ${RFC7515.slice(0, -1)}Y`, NOW, rfc), { ok: false, error: 'bad_signature' });
  // jwt.io: verifies, but has no exp.
  const jwtio = { key: Buffer.from('your-256-bit-secret'), audience: 'x' };
  assert.deepEqual(v(`Bearer ${JWT_IO}`, NOW, jwtio), { ok: false, error: 'malformed' });
  assert.deepEqual(v(`Bearer ${JWT_IO}`, NOW, SETTINGS), { ok: false, error: 'bad_signature' });
});

test('settings: what init accepts and refuses', () => {
  assert.deepEqual(settingsFrom(`{"audience":"a","secret_base64url":"${RFC7515_KEY}"}`).key.length, 64);
  for (const [config, why] of [
    ['[]', /JSON object/],
    ['{"secret":"0123456789abcdef0123456789abcdef"}', /audience/],
    ['{"audience":"","secret":"0123456789abcdef0123456789abcdef"}', /audience/],
    ['{"audience":"a"}', /exactly one/],
    [`{"audience":"a","secret":"0123456789abcdef0123456789abcdef","secret_base64url":"${RFC7515_KEY}"}`, /exactly one/],
    ['{"audience":"a","secret":"0123456789abcdef0123456789abcde"}', /32 bytes/],
    ['{"audience":"a","secret":"0123456789abcdef0123456789abcdé"}', /printable/],
    ['{"audience":"a","secret_base64url":"AyM1Sys="}', /base64url/],
  ] as const) {
    assert.throws(() => settingsFrom(config), why, config);
  }
});

test('the corpus is deterministic, realistic in its mix, and every item carries its clock', () => {
  const items = corpus();
  assert.deepEqual(items, corpus());
  assert.equal(items.length, 256);
  const counts: Record<string, number> = {};
  for (const [index, item] of items.entries()) {
    assert.ok(item.nowMs !== undefined && item.nowMs >= START_MS + index * 1500, item.label);
    const out = expect(item.request, item);
    const kind = out.result === '' ? 'valid' : (JSON.parse(text(out.response?.body)) as { error: string }).error;
    counts[kind] = (counts[kind] ?? 0) + 1;
    // The label says what the reference decides.
    assert.ok(item.label.startsWith(kind.replace('_', ' ')), `${item.label}: ${kind}`);
  }
  assert.deepEqual(counts, { ...MIX });
  const sizes = new Set(items.map((i) => i.label.match(/(\d+ (B|KiB)) token/)?.[1]).filter(Boolean));
  assert.deepEqual([...sizes].sort(), ['1 KiB', '2 KiB', '256 B', '512 B']);
});
