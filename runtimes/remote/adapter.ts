// remote: filters run out of process, in an HTTP service speaking Easegress's
// RemoteFilter protocol (protocol.ts). Without a URL the adapter starts
// server.ts as a child process on first use and stops it in close() (and when
// this process exits; the service also exits when its stdin closes). With a URL
// (`--remote-url`, PLUGBENCH_REMOTE_URL) it uses that service: plugbench's own
// (it answers the control API, and deployments are made there; filter files are
// given by absolute path, so it must see the same files) or any service that
// speaks the protocol, whose URL is then one fixed filter endpoint (load and
// instantiate deploy nothing; config is the service's business).

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import type { RequestContext } from '../abi/context.ts';
import type { FilterInstance, HostServices, LoadedFilter, Runtime, RuntimeInfo } from '../abi/types.ts';
import { FilterLoadError } from '../errors.ts';
import { applyWireResult, CONTROL_PREFIX, encodeRequest, forwardLogs, requestExtension, SERVICE_NAME } from './protocol.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SERVER_PATH = path.join(HERE, 'server.ts');
const PROJECT_ROOT = path.resolve(HERE, '..', '..');
const ENGINE = 'remote (Easegress RemoteFilter over HTTP/1.1)';

export interface RemoteRuntimeOptions {
  /** A running service: plugbench's (its base URL) or any RemoteFilter endpoint. Default: start server.ts. */
  url?: string;
  /** Per call: no answer within this many ms fails the call. Default 5000. */
  timeoutMs?: number;
  /** Most keep-alive connections to the service (opened as concurrency needs them). Default 16. */
  connections?: number;
  /** How long the child service may take to print its listening line. Default 20000. */
  startTimeoutMs?: number;
  /** Extra arguments for the child service (e.g. ['--max-body', '1048576']). */
  serverArgs?: string[];
}

export interface RemoteServiceInfo {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** 'control': plugbench's service, deployments made per instance; 'fixed': one given endpoint. */
  mode: 'control' | 'fixed';
  /** The fixed endpoint's path (mode 'fixed'). */
  endpoint?: string;
  /** The child process this adapter started, if any. */
  pid?: number;
  /** The service's node version, when it tells. */
  node?: string;
}

export interface RemoteRuntime extends Runtime {
  close(): Promise<void>;
  /** Connects (starting the child if needed) and says where the service is. */
  service(): Promise<RemoteServiceInfo>;
}

interface Connection {
  readonly info: RemoteServiceInfo;
  readonly pool: Pool;
  readonly child: ChildProcess | undefined;
  closed: boolean;
}

interface Answer {
  status: number;
  text: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const CONTROL_TIMEOUT_MS = 60_000;

// Children still running when this process exits are terminated.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGTERM');
    });
  }
}

/** No complete answer within the call's time limit. */
class CallTimeout extends Error {
  readonly code = 'PLUGBENCH_REMOTE_TIMEOUT';
}

interface Controller {
  abort(reason: Error): void;
}

/**
 * One POST, collected into text with a bare undici dispatch handler: ~10-15 µs
 * cheaper per call than `request()` + `body.text()`, which build a stream per
 * answer. The time limit covers the whole exchange (undici's own headersTimeout
 * does not fire while a request body is still marked as being written).
 */
export function postJson(pool: Pool, route: string, json: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    let controller: Controller | undefined;
    let timedOut: CallTimeout | undefined;
    const timer = setTimeout(() => {
      timedOut = new CallTimeout(`no answer within ${timeoutMs} ms`);
      controller?.abort(timedOut);
      reject(timedOut);
    }, timeoutMs);
    pool.dispatch(
      { path: route, method: 'POST', headers: JSON_HEADERS, body: json },
      {
        onRequestStart(c: Controller) {
          controller = c;
          if (timedOut) c.abort(timedOut);
        },
        onResponseStart(_c: Controller, statusCode: number) {
          status = statusCode;
        },
        onResponseData(_c: Controller, chunk: Buffer) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          clearTimeout(timer);
          const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
          resolve({ status, text });
        },
        onResponseError(_c: Controller, err: Error) {
          clearTimeout(timer);
          reject(err);
        },
      } as unknown as Parameters<Pool['dispatch']>[1],
    );
  });
}

/** The service's load error as a FilterLoadError for `file` (without repeating its prefix). */
function loadFailure(file: string, abs: string, text: string): FilterLoadError {
  let detail = errorText(text);
  const prefix = `remote: cannot load ${abs}: `;
  if (detail.startsWith(prefix)) detail = detail.slice(prefix.length);
  return new FilterLoadError('remote', file, detail);
}

function clip(text: string, max = 1000): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}

