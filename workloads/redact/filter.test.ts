// Every in-process runtime against the hand-written cases of cases.ts (runs at
// the very start and end of a body, separators, non-ASCII bytes around), since
// the corpus alone may not put every edge at a body boundary.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RequestContext, prepareRequest } from '../../runtimes/abi/context.ts';
import { Deployment } from '../../runtimes/abi/host.ts';
import type { FilterInstance } from '../../runtimes/abi/types.ts';
import { builtinRuntime, type BuiltinName } from '../../runtimes/index.ts';
import { CASES } from './cases.ts';
import workload from './workload.ts';

const RUNTIMES: BuiltinName[] = ['native', 'lua', 'quickjs', 'wasm'];
const instances: FilterInstance[] = [];
after(async () => {
  for (const i of instances) await i.dispose();
});

const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

for (const name of RUNTIMES) {
  describe(`redact on ${name}`, () => {
    test('the hand-written cases, each as a whole body', async () => {
      const runtime = await builtinRuntime(name);
      const loaded = await runtime.load(join(workload.dir, runtime.source));
      const instance = await loaded.instantiate(workload.config, new Deployment().host);
      instances.push(instance);
      const ctx = new RequestContext();
      for (const [input, output] of CASES) {
        const body = latin1(input);
        const result = instance.handle(ctx.reset(prepareRequest({ method: 'POST', path: '/', headers: [['content-length', String(body.length)]], body })));
        const out = ctx.outcome(result as string);
        assert.equal(Buffer.from(out.body).toString('latin1'), output, JSON.stringify(input));
        assert.equal(out.result, input === output ? '' : 'redacted', JSON.stringify(input));
        const count = out.headers.find(([n]) => n === 'x-redactions')?.[1];
        assert.equal(count, input === output ? undefined : String(output.split(/\n| x /).length), JSON.stringify(input));
        assert.deepEqual(out.headers[0], ['content-length', String(body.length)]);
      }
    });
  });
}
