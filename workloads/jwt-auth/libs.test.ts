// The Lua and C versions of workloads/lib/sha256.* and base64url.* against the
// same published vectors as workloads/lib/sha256.test.ts (FIPS 180-2 / NIST,
// RFC 4231, RFC 4648 §10), through a small test filter per language
// (test-fixtures/digest/filter.lua and filter.c) run by the real adapters: the
// body is the message, the answer comes back in headers.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RequestContext, prepareRequest, type HttpRequest } from '../../runtimes/abi/context.ts';
import { Deployment } from '../../runtimes/abi/host.ts';
import type { FilterInstance, Runtime } from '../../runtimes/abi/types.ts';
import lua from '../../runtimes/lua/adapter.ts';
import wasm from '../../runtimes/wasm/adapter.ts';

const FIXTURE = fileURLToPath(new URL('./test-fixtures/digest/', import.meta.url));
const ascii = (s: string) => new TextEncoder().encode(s);
const repeat = (byte: number, n: number) => new Uint8Array(n).fill(byte);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const SHA256: Array<[string, Uint8Array, string]> = [
  ['"abc"', ascii('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['the empty string', ascii(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  [
    'the 448-bit message',
    ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
  [
    'the 896-bit message',
    ascii('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'),
    'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  ],
  ['one million "a"', repeat(0x61, 1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
];

// RFC 4231 test cases 1-4, 6, 7 (5 truncates the output, which nothing here does).
const HMAC: Array<[string, Uint8Array, Uint8Array, string]> = [
  ['RFC 4231 case 1', repeat(0x0b, 20), ascii('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
  ['RFC 4231 case 2', ascii('Jefe'), ascii('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  ['RFC 4231 case 3', repeat(0xaa, 20), repeat(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
  [
    'RFC 4231 case 4',
    Uint8Array.from({ length: 25 }, (_, i) => i + 1),
    repeat(0xcd, 50),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  ],
  [
    'RFC 4231 case 6',
    repeat(0xaa, 131),
    ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  ],
  [
    'RFC 4231 case 7',
    repeat(0xaa, 131),
    ascii(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  ],
];

// RFC 4648 §10 (unpadded), the URL-safe alphabet, and what strict decoding refuses.
const BASE64URL: Array<[string, string]> = [
  ['', ''],
  ['Zg', hex(ascii('f'))],
  ['Zm8', hex(ascii('fo'))],
  ['Zm9v', hex(ascii('foo'))],
  ['Zm9vYg', hex(ascii('foob'))],
  ['Zm9vYmE', hex(ascii('fooba'))],
  ['Zm9vYmFy', hex(ascii('foobar'))],
  ['-_-_', 'fbffbf'],
  ['eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9', hex(ascii('{"typ":"JWT",\r\n "alg":"HS256"}'))],
  ['Zg==', 'invalid'],
  ['Zm+v', 'invalid'],
  ['Zm/v', 'invalid'],
  ['Zm9 v', 'invalid'],
  ['Z', 'invalid'],
  ['Zm9vY', 'invalid'],
  ['Zh', 'invalid'],
  ['Zm9', 'invalid'],
  ['Zm9v.', 'invalid'],
];

function run(inst: FilterInstance, headers: Array<[string, string]>, body: Uint8Array) {
  const req: HttpRequest = { method: 'POST', path: '/', headers: [['host', 'test'], ...headers], body };
  const ctx = new RequestContext();
  ctx.reset(prepareRequest(req));
  const result = inst.handle(ctx);
  assert.equal(result, '');
  return new Map(ctx.outcome(result as string).headers);
}

const runtimes: Array<[Runtime, string]> = [
  [lua, join(FIXTURE, 'filter.lua')],
  [wasm, join(FIXTURE, 'filter.wasm')],
];

for (const [runtime, file] of runtimes) {
  describe(`${runtime.name}: sha256 and base64url libraries`, { skip: !existsSync(file) && `${file} is not built` }, () => {
    let inst: FilterInstance;
    test('loads the test filter', async () => {
      inst = await (await runtime.load(file)).instantiate('{}', new Deployment().host);
    });

    test('SHA-256: FIPS 180-2 / NIST vectors', () => {
      for (const [name, message, digest] of SHA256) {
        assert.equal(run(inst, [], message).get('x-sha256'), digest, name);
      }
    });

    test('SHA-256: every length around the padding boundary agrees with node:crypto', async () => {
      const { createHash } = await import('node:crypto');
      for (let n = 50; n <= 130; n++) {
        const data = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
        assert.equal(run(inst, [], data).get('x-sha256'), createHash('sha256').update(data).digest('hex'), `length ${n}`);
      }
    });

    test('HMAC-SHA-256: RFC 4231 cases 1-4, 6, 7', () => {
      for (const [name, key, message, mac] of HMAC) {
        assert.equal(run(inst, [['x-hmac-key-hex', hex(key)]], message).get('x-hmac-sha256'), mac, name);
      }
    });

    test('base64url: RFC 4648 vectors and strict refusals', () => {
      for (const [encoded, decoded] of BASE64URL) {
        assert.equal(run(inst, [['x-base64url', encoded]], new Uint8Array()).get('x-decoded-hex'), decoded, JSON.stringify(encoded));
      }
    });

    test('disposes', async () => {
      await inst.dispose();
    });
  });
}
