// The load generator: autocannon, in a process of its own so the client does
// not share the gateway's event loop. The parent (bench/load.ts) forks this
// file with an IPC channel and sends one job per measurement; the process
// exits when the channel closes (the parent ended, however it ended).
//
// It replays a workload's corpus, round-robin per connection, byte for byte:
// method, path, headers (repeats, order, case, a missing Host) and body
// (chunked when the corpus says Transfer-Encoding: chunked). autocannon's
// request builder cannot send a request without Host, repeated header fields
// or a chunked body, so each connection sends pre-built raw requests: the
// `setupClient` hook hands every autocannon Client a `getRequestBuffer` that
// returns the raw bytes of the request autocannon's iterator is on.
//
// Latency is recorded here, per response, from autocannon's 'response' event
// (float milliseconds from the write of the request to the end of the
// response): autocannon's own histogram records whole milliseconds, which
// cannot tell a 0.2 ms gateway from a 0.9 ms one. Its figures are kept beside
// ours (`autocannon`), including its coordinated-omission "correction" in
// fixed-rate mode (see bench/load.ts for what that does and does not do).

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { HttpRequest } from '../runtimes/abi/context.ts';
import { describe } from '../runtimes/errors.ts';
import { selectWorkloads } from '../workloads/index.ts';
import { REPLAY_HEADER } from './gateway.ts';
import { prepareCorpus, type PreparedItem } from './verify.ts';

// -- what travels over IPC ----------------------------------------------------

export interface LoadJob {
  type: 'run';
  id: number;
  url: string;
  /** The workload whose corpus is replayed. */
  workload: string;
  connections: number;
  durationS: number;
  warmupS: number;
  /** Fixed rate (requests/s over all connections, autocannon's overallRate); closed loop when absent. */
  rate?: number;
  /** Per-request time limit, seconds. */
  timeoutS: number;
  /** Tag each request with its corpus index (x-plugbench-item) so the gateway replays the corpus clock. */
  tag: boolean;
  /** Expect the filter's statuses (the corpus reference); false for the bare server, which answers 200 to all. */
  filtered: boolean;
}

export interface ClientFigures {
  /** Responses completed in the measured run. */
  requests: number;
  requestsPerSec: number;
  /** Ours: float ms per response, exact percentiles over every response. */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** autocannon's own histogram (whole ms; CO-corrected in fixed-rate mode unless disabled). */
  autocannon: { latencyMs: { p50: number; p99: number; max: number }; requestsPerSecMean: number };
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** Responses with a status outside 2xx. */
  non2xx: number;
  /** Responses whose status differs from the one the corpus expects for that request. */
  unexpected: number;
  /** 500, 502 or 503 where the corpus expects another status: the gateway's answer to a failed filter or upstream. */
  gatewayErrors: number;
  statusCodes: Record<string, number>;
  durationS: number;
  connections: number;
  rate?: number;
  /** This process's CPU (user + system) over the measured run, % of one core. */
  cpuPercent: number;
  /** Distinct corpus requests replayed. */
  corpusSize: number;
}

export type ParentMessage = LoadJob;
export type ClientMessage =
  | { type: 'ready' }
  | { type: 'measuring'; id: number }
  | { type: 'result'; id: number; figures: ClientFigures }
  | { type: 'error'; id: number; error: string };

// -- raw requests ---------------------------------------------------------------

export interface ReplayRequest {
  raw: Buffer;
  /** 200 for pass-through (the responder's answer), the local response's status otherwise. */
  expectedStatus: number;
}

function chunkedBody(body: Uint8Array): Buffer {
  if (body.length === 0) return Buffer.from('0\r\n\r\n', 'latin1');
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`, 'latin1'), body, Buffer.from('\r\n0\r\n\r\n', 'latin1')]);
}

/**
 * The request on the wire, as the corpus states it. Header text is latin1, so
 * obs-text bytes arrive as the same bytes. A body without a declared length
 * gets one (the corpus always declares it; this keeps the wire well-formed).
 */
export function rawRequest(req: HttpRequest, tag?: number): Buffer {
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  let length: string | undefined;
  let chunked = false;
  for (const [name, value] of req.headers) {
    head += `${name}: ${value}\r\n`;
    const lower = name.toLowerCase();
    if (lower === 'content-length') length = value;
    else if (lower === 'transfer-encoding') chunked = /(^|,)\s*chunked\s*$/i.test(value);
  }
  if (tag !== undefined) head += `${REPLAY_HEADER}: ${tag}\r\n`;
  let body: Uint8Array = req.body;
  if (chunked) {
    body = chunkedBody(req.body);
  } else if (length !== undefined) {
    if (Number(length) !== req.body.length) {
      throw new Error(`content-length ${length} but the body has ${req.body.length} bytes`);
    }
  } else if (req.body.length > 0) {
    head += `content-length: ${req.body.length}\r\n`;
  }
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

export function replayRequests(items: readonly PreparedItem[], tag: boolean, filtered = true): ReplayRequest[] {
  return items.map((item) => {
    let raw: Buffer;
    try {
      raw = rawRequest(item.request, tag ? item.index : undefined);
    } catch (err) {
      throw new Error(`corpus request #${item.index} (${item.label}): ${describe(err)}`);
    }
    return { raw, expectedStatus: filtered ? (item.expected.response?.status ?? 200) : 200 };
  });
}

