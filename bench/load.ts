// Throughput and latency under load (DESIGN §4): the real gateway
// (bench/gateway.ts) runs in this process with one runtime × workload; the
// load generator (bench/load-client.ts, autocannon) runs in a child process
// and replays the workload's corpus over keep-alive connections. The bare
// server — same server and responder, no filter — is measured in the same run
// on the same corpus: the ceiling every runtime is compared with.
//
// Figures per measurement: requests/s, latency (p50/p99/max, float ms over
// every response), errors (connection errors, timeouts, and answers the
// gateway made because the filter failed), non2xx (raw count of statuses
// outside 2xx), unexpected (statuses differing from what the verified corpus
// expects for that request: 200 when the filter passes it on, the local
// response's status otherwise), and the CPU use of the client and of the
// gateway process, so a reader can tell when the client is the bottleneck.
//
// Memory under load: the resident set of the process that serves — the gateway
// runs in this (the harness) process, so that is this process — right before
// the load starts and its peak from the start of the warm-up to the end of the
// measured run (bench/rss.ts: read every RSS_SAMPLE_MS = 20 ms, exact when the
// process's lifetime high-water mark rose meanwhile). Being the harness, the
// process also holds every runtime opened in the run and its leftovers, so
// the absolute figure is not one runtime's alone: the growth under load
// (peak − before) is what this pair's load added. For the remote runtime the
// filters run in the service process: its resident set is watched the same
// way (`serviceRssBeforeBytes`, `servicePeakRssBytes`; Linux /proc).
//
// Closed loop by default: each connection sends its next request when the
// previous answer arrived. `rate` asks autocannon for a fixed overall rate
// (overallRate) for latency-under-load curves. What autocannon 9 does there,
// read from its source (lib/httpClient.js, lib/run.js):
//   - the rate is a per-connection budget per wall-clock second: a connection
//     sends back to back (each after the previous answer) until it has sent
//     rate/connections requests in this second, then waits for the next
//     one-second tick. Requests are not paced at 1/rate intervals: the load
//     is a burst at the start of each second;
//   - latency is measured from the moment a request is written, not from when
//     the schedule intended to send it, so a stall delays later sends and
//     hides their waiting time (coordinated omission);
//   - its "correction" records each latency with HdrHistogram's
//     recordValueWithExpectedInterval(latency, Math.ceil(1 / rate)), where
//     rate is requests per second per connection: the expected interval comes
//     out as 1 (ms) for every rate ≥ 1/s, so every response of n ms adds
//     synthetic samples n−1, n−2, … 1 ms whatever the real intended interval
//     (1000·connections/rate ms) is. The correction is thus far too large
//     when the intended interval is long and is no substitute for measuring
//     from intended send times (as wrk2 does).
// So plugbench reports its own, uncorrected latency (`latencyMs`: write to
// last byte of the answer, every response) and keeps autocannon's figures
// beside it (`autocannon.latencyMs`, whole ms, corrected in rate mode). For
// latency under a fixed rate free of coordinated omission, use an open-loop
// tool (wrk2) against `npm run gateway`.
//
// Time-dependent workloads are replayed on the corpus clock (see
// bench/gateway.ts). Outputs: jwt-auth's statuses match the corpus at any
// connection count. rate-limit is stateful: with one connection every pass
// has exactly the verified statuses; with N connections the same minute of
// traffic arrives N times at once, buckets run dry sooner and `unexpected`
// counts the extra 429s — that is the workload doing its job, not an error.

import { fork, type ChildProcess } from 'node:child_process';
import v8 from 'node:v8';
import vm from 'node:vm';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../runtimes/abi/types.ts';
import { describe } from '../runtimes/errors.ts';
import type { Results, RunResult } from '../reports/schema.ts';
import type { Workload } from '../workloads/types.ts';
import { startGateway, type GatewayOptions } from './gateway.ts';
import { RSS_SAMPLE_MS, watchRss, type RssPeak } from './rss.ts';
import type { ClientFigures, ClientMessage, LoadJob } from './load-client.ts';
import type { ProgressEvent } from './run.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
export const CLIENT_PATH = join(HERE, 'load-client.ts');

export interface LoadOptions {
  /** Measured seconds per runtime × workload (and for the bare ceiling). */
  durationS: number;
  /** Seconds of the same load first, not measured (JIT, pools, connections). */
  warmupS: number;
  /** Concurrent keep-alive connections. */
  connections: number;
  /** Fixed overall rate, requests/s (autocannon overallRate); closed loop when absent. */
  rate?: number;
  /** A request without an answer within this many seconds counts as an error. Default 10. */
  timeoutS?: number;
}

