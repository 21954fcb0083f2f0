// The real HTTP gateway (DESIGN §4): a node:http server that runs one filter
// deployment on every request, then answers locally (when the filter called
// respond) or forwards the request as the filter left it.
//
// Per request: read the body (413 beyond the limit), normalise it into the
// ABI's PreparedRequest (400 when it cannot be), take a free filter instance
// from the pool (one request in flight per instance, DESIGN §1), run the
// filter on that instance's RequestContext, and then:
//   - a local response: its status, headers and body;
//   - otherwise forward: by default to an in-process responder (200 with a
//     small JSON digest of the request as the filter left it — no second hop),
//     or with `upstream` over keep-alive to a real server (undici Pool);
//   - the filter threw: 500 (503 for the remote runtime, as Easegress answers
//     when its RemoteFilter fails), with a short body.
// Without a runtime the same server and responder run with no filter at all:
// the bare ceiling the load phase compares every runtime with.
//
// Synchronous (in-process) runtimes finish a call before the event loop can
// start another, so one instance serves a process. An instance whose handle
// returns a promise (remote) marks the pool asynchronous, and the pool grows on
// demand (up to `maxInstances`) so concurrent requests are not serialised on
// one instance.
//
// Time-dependent workloads (corpus items carry nowMs) are replayed on the
// corpus clock: the load client tags each request with its corpus index in
// the `x-plugbench-item` header, which the gateway strips before the filter
// sees anything and turns into the host clock reading for that call, as
// bench/run.ts's corpusCycle does for the micro benchmark. Requests without
// the tag run on the system clock.

import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { DEFAULT_LIMITS, prepareRequest, RequestContext, type LocalResponse, type PreparedRequest } from '../runtimes/abi/context.ts';
import { Deployment, ManualClock, systemClock, type Clock } from '../runtimes/abi/host.ts';
import type { FilterInstance, Runtime } from '../runtimes/abi/types.ts';
import { describe } from '../runtimes/errors.ts';
import { builtinRuntime, isBuiltin, loadExternalRuntime } from '../runtimes/index.ts';
import { selectWorkloads } from '../workloads/index.ts';
import type { Workload } from '../workloads/types.ts';
import { prepareCorpus, verifyInstance } from './verify.ts';

/** The corpus index of a replayed request; stripped before the filter runs. */
export const REPLAY_HEADER = 'x-plugbench-item';

/**
 * For workloads whose timing clock is 'advance' (stateful: rate-limit), each
 * new pass over the corpus runs this much after the whole previous one, so
 * time never runs backwards and any bucket has refilled between passes: with
 * one connection every pass then has exactly the verified outcomes.
 */
export const ADVANCE_GAP_MS = 3_600_000;

const EMPTY = new Uint8Array(0);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Not copied from a local or upstream response: the gateway frames the body itself. */
const FRAMING = new Set([...HOP_BY_HOP, 'content-length']);

export interface GatewayOptions {
  /** The filter's runtime. Omit for the bare server: same server and responder, no filter. */
  runtime?: Runtime;
  /** The workload whose filter and config the gateway deploys (and whose corpus clock it replays). */
  workload?: Workload;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Forward to this origin over keep-alive instead of the in-process responder. */
  upstream?: string;
  /** Instances made before serving. Default 1. */
  instances?: number;
  /** An asynchronous runtime's pool grows on demand up to this many instances. Default 64. */
  maxInstances?: number;
  /** Largest request body accepted; larger gets 413. Default the ABI's limit (8 MiB). */
  maxBodyBytes?: number;
  /** Run the whole corpus through a separate instance first and refuse to start on any difference. Default false. */
  verify?: boolean;
  /** Close the runtime (e.g. stop the remote service) when the gateway closes. Default false. */
  closeRuntime?: boolean;
  /** Filter failures and upstream errors, for a command-line gateway to print. */
  onError?(message: string): void;
}

export interface GatewayStats {
  /** Requests whose headers arrived. */
  requests: number;
  /** Answered with the filter's local response. */
  local: number;
  /** Passed on to the responder or the upstream. */
  forwarded: number;
  /** 500/503 because the filter threw or its runtime failed. */
  filterErrors: number;
  /** 502 because the upstream failed. */
  upstreamErrors: number;
  /** 400: the request could not become an ABI request (invalid path, header). */
  badRequests: number;
  /** 413: body over the limit. */
  tooLarge: number;
  /** Filter instances in the pool. */
  instances: number;
  /** The first filter or upstream failure, for the report. */
  firstError?: string;
}