/** Percentile of sorted values: the smallest value with at least q of the samples at or below it. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

// -- autocannon -------------------------------------------------------------------

interface AutocannonClient {
  requestIterator: { currentRequest: { rawIndex?: number } };
  getRequestBuffer(): Buffer;
}

interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number; max: number };
  requests: { total: number; average: number };
}

interface AutocannonTracker extends PromiseLike<AutocannonResult> {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  stop(): void;
}

type Autocannon = (opts: Record<string, unknown>) => AutocannonTracker;

const require = createRequire(import.meta.url);
const SAMPLE_MS = 100;
/** What the gateway answers when the filter (500, remote 503) or the upstream (502) failed. */
const GATEWAY_FAILURE = new Set([500, 502, 503]);
let autocannonFn: Autocannon | undefined;
function autocannon(): Autocannon {
  autocannonFn ??= require('autocannon') as Autocannon;
  return autocannonFn;
}

interface Fired {
  result: AutocannonResult;
  latencies: Float64Array;
  unexpected: number;
  gatewayErrors: number;
  cpuPercent: number;
  wallS: number;
}

/** One autocannon run over the raw requests. */
export async function fire(
  url: string,
  requests: readonly ReplayRequest[],
  o: { connections: number; durationS: number; rate?: number; timeoutS: number },
): Promise<Fired> {
  const raws = requests.map((r) => r.raw);
  const expected = requests.map((r) => r.expectedStatus);
  let unexpected = 0;
  let gatewayErrors = 0;
  let latencies = new Float64Array(1 << 14);
  let n = 0;
  // No per-request onResponse: autocannon would build a header object for every
  // answer to call it. The 'response' event comes before the client moves on,
  // so its iterator still points at the request just answered.
  const entries = requests.map((_, i) => ({ rawIndex: i }));
  let patched = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const tracker = autocannon()({
    url,
    connections: o.connections,
    duration: o.durationS,
    requests: entries,
    pipelining: 1,
    timeout: o.timeoutS,
    // autocannon ends a run at the first sample tick after the duration: sample
    // every 100 ms so a 2 s run lasts 2.0-2.1 s, not up to the next whole second.
    sampleInt: SAMPLE_MS,
    ...(o.rate ? { overallRate: o.rate } : {}),
    setupClient(client: AutocannonClient) {
      patched++;
      client.getRequestBuffer = function (this: AutocannonClient) {
        return raws[this.requestIterator.currentRequest.rawIndex!]!;
      };
    },
  });
  tracker.on('response', (client, status, _bytes, ms) => {
    if (n === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[n++] = ms;
    const want = expected[(client as AutocannonClient).requestIterator.currentRequest.rawIndex!];
    if (status !== want) {
      unexpected++;
      if (GATEWAY_FAILURE.has(status)) gatewayErrors++;
    }
  });
  const result = await tracker;
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (patched === 0) throw new Error('autocannon did not call setupClient: the raw-request hook no longer applies to this autocannon version');
  return { result, latencies: latencies.slice(0, n).sort(), unexpected, gatewayErrors, cpuPercent: ((cpu.user + cpu.system) / 1e3 / (wallS * 1000)) * 100, wallS };
}

export function figuresOf(f: Fired, o: { connections: number; rate?: number }, corpusSize: number): ClientFigures {
  const { result, latencies } = f;
  const requests = latencies.length;
  const durationS = result.duration > 0 ? result.duration : f.wallS;
  let sum = 0;
  for (const v of latencies) sum += v;
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = s.count;
  return {
    requests,
    requestsPerSec: requests / durationS,
    latencyMs: {
      mean: requests ? sum / requests : 0,
      p50: percentile(latencies, 0.5),
      p90: percentile(latencies, 0.9),
      p99: percentile(latencies, 0.99),
      max: requests ? latencies[requests - 1]! : 0,
    },
    autocannon: { latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max }, requestsPerSecMean: (result.requests.average * 1000) / SAMPLE_MS },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unexpected: f.unexpected,
    gatewayErrors: f.gatewayErrors,
    statusCodes,
    durationS,
    connections: o.connections,
    ...(o.rate ? { rate: o.rate } : {}),
    cpuPercent: f.cpuPercent,
    corpusSize,
  };
}

// -- the child process ------------------------------------------------------------

const corpora = new Map<string, ReplayRequest[]>();

async function requestsFor(workload: string, tag: boolean, filtered: boolean): Promise<ReplayRequest[]> {
  const key = `${workload}:${tag}:${filtered}`;
  let list = corpora.get(key);
  if (!list) {
    const [w] = await selectWorkloads([workload]);
    list = replayRequests(prepareCorpus(w!), tag, filtered);
    corpora.set(key, list);
  }
  return list;
}

async function runJob(job: LoadJob, send: (m: ClientMessage) => void): Promise<ClientFigures> {
  const requests = await requestsFor(job.workload, job.tag, job.filtered);
  const o = { connections: job.connections, durationS: job.durationS, rate: job.rate, timeoutS: job.timeoutS };
  if (job.warmupS > 0) await fire(job.url, requests, { ...o, durationS: job.warmupS });
  send({ type: 'measuring', id: job.id });
  return figuresOf(await fire(job.url, requests, o), o, requests.length);
}

function main(): void {
  const send = (m: ClientMessage) => {
    if (process.connected) process.send!(m);
  };
  // The parent is gone (ended, crashed, Ctrl-C): so is the load.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (job: ParentMessage) => {
    if (job?.type !== 'run') return;
    runJob(job, send).then(
      (figures) => send({ type: 'result', id: job.id, figures }),
      (err: unknown) => send({ type: 'error', id: job.id, error: describe(err) }),
    );
  });
  send({ type: 'ready' });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) main();
