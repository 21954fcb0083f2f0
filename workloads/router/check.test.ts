// The checker against outcomes worked out by hand from README.md (small.ts:
// a small table for precedence, backtracking and catch-alls; the deployment).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRequest } from '../../runtimes/abi/context.ts';
import { expect, expectWith } from './check.ts';
import { corpus } from './corpus.ts';
import { ROUTE_COUNT, configText, routes, shape } from './routes.ts';
import { CASES, SMALL } from './small.ts';

const empty = new Uint8Array();
const get = (path: string, headers: Array<[string, string]> = [['Host', 'h']]): HttpRequest => ({ method: 'get', path, headers, body: empty });

test('hand-worked matches on a small table', () => {
  for (const [path, name, rewritten, params] of CASES) {
    const out = expectWith(SMALL, get(path));
    if (!name) {
      assert.equal(out.result, 'no-route', path);
      assert.equal(out.path, path);
      assert.deepEqual(out.headers, [['host', 'h']]);
      assert.deepEqual(out.response?.status, 404);
      assert.deepEqual(out.response?.headers, [['content-type', 'text/plain']]);
      assert.equal(new TextDecoder().decode(out.response?.body), 'no route\n');
      continue;
    }
    assert.equal(out.result, '', path);
    assert.equal(out.response, undefined);
    assert.equal(out.path, rewritten, path);
    assert.deepEqual(out.headers, [['host', 'h'], ['x-route', name], ...params.map(([n, v]): [string, string] => ['x-param-' + n, v])], path);
  }
});

test('client-sent x-route and x-param-* are replaced in place, others kept', () => {
  const out = expectWith(
    SMALL,
    get('/users/9/orders/3', [['X-Param-Order', 'evil'], ['Host', 'h'], ['X-Route', 'admin'], ['x-route', 'again'], ['X-Param-Other', 'kept']]),
  );
  assert.deepEqual(out.headers, [
    ['x-param-order', '3'],
    ['host', 'h'],
    ['x-route', 'user-order'],
    ['x-param-other', 'kept'],
    ['x-param-id', '9'],
  ]);
  assert.equal(out.method, 'GET');
});

test('the deployment: 200 routes, unique names and shapes, one line each in the config', () => {
  const list = routes();
  assert.equal(list.length, ROUTE_COUNT);
  assert.equal(new Set(list.map((r) => r.name)).size, ROUTE_COUNT);
  assert.equal(new Set(list.map((r) => shape(r.template))).size, ROUTE_COUNT);
  const config = JSON.parse(configText()) as { routes: string[] };
  assert.equal(config.routes[0], 'root / /index.html');
  assert.ok(config.routes.includes('user-order /api/v1/users/:user_id/orders/:order_id /orders/by-user/:user_id/:order_id'));
  assert.ok(!configText().includes('\\'));
});

test('the deployment routes the hand-written paths as worked out', () => {
  const at = (path: string) => {
    const o = expect(get(path));
    return [o.result, o.path, ...o.headers.filter(([n]) => n.startsWith('x-')).map(([n, v]) => `${n}=${v}`)];
  };
  assert.deepEqual(at('/api/v1/users/me'), ['', '/accounts/users/current', 'x-route=me']);
  assert.deepEqual(at('/api/v1/users/me/orders/55012'), ['', '/orders/by-user/me/55012', 'x-route=user-order', 'x-param-user_id=me', 'x-param-order_id=55012']);
  assert.deepEqual(at('/api/v1/users/42/unknown/x'), ['', '/api-v1-fallback/users/42/unknown/x', 'x-route=v1-fallback', 'x-param-rest=users/42/unknown/x']);
  assert.deepEqual(at('/assets/v3.2.1/img/a.png?v=1'), ['', '/cdn/v3.2.1/img/a.png?v=1', 'x-route=assets', 'x-param-version=v3.2.1', 'x-param-path=img/a.png']);
  assert.deepEqual(at('/api/v1/orders/search'), ['', '/orders/search', 'x-route=order-search']);
  assert.deepEqual(at('/api/v1/orders/123'), ['', '/orders/orders/123', 'x-route=v1-orders-show', 'x-param-id=123']);
  assert.deepEqual(at('/assets/v1.2.3'), ['no-route', '/assets/v1.2.3']);
  assert.deepEqual(at('/api/v1'), ['no-route', '/api/v1']);
});

test('the corpus is deterministic, hits every route and has misses', () => {
  const items = corpus();
  assert.deepEqual(items, corpus());
  const outs = items.map((i) => expect(i.request));
  const names = new Set(outs.map((o) => o.headers.find(([n]) => n === 'x-route')?.[1]));
  for (const r of routes()) assert.ok(names.has(r.name), `route ${r.name} is hit`);
  const misses = outs.filter((o) => o.result === 'no-route').length;
  assert.ok(misses > items.length * 0.1 && misses < items.length * 0.3, `misses ${misses} of ${items.length}`);
});
