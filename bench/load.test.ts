// The load phase, bounded (about a second per measurement, 127.0.0.1 only):
// the wire form of corpus requests, the autocannon client in its own process
// against a bare and a filtering gateway, the remote service dying under load,
// and the phase inside a run.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import native from '../runtimes/native/adapter.ts';
import { createRemoteRuntime } from '../runtimes/remote/adapter.ts';
import type { Results } from '../reports/schema.ts';
import { selectWorkloads } from '../workloads/index.ts';
import type { Workload } from '../workloads/types.ts';
import { runWrk, wrkVersion } from './cross-check.ts';
import { startGateway } from './gateway.ts';
import { percentile, rawRequest, replayRequests } from './load-client.ts';
import { LoadClient, measureGateway, type LoadBaseline, type LoadFigures, type LoadRun } from './load.ts';
import { runBench } from './run.ts';
import { prepareCorpus } from './verify.ts';

const [noop, headers] = (await selectWorkloads(['noop', 'headers'])) as [Workload, Workload];
const utf8 = new TextEncoder();
const SHORT = { durationS: 1, warmupS: 0.3, connections: 2 };

let client: LoadClient;
before(async () => {
  client = await LoadClient.start();
});
after(async () => {
  await client?.close();
});

test('a corpus request goes on the wire as stated: order, case, repeats, no host added, chunked body, tag last', () => {
  const raw = rawRequest(
    {
      method: 'POST',
      path: '/u?x=1',
      headers: [['X-Forwarded-For', 'a'], ['x-forwarded-for', 'b'], ['Transfer-Encoding', 'chunked'], ['X-Odd', 'caf\xe9']],
      body: utf8.encode('hello'),
    },
    7,
  );
  assert.equal(
    raw.toString('latin1'),
    'POST /u?x=1 HTTP/1.1\r\nX-Forwarded-For: a\r\nx-forwarded-for: b\r\nTransfer-Encoding: chunked\r\nX-Odd: caf\xe9\r\n' +
      'x-plugbench-item: 7\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  );
  const plain = rawRequest({ method: 'PUT', path: '/', headers: [['Host', 'h']], body: utf8.encode('{}') });
  assert.equal(plain.toString('latin1'), 'PUT / HTTP/1.1\r\nHost: h\r\ncontent-length: 2\r\n\r\n{}');
  assert.throws(() => rawRequest({ method: 'PUT', path: '/', headers: [['Content-Length', '3']], body: utf8.encode('{}') }), /content-length 3 but the body has 2 bytes/);
});

test('percentiles are of every sample', () => {
  const s = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(percentile(s, 0.5), 5);
  assert.equal(percentile(s, 0.99), 10);
  assert.equal(percentile(s, 0.1), 1);
  assert.equal(percentile(new Float64Array(0), 0.5), 0);
});

test('the client against a bare gateway: sane numbers, zero errors, every status 200', async () => {
  const f = await measureGateway(client, { workload: noop }, SHORT);
  assert.ok(f.requests > 50, `${f.requests} requests in about a second`);
  assert.equal(f.errors, 0);
  assert.equal(f.non2xx, 0);
  assert.equal(f.unexpected, 0);
  assert.deepEqual(f.statusCodes, { '200': f.requests });
  assert.ok(Math.abs(f.requestsPerSec * f.durationS - f.requests) <= 1, 'req/s is requests over the measured time');
  assert.ok(f.durationS >= 0.9 && f.durationS < 3, `duration ${f.durationS} s`);
  assert.ok(0 < f.latencyMs.p50 && f.latencyMs.p50 <= f.latencyMs.p99 && f.latencyMs.p99 <= f.latencyMs.max);
  assert.ok(f.clientCpuPercent > 0 && f.gatewayCpuPercent > 0);
  assert.equal(f.connections, 2);
  assert.equal(f.instances, 0, 'bare: no filter');
});

test('headers on native under load: local 400s are non-2xx but expected; no errors, nothing unexpected', async () => {
  const f = await measureGateway(client, { runtime: native, workload: headers }, SHORT);
  assert.equal(f.errors, 0, f.firstError);
  assert.equal(f.unexpected, 0);
  assert.ok(f.non2xx > 0 && f.statusCodes['400'] === f.non2xx, JSON.stringify(f.statusCodes));
  assert.equal(f.statusCodes['200']! + f.non2xx, f.requests);
});

test('peak RSS of the serving process under load: recorded, > 0, at least its size when the load started', async () => {
  const f = await measureGateway(client, { runtime: native, workload: headers }, SHORT);
  assert.ok(f.gatewayRssBeforeBytes! > 10 * 2 ** 20, `RSS before load ${f.gatewayRssBeforeBytes}`);
  assert.ok(f.gatewayPeakRssBytes! >= f.gatewayRssBeforeBytes!, `peak ${f.gatewayPeakRssBytes} ≥ before ${f.gatewayRssBeforeBytes}`);
  const w = f.gatewayRssWatch!;
  assert.equal(w.pid, process.pid, 'the gateway serves from this process');
  assert.equal(w.intervalMs, 20);
  assert.ok(w.samples >= 10, `${w.samples} readings over ~1.3 s at 20 ms`);
  assert.ok(f.gatewayPeakRssBytes! >= w.afterBytes);
  assert.equal(f.servicePeakRssBytes, undefined, 'no service process for native');
});

test('the remote service dying mid-load: the errors are recorded, the measurement completes', async () => {
  const remote = createRemoteRuntime({ timeoutMs: 2000 });
  try {
    const { pid } = await remote.service();
    let killer: NodeJS.Timeout | undefined;
    const f = await measureGateway(client, { runtime: remote, workload: noop }, { durationS: 1.2, warmupS: 0.3, connections: 2 }, () => {
      killer = setTimeout(() => process.kill(pid!, 'SIGKILL'), 400);
    });
    clearTimeout(killer);
    assert.ok(f.statusCodes['200']! > 0, 'answered before the kill');
    assert.ok(f.filterErrors > 0 && f.statusCodes['503'] === f.filterErrors, JSON.stringify(f));
    assert.equal(f.errors, f.clientErrors + f.filterErrors);
    assert.equal(f.unexpected, f.non2xx, 'every 503 is unexpected');
    assert.match(f.firstError!, /remote/);
  } finally {
    await remote.close();
  }
});

test('remote under load: the filter service process has its own RSS figures beside the gateway’s', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const remote = createRemoteRuntime({ timeoutMs: 5000 });
  try {
    const f = await measureGateway(client, { runtime: remote, workload: noop }, SHORT);
    assert.equal(f.errors, 0, f.firstError);
    assert.ok(f.serviceRssBeforeBytes! > 10 * 2 ** 20, `service RSS before ${f.serviceRssBeforeBytes}`);
    assert.ok(f.servicePeakRssBytes! >= f.serviceRssBeforeBytes!);
    assert.ok(f.gatewayPeakRssBytes! > 0);
  } finally {
    await remote.close();
  }
});