/** `runs[].load` (DESIGN §6) plus what this phase adds. */
export interface LoadFigures {
  requestsPerSec: number;
  latencyMs: { p50: number; p99: number; max: number; mean: number; p90: number };
  /** Connection errors + timeouts + answers the gateway made because the filter or upstream failed, as the client saw them. */
  errors: number;
  non2xx: number;
  connections: number;
  durationS: number;
  /** Statuses that differ from the corpus's expected status for that request. */
  unexpected: number;
  requests: number;
  timeouts: number;
  /** Connection errors and timeouts. */
  clientErrors: number;
  /** 500/503 (filter failed) and 502 (upstream failed) answers where the corpus expects another status. */
  filterErrors: number;
  statusCodes: Record<string, number>;
  /** The load generator's CPU, % of one core: near 100 means the client may be the bottleneck. */
  clientCpuPercent: number;
  /** This (gateway) process's CPU over the measured run, % of one core. */
  gatewayCpuPercent: number;
  /** Filter instances the gateway ended with. */
  instances: number;
  /** Resident set of the gateway's process (this harness process) when the load started, bytes. */
  gatewayRssBeforeBytes?: number;
  /** Its peak from the start of the warm-up to the end of the measured run, bytes. */
  gatewayPeakRssBytes?: number;
  /** How the peak was taken: readings, interval, whether it is the kernel's exact high-water mark. */
  gatewayRssWatch?: Pick<RssPeak, 'samples' | 'intervalMs' | 'exact' | 'afterBytes'> & { pid: number };
  /** Remote runtime: the filter service process's resident set when the load started, and its peak, bytes (Linux). */
  serviceRssBeforeBytes?: number;
  servicePeakRssBytes?: number;
  /** Fixed-rate mode: the requested overall rate. */
  rate?: number;
  /** autocannon's own figures (whole ms; coordinated-omission corrected in rate mode). */
  autocannon: { latencyMs: { p50: number; p99: number; max: number } };
  /** The first filter or upstream failure the gateway saw. */
  firstError?: string;
  /** The workload whose corpus was replayed (on the bare baseline). */
  workload?: string;
  /** Bare baseline: req/s of each bare row (before and after the workload's runtimes); the figures are the better row's. */
  bareRequestsPerSec?: number[];
}

/** What the load phase adds to a run (reports/schema.ts has `load`; the rest rides along). */
export type LoadRun = RunResult & { load?: LoadFigures; loadError?: string };
/** `baseline.load` is the bare server on the first workload; every workload's ceiling is in `loadByWorkload`. */
export interface LoadBaseline {
  load: LoadFigures;
  loadByWorkload: Record<string, LoadFigures>;
  loadErrors?: Record<string, string>;
}

// ---------------------------------------------------------------------------

/** Seconds of unrecorded load on the bare server before the phase's first row. */
export const INITIAL_WARMUP_S = 1;

let gcFunction: (() => void) | undefined | null;

/**
 * A full GC of this (the gateway's) process before each row, outside the
 * measured time: the micro phase and earlier rows leave a large heap of
 * garbage, and a row that happened to pay for collecting it ran measurably
 * slower than its neighbours (the bare ceiling, measured first, most often).
 * Every row then starts from the same state, and its RSS before load is not
 * inflated by garbage. Uses --expose-gc's gc(), enabled at run time.
 */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    gcFunction = (globalThis as { gc?: () => void }).gc ?? null;
    if (!gcFunction) {
      try {
        v8.setFlagsFromString('--expose-gc');
        gcFunction = vm.runInNewContext('gc') as () => void;
      } catch {
        gcFunction = null;
      }
    }
  }
  gcFunction?.();
}

