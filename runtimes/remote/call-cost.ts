// What one remote call costs, and where it goes.
//
//   node --import tsx runtimes/remote/call-cost.ts [--calls N] [--body BYTES] [--filter FILE]
//
// Prints µs per sequential call through the adapter (one connection), then:
// - the split, measured in situ on real calls: the gateway's encode and
//   decode + apply (timed around the same functions the adapter runs), the
//   service's decode + filter + encode (its Server-Timing header, server.ts
//   --timing), and what is left: the HTTP exchange on both node stacks;
// - a bare loopback POST of the same bytes to a node:http server in another
//   process that answers a canned body of the same size: the floor any
//   HTTP-based filter pays, and the adapter's overhead above it;
// - the same JSON/base64 work in a hot loop, for comparison: in situ it costs
//   several times more (cold caches between I/O), which is why the split above
//   is measured where it happens.
// Rounds of every kind are interleaved and medians reported, so a busy machine
// slows all of them alike.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { prepareRequest, RequestContext } from '../abi/context.ts';
import { Deployment, ManualClock } from '../abi/host.ts';
import { createRemoteRuntime, postJson } from './adapter.ts';
import { applyWireResult, CONTROL_PREFIX, encodeRequest, requestExtension } from './protocol.ts';
import { FilterService } from './server.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const calls = Number(arg('--calls', '20000'));
const bodyBytes = Number(arg('--body', '0'));
const filterFile = path.resolve(arg('--filter', path.join(HERE, '../../test/fixtures/remote/noop.ts')));
const ROUNDS = 10;
const perRound = Math.max(1, Math.ceil(calls / ROUNDS));

const body = new Uint8Array(bodyBytes);
for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
const request = prepareRequest({
  method: 'GET',
  path: '/api/v1/orders/12345?expand=items',
  headers: [
    ['Host', 'api.example.com'],
    ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'],
    ['Accept', 'application/json'],
    ['Accept-Encoding', 'gzip, br'],
    ['Accept-Language', 'en-US,en;q=0.9'],
    ['Authorization', 'Bearer secret-token'],
    ['X-Forwarded-For', '203.0.113.7'],
    ['X-Request-Id', 'abc-123'],
  ],
  body,
});

const now = () => process.hrtime.bigint();
const us = (ns: bigint, n: number) => Number(ns) / n / 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timeAsync(n: number, fn: () => Promise<unknown>): Promise<number> {
  const t0 = now();
  for (let i = 0; i < n; i++) await fn();
  return us(now() - t0, n);
}

/** Best of five: in-process work is only ever slowed down by others. */
function timeHot(n: number, fn: () => unknown): number {
  let best = Infinity;
  const each = Math.max(1, Math.ceil(n / 5));
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    for (let i = 0; i < each; i++) fn();
    best = Math.min(best, us(now() - t0, each));
  }
  return best;
}

/** The adapter's POST, keeping the Server-Timing header. */
function postTimed(pool: Pool, route: string, json: string): Promise<{ status: number; text: string; serviceMs: number }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let serviceMs = NaN;
    const chunks: Buffer[] = [];
    pool.dispatch({ path: route, method: 'POST', headers: { 'content-type': 'application/json' }, body: json }, {
      onRequestStart() {},
      onResponseStart(_c: unknown, statusCode: number, headers: Record<string, string | string[]>) {
        status = statusCode;
        const m = /dur=([\d.]+)/.exec(String(headers['server-timing'] ?? ''));
        if (m) serviceMs = Number(m[1]);
      },
      onResponseData(_c: unknown, chunk: Buffer) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        resolve({ status, text: Buffer.concat(chunks).toString('utf8'), serviceMs });
      },
      onResponseError(_c: unknown, err: Error) {
        reject(err);
      },
    } as unknown as Parameters<Pool['dispatch']>[1]);
  });
}