export interface Gateway {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  /** "native × headers", "bare × noop", "bare". */
  readonly label: string;
  /** Requests the corpus clock can replay (0 when the workload is not time-dependent). */
  readonly replayItems: number;
  stats(): GatewayStats;
  close(): Promise<void>;
}

/** The host clock of a gateway: the replayed corpus clock while a tagged request runs, else the system clock. */
class ReplayClock implements Clock {
  current: number | undefined;
  nowMs(): number {
    return this.current ?? systemClock.nowMs();
  }
}

/**
 * The corpus clock for replayed requests. 'replay' workloads (jwt-auth) get
 * each item's own reading. 'advance' workloads (rate-limit, stateful) are
 * replayed pass after pass on each connection: a connection whose item index
 * does not increase has started a new pass (the corpus wrapped, or a new run
 * began at item 0), and every new pass runs ADVANCE_GAP_MS after all earlier
 * ones, so time never runs backwards on a connection and every bucket has
 * refilled in between — on one connection each pass then meets exactly the
 * state the reference expects.
 */
/** The corpus clock readings per workload: a corpus is generated (up to ~0.2 s for the payload ones) once, not per gateway. */
const corpusTimes = new WeakMap<Workload, number[] | null>();

function replayTimes(workload: Workload): number[] | null {
  let times = corpusTimes.get(workload);
  if (times === undefined) {
    const items = workload.corpus();
    times = items.every((it) => it.nowMs === undefined) ? null : items.map((it) => it.nowMs ?? items[0]!.nowMs ?? 0);
    corpusTimes.set(workload, times);
  }
  return times;
}

function replaySchedule(workload: Workload | undefined): { items: number; at(k: number, conn: object): number | undefined } | undefined {
  if (!workload) return undefined;
  const times = replayTimes(workload);
  if (!times) return undefined;
  const n = times.length;
  if (workload.timingClock !== 'advance') {
    return { items: n, at: (k) => (k >= 0 && k < n ? times[k] : undefined) };
  }
  const span = Math.max(...times) - Math.min(...times) + ADVANCE_GAP_MS;
  let passes = 0;
  const onConn = new WeakMap<object, { last: number; offset: number }>();
  return {
    items: n,
    at(k, conn) {
      if (!(k >= 0 && k < n)) return undefined;
      let state = onConn.get(conn);
      if (!state || k <= state.last) {
        state = { last: k, offset: passes++ * span };
        onConn.set(conn, state);
      }
      state.last = k;
      return times[k]! + state.offset;
    },
  };
}

function clip(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? line.slice(0, max) + '…' : line;
}