test('inside a run: verified pairs get runs[].load, the bare ceiling is baseline.load', async () => {
  const results = await runBench({
    profile: { name: 'quick', micro: { timeMs: 20, warmupMs: 5 } },
    runtimes: [{ label: 'native', get: async () => native }],
    workloads: [noop],
    load: { durationS: 0.5, warmupS: 0.2, connections: 2 },
  });
  const run = results.runs[0] as LoadRun;
  assert.equal(run.verified, true);
  assert.ok(run.load && run.load.requestsPerSec > 0 && run.load.errors === 0, run.loadError);
  const baseline = results.baseline as LoadBaseline;
  assert.ok(baseline.load.requestsPerSec > 0);
  assert.equal(baseline.load.workload, 'noop');
  assert.equal(baseline.loadByWorkload.noop, baseline.load);
  // The ceiling is measured before and after the runtimes; the better row is kept.
  const rows = baseline.load.bareRequestsPerSec!;
  assert.equal(rows.length, 2);
  assert.equal(baseline.load.requestsPerSec, Math.max(...rows));
});

test('a gateway that cannot start is recorded on its pair and the phase goes on', async () => {
  const broken: Workload = { ...noop, name: 'noop' };
  const results: Results = {
    schema: 'plugbench/results@1',
    environment: { cpu: '', cores: 1, os: '', node: '', engines: {}, commit: '', date: '' },
    config: { profile: 'quick' },
    runs: [{ runtime: 'broken', workload: 'noop', verified: true }, { runtime: 'native', workload: 'noop', verified: true }],
  };
  const brokenRuntime = { ...native, name: 'broken', load: async () => Promise.reject(new Error('engine on fire')) };
  const { measureLoad } = await import('./load.ts');
  await measureLoad({ runtimes: [brokenRuntime, native], workloads: [broken], results, options: { durationS: 0.4, warmupS: 0, connections: 1 } });
  const [b, n] = results.runs as LoadRun[];
  assert.match(b!.loadError!, /^\[broken × noop\] HTTP load: gateway broken × noop: engine on fire/);
  assert.equal(b!.load, undefined);
  assert.ok(n!.load && n!.load.requests > 0);
});

