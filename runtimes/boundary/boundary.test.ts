// The worker boundary (runtimes/boundary) for native and wasm: an endless loop is
// stopped at the CPU budget and the same instance then serves; a JS heap bomb ends
// the worker, not the host; kv stays shared by the instances of one deployment and
// apart between deployments; errors keep their class; the caller's request context
// gets the guest's edits. (The conformance suite through the boundary is in
// conformance/run.test.ts: every case ends the same with limits as without.)

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AbiError, prepareRequest, RequestContext, type HttpRequest } from '../abi/context.ts';
import { Deployment } from '../abi/host.ts';
import type { FilterInstance, Runtime } from '../abi/types.ts';
import { builtinRuntime } from '../index.ts';
import { isLimitExceeded } from '../limits.ts';
import { boundaryState, closeSpareWorkers, CPU_MECHANISM, MEMORY_MECHANISM } from './index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const isolation = (id: string, file: string) => join(ROOT, 'conformance', 'isolation', id, file);
const conformance = (id: string, file: string) => join(ROOT, 'conformance', 'cases', id, file);

const BUDGET_MS = 150;
/** Terminating a worker and rejecting the call takes a moment on a busy machine. */
const SLACK_MS = 1500;

function request(path: string, headers: Array<[string, string]> = [['host', 'boundary.test']], init: Partial<HttpRequest> = {}): RequestContext {
  return new RequestContext().reset(prepareRequest({ method: 'GET', path, headers, body: new Uint8Array(0), ...init }));
}

const runtimes: Runtime[] = [];
async function runtime(name: 'native' | 'wasm', memoryBudgetBytes?: number, cpuBudgetMs = BUDGET_MS): Promise<Runtime> {
  const rt = await builtinRuntime(name, { limits: { cpuBudgetMs, memoryBudgetBytes } });
  runtimes.push(rt);
  return rt;
}

after(async () => {
  for (const rt of runtimes) await rt.close?.();
  closeSpareWorkers();
});

for (const [name, source] of [
  ['native', 'filter.ts'],
  ['wasm', 'filter.wasm'],
] as const) {
  describe(`${name} behind the worker boundary`, () => {
    it('says so in info()', async () => {
      const info = await (await runtime(name)).info();
      assert.match(info.notes!, /Worker boundary \(limits set\)/);
      assert.match(info.notes!, /CPU budget 150 ms: a call still running at the budget is stopped by Worker\.terminate\(\)/);
    });

    it('stops an endless loop at the CPU budget; the same instance then serves, recreated', async () => {
      const loaded = await (await runtime(name)).load(isolation('infinite-loop', source));
      const inst = await loaded.instantiate('{}', new Deployment().host);
      assert.equal(await inst.handle(request('/')), 'ok');
      const t0 = performance.now();
      const err = await Promise.resolve(inst.handle(request('/hazard'))).then(
        () => assert.fail('the endless loop returned'),
        (e: unknown) => e,
      );
      const ms = performance.now() - t0;
      assert.ok(isLimitExceeded(err), String(err));
      assert.equal(err.limit, 'cpu');
      assert.equal(err.mechanism, `${CPU_MECHANISM} (${BUDGET_MS} ms)`);
      assert.ok(ms >= BUDGET_MS - 5 && ms < BUDGET_MS + SLACK_MS, `stopped after ${ms.toFixed(0)} ms`);
      // The next call is served by the same FilterInstance, whose guest was recreated in a new worker.
      assert.equal(await inst.handle(request('/')), 'ok');
      const state = boundaryState(inst);
      assert.equal(state?.recreations, 1);
      assert.match(state!.cause!, /CPU budget of 150 ms/);
      // And it can be stopped again.
      await assert.rejects(Promise.resolve(inst.handle(request('/hazard'))), (e: unknown) => isLimitExceeded(e) && e.limit === 'cpu');
      assert.equal(await inst.handle(request('/')), 'ok');
      await inst.dispose();
    });

    it('keeps kv shared by the instances of one deployment and apart between deployments', async () => {
      const loaded = await (await runtime(name)).load(conformance('kv-shared-instances', source));
      const one = new Deployment();
      const two = new Deployment();
      const [a1, a2, b] = await Promise.all([loaded.instantiate('{}', one.host), loaded.instantiate('{}', one.host), loaded.instantiate('{}', two.host)]);
      const kv = async (inst: FilterInstance, put?: string) => {
        const ctx = request('/', put === undefined ? [] : [['x-kv-put', put]]);
        assert.equal(await inst.handle(ctx), '');
        return ctx.header('x-kv-value');
      };
      assert.equal(await kv(a1, 'alpha'), 'alpha');
      assert.equal(await kv(a2), 'alpha', 'the second instance of the deployment sees it');
      assert.equal(await kv(b), 'absent', 'another deployment does not');
      assert.equal(await kv(b, 'beta'), 'beta');
      assert.equal(await kv(a1), 'alpha');
      // The deployment's own store (the host's Map, in this thread) holds it.
      assert.equal(one.kv.get('conformance-key'), 'alpha');
      assert.equal(two.kv.get('conformance-key'), 'beta');
      await Promise.all([a1, a2, b].map((i) => i.dispose()));
    });

    it("applies the guest's edits to the caller's context, and refusals keep their class", async () => {
      const rt = await runtime(name);
      const loaded = await rt.load(conformance('sensitive-write-denied', source));
      const inst = await loaded.instantiate('{}', new Deployment().host);
      const ctx = request('/set', [
        ['host', 'boundary.test'],
        ['authorization', 'Bearer secret'],
      ]);
      const err = await Promise.resolve(inst.handle(ctx)).then(
        (r) => r,
        (e: unknown) => e,
      );
      if (name === 'native') {
        // The TypeScript filter's setHeader('authorization', ...) throws the context's AbiError.
        assert.ok(err instanceof AbiError, String(err));
        assert.equal(err.code, 'denied');
      } else {
        // C has no exceptions: the refused host call traps the guest.
        assert.ok(err instanceof Error, String(err));
      }
      assert.equal(ctx.header('authorization'), undefined, 'still hidden');
      assert.deepEqual(ctx.headerList().find(([n]) => n === 'authorization'), ['authorization', 'Bearer secret'], 'and untouched');
      await inst.dispose();
    });
  });
}

describe('native behind the worker boundary: memory', () => {
  it('ends a JS heap bomb with the worker heap limit; the host lives and the instance serves again', async () => {
    // A CPU budget long enough for the bomb to reach the heap limit first.
    const rt = await runtime('native', 32 * 2 ** 20, 20_000);
    const loaded = await rt.load(isolation('memory-bomb', 'filter.ts'));
    const inst = await loaded.instantiate('{}', new Deployment().host);
    const before = process.memoryUsage().heapUsed;
    const err = await Promise.resolve(inst.handle(request('/hazard'))).then(
      () => assert.fail('the bomb returned'),
      (e: unknown) => e,
    );
    assert.ok(isLimitExceeded(err), String(err));
    assert.equal(err.limit, 'memory');
    assert.equal(err.mechanism, MEMORY_MECHANISM);
    assert.ok(process.memoryUsage().heapUsed - before < 32 * 2 ** 20, "the host's heap did not take the bomb");
    assert.equal(await inst.handle(request('/')), 'ok');
    assert.equal(boundaryState(inst)?.recreations, 1);
    await inst.dispose();
  });
});