/** FNV-1a over "name:value\n" for every header: what the upstream would have seen, in 8 hex digits. */
function headerHash(headers: ReadonlyArray<readonly [string, string]>, lower: boolean): string {
  let h = 0x811c9dc5;
  for (const [name, value] of headers) {
    const n = lower ? name.toLowerCase() : name;
    for (let i = 0; i < n.length; i++) h = Math.imul(h ^ (n.charCodeAt(i) & 0xff), 0x01000193);
    h = Math.imul(h ^ 0x3a, 0x01000193);
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ (value.charCodeAt(i) & 0xff), 0x01000193);
    h = Math.imul(h ^ 0x0a, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The in-process responder's answer: a digest of the request as it would
 * reach the upstream. Names are hashed lower-case, so a bare server and a
 * gateway with a filter that changes nothing give the same digest.
 */
export function responderDigest(
  method: string,
  path: string,
  headers: ReadonlyArray<readonly [string, string]>,
  bodyBytes: number,
  result = '',
  lower = false,
): string {
  return (
    `{"method":${JSON.stringify(method)},"path":${JSON.stringify(path)},"headers":${headers.length},` +
    `"headerHash":"${headerHash(headers, lower)}","bodyBytes":${bodyBytes}` +
    (result ? `,"result":${JSON.stringify(result)}` : '') +
    '}\n'
  );
}

interface Slot {
  instance: FilterInstance;
  ctx: RequestContext;
}

/** Filter instances, one request in flight on each (DESIGN §1). */
class InstancePool {
  private readonly free: Slot[] = [];
  readonly all: Slot[] = [];
  private readonly waiters: Array<{ resolve(s: Slot): void; reject(e: Error): void }> = [];
  private growing = 0;
  /** Set when a handle returned a promise: the pool may then grow. */
  async = false;
  closed = false;

  constructor(
    private readonly make: () => Promise<Slot>,
    private readonly max: number,
    private readonly onGrowError: (err: unknown) => void,
  ) {}

  async fill(n: number): Promise<void> {
    for (let i = 0; i < n; i++) this.add(await this.make());
  }

  private add(slot: Slot): void {
    this.all.push(slot);
    this.release(slot);
  }

  take(): Slot | undefined {
    return this.free.pop();
  }

  wait(): Promise<Slot> {
    const p = new Promise<Slot>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.async && this.all.length + this.growing < this.max && this.waiters.length > this.growing) this.grow();
    return p;
  }

  private grow(): void {
    this.growing++;
    this.make().then(
      (slot) => {
        this.growing--;
        if (this.closed) void slot.instance.dispose();
        else this.add(slot);
      },
      (err) => {
        this.growing--;
        this.onGrowError(err);
        // Without any instance nobody would ever serve the waiters.
        if (this.all.length === 0) for (const w of this.waiters.splice(0)) w.reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  release(slot: Slot): void {
    const w = this.waiters.shift();
    if (w) w.resolve(slot);
    else this.free.push(slot);
  }

  async dispose(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new Error('the gateway is closing'));
    await Promise.all(this.all.map(async (s) => s.instance.dispose()));
  }
}

/** Marks the answers the gateway made because the filter or the upstream failed, so a client can count them. */
export const ERROR_HEADER = 'x-plugbench-error';

function sendText(res: http.ServerResponse, status: number, text: string, close = false, failure?: 'filter' | 'upstream'): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(text);
  const headers = ['content-type', 'text/plain; charset=utf-8', 'content-length', String(body.length)];
  if (close) headers.push('connection', 'close');
  if (failure) headers.push(ERROR_HEADER, failure);
  res.writeHead(status, headers);
  res.end(body);
}

function sendLocal(res: http.ServerResponse, local: LocalResponse): void {
  const headers: string[] = [];
  for (const [name, value] of local.headers) if (!FRAMING.has(name)) headers.push(name, value);
  headers.push('content-length', String(local.body.length));
  res.writeHead(local.status, headers);
  res.end(local.body);
}

function sendDigest(res: http.ServerResponse, digest: string): void {
  res.writeHead(200, ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(digest))]);
  res.end(digest);
}

