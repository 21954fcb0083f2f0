// Limits as settings: builtinRuntime(name, { limits }) (runtimes/limits.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import native from './native/adapter.ts';
import { builtinRuntime } from './index.ts';
import { LimitExceeded, checkLimits, isLimitExceeded, LIMIT_MECHANISMS } from './limits.ts';
import { BUILTIN_RUNTIMES } from './index.ts';

describe('runtime limits', () => {
  it('checks the settings', () => {
    assert.deepEqual(checkLimits(undefined), {});
    assert.deepEqual(checkLimits({ cpuBudgetMs: 10 }), { cpuBudgetMs: 10 });
    assert.throws(() => checkLimits({ cpuBudgetMs: 0 }), /cpuBudgetMs must be a positive number/);
    assert.throws(() => checkLimits({ memoryBudgetBytes: Number.NaN }), /memoryBudgetBytes/);
  });

  it('recognises a LimitExceeded by its shape too (an external adapter may define its own)', () => {
    assert.ok(isLimitExceeded(new LimitExceeded('cpu', 'x', 'y')));
    assert.ok(isLimitExceeded(Object.assign(new Error('m'), { name: 'LimitExceeded', limit: 'memory', mechanism: 'z' })));
    assert.ok(!isLimitExceeded(new Error('interrupted')));
  });

  it('names what enforces each budget for every built-in runtime', () => {
    for (const name of BUILTIN_RUNTIMES) assert.ok(LIMIT_MECHANISMS[name], name);
  });

  it('gives the default adapters without limits, limited ones with', async () => {
    assert.equal(await builtinRuntime('lua'), (await import('./lua/adapter.ts')).default);
    assert.equal(await builtinRuntime('quickjs', { limits: {} }), (await import('./quickjs/adapter.ts')).default);
    const lua = await builtinRuntime('lua', { limits: { cpuBudgetMs: 50 } });
    assert.notEqual(lua, (await import('./lua/adapter.ts')).default);
    assert.match((await lua.info()).notes ?? '', /CPU budget 50 ms per call/);
    // native and wasm have nothing in-process to stop a call with: with limits (wasm: a CPU budget) they run
    // behind the worker boundary (runtimes/boundary), and say so; without, they are the benchmarked adapters.
    assert.equal(await builtinRuntime('native', { limits: {} }), native);
    for (const name of ['native', 'wasm'] as const) {
      const bounded = await builtinRuntime(name, { limits: { cpuBudgetMs: 50 } });
      assert.equal(bounded.name, name);
      assert.match((await bounded.info()).notes ?? '', /Worker boundary \(limits set\).*CPU budget 50 ms/);
    }
    // wasm's memory budget alone is the adapter's own (a declared memory maximum): no boundary.
    assert.doesNotMatch((await (await builtinRuntime('wasm', { limits: { memoryBudgetBytes: 2 ** 20 } })).info()).notes ?? '', /Worker boundary/);
    await assert.rejects(builtinRuntime('wasm', { limits: { memoryBudgetBytes: -1 } }), /positive number/);
  });
});
