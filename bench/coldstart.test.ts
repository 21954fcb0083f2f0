// Cold start in fresh child processes: sane figures on in-process runtimes, and
// a child that hangs, crashes or fails is an error with its reason, killed,
// never a hang of the parent.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../reports/schema.ts';
import { liveChildren } from './child-process.ts';
import { measureColdStart, summarizeColdStart, type ColdStartResult } from './coldstart.ts';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const fixture = (name: string) => join(root, 'test', 'fixtures', name);

function assertSane(r: ColdStartResult, samples: number): void {
  assert.equal(r.samples, samples);
  for (const key of ['loadMs', 'instantiateMs', 'firstCallMs', 'totalMs'] as const) {
    const v = r[key];
    assert.ok(Number.isFinite(v) && v > 0 && v < 10_000, `${key} = ${v}`);
    const s = r.spread[key];
    assert.ok(s.min <= s.q1 && s.q1 <= v && v <= s.q3 && s.q3 <= s.max, `${key} spread ${JSON.stringify(s)} around ${v}`);
  }
  assert.ok(r.totalMs >= r.spread.loadMs.min, 'the total includes load');
  for (const key of ['processMs', 'importMs', 'readyMs'] as const) assert.ok(Number.isFinite(r[key]) && r[key] >= 0, `${key} = ${r[key]}`);
  assert.ok(r.reload.totalMs > 0 && Number.isFinite(r.reload.totalMs));
  assert.ok(r.wallMs > 0);
  assert.equal(r.error, undefined);
}

test('native and quickjs: load, instantiate and first call are separate positive figures', async () => {
  const [native, quickjs] = await Promise.all([
    measureColdStart({ builtin: 'native' }, 'noop', { samples: 2, timeoutMs: 30_000 }),
    measureColdStart({ builtin: 'quickjs' }, 'noop', { samples: 2, timeoutMs: 30_000 }),
  ]);
  assertSane(native, 2);
  assertSane(quickjs, 2);
  assert.match(quickjs.includes, /esbuild/);
  // QuickJS bundles and compiles at load, creates a VM per instance: both cost more than an import's cache hit and a closure.
  assert.ok(quickjs.instantiateMs > native.instantiateMs, `quickjs ${quickjs.instantiateMs} ms vs native ${native.instantiateMs} ms`);
  // The results file's runs carry the figures as they are (DESIGN §6 fields plus extras).
  const runs: RunResult[] = [
    { runtime: 'native', workload: 'noop', verified: true, coldStart: native },
    { runtime: 'quickjs', workload: 'noop', verified: true, coldStart: quickjs },
  ];
  const table = summarizeColdStart([...runs, { runtime: 'lua', workload: 'noop', coldStartError: 'cold start sample 1 of 2: timed out' }]);
  assert.match(table, /^native × noop\s/m);
  assert.match(table, /^quickjs × noop\s/m);
  assert.match(table, /lua × noop: cold start sample 1 of 2: timed out/);
});

test('a time budget stops after the minimum samples once another would end past it, and says so', async () => {
  const r = await measureColdStart({ builtin: 'native' }, 'noop', { samples: 6, minSamples: 2, timeoutMs: 30_000, timeBudgetMs: 1 });
  assert.equal(r.samples, 2, 'the minimum is taken whatever the budget');
  assert.match(r.stoppedEarly!, /^2 of 6 samples: another would end at ≈ [\d.]+ s, past the time budget of 0 s$/);
  assert.match(summarizeColdStart([{ runtime: 'native', workload: 'noop', coldStart: r }]), /native × noop: stopped at 2 of 6 samples/);
  const roomy = await measureColdStart({ builtin: 'native' }, 'noop', { samples: 2, timeoutMs: 30_000, timeBudgetMs: 600_000 });
  assert.equal(roomy.samples, 2);
  assert.equal(roomy.stoppedEarly, undefined);
});

test('a child whose load never resolves is a timeout error within the budget, and is killed', async () => {
  const t0 = performance.now();
  await assert.rejects(
    measureColdStart({ external: fixture('hang-adapter.ts') }, 'noop', { samples: 3, timeoutMs: 1500 }),
    /cold start sample 1 of 3: timed out: no result within 1500 ms \(child killed\)/,
  );
  const elapsed = performance.now() - t0;
  assert.ok(elapsed < 1500 + 1500, `gave up after ${elapsed} ms`);
  assert.equal(liveChildren(), 0);
});

test('a child that dies is a crash error with its stderr; a failing adapter its own message', async () => {
  await assert.rejects(
    measureColdStart({ external: fixture('crash-adapter.ts') }, 'noop', { samples: 2, timeoutMs: 20_000 }),
    /exited \(SIGKILL\) without a result; its stderr: crash-adapter: aborting/,
  );
  await assert.rejects(
    measureColdStart({ external: fixture('no-such-adapter.ts') }, 'noop', { samples: 2, timeoutMs: 20_000 }),
    /cold start sample 1 of 2: external adapter .*no-such-adapter\.ts: no such file/,
  );
  assert.equal(liveChildren(), 0);
});

function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

test('the child does not outlive a parent ended by SIGTERM', { skip: !existsSync('/proc/self/task') && 'needs /proc' }, async () => {
  const script = `
    import { measureColdStart } from ${JSON.stringify(join(root, 'bench', 'coldstart.ts'))};
    await measureColdStart({ external: ${JSON.stringify(fixture('hang-adapter.ts'))} }, 'noop', { samples: 1, timeoutMs: 60000 });
  `;
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: 'ignore' });
  try {
    let kids: number[] = [];
    for (let i = 0; i < 100 && kids.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      kids = childrenOf(parent.pid!);
    }
    assert.equal(kids.length, 1, 'the parent started its measuring child');
    const exited = new Promise((r) => parent.once('exit', r));
    parent.kill('SIGTERM');
    await exited;
    for (let i = 0; i < 50 && alive(kids[0]!); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(kids[0]!), false, 'the child is gone with its parent');
  } finally {
    parent.kill('SIGKILL');
  }
});
