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
    // native has nothing to enforce a budget with: the setting is accepted and changes nothing.
    assert.equal(await builtinRuntime('native', { limits: { cpuBudgetMs: 50 } }), native);
    await assert.rejects(builtinRuntime('wasm', { limits: { memoryBudgetBytes: -1 } }), /positive number/);
  });
});
