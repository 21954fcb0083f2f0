// The checker against outcomes written out by hand (totals computed by hand),
// not against another implementation of the same code.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRequest } from '../../runtimes/abi/context.ts';
import { BAD_SHAPE_BODY, INVALID_JSON_BODY, expect, transformBody } from './check.ts';
import { SIZES, corpus } from './corpus.ts';

const utf8 = new TextEncoder();
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const STAMP = '"processedBy":"plugbench/json-transform"';

function post(body: string | Uint8Array, headers: Array<[string, string]> = []): HttpRequest {
  const bytes = typeof body === 'string' ? utf8.encode(body) : body;
  return {
    method: 'post',
    path: '/api/v1/orders/import',
    headers: [['Host', 'api.example.com'], ['Content-Type', 'application/json'], ['Content-Length', String(bytes.length)], ...headers],
    body: bytes,
  };
}

function output(body: string): string {
  const t = transformBody(utf8.encode(body));
  assert.equal(t.kind, 'ok');
  return (t as { body: string }).body;
}

test('a batch: fields dropped and renamed at every depth, totals and stamp appended, escapes as JSON.stringify writes them', () => {
  const input = String.raw`[
  {"id": "o1", "customerId": "c1", "internalNote": "x",
   "items": [{"sku": "A", "qty": 2, "price": 150, "costCents": 90},
             {"sku": "B", "qty": 1, "price": 1099, "debug": {"a": 1}}],
   "shipping": {"name": "Zo\u00eb \"Z\"", "notes": "a\nb\u0001\/\u2028\ud83d\udce6", "debug": [1]}},
  {"id": "o2", "customerId": "c2", "items": [], "debug": null}
]`;
  const expected =
    '[{"id":"o1","customer":"c1","items":[{"productCode":"A","quantity":2,"price":150},{"productCode":"B","quantity":1,"price":1099}],' +
    '"shipping":{"name":"Zoë \\"Z\\"","notes":"a\\nb\\u0001/\u2028📦"},"total":1399,' + STAMP + '},' +
    '{"id":"o2","customer":"c2","items":[],"total":0,' + STAMP + '}]';
  const out = expect(post(input, [['X-Trace', 't']]));
  assert.equal(out.result, '');
  assert.equal(out.method, 'POST');
  assert.equal(text(out.body), expected);
  assert.equal(out.response, undefined);
  // content-length rewritten in place to the new length in bytes (ë, U+2028 and 📦 are 2, 3 and 4 bytes).
  assert.deepEqual(out.headers, [
    ['host', 'api.example.com'],
    ['content-type', 'application/json'],
    ['content-length', String(expected.length + 1 + 2 + 2)],
    ['x-trace', 't'],
  ]);
});

test('a renamed key takes the first position; a later key of the same name replaces its value there', () => {
  assert.equal(
    output('[{"customerId":"a","x":1,"customer":"b","items":[]}]'),
    '[{"customer":"b","x":1,"items":[],"total":0,' + STAMP + '}]',
  );
});

test('an input total is replaced in place; a repeated input key keeps its first position with the last value', () => {
  assert.equal(
    output('[{"total":5,"a":1,"items":[{"qty":3,"price":7}],"a":2}]'),
    '[{"total":21,"a":2,"items":[{"quantity":3,"price":7}],' + STAMP + '}]',
  );
});

test('totals use the input names, before renaming; integral numbers are integers whatever their spelling', () => {
  assert.equal(
    output('[{"items":[{"qty":2.0,"price":1e2},{"qty":-0,"price":5},{"qty":3,"price":-4}]}]'),
    '[{"items":[{"quantity":2,"price":100},{"quantity":0,"price":5},{"quantity":3,"price":-4}],"total":188,' + STAMP + '}]',
  );
  assert.equal(output('[]'), '[]');
});