interface Forwarded {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

function listen(server: http.Server, port: number, host: string, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      const why =
        err.code === 'EADDRINUSE'
          ? 'the address is already in use (another gateway or server is listening there)'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.code === 'EADDRNOTAVAIL'
              ? 'no such local address'
              : err.message;
      reject(new Error(`gateway ${label}: cannot listen on ${where}: ${why}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Starts a gateway; rejects with one clear error (naming runtime and workload) when it cannot serve. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { runtime, workload } = options;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const maxBody = options.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes;
  const label = runtime ? `${runtime.name} × ${workload?.name ?? '?'}` : workload ? `bare × ${workload.name}` : 'bare';
  if (runtime && !workload) throw new Error(`gateway ${label}: a runtime needs a workload`);
  const remoteLike = runtime?.name === 'remote';
  const stats: GatewayStats = { requests: 0, local: 0, forwarded: 0, filterErrors: 0, upstreamErrors: 0, badRequests: 0, tooLarge: 0, instances: 0 };
  const noteError = (what: string) => {
    stats.firstError ??= what;
    options.onError?.(what);
  };

  // -- the filter -------------------------------------------------------------
  const clock = new ReplayClock();
  const schedule = replaySchedule(workload);
  let pool: InstancePool | undefined;
  if (runtime && workload) {
    const file = join(workload.dir, runtime.source);
    if (!existsSync(file)) throw new Error(`gateway ${label}: no ${runtime.source} for this workload (${file})`);
    let loaded;
    try {
      loaded = await runtime.load(file);
    } catch (err) {
      throw new Error(`gateway ${label}: ${describe(err)}`);
    }
    if (options.verify) {
      const vclock = new ManualClock();
      let verifying: FilterInstance;
      try {
        verifying = await loaded.instantiate(workload.config, new Deployment({ clock: vclock }).host);
      } catch (err) {
        throw new Error(`gateway ${label}: instantiate failed: ${describe(err)}`);
      }
      try {
        const verdict = await verifyInstance(verifying, new RequestContext({ grants: workload.grants }), prepareCorpus(workload), vclock);
        if (!verdict.ok) throw new Error(`gateway ${label}: the filter does not match the reference: ${verdict.error}`);
      } finally {
        await verifying.dispose();
      }
    }
    const deployment = new Deployment({ clock });
    const make = async (): Promise<Slot> => ({
      instance: await loaded.instantiate(workload.config, deployment.host),
      ctx: new RequestContext({ grants: workload.grants }),
    });
    pool = new InstancePool(make, Math.max(options.instances ?? 1, options.maxInstances ?? 64), (err) =>
      noteError(`cannot add a filter instance: ${describe(err)}`),
    );
    try {
      await pool.fill(Math.max(1, options.instances ?? 1));
    } catch (err) {
      await pool.dispose().catch(() => {});
      throw new Error(`gateway ${label}: instantiate failed: ${describe(err)}`);
    }
  }

  // -- forwarding ----------------------------------------------------------------
  let upstream: Pool | undefined;
  if (options.upstream) {
    let origin: string;
    try {
      origin = new URL(options.upstream).origin;
    } catch {
      await pool?.dispose();
      throw new Error(`gateway ${label}: --upstream ${JSON.stringify(options.upstream)} is not a URL`);
    }
    upstream = new Pool(origin, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  }

  const forward = (res: http.ServerResponse, f: Forwarded): void => {
    const headers: string[] = [];
    for (const [name, value] of f.headers) if (!FRAMING.has(name) && name !== 'expect') headers.push(name, value);
    upstream!
      .request({ method: f.method as 'GET', path: f.path, headers, body: f.body.length > 0 ? f.body : undefined })
      .then(async (answer) => {
        const body = Buffer.from(await answer.body.arrayBuffer());
        const out: string[] = [];
        for (const [name, value] of Object.entries(answer.headers)) {
          if (FRAMING.has(name) || value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) out.push(name, v);
        }
        out.push('content-length', String(body.length));
        if (!res.destroyed) {
          res.writeHead(answer.statusCode, out);
          res.end(body);
        }
      })
      .catch((err: unknown) => {
        stats.upstreamErrors++;
        noteError(`upstream ${options.upstream}: ${describe(err)}`);
        if (!res.destroyed) sendText(res, 502, `bad gateway: upstream failed: ${clip(describe(err))}\n`, false, 'upstream');
      });
  };

  // -- the filter call -------------------------------------------------------------
  const filterFailed = (res: http.ServerResponse, err: unknown) => {
    stats.filterErrors++;
    const message = describe(err);
    noteError(`filter failed: ${message}`);
    sendText(res, remoteLike ? 503 : 500, `${remoteLike ? 'remote filter failed' : 'filter failed'}: ${clip(message)}\n`, false, 'filter');
  };

  const finish = (slot: Slot, result: string, res: http.ServerResponse) => {
    const ctx = slot.ctx;
    const local = ctx.response;
    if (local) {
      pool!.release(slot);
      stats.local++;
      sendLocal(res, local);
      return;
    }
    stats.forwarded++;
    if (!upstream) {
      const digest = responderDigest(ctx.method(), ctx.path(), ctx.headerList(), ctx.body().length, result);
      pool!.release(slot);
      sendDigest(res, digest);
      return;
    }
    const f: Forwarded = { method: ctx.method(), path: ctx.path(), headers: ctx.headerList(), body: ctx.body() };
    pool!.release(slot);
    forward(res, f);
  };

  const run = (slot: Slot, prepared: PreparedRequest, when: number | undefined, res: http.ServerResponse) => {
    clock.current = when;
    let r: string | Promise<string>;
    try {
      r = slot.instance.handle(slot.ctx.reset(prepared));
    } catch (err) {
      pool!.release(slot);
      filterFailed(res, err);
      return;
    }
    if (typeof r === 'string') {
      finish(slot, r, res);
    } else if (r && typeof (r as Promise<string>).then === 'function') {
      pool!.async = true;
      r.then(
        (result) => finish(slot, result ?? '', res),
        (err: unknown) => {
          pool!.release(slot);
          filterFailed(res, err);
        },
      );
    } else {
      finish(slot, '', res);
    }
  };

  // -- per request -------------------------------------------------------------------
  const withBody = (req: http.IncomingMessage, res: http.ServerResponse, pairs: Array<[string, string]>, item: number, body: Uint8Array) => {
    if (!pool) {
      // Bare: the same responder (or upstream) on the request as it arrived.
      stats.forwarded++;
      if (upstream) {
        forward(res, { method: req.method!, path: req.url!, headers: pairs.map(([n, v]) => [n.toLowerCase(), v]), body });
      } else {
        sendDigest(res, responderDigest(req.method!, req.url!, pairs, body.length, '', true));
      }
      return;
    }
    let prepared: PreparedRequest;
    try {
      prepared = prepareRequest({ method: req.method!, path: req.url!, headers: pairs, body });
    } catch (err) {
      stats.badRequests++;
      sendText(res, 400, `bad request: ${clip(describe(err))}\n`);
      return;
    }
    const when = item >= 0 && schedule ? schedule.at(item, req.socket) : undefined;
    const slot = pool.take();
    if (slot) {
      run(slot, prepared, when, res);
    } else {
      pool.wait().then(
        (s) => run(s, prepared, when, res),
        (err: unknown) => filterFailed(res, err),
      );
    }
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    stats.requests++;
    const raw = req.rawHeaders;
    const pairs: Array<[string, string]> = [];
    let item = -1;
    let contentLength: string | undefined;
    let chunked = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      const value = raw[i + 1]!;
      switch (name.length) {
        case 16:
          if (name.toLowerCase() === REPLAY_HEADER) {
            item = Number(value);
            continue;
          }
          break;
        case 14:
          if (name.toLowerCase() === 'content-length') contentLength = value;
          break;
        case 17:
          if (name.toLowerCase() === 'transfer-encoding') chunked = true;
          break;
      }
      pairs.push([name, value]);
    }
    if (contentLength === undefined && !chunked) {
      withBody(req, res, pairs, item, EMPTY);
      return;
    }
    if (contentLength !== undefined && Number(contentLength) > maxBody) {
      stats.tooLarge++;
      sendText(res, 413, `payload too large: ${contentLength} bytes, the limit is ${maxBody}\n`, true);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBody) {
        refused = true;
        chunks.length = 0;
        stats.tooLarge++;
        sendText(res, 413, `payload too large: more than ${maxBody} bytes\n`, true);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      // A plain Uint8Array view: filters see the ABI's bytes type, not a Buffer with its own slice().
      withBody(req, res, pairs, item, new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
    });
    req.on('error', () => {
      // The client went away mid-body: nothing to answer.
    });
  };

  const server = http.createServer({ requireHostHeader: false, noDelay: true, keepAlive: true }, onRequest);
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.requestTimeout = 60_000;
  try {
    await listen(server, port, host, label);
  } catch (err) {
    await pool?.dispose().catch(() => {});
    await upstream?.close().catch(() => {});
    if (options.closeRuntime) await runtime?.close?.().catch(() => {});
    throw err;
  }
  // After listening, a server error (e.g. out of file descriptors) is reported, not fatal.
  server.on('error', (err) => noteError(`server: ${describe(err)}`));
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${bound}`,
    port: bound,
    label,
    replayItems: schedule?.items ?? 0,
    stats: () => ({ ...stats, instances: pool?.all.length ?? 0 }),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await pool?.dispose().catch(() => {});
        await upstream?.close().catch(() => {});
        if (options.closeRuntime) await runtime?.close?.();
      })();
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------
// Command line: npm run gateway -- --runtime R --workload W --port N

export const GATEWAY_USAGE = `usage: npm run gateway -- --runtime R --workload W [options]

  --runtime R          native, lua, quickjs, wasm, remote (or any built-in), ./path/to/adapter.ts,
                       or bare (no filter: the server and responder alone)
  --workload W         the workload whose filter and config to deploy (optional with bare)
  --port N             default 8080; 0 picks a free port
  --host H             default 127.0.0.1
  --upstream URL       forward to this server over keep-alive (default: an in-process
                       responder answering 200 with a digest of the request)
  --workers N          N processes sharing the port (node:cluster); each has its own
                       instances and its own kv store
  --instances N        filter instances made before serving (default 1; an asynchronous
                       runtime such as remote grows its pool on demand)
  --max-instances N    most instances an asynchronous runtime grows to (default 64)
  --max-body BYTES     largest request body (default 8388608); larger gets 413
  --remote-url URL     the remote runtime uses this running service
  --no-verify          skip running the corpus through the filter before serving
  -h, --help           this text

Requests carrying "${REPLAY_HEADER}: <corpus index>" run on that corpus item's clock
(time-dependent workloads); others on the system clock. Prints "listening <url>" on
stdout once serving; Ctrl-C stops it.
`;

export interface GatewayCliOptions {
  runtime: string;
  workload?: string;
  port: number;
  host: string;
  upstream?: string;
  workers: number;
  instances?: number;
  maxInstances?: number;
  maxBodyBytes?: number;
  remoteUrl?: string;
  verify: boolean;
  help: boolean;
}

function positiveInt(flag: string, text: string | undefined, min = 1): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}, not ${JSON.stringify(text)}`);
  return n;
}

export function parseGatewayArgs(argv: string[]): GatewayCliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      runtime: { type: 'string' },
      workload: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      upstream: { type: 'string' },
      workers: { type: 'string' },
      instances: { type: 'string' },
      'max-instances': { type: 'string' },
      'max-body': { type: 'string' },
      'remote-url': { type: 'string' },
      'no-verify': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const help = values.help!;
  if (!help && !values.runtime) throw new Error('--runtime is required');
  if (!help && values.runtime !== 'bare' && !values.workload) throw new Error('--workload is required (except with --runtime bare)');
  return {
    runtime: values.runtime ?? '',
    workload: values.workload,
    port: positiveInt('--port', values.port, 0) ?? 8080,
    host: values.host ?? '127.0.0.1',
    upstream: values.upstream,
    workers: positiveInt('--workers', values.workers) ?? 1,
    instances: positiveInt('--instances', values.instances),
    maxInstances: positiveInt('--max-instances', values['max-instances']),
    maxBodyBytes: positiveInt('--max-body', values['max-body'], 0),
    remoteUrl: values['remote-url'],
    verify: !values['no-verify'],
    help,
  };
}

async function resolveRuntime(name: string, remoteUrl: string | undefined): Promise<Runtime | undefined> {
  if (name === 'bare') return undefined;
  if (isBuiltin(name)) return builtinRuntime(name, { remoteUrl });
  if (name.includes('/') || name.endsWith('.ts') || name.endsWith('.js')) return loadExternalRuntime(name);
  throw new Error(`unknown runtime '${name}': a built-in name, bare, or ./path/to/adapter.ts`);
}

/** One process's gateway from command-line options. */
export async function startGatewayFromCli(o: GatewayCliOptions, onError?: (m: string) => void): Promise<Gateway> {
  const workload = o.workload ? (await selectWorkloads([o.workload]))[0] : undefined;
  let runtime: Runtime | undefined;
  try {
    runtime = await resolveRuntime(o.runtime, o.remoteUrl);
  } catch (err) {
    throw new Error(`gateway ${o.runtime} × ${o.workload ?? '-'}: ${describe(err)}`);
  }
  try {
    return await startGateway({
      runtime,
      workload,
      host: o.host,
      port: o.port,
      upstream: o.upstream,
      instances: o.instances,
      maxInstances: o.maxInstances,
      maxBodyBytes: o.maxBodyBytes,
      verify: o.verify,
      closeRuntime: true,
      onError,
    });
  } catch (err) {
    await runtime?.close?.().catch(() => {});
    throw err;
  }
}

/** Prints filter failures, a few in full and then a count, so a failing filter does not flood the terminal. */
function errorPrinter(prefix: string): (m: string) => void {
  let n = 0;
  return (m) => {
    n++;
    if (n <= 5) process.stderr.write(`${prefix}${m}\n`);
    else if (n === 6 || n % 1000 === 0) process.stderr.write(`${prefix}${n} failures so far (further ones not printed)\n`);
  };
}

type WorkerMessage = { type: 'listening'; url: string; label: string; instances: number } | { type: 'failed'; error: string };

/** The whole command: one process, or a cluster primary with N workers. Resolves when stopped. */
export async function runGatewayCli(argv: string[]): Promise<number> {
  let o: GatewayCliOptions;
  try {
    o = parseGatewayArgs(argv);
  } catch (err) {
    process.stderr.write(`plugbench gateway: ${describe(err)}\n\n${GATEWAY_USAGE}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(GATEWAY_USAGE);
    return 0;
  }

  if (o.workers > 1 && cluster.isPrimary) return runPrimary(o);

  const isWorker = cluster.isWorker;
  let gateway: Gateway;
  try {
    gateway = await startGatewayFromCli(o, errorPrinter(isWorker ? `plugbench gateway [worker ${cluster.worker!.id}]: ` : 'plugbench gateway: '));
  } catch (err) {
    if (isWorker) {
      process.send!({ type: 'failed', error: describe(err) } satisfies WorkerMessage);
      return 1;
    }
    process.stderr.write(`plugbench: ${describe(err)}\n`);
    return 1;
  }
  const stop = async () => {
    await gateway.close().catch(() => {});
  };
  if (isWorker) {
    process.send!({ type: 'listening', url: gateway.url, label: gateway.label, instances: gateway.stats().instances } satisfies WorkerMessage);
    await new Promise<void>((resolve) => {
      process.once('disconnect', resolve);
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await stop();
    return 0;
  }
  const s = gateway.stats();
  process.stderr.write(
    `plugbench gateway: ${gateway.label}${o.verify && o.runtime !== 'bare' ? ' (verified against the corpus)' : ''}, ` +
      `${s.instances} instance(s), forwarding to ${o.upstream ?? 'the in-process responder'}` +
      `${gateway.replayItems ? `; replays the corpus clock for requests tagged ${REPLAY_HEADER}` : ''}. Ctrl-C stops.\n`,
  );
  process.stdout.write(`listening ${gateway.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
  const t = gateway.stats();
  process.stderr.write(
    `plugbench gateway: stopped after ${t.requests} requests (${t.local} local responses, ${t.forwarded} forwarded, ` +
      `${t.filterErrors} filter errors, ${t.upstreamErrors} upstream errors, ${t.badRequests} bad, ${t.tooLarge} too large)\n`,
  );
  return 0;
}

async function runPrimary(o: GatewayCliOptions): Promise<number> {
  const workers = Array.from({ length: o.workers }, () => cluster.fork());
  const stopAll = () => {
    for (const w of workers) if (!w.isDead()) w.kill('SIGTERM');
  };
  // Whatever ends the primary ends the workers (they also exit when the IPC channel closes).
  process.once('exit', stopAll);
  const ready = await new Promise<{ ok: true; url: string; label: string; instances: number } | { ok: false; error: string }>((resolve) => {
    let up = 0;
    let instances = 0;
    for (const w of workers) {
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'failed') {
          resolve({ ok: false, error: m.error });
          return;
        }
        instances += m.instances;
        if (++up === workers.length) resolve({ ok: true, url: m.url, label: m.label, instances });
      });
      w.once('exit', (code, signal) => resolve({ ok: false, error: `a gateway worker exited (${signal ?? `code ${code}`}) before it was ready` }));
    }
  });
  if (!ready.ok) {
    process.stderr.write(`plugbench: ${ready.error}\n`);
    stopAll();
    return 1;
  }
  process.stderr.write(
    `plugbench gateway: ${ready.label}${o.verify && o.runtime !== 'bare' ? ' (verified against the corpus)' : ''}, ` +
      `${o.workers} workers (node:cluster), ${ready.instances} instance(s) in all, ` +
      `forwarding to ${o.upstream ?? 'the in-process responder'}; each worker has its own kv store. Ctrl-C stops.\n`,
  );
  process.stdout.write(`listening ${ready.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    for (const w of workers) w.once('exit', () => resolve());
  });
  const exited = Promise.all(workers.map((w) => (w.isDead() ? undefined : new Promise((r) => w.once('exit', r)))));
  stopAll();
  const timer = setTimeout(() => workers.forEach((w) => !w.isDead() && w.kill('SIGKILL')), 5000);
  await exited;
  clearTimeout(timer);
  return 0;
}
