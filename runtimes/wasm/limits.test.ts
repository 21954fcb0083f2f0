// The wasm adapter's opt-in memory budget (a declared linear-memory maximum set at
// load) and its CPU budget, which it cannot enforce and says so.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RequestContext, prepareRequest } from '../abi/context.ts';
import { Deployment } from '../abi/host.ts';
import type { FilterInstance } from '../abi/types.ts';
import { LimitExceeded } from '../limits.ts';
import { call } from '../limits-test-helpers.ts';
import wasm, { capCoreMemory, createWasmRuntime } from './adapter.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BOMB = path.join(ROOT, 'conformance', 'isolation', 'memory-bomb', 'filter.wasm');
const HEADERS = path.join(ROOT, 'workloads', 'headers', 'filter.wasm');

// (module (memory 2)) and (module (memory 1 3)), by hand.
const MEM_2 = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 2]);
const MEM_1_3 = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 4, 1, 1, 1, 3]);
const NO_MEM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

describe('wasm limits', () => {
  it('capCoreMemory declares a maximum of the initial size plus the budget, never above the module\'s own', () => {
    const a = capCoreMemory(MEM_2, 10);
    assert.equal(a.maxPages, 12);
    assert.deepEqual(WebAssembly.Module.exports(new WebAssembly.Module(a.bytes as Uint8Array<ArrayBuffer>)), []);
    const mem = new WebAssembly.Instance(new WebAssembly.Module(capCoreMemory(new Uint8Array([...MEM_2.slice(0, 8), 5, 3, 1, 0, 2, 7, 7, 1, 3, 109, 101, 109, 2, 0]), 1).bytes as Uint8Array<ArrayBuffer>)).exports.mem as WebAssembly.Memory;
    assert.equal(mem.grow(1), 2);
    assert.throws(() => mem.grow(1), RangeError);
    assert.equal(capCoreMemory(MEM_1_3, 10).maxPages, 3);
    assert.equal(capCoreMemory(NO_MEM, 10).maxPages, undefined);
  });

  it('stops a memory bomb at the declared maximum; the trapped instance is replaced by a working one', async () => {
    const budget = 8 * 2 ** 20;
    const rt = createWasmRuntime({ limits: { memoryBudgetBytes: budget } });
    const loaded = await rt.load(BOMB);
    const inst = await loaded.instantiate('{}', new Deployment().host);
    const start = inst.memoryBytes!();
    const t0 = performance.now();
    assert.throws(
      () => call(inst, '/hazard'),
      (err: unknown) => err instanceof LimitExceeded && err.limit === 'memory' && /linear-memory maximum/.test(err.mechanism),
    );
    assert.ok(performance.now() - t0 < 2000);
    assert.ok(inst.memoryBytes!() <= start + budget + 65536, `memory ${inst.memoryBytes!()} bytes`);
    assert.throws(() => call(inst, '/'), /poisoned/);
    const fresh = await loaded.instantiate('{}', new Deployment().host);
    assert.equal(call(fresh, '/'), 'ok');
  });

  it('says the CPU budget is not enforced, and serves as without limits', async () => {
    const rt = createWasmRuntime({ limits: { cpuBudgetMs: 100, memoryBudgetBytes: 2 ** 20 } });
    assert.match((await rt.info()).notes ?? '', /CPU budget 100 ms: NOT enforced/);
    assert.match((await wasm.info()).notes ?? '', /No limits/);
    const plain = await (await wasm.load(HEADERS)).instantiate('{}', new Deployment().host);
    const capped = await (await rt.load(HEADERS)).instantiate('{}', new Deployment().host);
    for (const p of ['/', '/a?b=c']) {
      const req = { method: 'POST', path: p, headers: [['host', 'x'], ['x-a', '1']] as Array<[string, string]>, body: new Uint8Array([1, 2, 3]) };
      const c1 = new RequestContext().reset(prepareRequest(req));
      const c2 = new RequestContext().reset(prepareRequest(req));
      assert.deepEqual(c2.outcome(capped.handle(c2) as string), c1.outcome(plain.handle(c1) as string));
    }
  });
});
