import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FilterOutcome } from '../runtimes/abi/context.ts';
import { firstDifference } from './verify.ts';

const base = (): FilterOutcome => ({
  result: '',
  method: 'GET',
  path: '/',
  headers: [['host', 'h'], ['via', '1.1 plugbench']],
  body: new Uint8Array([1, 2, 3]),
});

test('equal outcomes have no difference', () => {
  assert.equal(firstDifference(base(), base()), undefined);
});

test('the first difference is named precisely', () => {
  assert.equal(firstDifference(base(), { ...base(), result: 'x' }), 'result: expected "", got "x"');
  assert.equal(firstDifference(base(), { ...base(), path: '/y' }), 'path: expected "/", got "/y"');
  assert.equal(
    firstDifference(base(), { ...base(), headers: [['host', 'h']] }),
    'header #1: expected ["via","1.1 plugbench"], got none (expected 2 headers, got 1)',
  );
  assert.equal(
    firstDifference(base(), { ...base(), body: new Uint8Array([1, 9, 3]) }),
    'body differs at byte 1: expected 0x02, got 0x09 (lengths 3 and 3)',
  );
  assert.equal(firstDifference(base(), { ...base(), body: new Uint8Array([1, 2]) }), 'body length: expected 3 bytes, got 2');
  const response = { status: 400, headers: [] as Array<[string, string]>, body: new Uint8Array() };
  assert.equal(firstDifference(base(), { ...base(), response }), 'local response: expected none, got status 400');
  assert.equal(
    firstDifference({ ...base(), response }, { ...base(), response: { ...response, status: 401 } }),
    'local response status: expected 400, got 401',
  );
});
