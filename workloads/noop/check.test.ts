import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expect } from './check.ts';

test('noop leaves the request as it arrived, names lower-cased', () => {
  const body = new Uint8Array([0, 1, 255]);
  assert.deepEqual(expect({ method: 'put', path: '/p?q', headers: [['X-A', '1'], ['x-a', '2']], body }), {
    result: '',
    method: 'PUT',
    path: '/p?q',
    headers: [['x-a', '1'], ['x-a', '2']],
    body,
  });
});