/** The load generator's process, reused for every measurement of a run. */
export class LoadClient {
  private nextId = 1;
  private stderr = '';
  private exited: string | undefined;
  private readonly pending = new Map<
    number,
    { resolve(f: ClientFigures): void; reject(e: Error): void; onMeasuring?: () => void; timer: NodeJS.Timeout }
  >();

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-4096);
    });
    child.on('message', (m: ClientMessage) => {
      if (m.type === 'ready') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'measuring') {
        p.onMeasuring?.();
        return;
      }
      clearTimeout(p.timer);
      this.pending.delete(m.id);
      if (m.type === 'result') p.resolve(m.figures);
      else p.reject(new Error(`load client: ${m.error}`));
    });
    child.once('exit', (code, signal) => {
      this.exited = `the load client exited (${signal ?? `code ${code}`})${this.stderr.trim() ? `: ${this.stderr.trim().slice(-1000)}` : ''}`;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        this.pending.delete(id);
        p.reject(new Error(this.exited));
      }
    });
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Forks bench/load-client.ts; it ends when this process does (its IPC channel closes). */
  static async start(timeoutMs = 30_000): Promise<LoadClient> {
    const child = fork(CLIENT_PATH, [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const client = new LoadClient(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the load client did not start within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      child.on('message', (m: ClientMessage) => {
        if (m.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(client.exited ?? 'the load client exited before it was ready'));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot start the load client: ${err.message}`));
      });
    });
    // Neither the child nor its pipes keep this process alive.
    child.unref();
    (child.stderr as unknown as { unref?(): void } | null)?.unref?.();
    (child as unknown as { channel?: { unref?(): void } }).channel?.unref?.();
    return client;
  }

  run(job: Omit<LoadJob, 'type' | 'id'>, onMeasuring?: () => void): Promise<ClientFigures> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    // Generous: warm-up + run + building the corpus + slack for a loaded machine.
    const limitMs = (job.warmupS + job.durationS + job.timeoutS) * 1000 + 60_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the load client did not answer within ${limitMs / 1000} s`));
        this.child.kill('SIGKILL');
      }, limitMs);
      this.pending.set(id, { resolve, reject, onMeasuring, timer });
      this.child.send({ ...job, type: 'run', id } satisfies LoadJob);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect?.();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }
}

/**
 * One measurement: start a gateway, drive it from the client, stop it.
 * Throws when the gateway cannot start or the client fails; errors under
 * load (the remote service dying) are figures, not exceptions.
 */
export async function measureGateway(
  client: LoadClient,
  gatewayOptions: GatewayOptions,
  load: LoadOptions,
  /** Called when the measured run starts (after the warm-up). */
  onMeasuring?: () => void,
): Promise<LoadFigures> {
  const workload = gatewayOptions.workload;
  if (!workload) throw new Error('measureGateway needs a workload (its corpus is what the client replays)');
  const gateway = await startGateway({ maxInstances: load.connections, ...gatewayOptions });
  let servicePid: number | undefined;
  const runtime = gatewayOptions.runtime as { service?: () => Promise<{ pid?: number }> } | undefined;
  if (typeof runtime?.service === 'function') {
    try {
      servicePid = (await runtime.service()).pid;
    } catch {
      // No service figures; its failures show in the load figures.
    }
  }
  const rssWatch = watchRss(process.pid, RSS_SAMPLE_MS);
  const serviceWatch = servicePid !== undefined && servicePid !== process.pid ? watchRss(servicePid, RSS_SAMPLE_MS) : undefined;
  try {
    let cpuAt = process.cpuUsage();
    let t0 = performance.now();
    const figures = await client.run(
      {
        url: gateway.url,
        workload: workload.name,
        connections: load.connections,
        durationS: load.durationS,
        warmupS: load.warmupS,
        rate: load.rate,
        timeoutS: load.timeoutS ?? 10,
        tag: gateway.replayItems > 0,
        filtered: gatewayOptions.runtime !== undefined,
      },
      () => {
        cpuAt = process.cpuUsage();
        t0 = performance.now();
        onMeasuring?.();
      },
    );
    const cpu = process.cpuUsage(cpuAt);
    const wallMs = performance.now() - t0;
    const rss = rssWatch.stop();
    const serviceRss = serviceWatch?.stop();
    const s = gateway.stats();
    const filterErrors = figures.gatewayErrors;
    const out: LoadFigures = {
      requestsPerSec: figures.requestsPerSec,
      latencyMs: {
        p50: figures.latencyMs.p50,
        p99: figures.latencyMs.p99,
        max: figures.latencyMs.max,
        mean: figures.latencyMs.mean,
        p90: figures.latencyMs.p90,
      },
      errors: figures.errors + filterErrors,
      non2xx: figures.non2xx,
      connections: figures.connections,
      durationS: figures.durationS,
      unexpected: figures.unexpected,
      requests: figures.requests,
      timeouts: figures.timeouts,
      clientErrors: figures.errors,
      filterErrors,
      statusCodes: figures.statusCodes,
      clientCpuPercent: figures.cpuPercent,
      gatewayCpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      instances: s.instances,
      autocannon: { latencyMs: figures.autocannon.latencyMs },
    };
    if (rss) {
      out.gatewayRssBeforeBytes = rss.beforeBytes;
      out.gatewayPeakRssBytes = rss.peakBytes;
      out.gatewayRssWatch = { samples: rss.samples, intervalMs: rss.intervalMs, exact: rss.exact, afterBytes: rss.afterBytes, pid: process.pid };
    }
    if (serviceRss) {
      out.serviceRssBeforeBytes = serviceRss.beforeBytes;
      out.servicePeakRssBytes = serviceRss.peakBytes;
    }
    if (figures.rate) out.rate = figures.rate;
    if (s.firstError) out.firstError = s.firstError;
    return out;
  } finally {
    rssWatch.stop();
    serviceWatch?.stop();
    await gateway.close();
  }
}

