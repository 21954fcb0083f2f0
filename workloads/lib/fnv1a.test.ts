import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnv1a32, hex8 } from './fnv1a.ts';

test('FNV-1a 32 matches the published test vectors', () => {
  // From the FNV reference test suite (Fowler/Noll/Vo): "", "a", "foobar".
  assert.equal(hex8(fnv1a32('')), '811c9dc5');
  assert.equal(hex8(fnv1a32('a')), 'e40c292c');
  assert.equal(hex8(fnv1a32('foobar')), 'bf9cf968');
});
