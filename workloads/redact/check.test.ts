// The checker against outputs written out by hand. Luhn validity of every
// number here was computed separately (Python), and known test card numbers
// (4111 1111 1111 1111, 378282246310005, 5555555555554444, 4222222222222) are used.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expect, luhnValid, redact } from './check.ts';
import { CASES } from './cases.ts';
import { corpus, luhnCheckDigit } from './corpus.ts';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

test('Luhn', () => {
  for (const s of ['4111111111111111', '378282246310005', '4222222222222', '79927398713', '4000000000000000006', '40000000000000000002', '1767225600009']) {
    assert.ok(luhnValid(s), s);
  }
  for (const s of ['4111111111111112', '1767225600000', '40000000000000000006', '79927398710']) assert.ok(!luhnValid(s), s);
  assert.equal(luhnCheckDigit('7992739871'), 3);
  assert.equal(luhnCheckDigit('411111111111111'), 1);
});

test('runs: what is redacted and what is not', () => {
  for (const [input, output] of CASES) {
    assert.equal(redact(input).text, output, input);
    assert.equal(redact(input).count, input === output ? 0 : output.split(/\n| x /).length, input);
  }
});

test('a body with cards: body set, content-length kept honest in place, x-redactions appended', () => {
  const body = bytes('{"card":"4111 1111 1111 1111","name":"Zo\xc3\xab","alt":"378282246310005"}\xff');
  const out = expect({
    method: 'post',
    path: '/v1/events',
    headers: [['Host', 'h'], ['Content-Length', String(body.length)], ['X-Redactions', '9']],
    body,
  });
  assert.equal(out.result, 'redacted');
  assert.equal(out.method, 'POST');
  assert.deepEqual(out.body, bytes('{"card":"XXXX XXXX XXXX 1111","name":"Zo\xc3\xab","alt":"XXXXXXXXXXX0005"}\xff'));
  assert.deepEqual(out.headers, [
    ['host', 'h'],
    ['content-length', String(body.length)],
    ['x-redactions', '2'],
  ]);
  assert.equal(out.response, undefined);
});

test('a body without cards is left alone: no set-body, no header, result ""', () => {
  const body = bytes('2026-01-01T09:00:00.000Z INFO order=4111-1111-1111-1112 phone=+1 415-555-0132\n');
  const out = expect({ method: 'POST', path: '/v1/logs', headers: [['Transfer-Encoding', 'chunked']], body });
  assert.deepEqual(out, { result: '', method: 'POST', path: '/v1/logs', headers: [['transfer-encoding', 'chunked']], body });
  assert.equal(out.body, body);
});

test('the corpus: sizes, labels, clean bodies, and a mix of redacted and surviving numbers', () => {
  const items = corpus();
  assert.deepEqual(items, corpus());
  assert.deepEqual(
    items.map((i) => [i.label, i.request.body.length]),
    [
      ...Array.from({ length: 16 }, (_, i) => [i % 4 === 3 ? '4 KiB, clean' : '4 KiB', 4096]),
      ...Array.from({ length: 4 }, (_, i) => [i % 2 === 0 ? '64 KiB, json' : '64 KiB', 65536]),
      ['1 MiB', 1048576],
    ],
  );
  for (const item of items) {
    const out = expect(item.request);
    assert.equal(out.result, item.label.includes('clean') ? '' : 'redacted', item.label);
  }
  const big = Buffer.from(expect(items[20]!.request).body).toString('latin1');
  const original = Buffer.from(items[20]!.request.body).toString('latin1');
  assert.ok((big.match(/X/g)?.length ?? 0) > 40_000);
  // Survivors: invalid cards, IBANs, long order ids, phone numbers.
  for (const s of ['reason=luhn', 'DE89 3704 0044 0532 0130 00', '+1 415-555-', 'tracking ']) assert.ok(big.includes(s), s);
  assert.ok(/declined card=[0-9]/.test(big), 'an invalid card survives');
  assert.ok(/order_id":"[0-9]{20}"/.test(big), '20-digit order ids survive');
  assert.equal(big.length, original.length);
});
