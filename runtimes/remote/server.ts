// remote: an HTTP filter service in its own process, speaking Easegress's
// RemoteFilter protocol (see protocol.ts). It hosts the same TypeScript filter
// files the native runtime runs.
//
//   node --import tsx runtimes/remote/server.ts [--port N] [--host 127.0.0.1]
//        [--max-body BYTES] [--request-timeout MS] [--ignore-stdin] [--timing] [--verbose]
//
// Prints `listening http://HOST:PORT` on stdout when ready. Exits on SIGTERM /
// SIGINT and when its stdin closes, so a harness that dies takes it along
// (`--ignore-stdin` for running it as a standalone daemon). `--timing` adds a
// `Server-Timing: service;dur=<ms>` header to filter answers: the service's own
// work per call (decode, filter, encode), which call-cost.ts reads.
//
// Endpoints
//   POST   /filters/<id>                  the Easegress RemoteFilter endpoint of a deployment
//   GET    /_plugbench/info               {service, protocol, abi, node, v8, pid, maxBodyBytes}
//   POST   /_plugbench/filters            {file} → loads (compiles) the filter; 422 {error} when it cannot
//   POST   /_plugbench/deployments        {file, config, kv?, nowMs?} → {id, url, path, kv, logs};
//                                         calls init (422 {error} when it refuses). Deployments created
//                                         with the same `kv` name share one kv store; others never see it.
//   GET    /_plugbench/deployments/<id>   {id, file, kv, entries, logs}
//   DELETE /_plugbench/deployments/<id>   204
//
// A deployment is one filter instance (one `init`) behind one endpoint. Filters
// run synchronously, one call at a time, so the host clock and log sink of the
// call in flight are plain fields.

import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { RequestContext } from '../abi/context.ts';
import { systemClock, type LogRecord } from '../abi/host.ts';
import { ABI_VERSION, type FilterModule, type HostServices } from '../abi/types.ts';
import { describe, FilterLoadError } from '../errors.ts';
import { importFilterModule } from '../native/adapter.ts';
import {
  CONTROL_PREFIX,
  contextKey,
  decodeCall,
  encodeAnswer,
  FILTER_PREFIX,
  ProtocolError,
  SERVICE_NAME,
  serviceContext,
} from './protocol.ts';

export const DEFAULT_MAX_BODY = 8 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Easegress bounds the whole context at 3 × its body limit; so does the service. */
const CONTEXT_FACTOR = 3;
const CONTEXT_SLACK = 64 * 1024;
const CONTROL_BODY_MAX = 1024 * 1024;
const KEEP_LOGS = 1000;

export interface ServiceOptions {
  /** Largest request or response body (decoded) a call may carry. */
  maxBodyBytes?: number;
  /** Echo filter logs of calls that do not ask for them (Easegress clients) to stderr. */
  verbose?: boolean;
}

export interface ServiceAnswer {
  status: number;
  json: string;
}

interface KvGroup {
  readonly id: string;
  readonly kv: Map<string, string>;
  readonly logs: LogRecord[];
  readonly host: HostServices;
  refs: number;
}

interface Deployment {
  readonly id: string;
  readonly file: string;
  readonly filter: FilterModule;
  readonly group: KvGroup;
  ctx: RequestContext | undefined;
  ctxKey: string;
}

function answer(status: number, body: unknown): ServiceAnswer {
  return { status, json: JSON.stringify(body) };
}

function errorAnswer(status: number, message: string): ServiceAnswer {
  return answer(status, { error: message });
}

/** The service without its HTTP server: importable, so its per-call cost can be measured in process. */
export class FilterService {
  readonly maxBodyBytes: number;
  /** Largest JSON context accepted on a filter endpoint. */
  readonly maxContextBytes: number;
  private readonly verbose: boolean;
  private readonly filters = new Map<string, Promise<FilterModule>>();
  private readonly deployments = new Map<string, Deployment>();
  private readonly groups = new Map<string, KvGroup>();
  // The call (or init) in flight.
  private callNow: number | undefined;
  private callLogs: Array<[string, string]> | undefined;

