// SHA-256 and HMAC-SHA-256 against the published test vectors, and the
// base64url codec against RFC 4648 §10 and its strictness rules. The Lua and C
// versions are run against the same vectors by workloads/jwt-auth/libs.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64urlDecode, base64urlEncode, bytesToLatin1, latin1ToBytes } from './base64url.ts';
import { Sha256, hmacSha256, sha256, toHex } from './sha256.ts';

const ascii = (s: string) => latin1ToBytes(s);
const repeat = (byte: number, n: number) => new Uint8Array(n).fill(byte);

test('SHA-256: FIPS 180-2 / NIST example messages', () => {
  assert.equal(toHex(sha256(ascii('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(toHex(sha256(ascii(''))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  // 448 bits: the padding needs a second block.
  assert.equal(
    toHex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  // 896 bits (FIPS 180-4 examples / NIST CAVP).
  assert.equal(
    toHex(
      sha256(
        ascii(
          'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
        ),
      ),
    ),
    'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  );
});

test('SHA-256: one million "a" (streamed in uneven chunks)', () => {
  const h = new Sha256();
  const chunk = repeat(0x61, 997);
  let left = 1_000_000;
  while (left > 0) {
    const n = Math.min(left, chunk.length);
    h.update(chunk.subarray(0, n));
    left -= n;
  }
  assert.equal(toHex(h.digest()), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
});

test('SHA-256: every length around the padding boundary agrees between one-shot and byte-by-byte updates', () => {
  for (let n = 50; n <= 130; n++) {
    const data = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
    const h = new Sha256();
    for (const b of data) h.update(Uint8Array.of(b));
    assert.equal(toHex(h.digest()), toHex(sha256(data)), `length ${n}`);
  }
});

test('HMAC-SHA-256: RFC 4231 test cases 1-4, 6 and 7', () => {
  const cases: Array<[Uint8Array, Uint8Array, string]> = [
    [repeat(0x0b, 20), ascii('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [ascii('Jefe'), ascii('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    [repeat(0xaa, 20), repeat(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    [
      Uint8Array.from({ length: 25 }, (_, i) => i + 1),
      repeat(0xcd, 50),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [
      repeat(0xaa, 131),
      ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      repeat(0xaa, 131),
      ascii(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];
  for (const [key, data, mac] of cases) assert.equal(toHex(hmacSha256(key, data)), mac);
});

test('base64url: RFC 4648 §10 vectors, unpadded, both ways', () => {
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ];
  for (const [plain, encoded] of vectors) {
    assert.equal(base64urlEncode(ascii(plain)), encoded);
    assert.equal(bytesToLatin1(base64urlDecode(encoded)!), plain);
  }
  // The URL-safe alphabet: 0xfb 0xff 0xbf is "+/+/" in base64 and "-_-_" in base64url.
  assert.equal(base64urlEncode(Uint8Array.of(0xfb, 0xff, 0xbf)), '-_-_');
  assert.deepEqual(base64urlDecode('-_-_'), Uint8Array.of(0xfb, 0xff, 0xbf));
  // A JOSE header (RFC 7515 §3.3).
  assert.equal(bytesToLatin1(base64urlDecode('eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9')!), '{"typ":"JWT",\r\n "alg":"HS256"}');
});

test('base64url: strict decoding refuses padding, foreign characters, length 1 mod 4 and non-zero spare bits', () => {
  for (const bad of ['Zg==', 'Zm9v=', 'Zm+v', 'Zm/v', 'Zm9 v', 'Z', 'Zm9vY', 'Zh', 'Zm9', 'é']) {
    assert.equal(base64urlDecode(bad), undefined, JSON.stringify(bad));
  }
  // 'Zg' is canonical for "f"; 'Zh' carries a 1 in the 4 spare bits; 'Zm8' is canonical for "fo", 'Zm9' is not.
  assert.deepEqual(base64urlDecode('Zg'), ascii('f'));
  // A slice of a longer string.
  assert.deepEqual(base64urlDecode('xx.Zm9v.yy', 3, 7), ascii('foo'));
});

test('every byte value survives a base64url and latin1 round trip', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(base64urlDecode(base64urlEncode(all)), all);
  assert.deepEqual(latin1ToBytes(bytesToLatin1(all)), all);
  assert.equal(base64urlEncode(all), Buffer.from(all).toString('base64url'));
});
