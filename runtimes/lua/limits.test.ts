// The lua adapter's opt-in limits (createLuaRuntime({ limits })): a count hook for the
// CPU budget, an accounting allocator for the memory budget. Every hostile call here
// is bounded by a budget of a few hundred ms at most.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestContext, prepareRequest } from '../abi/context.ts';
import { Deployment } from '../abi/host.ts';
import { LimitExceeded } from '../limits.ts';
import { call, filterWriter, instance, isolationFilter, repoPath, stopped } from '../limits-test-helpers.ts';
import lua, { createLuaRuntime } from './adapter.ts';

const isolation = (id: string) => isolationFilter(id, 'filter.lua');
const filter = filterWriter('plugbench-lua-limits-', '.lua');

const CPU = 100;
const limited = createLuaRuntime({ limits: { cpuBudgetMs: CPU, memoryBudgetBytes: 16 * 2 ** 20 } });

describe('lua limits', () => {
  it('stops an endless loop within its CPU budget, and the same instance serves on', async () => {
    const inst = await instance(limited, isolation('infinite-loop'));
    const { ms, err } = stopped(() => call(inst, '/hazard'), 'cpu');
    assert.ok(ms >= CPU && ms < CPU + 1000, `stopped after ${ms} ms`);
    assert.match(err.mechanism, /Lua count hook/);
    assert.match(err.message, /CPU budget of 100 ms exceeded/);
    assert.equal(call(inst, '/'), 'ok');
    assert.equal(call(inst, '/'), 'ok');
    inst.dispose();
  });

  it('cannot be outlasted by pcall or a coroutine', async () => {
    const file = filter(
      'evade',
      `function handle()
        if req.path() == "/pcall" then
          while true do pcall(function() while true do end end) end
        elseif req.path() == "/xpcall" then
          while true do xpcall(function() while true do end end, function() while true do end end) end
        elseif req.path() == "/co" then
          while true do pcall(coroutine.wrap(function() while true do end end)) end
        end
        return "ok"
      end`,
    );
    const inst = await instance(limited, file);
    for (const p of ['/pcall', '/xpcall', '/co']) {
      const { ms } = stopped(() => call(inst, p), 'cpu');
      assert.ok(ms < CPU + 1000, `${p}: stopped after ${ms} ms`);
      assert.equal(call(inst, '/'), 'ok', `${p}: the instance still serves`);
    }
    inst.dispose();
  });

  it('applies the CPU budget to init and lets a call within its budget finish', async () => {
    const file = filter(
      'init-loop',
      `function init(config) if config == "spin" then while true do end end end
       function handle() local n = 0; for i = 1, 200000 do n = n + i end; return tostring(n) end`,
    );
    const t0 = performance.now();
    await assert.rejects(instance(limited, file, 'spin'), (err: unknown) => err instanceof LimitExceeded && err.limit === 'cpu' && /init failed/.test(err.message));
    assert.ok(performance.now() - t0 < CPU + 1000);
    const inst = await instance(limited, file);
    assert.equal(call(inst, '/'), '20000100000');
    inst.dispose();
  });

  it('stops a memory bomb at its memory budget, and the same instance serves on', async () => {
    const inst = await instance(limited, isolation('memory-bomb'));
    const { ms, err } = stopped(() => call(inst, '/hazard'), 'memory');
    assert.ok(ms < 1000, `stopped after ${ms} ms`);
    assert.match(err.mechanism, /Lua memory budget/);
    assert.equal(call(inst, '/'), 'ok');
    assert.ok(inst.memoryBytes!() <= 16 * 2 ** 20, `holds ${inst.memoryBytes!()} bytes`);
    inst.dispose();
  });

  it('keeps the budget per state: one instance at its budget does not starve another', async () => {
    const loaded = await limited.load(isolation('memory-bomb'));
    const a = await loaded.instantiate('{}', new Deployment().host);
    const b = await loaded.instantiate('{}', new Deployment().host);
    stopped(() => call(a, '/hazard'), 'memory');
    assert.equal(call(b, '/'), 'ok');
    stopped(() => call(b, '/hazard'), 'memory');
    a.dispose();
    b.dispose();
  });

  it('without limits: no hook, no allocator, and the same answers', async () => {
    assert.match((await lua.info()).notes ?? '', /No limits set/);
    assert.match((await limited.info()).notes ?? '', /CPU budget 100 ms per call.*Memory budget 16777216 bytes/s);
    const file = repoPath('workloads', 'headers', 'filter.lua');
    const plain = await instance(lua, file);
    const capped = await instance(limited, file);
    for (const p of ['/', '/a?b=c', '/x/y']) {
      const req = { method: 'POST', path: p, headers: [['host', 'x'], ['x-Forwarded-For', '1.2.3.4'], ['x-a', '1']] as Array<[string, string]>, body: new Uint8Array([1, 2, 3]) };
      const c1 = new RequestContext().reset(prepareRequest(req));
      const c2 = new RequestContext().reset(prepareRequest(req));
      assert.deepEqual(c2.outcome(capped.handle(c2) as string), c1.outcome(plain.handle(c1) as string));
    }
    plain.dispose();
    capped.dispose();
  });
});