  constructor(options: ServiceOptions = {}) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.maxContextBytes = CONTEXT_FACTOR * this.maxBodyBytes + CONTEXT_SLACK;
    this.verbose = options.verbose ?? false;
  }

  info(): Record<string, unknown> {
    return {
      service: SERVICE_NAME,
      protocol: 'easegress-remotefilter',
      abi: ABI_VERSION,
      node: process.version,
      v8: process.versions.v8,
      pid: process.pid,
      maxBodyBytes: this.maxBodyBytes,
      deployments: this.deployments.size,
    };
  }

  /** Imports a filter file once (by absolute path). */
  loadFilter(file: string): Promise<FilterModule> {
    const abs = path.resolve(file);
    let filter = this.filters.get(abs);
    if (!filter) {
      filter = importFilterModule('remote', abs);
      this.filters.set(abs, filter);
      filter.catch(() => this.filters.delete(abs));
    }
    return filter;
  }

  async load(body: unknown): Promise<ServiceAnswer> {
    const file = (body as { file?: unknown } | null)?.file;
    if (typeof file !== 'string' || file === '') return errorAnswer(400, '"file" must be a filter file path');
    try {
      await this.loadFilter(file);
    } catch (err) {
      return loadFailure(err);
    }
    return answer(200, { file: path.resolve(file) });
  }

  async deploy(body: unknown, origin: string): Promise<ServiceAnswer> {
    const b = (body ?? {}) as { file?: unknown; config?: unknown; kv?: unknown; nowMs?: unknown };
    if (typeof b.file !== 'string' || b.file === '') return errorAnswer(400, '"file" must be a filter file path');
    const config = typeof b.config === 'string' ? b.config : b.config === undefined ? '' : JSON.stringify(b.config);
    if (b.kv !== undefined && (typeof b.kv !== 'string' || b.kv === '' || b.kv.length > 200)) {
      return errorAnswer(400, '"kv" must be a non-empty string naming the kv store to share');
    }
    let filter: FilterModule;
    try {
      filter = await this.loadFilter(b.file);
    } catch (err) {
      return loadFailure(err);
    }
    const groupId = typeof b.kv === 'string' ? b.kv : newId();
    const group = this.groups.get(groupId) ?? this.newGroup(groupId);
    const logs: Array<[string, string]> = [];
    this.callNow = typeof b.nowMs === 'number' ? b.nowMs : undefined;
    this.callLogs = logs;
    try {
      filter.init?.(config, group.host);
    } catch (err) {
      if (group.refs === 0) this.groups.delete(group.id);
      return answer(422, { error: describe(err), logs });
    } finally {
      this.callNow = undefined;
      this.callLogs = undefined;
    }
    group.refs++;
    const id = newId();
    this.deployments.set(id, { id, file: path.resolve(b.file), filter, group, ctx: undefined, ctxKey: '' });
    const route = FILTER_PREFIX + id;
    return answer(201, { id, url: origin + route, path: route, kv: group.id, logs });
  }

  undeploy(id: string): boolean {
    const dep = this.deployments.get(id);
    if (!dep) return false;
    this.deployments.delete(id);
    if (--dep.group.refs === 0) this.groups.delete(dep.group.id);
    return true;
  }

  describeDeployment(id: string): ServiceAnswer {
    const dep = this.deployments.get(id);
    if (!dep) return errorAnswer(404, `no deployment ${id}`);
    return answer(200, {
      id,
      file: dep.file,
      kv: dep.group.id,
      entries: Object.fromEntries(dep.group.kv),
      logs: dep.group.logs.map((r) => [r.level, r.message]),
    });
  }

  /** One RemoteFilter call: the JSON context in, the status and JSON context out. */
  call(id: string, text: string): ServiceAnswer {
    const dep = this.deployments.get(id);
    if (!dep) return errorAnswer(404, `no deployment ${id}`);
    let call;
    try {
      call = decodeCall(text);
    } catch (err) {
      return errorAnswer(400, `bad context: ${describe(err)}`);
    }
    if (call.body.length > this.maxBodyBytes) {
      return errorAnswer(413, `request body of ${call.body.length} bytes exceeds the limit of ${this.maxBodyBytes}`);
    }
    const ext = call.wire.plugbench != null && typeof call.wire.plugbench === 'object' ? call.wire.plugbench : undefined;
    const key = contextKey(ext);
    let ctx = dep.ctx;
    if (ctx === undefined || dep.ctxKey !== key) {
      ctx = dep.ctx = serviceContext(ext, this.maxBodyBytes);
      dep.ctxKey = key;
    }
    ctx.reset(call.prepared);
    const logs: Array<[string, string]> | undefined = ext ? [] : undefined;
    this.callNow = ext && typeof ext.nowMs === 'number' ? ext.nowMs : undefined;
    this.callLogs = logs;
    let result: unknown;
    try {
      result = dep.filter.handle(ctx, dep.group.host);
    } catch (err) {
      return errorAnswer(500, describe(err));
    } finally {
      this.callNow = undefined;
      this.callLogs = undefined;
    }
    try {
      return encodeAnswer(ctx, call, result == null ? '' : String(result), logs);
    } catch (err) {
      return errorAnswer(500, describe(err));
    }
  }

  private newGroup(id: string): KvGroup {
    const kv = new Map<string, string>();
    const logs: LogRecord[] = [];
    // Plain closures over the service: the clock and log sink of the call in flight.
    const host: HostServices = {
      kvGet: (key) => kv.get(key),
      kvSet: (key, value) => void kv.set(key, value),
      nowMs: () => this.callNow ?? systemClock.nowMs(),
      log: (level, message) => {
        if (this.callLogs) {
          this.callLogs.push([level, String(message)]);
          return;
        }
        if (logs.length >= KEEP_LOGS) logs.shift();
        logs.push({ level, message: String(message) });
        if (this.verbose) process.stderr.write(`[${id}] ${level}: ${message}\n`);
      },
    };
    const group: KvGroup = { id, kv, logs, host, refs: 0 };
    this.groups.set(id, group);
    return group;
  }
}

