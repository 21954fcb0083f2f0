// The quickjs adapter's opt-in limits (createQuickJSRuntime({ limits })): the interrupt
// handler for the CPU budget, setMemoryLimit and a per-call heap-growth cap for the
// memory budget. Every hostile call here is bounded by a budget of a few hundred ms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestContext, prepareRequest } from '../abi/context.ts';
import { LimitExceeded } from '../limits.ts';
import { call, filterWriter, instance, isolationFilter, repoPath, stopped } from '../limits-test-helpers.ts';
import quickjs, { createQuickJSRuntime } from './adapter.ts';

const isolation = (id: string) => isolationFilter(id, 'filter.ts');
const filter = filterWriter('plugbench-quickjs-limits-', '.ts');

const CPU = 100;
const MEM = 16 * 2 ** 20;
const limited = createQuickJSRuntime({ limits: { cpuBudgetMs: CPU, memoryBudgetBytes: MEM } });

describe('quickjs limits', () => {
  it('stops an endless loop within its CPU budget, and the same instance serves on', async () => {
    const inst = await instance(limited, isolation('infinite-loop'));
    const { ms, err } = stopped(() => call(inst, '/hazard'), 'cpu');
    assert.ok(ms >= CPU && ms < CPU + 1000, `stopped after ${ms} ms`);
    assert.match(err.mechanism, /QuickJS interrupt handler/);
    assert.equal(call(inst, '/'), 'ok');
    inst.dispose();
  });

  it('cannot be outlasted by catch or finally', async () => {
    const file = filter(
      'evade',
      `export default {
        handle(req: any) {
          if (req.path() === '/catch') for (;;) { try { for (;;) {} } catch (e) {} }
          if (req.path() === '/finally') { try { for (;;) {} } finally { for (;;) {} } }
          return 'ok';
        },
      };`,
    );
    const inst = await instance(limited, file);
    for (const p of ['/catch', '/finally']) {
      const { ms } = stopped(() => call(inst, p), 'cpu');
      assert.ok(ms < CPU + 1000, `${p}: stopped after ${ms} ms`);
      assert.equal(call(inst, '/'), 'ok', `${p}: the instance still serves`);
    }
    inst.dispose();
  });

  it('applies the CPU budget to init', async () => {
    const file = filter('init-loop', `export default { init(c: string) { if (c === 'spin') for (;;) {} }, handle() { return 'ok'; } };`);
    const t0 = performance.now();
    await assert.rejects(instance(limited, file, 'spin'), (err: unknown) => err instanceof LimitExceeded && err.limit === 'cpu' && /init of .* failed/.test(err.message));
    assert.ok(performance.now() - t0 < CPU + 1000);
    const inst = await instance(limited, file);
    assert.equal(call(inst, '/'), 'ok');
    inst.dispose();
  });

  it('stops a memory bomb at its memory budget, and the same instance serves on', async () => {
    const inst = await instance(limited, isolation('memory-bomb'));
    const { ms, err } = stopped(() => call(inst, '/hazard'), 'memory');
    assert.ok(ms < 2000, `stopped after ${ms} ms`);
    assert.match(err.mechanism, /heap-growth budget|setMemoryLimit/);
    assert.equal(call(inst, '/'), 'ok');
    inst.dispose();
  });

  it('without limits: the same answers, and notes that say no limits', async () => {
    assert.match((await quickjs.info()).notes ?? '', /No limits/);
    assert.match((await limited.info()).notes ?? '', /CPU budget 100 ms per call.*Memory budget 16777216 bytes/s);
    const file = repoPath('workloads', 'headers', 'filter.ts');
    const plain = await instance(quickjs, file);
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
