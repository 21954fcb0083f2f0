// What crosses the worker boundary (runtimes/boundary), shared by both sides:
// the request snapshot, the guest's request edits as a replayable list, host
// calls, and errors (structured clone keeps only a standard error's name and
// message; the ABI's AbiError code and LimitExceeded's fields must survive).

import { AbiError, RequestContext, SENSITIVE_HEADERS, type AbiErrorCode, type PreparedRequest, type RequestLimits } from '../abi/context.ts';
import type { BodyInit } from '../abi/types.ts';
import { FilterLoadError } from '../errors.ts';
import { LimitExceeded, type LimitKind } from '../limits.ts';

// ---------------------------------------------------------------------------
// Messages

/** The request in flight: method, path, every header (hidden ones included, lower-case), body. */
export type Snapshot = [method: string, path: string, names: string[], values: string[], body: Uint8Array];

/** A request context's configuration, sent when it differs from the last one the worker got. */
export interface ContextConfig {
  key: string;
  limits: RequestLimits;
  hidden: readonly string[];
}

/** A message to the worker without its id (Conn.request numbers it). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type ToWorker =
  | { t: 'load'; id: number; module: string; export: string; prepared: unknown }
  | { t: 'new'; id: number; iid: number; config: string }
  | { t: 'call'; id: number; iid: number; req: Snapshot; cfg?: ContextConfig }
  | { t: 'free'; id: number; iid: number };

export type HostOp = 'kvGet' | 'kvSet' | 'nowMs' | 'log';

export type FromWorker =
  | { t: 'done'; id: number; ok: true; v?: unknown; ops?: Op[] }
  | { t: 'done'; id: number; ok: false; e: WireError; ops?: Op[] }
  | { t: 'host'; iid: number; op: HostOp; a?: unknown; b?: unknown };

/** The main thread's answer to a host call, on the dedicated reply port. */
export type HostReply = { ok: true; v: unknown } | { ok: false; e: WireError };

/** The worker's data: the host-call handshake (a flag in shared memory and a port to read the answer from). */
export interface WorkerData {
  flag: SharedArrayBuffer;
  replies: import('node:worker_threads').MessagePort;
  /** file URL of worker.ts */
  entry: string;
}

// ---------------------------------------------------------------------------
// Request edits: recorded in the worker, replayed on the caller's context

const SET_PATH = 0;
const SET_HEADER = 1;
const ADD_HEADER = 2;
const REMOVE_HEADER = 3;
const SET_BODY = 4;
const RESPOND = 5;

export type Op =
  | [typeof SET_PATH, string]
  | [typeof SET_HEADER | typeof ADD_HEADER, string, string]
  | [typeof REMOVE_HEADER, string]
  | [typeof SET_BODY, BodyInit]
  | [typeof RESPOND, number, Array<[string, string]>, BodyInit];

/**
 * The worker's request context: the ABI's own class (same validation, limits and
 * sensitive-header policy), recording every edit that succeeded, so the caller's
 * context can be brought to the same state by the same calls.
 */
export class RecordingContext extends RequestContext {
  ops: Op[] = [];
  /** >0 inside an edit: edits an edit makes itself (set-body's content-length) are not recorded. */
  private depth = 0;

  static forConfig(cfg: ContextConfig): RecordingContext {
    const grants = SENSITIVE_HEADERS.filter((h) => !cfg.hidden.includes(h));
    return new RecordingContext({ limits: cfg.limits, grants });
  }

  start(req: Snapshot): this {
    const prepared: PreparedRequest = { method: req[0], path: req[1], names: req[2], values: req[3], body: req[4] };
    this.ops = [];
    return this.reset(prepared);
  }

  private record(op: Op, edit: () => void): void {
    this.depth++;
    try {
      edit();
    } finally {
      this.depth--;
    }
    if (this.depth === 0) this.ops.push(op);
  }

  override setPath(path: string): void {
    this.record([SET_PATH, path], () => super.setPath(path));
  }
  override setHeader(name: string, value: string): void {
    this.record([SET_HEADER, name, value], () => super.setHeader(name, value));
  }
  override addHeader(name: string, value: string): void {
    this.record([ADD_HEADER, name, value], () => super.addHeader(name, value));
  }
  override removeHeader(name: string): void {
    this.record([REMOVE_HEADER, name], () => super.removeHeader(name));
  }
  override setBody(body: BodyInit): void {
    this.record([SET_BODY, body], () => super.setBody(body));
  }
  override respond(status: number, headers: Array<[string, string]>, body?: BodyInit): void {
    this.depth++;
    try {
      super.respond(status, headers, body);
    } finally {
      this.depth--;
    }
    // A copy: the context copied the pairs too, so later changes to the guest's array do not count.
    if (this.depth === 0) this.ops.push([RESPOND, status, headers.map(([n, v]) => [n, v] as [string, string]), body ?? new Uint8Array(0)]);
  }
}