function loadFailure(err: unknown): ServiceAnswer {
  if (err instanceof FilterLoadError) return answer(422, { error: err.message, file: err.file, kind: 'load' });
  return answer(422, { error: describe(err), kind: 'load' });
}

function newId(): string {
  return randomBytes(6).toString('hex');
}

// ---------------------------------------------------------------------------
// HTTP

export interface ListenOptions extends ServiceOptions {
  port?: number;
  host?: string;
  requestTimeoutMs?: number;
  /** Add `Server-Timing: service;dur=<ms>` to filter answers. */
  timing?: boolean;
}

const JSON_TYPE = 'application/json';

function send(res: http.ServerResponse, a: ServiceAnswer, timingMs?: number): void {
  const headers: http.OutgoingHttpHeaders = { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(a.json) };
  if (timingMs !== undefined) headers['server-timing'] = `service;dur=${timingMs.toFixed(4)}`;
  res.writeHead(a.status, headers);
  res.end(a.json);
}

/**
 * Reads the request body up to `limit` bytes and hands it over as text. Past the
 * limit it answers 413 once the client has finished sending (so the client sees
 * the answer rather than a reset), or resets a client that keeps sending far past it.
 */
function readBody(req: http.IncomingMessage, res: http.ServerResponse, limit: number, done: (text: string) => void): void {
  // Counted as it arrives: `req.headers` is built lazily, and building it is a
  // measurable part of a call this small.
  let tooLarge = false;
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (tooLarge) {
      chunks.length = 0;
      if (size > limit + 64 * 1024 * 1024) req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) {
      send(res, errorAnswer(413, `context of ${size} bytes exceeds the limit of ${limit}`));
      return;
    }
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
    done(text);
  });
  req.on('error', () => {});
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError('the body is not JSON');
  }
}

