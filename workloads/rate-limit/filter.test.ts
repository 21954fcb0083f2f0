// The kv encoding is part of the behaviour (instances in different languages
// can share one deployment's store), but verification only sees request
// outcomes. Here every in-process runtime runs the corpus, plus hand-written
// stored states, and the strings it leaves in the kv are compared with the
// model's and with hand-worked values.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RequestContext, prepareRequest, type HttpRequest } from '../../runtimes/abi/context.ts';
import { Deployment, ManualClock } from '../../runtimes/abi/host.ts';
import type { FilterInstance, Runtime } from '../../runtimes/abi/types.ts';
import { builtinRuntime, type BuiltinName } from '../../runtimes/index.ts';
import { CONFIG, RateLimitModel } from './check.ts';
import { START_MS, corpus } from './corpus.ts';
import workload from './workload.ts';

const RUNTIMES: BuiltinName[] = ['native', 'lua', 'quickjs', 'wasm'];
const instances: FilterInstance[] = [];

after(async () => {
  for (const i of instances) await i.dispose();
});

async function instantiate(runtime: Runtime, deployment: Deployment, config = workload.config): Promise<FilterInstance> {
  const loaded = await runtime.load(join(workload.dir, runtime.source));
  const instance = await loaded.instantiate(config, deployment.host);
  instances.push(instance);
  return instance;
}

function call(instance: FilterInstance, req: HttpRequest) {
  const ctx = new RequestContext();
  const result = instance.handle(ctx.reset(prepareRequest(req)));
  assert.equal(typeof result, 'string');
  return ctx.outcome(result as string);
}

const get = (key: string): HttpRequest => ({ method: 'GET', path: '/', headers: [['x-api-key', key]], body: new Uint8Array() });

for (const name of RUNTIMES) {
  describe(`rate-limit on ${name}`, () => {
    test('leaves exactly the model kv after the corpus', async () => {
      const runtime = await builtinRuntime(name);
      const clock = new ManualClock();
      const deployment = new Deployment({ clock });
      const instance = await instantiate(runtime, deployment);
      const model = new RateLimitModel();
      for (const item of corpus()) {
        clock.now = item.nowMs!;
        const out = call(instance, item.request);
        assert.equal(out.result, model.expect(item.request, item.nowMs!).result);
      }
      assert.deepEqual(new Map([...deployment.kv].sort()), new Map([...model.kv()].sort()));
    });

    test('reads stored states as README says: clamped, malformed, clock behind', async () => {
      const runtime = await builtinRuntime(name);
      const t = START_MS + 0.5;
      const clock = new ManualClock(t);
      const deployment = new Deployment({ clock });
      const kv = deployment.kv;
      kv.set('rl:key:big', `999999:${START_MS - 10}`); // more than a full bucket: clamped to 30000
      kv.set('rl:key:junk', '12:x'); // malformed: a full bucket
      kv.set('rl:key:sixteen', `1000000000000000:${START_MS}`); // 16 digits: malformed
      kv.set('rl:key:signed', `+3000:${START_MS}`); // not digits: malformed
      kv.set('rl:key:behind', `3000:${START_MS + 5000}`); // stored time ahead of the clock: no refill, kept
      kv.set('rl:key:partial', `100:${START_MS - 700}`); // 100 + 700*2 = 1500 units: limited, 750 ms → 1 s
      const instance = await instantiate(runtime, deployment);
      for (const key of ['big', 'junk', 'sixteen', 'signed', 'behind', 'partial']) call(instance, get(key));
      assert.equal(kv.get('rl:key:big'), `27000:${START_MS}`);
      assert.equal(kv.get('rl:key:junk'), `27000:${START_MS}`);
      assert.equal(kv.get('rl:key:sixteen'), `27000:${START_MS}`);
      assert.equal(kv.get('rl:key:signed'), `27000:${START_MS}`);
      assert.equal(kv.get('rl:key:behind'), `0:${START_MS + 5000}`);
      assert.equal(kv.get('rl:key:partial'), `1500:${START_MS}`);
      const out = call(instance, get('partial'));
      assert.equal(out.result, 'limited');
      assert.deepEqual(out.response?.headers[1], ['retry-after', '1']);
    });

    test('refuses a config out of range', async () => {
      const runtime = await builtinRuntime(name);
      const bad = JSON.stringify({ ...CONFIG, capacity: 0 });
      await assert.rejects(instantiate(runtime, new Deployment(), bad));
    });
  });
}