function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed?.error === 'string') return parsed.error;
  } catch {
    // not JSON: the body as it is
  }
  return clip(text);
}

/** Starts server.ts and resolves once it prints `listening <url>`. */
function startChild(timeoutMs: number, extraArgs: readonly string[]): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_PATH, '--port', '0', ...extraArgs], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  trackChild(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-8192);
  });
  const withStderr = (msg: string) => (stderr.trim() ? `${msg}; its stderr:\n${stderr.trim()}` : msg);
  return new Promise((resolve, reject) => {
    let settled = false;
    let out = '';
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new Error(withStderr(`remote: the filter service (${SERVER_PATH}) did not start within ${timeoutMs} ms`))),
      timeoutMs,
    );
    child.once('error', (err) => fail(new Error(`remote: cannot start the filter service: ${err.message}`)));
    // 'close' comes after the stdio streams ended, so stderr is complete.
    child.once('close', (code, signal) => {
      fail(new Error(withStderr(`remote: the filter service exited (${signal ?? `code ${code}`}) before it was ready`)));
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      if (settled) return;
      out += d;
      const m = /^listening (https?:\/\/\S+)\r?$/m.exec(out);
      if (!m) return;
      settled = true;
      clearTimeout(timer);
      // Neither the child nor its pipes keep this process alive: close() or exit ends it.
      child.unref();
      for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
      resolve({ child, origin: m[1]! });
    });
  });
}

