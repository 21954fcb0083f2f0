// The checker against outcomes written out by hand (ids computed independently
// with a Python FNV-1a), not against another implementation of the same code.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expect } from './check.ts';
import { corpus } from './corpus.ts';

const empty = new Uint8Array();

test('a request through a proxy: hop-by-hop gone, legacy user renamed, client id replaced, via appended', () => {
  const out = expect({
    method: 'GET',
    path: '/x',
    headers: [
      ['Host', 'h'],
      ['Connection', 'keep-alive'],
      ['Proxy-Authorization', 'p'],
      ['X-Legacy-User', 'alice'],
      ['Accept', 'a'],
      ['TE', 'trailers'],
      ['X-Request-Id', 'client'],
      ['Via', '1.0 corp'],
    ],
    body: empty,
  });
  assert.deepEqual(out, {
    method: 'GET',
    path: '/x',
    body: empty,
    result: '',
    headers: [
      ['host', 'h'],
      ['accept', 'a'],
      ['x-request-id', 'pb-c697ee62'],
      ['via', '1.0 corp'],
      ['x-user', 'alice'],
      ['via', '1.1 plugbench'],
    ],
  });
});

test('an existing x-user takes the legacy value in place', () => {
  const out = expect({
    method: 'post',
    path: '/api/v1/orders?x=1',
    headers: [['x-user', 'old'], ['host', 'h'], ['x-legacy-user', 'bob'], ['x-user', 'older']],
    body: empty,
  });
  assert.deepEqual(out.headers, [
    ['x-user', 'bob'],
    ['host', 'h'],
    ['x-request-id', 'pb-e9c332c3'],
    ['via', '1.1 plugbench'],
  ]);
  assert.equal(out.method, 'POST');
});

test('no host: 400 local response, result missing-host, headers untouched', () => {
  const out = expect({ method: 'GET', path: '/', headers: [['Connection', 'close']], body: empty });
  assert.equal(out.result, 'missing-host');
  assert.deepEqual(out.headers, [['connection', 'close']]);
  assert.equal(out.response?.status, 400);
  assert.deepEqual(out.response?.headers, [['content-type', 'text/plain']]);
  assert.equal(new TextDecoder().decode(out.response?.body), 'missing host header\n');
});

test('the corpus is deterministic and covers every behaviour', () => {
  const a = corpus();
  assert.deepEqual(a, corpus());
  assert.equal(a.length, 256);
  const labels = a.map((i) => i.label).join('|');
  for (const kind of ['page', 'api', 'proxied', 'websocket', 'legacy', 'chunked', 'missing host']) {
    assert.ok(labels.includes(kind), `corpus has ${kind} requests`);
  }
  const missing = a.filter((i) => expect(i.request).result === 'missing-host').length;
  assert.ok(missing > 3 && missing < 40, `about 1 in 20 lack host (got ${missing})`);
});