test('the summary gains a load table: ceiling per workload, ×bare, p99, errors and unexpected, CPU, problems', async () => {
  const { loadSummary, summaryTable } = await import('./summary.ts');
  const fig = (rps: number, extra: Partial<LoadFigures> = {}): LoadFigures => ({
    requestsPerSec: rps,
    latencyMs: { p50: 0.4, p90: 0.8, p99: 1.25, max: 9, mean: 0.5 },
    errors: 0,
    non2xx: 0,
    connections: 4,
    durationS: 2,
    unexpected: 0,
    requests: rps * 2,
    timeouts: 0,
    clientErrors: 0,
    filterErrors: 0,
    statusCodes: {},
    clientCpuPercent: 41,
    gatewayCpuPercent: 97,
    instances: 1,
    autocannon: { latencyMs: { p50: 0, p99: 1, max: 9 } },
    ...extra,
  });
  const runs: LoadRun[] = [
    { runtime: 'native', workload: 'noop', verified: true, load: fig(9000) },
    { runtime: 'remote', workload: 'noop', verified: true, load: fig(1500, { errors: 12, unexpected: 12 }) },
    { runtime: 'lua', workload: 'noop', verified: true, loadError: '[lua × noop] HTTP load: gateway lua × noop: boom' },
    { runtime: 'native', workload: 'headers', verified: true, load: fig(4000, { gatewayRssBeforeBytes: 100 * 2 ** 20, gatewayPeakRssBytes: 112.5 * 2 ** 20 }) },
  ];
  const results: Results = {
    schema: 'plugbench/results@1',
    environment: { cpu: 'CPU', cores: 2, os: 'Linux', node: 'v20', engines: {}, commit: 'abc', date: '' },
    config: { profile: 'quick' },
    runs,
    baseline: { load: fig(10000), loadByWorkload: { noop: fig(10000), headers: fig(5000) } } as LoadBaseline,
  };
  const out = loadSummary(results)!;
  assert.match(out, /noop\s+bare\s+10000\s+1\s+0\.40\s+1\.25\s+0\s+0\s+41%\s+97%\s+-\n/, 'no RSS figures: -');
  assert.match(out, /\n\s+native\s+9000\s+0\.90\s/);
  assert.match(out, /\n\s+remote\s+1500\s+0\.15\s+0\.40\s+1\.25\s+12\s+12\s/);
  assert.match(out, /\n\s+lua\s+failed/);
  assert.match(out, /headers\s+bare\s+5000[\s\S]*\n\s+native\s+4000\s+0\.80\s/, 'each workload against its own ceiling');
  assert.match(out, /\n\s+native\s+4000\s.*\s113 \(\+13\)\n/, 'gateway RSS: peak MiB (+growth under load)');
  assert.match(out, /gateway RSS = peak resident set .* every 20 ms/);
  assert.doesNotMatch(out, /service RSS/, 'no service column without a remote service figure');
  assert.match(out, /closed loop, 4 connections, 2\.0 s per row/);
  assert.match(out, /HTTP load problems:\n {2}\[lua × noop\] HTTP load: gateway lua × noop: boom/);
  assert.ok(summaryTable(results).includes(out), 'the summary carries the load table');
  assert.equal(loadSummary({ ...results, runs: runs.map(({ load, loadError, ...r }) => r), baseline: undefined }), undefined);
});

const wrk = wrkVersion();
test('wrk replays the same corpus bytes against a bare gateway: sane figures, no errors', { skip: wrk ? false : 'wrk is not installed (Debian: apt-get install -y wrk)' }, async () => {
  const g = await startGateway({ workload: headers });
  try {
    const raws = replayRequests(prepareCorpus(headers), false).map((r) => r.raw);
    const f = await runWrk(g.url, raws, { connections: 2, durationS: 1 });
    assert.ok(f.requests > 50, `${f.requests} requests`);
    assert.deepEqual(f.errors, { connect: 0, read: 0, write: 0, status: 0, timeout: 0 });
    assert.ok(0 < f.latencyMs.p50 && f.latencyMs.p50 <= f.latencyMs.p99 && f.latencyMs.p99 <= f.latencyMs.max);
    assert.ok(g.stats().requests >= f.requests, 'every request wrk counts reached the gateway');
    assert.equal(g.stats().badRequests, 0, 'the raw requests parse on the gateway');
  } finally {
    await g.close();
  }
});