export function createRemoteRuntime(options: RemoteRuntimeOptions = {}): RemoteRuntime {
  const timeoutMs = options.timeoutMs ?? 5000;
  const connections = options.connections ?? 16;
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const serverArgs = options.serverArgs ?? [];
  let connecting: Promise<Connection> | undefined;
  /** One kv store on the service per HostServices object: instances of one host share it. */
  const kvNames = new WeakMap<HostServices, string>();

  function makePool(origin: string): Pool {
    return new Pool(origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      // Calls carry their own time limit (postJson); these only catch a stuck socket.
      headersTimeout: Math.max(timeoutMs, CONTROL_TIMEOUT_MS),
      bodyTimeout: Math.max(timeoutMs, CONTROL_TIMEOUT_MS),
    });
  }

  async function connect(): Promise<Connection> {
    if (!options.url) {
      const { child, origin } = await startChild(startTimeoutMs, serverArgs);
      const conn: Connection = { info: { origin, mode: 'control', pid: child.pid }, pool: makePool(origin), child, closed: false };
      child.once('exit', () => {
        conn.closed = true;
        void conn.pool.destroy().catch(() => {});
        if (current === conn) {
          current = undefined;
          connecting = undefined;
        }
      });
      const about = await control(conn, 'GET', 'info').catch(() => undefined);
      if (about && about.status === 200) conn.info.node = (JSON.parse(about.text) as { node?: string }).node;
      return conn;
    }
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error(`remote: ${JSON.stringify(options.url)} is not a URL`);
    }
    const origin = url.origin;
    const pool = makePool(origin);
    const conn: Connection = { info: { origin, mode: 'fixed', endpoint: url.pathname + url.search }, pool, child: undefined, closed: false };
    if (url.pathname === '/' && url.search === '') {
      // plugbench's service answers its control API at the root; anything else
      // that answers is taken for a RemoteFilter endpoint. No answer at all is an error.
      let about: Answer;
      try {
        about = await control(conn, 'GET', 'info');
      } catch (err) {
        await pool.destroy().catch(() => {});
        throw err;
      }
      if (about.status === 200) {
        try {
          const parsed = JSON.parse(about.text) as { service?: string; node?: string };
          if (parsed.service === SERVICE_NAME) {
            conn.info.mode = 'control';
            delete conn.info.endpoint;
            conn.info.node = parsed.node;
          }
        } catch {
          // not plugbench's service
        }
      }
    }
    return conn;
  }

  let current: Connection | undefined;
  function connection(): Promise<Connection> {
    if (!connecting) {
      connecting = connect().then(
        (c) => (current = c),
        (err) => {
          connecting = undefined;
          throw err;
        },
      );
    }
    return connecting;
  }

  function transportError(conn: Connection, where: string, err: unknown, ms: number): Error {
    const code = (err as { code?: string })?.code;
    const url = conn.info.origin + where;
    if (err instanceof CallTimeout || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new Error(`remote: no answer from ${url} within ${ms} ms`);
    }
    if (conn.closed) return new Error(`remote: the filter service at ${conn.info.origin} is gone (${(err as Error)?.message ?? err})`);
    return new Error(`remote: cannot reach ${url}: ${(err as Error)?.message ?? err}`);
  }

  async function control(conn: Connection, method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<Answer> {
    const where = CONTROL_PREFIX + route;
    try {
      const res = await conn.pool.request({
        path: where,
        method,
        headers: body === undefined ? undefined : JSON_HEADERS,
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: CONTROL_TIMEOUT_MS,
        bodyTimeout: CONTROL_TIMEOUT_MS,
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      throw transportError(conn, where, err, CONTROL_TIMEOUT_MS);
    }
  }

  function instance(conn: Connection, route: string, host: HostServices, id: string | undefined): FilterInstance {
    const url = conn.info.origin + route;
    const pool = conn.pool;
    let disposed = false;
    return {
      async handle(ctx: RequestContext): Promise<string> {
        if (disposed) throw new Error(`remote: the instance at ${url} is disposed`);
        const { json, sent } = encodeRequest(ctx, requestExtension(ctx, host.nowMs()));
        let answer: Answer;
        try {
          answer = await postJson(pool, route, json, timeoutMs);
        } catch (err) {
          throw transportError(conn, route, err, timeoutMs);
        }
        const { status, text } = answer;
        if (status < 200 || status >= 300) throw new Error(`remote: ${url} answered ${status}: ${clip(text)}`);
        return applyWireResult(ctx, sent, status, text, host);
      },
      async dispose() {
        if (disposed) return;
        disposed = true;
        if (id === undefined || conn.closed) return;
        await control(conn, 'DELETE', `deployments/${id}`).catch(() => {});
      },
    };
  }

  const runtime: RemoteRuntime = {
    name: 'remote',
    source: 'filter.ts',

    async info(): Promise<RuntimeInfo> {
      const conn = await connection();
      const where =
        conn.info.mode === 'control'
          ? `plugbench's filter service at ${conn.info.origin} (one deployment per instance, kv shared per host)`
          : `the RemoteFilter endpoint ${conn.info.origin}${conn.info.endpoint} (load and instantiate deploy nothing)`;
      return {
        engine: ENGINE,
        version: conn.info.node ? `node ${conn.info.node}` : 'unknown (external service)',
        notes:
          `Out of process: ${where}. Per call the gateway encodes the context as JSON ` +
          '(visible headers, base64 body) and POSTs it over a keep-alive HTTP/1.1 connection (undici); ' +
          'the service parses it, runs the filter on its own RequestContext and encodes the context back ' +
          '(JSON + base64); the gateway parses that and applies the differences through the RequestContext. ' +
          `So JSON and base64 encode + decode on both sides plus one loopback round trip. Timeout ${timeoutMs} ms per call.`,
      };
    },

    async load(file: string): Promise<LoadedFilter> {
      const abs = path.resolve(file);
      const conn = await connection();
      if (conn.info.mode === 'control') {
        const a = await control(conn, 'POST', 'filters', { file: abs });
        if (a.status !== 200) throw loadFailure(file, abs, a.text);
      }
      return {
        async instantiate(config: string, host: HostServices): Promise<FilterInstance> {
          if (conn.closed) throw new Error(`remote: the filter service at ${conn.info.origin} is gone`);
          if (conn.info.mode === 'fixed') return instance(conn, conn.info.endpoint!, host, undefined);
          let kv = kvNames.get(host);
          if (kv === undefined) kvNames.set(host, (kv = randomUUID()));
          const a = await control(conn, 'POST', 'deployments', { file: abs, config, kv, nowMs: host.nowMs() });
          let body: { id?: string; path?: string; logs?: unknown; error?: string; kind?: string } = {};
          try {
            body = JSON.parse(a.text);
          } catch {
            // reported below
          }
          forwardLogs(body.logs, host);
          if (a.status === 422 && body.kind === 'load') throw loadFailure(file, abs, a.text);
          // An init that refuses the deployment: its own message, as native reports it.
          if (a.status === 422) throw new Error(body.error ?? a.text);
          if (a.status !== 201 || !body.id || !body.path) {
            throw new Error(`remote: ${conn.info.origin}${CONTROL_PREFIX}deployments answered ${a.status}: ${clip(a.text)}`);
          }
          return instance(conn, body.path, host, body.id);
        },
      };
    },

    async service(): Promise<RemoteServiceInfo> {
      return { ...(await connection()).info };
    },

    async close(): Promise<void> {
      const pending = connecting;
      connecting = undefined;
      current = undefined;
      if (!pending) return;
      let conn: Connection;
      try {
        conn = await pending;
      } catch {
        return;
      }
      conn.closed = true;
      await conn.pool.destroy().catch(() => {});
      const child = conn.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.stdin?.end();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  return runtime;
}

export default createRemoteRuntime({ url: process.env.PLUGBENCH_REMOTE_URL });
