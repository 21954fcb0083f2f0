// The four filters in process (filter.ts on native and quickjs, filter.lua on
// lua, filter.wasm on wasm) against the reference on edge cases the corpus
// does not hold: repeated and colliding keys, integral numbers spelled as
// floats, every shape refusal, BOM, lone surrogate escapes, content-length
// handling. (The remote runtime runs filter.ts too; `npm run bench` verifies
// it on the corpus.)

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { firstDifference } from '../../bench/verify.ts';
import { RequestContext, prepareRequest, type HttpRequest } from '../../runtimes/abi/context.ts';
import { Deployment } from '../../runtimes/abi/host.ts';
import type { FilterInstance } from '../../runtimes/abi/types.ts';
import { builtinRuntime } from '../../runtimes/index.ts';
import type { Workload } from '../types.ts';
import json from './workload.ts';

const workload: Workload = json;

const utf8 = new TextEncoder();

function post(body: string | number[], headers: Array<[string, string]> = [['Content-Length', '0']]): HttpRequest {
  return {
    method: 'POST',
    path: '/api/v1/orders/import',
    headers: [['Host', 'h'], ...headers],
    body: typeof body === 'string' ? utf8.encode(body) : Uint8Array.from(body),
  };
}

const CASES: Array<[string, HttpRequest]> = [
  ['escapes and non-ASCII', post(String.raw`[{"customerId":"Zo\u00eb","items":[{"sku":"a\/b","qty":1,"price":2}],"n":"\u0000\u001f\b\f\n\r\t\"\\\u007f\u2028\ud83d\udce6é"}]`)],
  ['lone surrogate escapes', post(String.raw`[{"items":[],"n":"\udada \ud800\u0041 \udc00\ud800"}]`)],
  ['renamed key collides', post('[{"customerId":"a","x":1,"customer":"b","items":[]}]')],
  ['input total and repeated keys', post('[{"total":5,"a":1,"items":[{"qty":3,"price":7}],"a":2}]')],
  ['integral floats', post('[{"items":[{"qty":2.0,"price":1e2},{"qty":-0,"price":5},{"qty":3,"price":-4}]}]')],
  ['largest safe integer', post('[{"items":[{"qty":1,"price":9007199254740991}]}]')],
  ['non-integers elsewhere', post('[{"items":[],"rate":0.1,"big":1e21,"tiny":5e-324,"neg":-1.5e-7,"huge":1e400}]')],
  ['nested arrays and empty containers', post('[{"items":[],"m":[[],{},[{"sku":"x","debug":1}]],"o":{}}]')],
  ['empty batch', post(' [ ] ')],
  ['256 levels of nesting, the libraries\' limit', post('[{"items":[],"x":' + '['.repeat(254) + ']'.repeat(254) + '}]')],
  ['two content-lengths', post('[]', [['Content-Length', '2'], ['X', '1'], ['content-length', '2']])],
  ['chunked', post('[]', [['Transfer-Encoding', 'chunked']])],
  ...[
    '{"orders":[]}', '"[]"', '[1]', '[[]]', '[{"id":"o"}]', '[{"items":{}}]', '[{"items":[null]}]',
    '[{"items":[{"qty":"2","price":1}]}]', '[{"items":[{"qty":1.5,"price":1}]}]', '[{"items":[{"qty":1}]}]',
    '[{"items":[{"qty":1,"price":9007199254740992}]}]', '[{"items":[]},{"items":[{"qty":1,"price":true}]}]',
  ].map((b): [string, HttpRequest] => [`bad shape ${b}`, post(b)]),
  ...[
    '', ' ', '[', '[{"items":[]},]', '[01]', "['a']", '[{"items":[]}] x', '["\t"]', '[NaN]', '{"a":1,}',
  ].map((b): [string, HttpRequest] => [`invalid ${JSON.stringify(b)}`, post(b)]),
  ['invalid: BOM', post([0xef, 0xbb, 0xbf, 0x5b, 0x5d])],
  ['invalid: Latin-1', post([0x5b, 0x22, 0xe9, 0x22, 0x5d])],
  ['invalid: encoded surrogate', post([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d])],
  ['invalid: overlong', post([0x5b, 0x22, 0xc0, 0xaf, 0x22, 0x5d])],
];

const FILES: Record<string, string> = { native: 'filter.ts', quickjs: 'filter.ts', lua: 'filter.lua', wasm: 'filter.wasm' };

for (const name of ['native', 'quickjs', 'lua', 'wasm'] as const) {
  describe(`json-transform on ${name}`, () => {
    let instance: FilterInstance;
    before(async () => {
      const runtime = await builtinRuntime(name);
      instance = await (await runtime.load(join(workload.dir, FILES[name]!))).instantiate(workload.config, new Deployment().host);
    });
    after(() => instance?.dispose());

    test('matches the reference on every edge case', () => {
      const ctx = new RequestContext({ grants: workload.grants });
      for (const [label, request] of CASES) {
        const result = instance.handle(ctx.reset(prepareRequest(request)));
        assert.equal(typeof result, 'string');
        const diff = firstDifference(workload.expect(request, { label, request }), ctx.outcome(result as string));
        assert.equal(diff, undefined, `${label}: ${diff}`);
      }
    });
  });
}