test('invalid JSON: 400 with a JSON error body, result invalid-json, request untouched', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['trailing comma', utf8.encode('[{"items":[]},]')],
    ['byte order mark', Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8.encode('[]')])],
    ['Latin-1 byte', Uint8Array.from([...utf8.encode('[{"n":"'), 0xe9, ...utf8.encode('","items":[]}]')])],
    ['UTF-8 encoded surrogate', Uint8Array.from([...utf8.encode('["'), 0xed, 0xa0, 0x80, ...utf8.encode('"]')])],
    ['empty body', new Uint8Array(0)],
    ['NaN', utf8.encode('[{"items":[{"qty":1,"price":NaN}]}]')],
    ['single quotes', utf8.encode("[{'items':[]}]")],
    ['raw tab in a string', utf8.encode('[{"items":[],"n":"a\tb"}]')],
  ];
  for (const [name, body] of cases) {
    const req = post(body);
    const out = expect(req);
    assert.equal(out.result, 'invalid-json', name);
    assert.deepEqual(out.response, {
      status: 400,
      headers: [['content-type', 'application/json']],
      body: utf8.encode('{"error":"invalid json"}'),
    });
    assert.equal(out.body, req.body, name);
    assert.deepEqual(out.headers[2], ['content-length', String(body.length)], name);
  }
  assert.equal(INVALID_JSON_BODY, '{"error":"invalid json"}');
});

test('valid JSON of the wrong shape: 422, result bad-shape', () => {
  const cases = [
    '{"orders":[]}',
    '"[]"',
    '[1]',
    '[[]]',
    '[{"id":"o"}]',
    '[{"items":{}}]',
    '[{"items":[null]}]',
    '[{"items":[{"qty":"2","price":1}]}]',
    '[{"items":[{"qty":1.5,"price":1}]}]',
    '[{"items":[{"qty":1}]}]',
    '[{"items":[{"qty":1,"price":9007199254740992}]}]',
    '[{"items":[]},{"items":[{"qty":1,"price":true}]}]',
  ];
  for (const body of cases) {
    const out = expect(post(body));
    assert.equal(out.result, 'bad-shape', body);
    assert.deepEqual(out.response, {
      status: 422,
      headers: [['content-type', 'application/json']],
      body: utf8.encode('{"error":"unexpected document shape"}'),
    });
    assert.equal(text(out.body), body);
  }
  assert.equal(BAD_SHAPE_BODY, '{"error":"unexpected document shape"}');
  // The largest safe integer is accepted.
  assert.equal(expect(post('[{"items":[{"qty":1,"price":9007199254740991}]}]')).result, '');
});

test('set-body semantics: repeated content-length collapses to the first; without one (chunked) none is added', () => {
  const withTwo = expect({ ...post('[]'), headers: [['content-length', '2'], ['x', '1'], ['Content-Length', '2']] });
  assert.deepEqual(withTwo.headers, [['content-length', '2'], ['x', '1']]);
  const chunked = expect({ ...post('[ ]'), headers: [['Host', 'h'], ['Transfer-Encoding', 'chunked']] });
  assert.deepEqual(chunked.headers, [['host', 'h'], ['transfer-encoding', 'chunked']]);
  assert.equal(text(chunked.body), '[]');
});

test('the corpus: deterministic, labelled by size class, exact sizes, every outcome, escapes and non-ASCII in the output', () => {
  const items = corpus();
  assert.deepEqual(items, corpus());
  assert.equal(items.length, 24);
  const results = items.map((i) => expect(i.request));
  const count = (r: string) => results.filter((o) => o.result === r).length;
  assert.equal(count(''), 17);
  assert.equal(count('invalid-json'), 5);
  assert.equal(count('bad-shape'), 2);
  for (const [i, item] of items.entries()) {
    const size = (Object.keys(SIZES) as Array<keyof typeof SIZES>).find((s) => item.label.startsWith(s + ','));
    assert.ok(size, `label ${item.label} starts with its size class`);
    if (results[i]!.result === '') assert.equal(item.request.body.length, SIZES[size], item.label);
  }
  const perClass = (s: string) => items.filter((i) => i.label.startsWith(s + ',') && expect(i.request).result === '').length;
  assert.deepEqual([perClass('1 KiB'), perClass('16 KiB'), perClass('128 KiB')], [10, 5, 2]);
  const all = results.filter((o) => o.result === '').map((o) => text(o.body)).join('');
  for (const needle of ['\\n', '\\t', '\\"', '\\\\', '\\u0001', '\\r', '\\b', '\\f', '\x7f', '\u2028', 'é', '東京', '📦']) {
    assert.ok(all.includes(needle), `outputs contain ${JSON.stringify(needle)}`);
  }
  assert.ok(!all.includes('internalNote') && !all.includes('costCents') && !all.includes('"debug"'));
  assert.ok(items.some((i) => i.request.headers.some(([n]) => n === 'Transfer-Encoding')), 'some uploads are chunked');
});