export function createHttpServer(service: FilterService, options: ListenOptions = {}): http.Server {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const timing = options.timing ?? false;
  const server = http.createServer(
    {
      keepAlive: true,
      noDelay: true,
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 60_000),
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 2))),
    },
    (req, res) => {
      const url = req.url ?? '/';
      if (req.method === 'POST' && url.startsWith(FILTER_PREFIX)) {
        const q = url.indexOf('?');
        const id = url.slice(FILTER_PREFIX.length, q < 0 ? undefined : q);
        readBody(req, res, service.maxContextBytes, (text) => {
          if (!timing) return send(res, service.call(id, text));
          const t0 = performance.now();
          const a = service.call(id, text);
          send(res, a, performance.now() - t0);
        });
        return;
      }
      if (url.startsWith(CONTROL_PREFIX)) {
        control(service, req, res);
        return;
      }
      send(res, errorAnswer(404, `no route for ${req.method} ${url}`));
    },
  );
  // Longer than any client's idle timeout, so the client always closes first.
  server.keepAliveTimeout = 65_000;
  return server;
}

function control(service: FilterService, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = (req.url ?? '/').split('?')[0]!;
  const route = url.slice(CONTROL_PREFIX.length);
  const origin = `http://${req.headers.host ?? 'localhost'}`;
  const method = req.method ?? 'GET';
  const reply = (p: Promise<ServiceAnswer> | ServiceAnswer) =>
    Promise.resolve(p).then(
      (a) => send(res, a),
      (err) => send(res, errorAnswer(err instanceof ProtocolError ? 400 : 500, describe(err))),
    );

  if (route === 'info' && method === 'GET') return void reply(answer(200, service.info()));
  if (route === 'filters' && method === 'POST') {
    return readBody(req, res, CONTROL_BODY_MAX, (text) => void reply(Promise.resolve().then(() => service.load(parseJson(text)))));
  }
  if (route === 'deployments' && method === 'POST') {
    return readBody(req, res, CONTROL_BODY_MAX, (text) =>
      void reply(Promise.resolve().then(() => service.deploy(parseJson(text), origin))),
    );
  }
  if (route.startsWith('deployments/')) {
    const id = route.slice('deployments/'.length);
    if (method === 'GET') return void reply(service.describeDeployment(id));
    if (method === 'DELETE') {
      req.resume();
      if (!service.undeploy(id)) return void reply(errorAnswer(404, `no deployment ${id}`));
      res.writeHead(204);
      res.end();
      return;
    }
  }
  req.resume();
  send(res, errorAnswer(404, `no route for ${method} ${url}`));
}

/** Starts the service; resolves with the server and its base URL. */
export function listen(options: ListenOptions = {}): Promise<{ server: http.Server; service: FilterService; url: string }> {
  const service = new FilterService(options);
  const server = createHttpServer(service, options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : options.port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({ server, service, url: `http://${shown}:${port}` });
    });
  });
}

// ---------------------------------------------------------------------------
// Command line

interface CliOptions extends ListenOptions {
  ignoreStdin: boolean;
}

const USAGE =
  'usage: server.ts [--port N] [--host 127.0.0.1] [--max-body BYTES] [--request-timeout MS] [--ignore-stdin] [--timing] [--verbose]';

function parseArgs(argv: string[]): CliOptions {
  const out: CliOptions = { ignoreStdin: false };
  const num = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer ≥ ${min}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        out.port = num(flag, value(), 0);
        break;
      case '--host':
        out.host = value();
        if (!out.host) throw new Error(`--host needs an address\n${USAGE}`);
        break;
      case '--max-body':
        out.maxBodyBytes = num(flag, value(), 0);
        break;
      case '--request-timeout':
        out.requestTimeoutMs = num(flag, value(), 1);
        break;
      case '--ignore-stdin':
        out.ignoreStdin = true;
        break;
      case '--timing':
        out.timing = true;
        break;
      case '--verbose':
        out.verbose = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
      default:
        throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`remote server: ${describe(err)}\n`);
    process.exit(2);
  }
  const { server, url } = await listen(options);
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    if (options.verbose) process.stderr.write(`remote server: stopping (${why})\n`);
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (!options.ignoreStdin) {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('close', () => stop('stdin closed'));
    process.stdin.on('error', () => stop('stdin error'));
    process.stdin.resume();
  }
  process.stdout.write(`listening ${url}\n`);
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main().catch((err) => {
    process.stderr.write(`remote server: ${describe(err)}\n`);
    process.exit(1);
  });
}
