// The pure-JS decoder against Node's TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
// which it promises to match: same strings for valid input, an error for invalid input.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../lib/random.ts';
import { Utf8Error, decodeUtf8 } from './utf8.ts';

const reference = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function same(bytes: Uint8Array, what: string): void {
  let expected: string | undefined;
  try {
    expected = reference.decode(bytes);
  } catch {
    assert.throws(() => decodeUtf8(bytes), Utf8Error, `${what}: invalid, must throw`);
    return;
  }
  assert.equal(decodeUtf8(bytes), expected, what);
}

test('hand-picked sequences: boundaries, overlongs, surrogates, out of range, truncation, BOM', () => {
  const cases: number[][] = [
    [], [0x00], [0x7f], [0xc2, 0x80], [0xdf, 0xbf], [0xe0, 0xa0, 0x80], [0xef, 0xbf, 0xbf], [0xf0, 0x90, 0x80, 0x80],
    [0xf4, 0x8f, 0xbf, 0xbf], [0xef, 0xbb, 0xbf, 0x41],
    [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
    [0xf0, 0x80, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff],
    [0xc2], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xe2, 0x82, 0x41], [0x41, 0xc3],
  ];
  for (const c of cases) same(Uint8Array.from(c), c.map((b) => b.toString(16)).join(' '));
  assert.equal(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf])), '\ufeff', 'a BOM is kept');
});

test('random text across chunk boundaries, and random bytes', () => {
  const rng = new Random(7);
  const encoder = new TextEncoder();
  for (let n = 0; n < 200; n++) {
    let s = '';
    const len = rng.int(0, n < 20 ? 9000 : 200);
    for (let i = 0; i < len; i++) {
      const kind = rng.int(0, 3);
      const cp = [rng.int(0, 0x7f), rng.int(0x80, 0x7ff), rng.int(0x800, 0xffff), rng.int(0x10000, 0x10ffff)][kind]!;
      s += cp >= 0xd800 && cp <= 0xdfff ? 'x' : String.fromCodePoint(cp);
    }
    same(encoder.encode(s), `valid text #${n}`);
  }
  for (let n = 0; n < 2000; n++) same(rng.bytes(rng.int(1, 12)), `random bytes #${n}`);
});