const deployment = new Deployment({ clock: new ManualClock() });
const runtime = createRemoteRuntime({ connections: 1, serverArgs: ['--timing'] });
let bare: ReturnType<typeof spawn> | undefined;
const pools: Pool[] = [];
try {
  const info = await runtime.info();
  const { origin } = await runtime.service();
  const instance = await (await runtime.load(filterFile)).instantiate('{}', deployment.host);
  const ctx = new RequestContext();
  const viaAdapter = async () => instance.handle(ctx.reset(request));

  // The same call, unrolled, with each part timed: a second deployment of the same filter.
  const pool = new Pool(origin, { connections: 1 });
  pools.push(pool);
  const dep = JSON.parse(
    (await postJson(pool, CONTROL_PREFIX + 'deployments', JSON.stringify({ file: filterFile, config: '{}' }), 30_000)).text,
  ) as { path: string };
  const split = { encode: 0n, apply: 0n, trip: 0n, serviceMs: 0, n: 0 };
  const unrolled = async () => {
    const t0 = now();
    const { json, sent } = encodeRequest(ctx.reset(request), requestExtension(ctx, deployment.host.nowMs()));
    const t1 = now();
    const a = await postTimed(pool, dep.path, json);
    const t2 = now();
    applyWireResult(ctx, sent, a.status, a.text, deployment.host);
    const t3 = now();
    split.encode += t1 - t0;
    split.trip += t2 - t1;
    split.apply += t3 - t2;
    split.serviceMs += a.serviceMs;
    split.n++;
  };

  // Bare transport: the same request bytes, a canned answer of the same size, another process.
  const { json: sample, sent: sampleSent } = encodeRequest(ctx.reset(request), requestExtension(ctx, 0));
  const canned = (await postTimed(pool, dep.path, sample)).text;
  bare = spawn(
    process.execPath,
    [
      '-e',
      `const body = ${JSON.stringify(canned)};
       const s = require('node:http').createServer({ keepAlive: true, noDelay: true }, (req, res) => {
         req.on('data', () => {}); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
       });
       s.keepAliveTimeout = 65000;
       s.listen(0, '127.0.0.1', () => console.log('listening http://127.0.0.1:' + s.address().port));
       process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const bareUrl = await new Promise<string>((resolve, reject) => {
    bare!.stdout!.setEncoding('utf8');
    bare!.stdout!.once('data', (d: string) => resolve(d.trim().split(' ')[1]!));
    bare!.once('exit', () => reject(new Error('the bare server died')));
  });
  const barePool = new Pool(bareUrl, { connections: 1 });
  pools.push(barePool);
  const viaBare = () => postJson(barePool, '/', sample, 5000);

  for (const fn of [viaAdapter, unrolled, viaBare]) await timeAsync(Math.min(5000, calls), fn); // warm-up
  const rounds = { adapter: [] as number[], bare: [] as number[], unrolled: [] as number[] };
  const parts = { encode: [] as number[], apply: [] as number[], trip: [] as number[], service: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    rounds.adapter.push(await timeAsync(perRound, viaAdapter));
    split.encode = split.apply = split.trip = 0n;
    split.serviceMs = split.n = 0;
    rounds.unrolled.push(await timeAsync(perRound, unrolled));
    parts.encode.push(us(split.encode, split.n));
    parts.apply.push(us(split.apply, split.n));
    parts.trip.push(us(split.trip, split.n));
    parts.service.push((split.serviceMs * 1000) / split.n);
    rounds.bare.push(await timeAsync(perRound, viaBare));
  }
  const total = median(rounds.adapter);
  const bareTrip = median(rounds.bare);
  const encodeInSitu = median(parts.encode);
  const applyInSitu = median(parts.apply);
  const serviceInSitu = median(parts.service);
  const tripInSitu = median(parts.trip);

  // Hot loops: the same functions back to back.
  const service = new FilterService();
  const hotDep = JSON.parse((await service.deploy({ file: filterFile, config: '{}' }, '')).json) as { id: string };
  const answer = service.call(hotDep.id, sample);
  const hotEncode = timeHot(calls, () => encodeRequest(ctx.reset(request), requestExtension(ctx, 0)));
  timeHot(Math.min(5000, calls), () => service.call(hotDep.id, sample));
  const hotService = timeHot(calls, () => service.call(hotDep.id, sample));
  const hotApply = timeHot(calls, () => applyWireResult(ctx.reset(request), sampleSent, answer.status, answer.json, undefined));

  const pct = (x: number) => `${((100 * x) / total).toFixed(0).padStart(3)}%`;
  const line = (label: string, x: number, share = true) =>
    `  ${label.padEnd(58)} ${x.toFixed(1).padStart(7)} µs${share ? '  ' + pct(x) : ''}`;
  process.stdout.write(
    [
      `${info.engine}, ${info.version}`,
      `filter ${path.relative(process.cwd(), filterFile)}; body ${bodyBytes} B; context ${Buffer.byteLength(sample)} B out, ` +
        `${Buffer.byteLength(canned)} B back; ${ROUNDS} interleaved rounds of ${perRound} sequential calls, medians`,
      line('per call through the adapter', total),
      `split, measured in situ on the same call unrolled (${median(rounds.unrolled).toFixed(1)} µs with the timers):`,
      line('  gateway: encode (JSON + base64)', encodeInSitu),
      line('  service: decode + filter + encode (its Server-Timing)', serviceInSitu),
      line('  gateway: decode + apply to the RequestContext', applyInSitu),
      line('  HTTP exchange: undici + loopback + node:http', tripInSitu - serviceInSitu),
      line('bare loopback POST of the same bytes (no JSON work)', bareTrip),
      line('overhead over the bare POST', total - bareTrip),
      `hot-loop cost of the same work (warm caches): encode ${hotEncode.toFixed(1)} µs, ` +
        `service ${hotService.toFixed(1)} µs, apply ${hotApply.toFixed(1)} µs`,
      '',
    ].join('\n'),
  );
} finally {
  for (const p of pools) await p.close().catch(() => {});
  bare?.stdin?.end();
  await runtime.close();
}
