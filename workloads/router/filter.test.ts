// Every in-process runtime against the hand-worked small table of
// check.test.ts (precedence, backtracking, catch-alls), and the configs every
// implementation must refuse.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RequestContext, prepareRequest } from '../../runtimes/abi/context.ts';
import { Deployment } from '../../runtimes/abi/host.ts';
import type { FilterInstance } from '../../runtimes/abi/types.ts';
import { builtinRuntime, type BuiltinName } from '../../runtimes/index.ts';
import { firstDifference } from '../../bench/verify.ts';
import { expectWith } from './check.ts';
import { CASES, SMALL } from './small.ts';
import { configText } from './routes.ts';
import workload from './workload.ts';

const RUNTIMES: BuiltinName[] = ['native', 'lua', 'quickjs', 'wasm'];
const instances: FilterInstance[] = [];
after(async () => {
  for (const i of instances) await i.dispose();
});

async function instantiate(name: BuiltinName, config: string): Promise<FilterInstance> {
  const runtime = await builtinRuntime(name);
  const loaded = await runtime.load(join(workload.dir, runtime.source));
  const instance = await loaded.instantiate(config, new Deployment().host);
  instances.push(instance);
  return instance;
}

const BAD: Array<[string, string[]]> = [
  ['duplicate shape', ['a /users/:id /a/:id', 'b /users/:uid /b/:uid']],
  ['duplicate catch-all', ['a /f/*x /a/*x', 'b /f/*y /b/*y']],
  ['catch-all not last', ['a /f/*x/y /a']],
  ['unknown upstream parameter', ['a /users/:id /a/:uid']],
  ['repeated parameter', ['a /x/:id/:id /a']],
  ['bad parameter name', ['a /x/:Id /a']],
  ['empty parameter name', ['a /x/: /a']],
  ['two fields', ['a /x']],
  ['double space', ['a  /x /y']],
  ['no leading slash', ['a x /y']],
  ['empty segment', ['a /x//y /a']],
  ['trailing slash', ['a /x/ /a']],
];

for (const name of RUNTIMES) {
  describe(`router on ${name}`, () => {
    test('matches the hand-worked small table', async () => {
      const instance = await instantiate(name, configText(SMALL));
      const ctx = new RequestContext();
      const headers: Array<[string, string]> = [['Host', 'h'], ['X-Route', 'spoof']];
      for (const [path] of CASES) {
        const req = { method: 'GET', path, headers, body: new Uint8Array() };
        const result = instance.handle(ctx.reset(prepareRequest(req)));
        const diff = firstDifference(expectWith(SMALL, req), ctx.outcome(result as string));
        assert.equal(diff, undefined, `${path}: ${diff}`);
      }
    });

    for (const [what, lines] of BAD) {
      test(`refuses a config with ${what}`, async () => {
        await assert.rejects(instantiate(name, JSON.stringify({ routes: lines })));
      });
    }
    test('refuses escapes in route strings', async () => {
      await assert.rejects(instantiate(name, '{"routes":["a \\/x \\/y"]}'));
    });
    test('accepts an empty table (everything is no-route)', async () => {
      const instance = await instantiate(name, '{"routes": [ ]}');
      const ctx = new RequestContext();
      const out = instance.handle(ctx.reset(prepareRequest({ method: 'GET', path: '/', headers: [], body: new Uint8Array() })));
      assert.equal(out, 'no-route');
    });
  });
}