export function snapshot(ctx: RequestContext): Snapshot {
  const list = ctx.headerList();
  const names = new Array<string>(list.length);
  const values = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) {
    names[i] = list[i]![0];
    values[i] = list[i]![1];
  }
  return [ctx.method(), ctx.path(), names, values, ctx.body()];
}

const configKeys = new WeakMap<RequestContext, ContextConfig>();

export function contextConfig(ctx: RequestContext): ContextConfig {
  let cfg = configKeys.get(ctx);
  if (!cfg) {
    const l = ctx.limits;
    cfg = { key: `${l.maxHeaders}/${l.maxHeaderBytes}/${l.maxBodyBytes}/${ctx.hiddenHeaders.join(',')}`, limits: { ...l }, hidden: ctx.hiddenHeaders };
    configKeys.set(ctx, cfg);
  }
  return cfg;
}

/** Applies the worker's recorded edits to the caller's context, through the same public methods. */
export function replay(ctx: RequestContext, ops: readonly Op[]): void {
  for (const op of ops) {
    switch (op[0]) {
      case SET_PATH:
        ctx.setPath(op[1]);
        break;
      case SET_HEADER:
        ctx.setHeader(op[1], op[2]);
        break;
      case ADD_HEADER:
        ctx.addHeader(op[1], op[2]);
        break;
      case REMOVE_HEADER:
        ctx.removeHeader(op[1]);
        break;
      case SET_BODY:
        ctx.setBody(op[1]);
        break;
      case RESPOND:
        ctx.respond(op[1], op[2], op[3]);
        break;
    }
  }
}

// ---------------------------------------------------------------------------
// Errors

export interface WireError {
  /** Not an Error: the thrown value itself (when cloneable) or its text. */
  value?: unknown;
  name?: string;
  message?: string;
  stack?: string;
  code?: string;
  limit?: LimitKind;
  mechanism?: string;
  runtime?: string;
  file?: string;
  cause?: WireError;
}

export function toWire(err: unknown, depth = 0): WireError {
  if (!(err instanceof Error)) {
    const t = typeof err;
    return { value: err === null || t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined' ? err : String(err) };
  }
  const e = err as Error & Partial<AbiError & LimitExceeded & FilterLoadError>;
  const out: WireError = { name: e.name, message: e.message, stack: e.stack };
  if (typeof e.code === 'string') out.code = e.code;
  if (typeof e.limit === 'string') out.limit = e.limit;
  if (typeof e.mechanism === 'string') out.mechanism = e.mechanism;
  if (err instanceof FilterLoadError) {
    out.runtime = err.runtime;
    out.file = err.file;
  }
  if (e.cause !== undefined && depth < 3) out.cause = toWire(e.cause, depth + 1);
  return out;
}

const STANDARD: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

export function fromWire(w: WireError): unknown {
  if (w.name === undefined) return w.value;
  const message = w.message ?? '';
  const cause = w.cause === undefined ? undefined : fromWire(w.cause);
  const options = cause === undefined ? undefined : { cause };
  let err: Error;
  if (w.name === 'AbiError' && w.code) err = new AbiError(w.code as AbiErrorCode, message);
  else if (w.name === 'LimitExceeded' && w.limit && w.mechanism !== undefined) err = new LimitExceeded(w.limit, w.mechanism, message, options);
  else if (w.name === 'FilterLoadError' && w.runtime !== undefined && w.file !== undefined) {
    err = new FilterLoadError(w.runtime, w.file, '');
    err.message = message;
  } else if (w.name === 'RuntimeError') err = new WebAssembly.RuntimeError(message);
  else if (w.name === 'CompileError') err = new WebAssembly.CompileError(message);
  else if (w.name === 'LinkError') err = new WebAssembly.LinkError(message);
  else {
    err = new (STANDARD[w.name] ?? Error)(message, options);
    if (!(w.name in STANDARD)) err.name = w.name;
  }
  if (options && err.cause === undefined) Object.defineProperty(err, 'cause', { value: cause, writable: true, configurable: true });
  if (w.code !== undefined && (err as { code?: unknown }).code === undefined) (err as { code?: string }).code = w.code;
  if (w.stack) err.stack = w.stack;
  return err;
}