export interface MeasureLoadArgs {
  /** Runtimes as opened by the run (the remote one keeps its service). */
  runtimes: readonly Runtime[];
  workloads: readonly Workload[];
  /** Filled in place: `runs[].load` for every verified pair, `baseline`. */
  results: Results;
  options: LoadOptions;
  onProgress?(event: ProgressEvent): void;
  onResults?(results: Results): void;
}

/**
 * The load phase of a run: per workload the bare ceiling, then every runtime
 * that verified on it. A failure is recorded on that pair (`loadError`) and
 * the phase goes on; a dead client is replaced.
 */
export async function measureLoad(args: MeasureLoadArgs): Promise<void> {
  const { results, options } = args;
  const verified = (rt: Runtime, w: Workload) =>
    results.runs.find((r) => r.runtime === rt.name && r.workload === w.name && r.verified) as LoadRun | undefined;
  const jobs: Array<{ workload: Workload; runtime?: Runtime; run?: LoadRun }> = [];
  for (const workload of args.workloads) {
    const pairs = args.runtimes.map((runtime) => ({ workload, runtime, run: verified(runtime, workload) })).filter((p) => p.run);
    // The bare ceiling is measured before and after the workload's runtimes and
    // the better row kept: on a shared machine a single short row is easily
    // depressed by a neighbour, and every ×bare ratio of the workload divides by it.
    if (pairs.length > 0) jobs.push({ workload }, ...pairs, { workload });
  }
  if (jobs.length === 0) return;
  const baseline = (results.baseline ??= {} as LoadBaseline) as LoadBaseline;
  baseline.loadByWorkload ??= {};

  let client: LoadClient | undefined;
  try {
    // The first measurement of a process would also pay for JIT-compiling the
    // server and client paths: warm both on the bare server first, unrecorded
    // (at least INITIAL_WARMUP_S: the first row is the bare ceiling everything
    // on that workload is divided by).
    if (options.warmupS > 0) {
      try {
        client = await LoadClient.start();
        collectGarbage();
        await measureGateway(client, { workload: jobs[0]!.workload }, { ...options, durationS: Math.max(INITIAL_WARMUP_S, options.warmupS), warmupS: 0 });
      } catch {
        // Whatever went wrong shows again, and is recorded, in the first real measurement.
      }
    }
    let index = 0;
    for (const job of jobs) {
      index++;
      const name = job.runtime?.name ?? 'bare';
      const progress = (phase: ProgressEvent['phase'], detail?: string) =>
        args.onProgress?.({ index, total: jobs.length, runtime: name, workload: `${job.workload.name} (HTTP load)`, phase, detail });
      progress('time', `${options.connections} connections${options.rate ? `, ${options.rate} req/s` : ''}`);
      let error: string | undefined;
      try {
        if (!client?.alive) client = await LoadClient.start();
        collectGarbage();
        const figures = await measureGateway(client, { runtime: job.runtime, workload: job.workload }, options);
        if (job.run) {
          job.run.load = figures;
        } else {
          const before = baseline.loadByWorkload[job.workload.name];
          const rows = [...(before?.bareRequestsPerSec ?? []), figures.requestsPerSec];
          const best = before && before.requestsPerSec >= figures.requestsPerSec ? before : { ...figures, workload: job.workload.name };
          baseline.loadByWorkload[job.workload.name] = { ...best, bareRequestsPerSec: rows };
          if (!baseline.load || baseline.load.workload === job.workload.name) baseline.load = baseline.loadByWorkload[job.workload.name]!;
        }
      } catch (err) {
        error = `[${name} × ${job.workload.name}] HTTP load: ${describe(err)}`;
        if (job.run) job.run.loadError = error;
        else (baseline.loadErrors ??= {})[job.workload.name] = error;
      }
      progress(error ? 'failed' : 'done', error);
      args.onResults?.(results);
    }
  } finally {
    await client?.close();
    if (!baseline.load) {
      // No ceiling measured: no baseline block (its `load` is required); the reasons go to the config.
      delete (results as { baseline?: unknown }).baseline;
      if (baseline.loadErrors) results.config.loadBaselineErrors = baseline.loadErrors;
    }
  }
}
