// The one host-side request context (DESIGN §1). Every adapter binds its guest
// to an instance of this class, so header semantics, limits and the
// sensitive-header policy cannot drift between runtimes. The remote adapter
// applies the same class to its wire protocol.
//
// It sits on every benchmarked call, so it is written for speed: headers are
// two parallel arrays shared copy-on-write with the prepared request, and
// `reset` only swaps references.

import type { BodyInit, FilterRequest } from './types.ts';

/** An HTTP request as it arrives at the gateway (a corpus item). */
export interface HttpRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** Names in any case, in arrival order, repeats allowed. */
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/** A request normalised once (lower-case names), reusable across many calls. */
export interface PreparedRequest {
  readonly method: string;
  readonly path: string;
  readonly names: readonly string[];
  readonly values: readonly string[];
  readonly body: Uint8Array;
}

export interface LocalResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/** Everything a filter can change: what verification compares. */
export interface FilterOutcome {
  result: string;
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
  response?: LocalResponse;
}

export interface RequestLimits {
  /** Most header fields (counting repeats) a request may carry after the filter ran. */
  maxHeaders: number;
  /** Largest single header field: name length + value length. */
  maxHeaderBytes: number;
  /** Largest body a filter may set or answer with. */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: Readonly<RequestLimits> = Object.freeze({
  maxHeaders: 100, // Envoy's max_headers_count default
  maxHeaderBytes: 8192, // nginx's large_client_header_buffers size
  maxBodyBytes: 8 * 1024 * 1024,
});

/** Headers hidden from filters unless the deployment grants them. */
export const SENSITIVE_HEADERS: readonly string[] = Object.freeze(['authorization', 'cookie']);

export interface ContextOptions {
  limits?: Partial<RequestLimits>;
  /** Sensitive header names this deployment may read and write. */
  grants?: readonly string[];
}

export type AbiErrorCode = 'invalid' | 'limit' | 'denied';

/** A guest broke the ABI's rules. Adapters surface it to the guest as its language's error. */
export class AbiError extends Error {
  readonly code: AbiErrorCode;
  constructor(code: AbiErrorCode, message: string) {
    super(message);
    this.name = 'AbiError';
    this.code = code;
  }
}

// RFC 9110 token characters for field names.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible ASCII, obs-text (0x80-0xFF), space and tab; no CR, LF, NUL.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// Request target: origin-form, no whitespace or controls.
const PATH = /^\/[\x21-\x7e\x80-\xff]*$/;

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

export function prepareRequest(req: HttpRequest): PreparedRequest {
  if (!PATH.test(req.path)) throw new AbiError('invalid', `invalid request path ${JSON.stringify(req.path)}`);
  const names: string[] = [];
  const values: string[] = [];
  for (const [name, value] of req.headers) {
    if (!TOKEN.test(name)) throw new AbiError('invalid', `invalid header name ${JSON.stringify(name)}`);
    if (!FIELD_VALUE.test(value)) throw new AbiError('invalid', `invalid value for header ${name}`);
    names.push(name.toLowerCase());
    values.push(value);
  }
  return Object.freeze({
    method: req.method.toUpperCase(),
    path: req.path,
    names,
    values,
    body: req.body,
  });
}

export class RequestContext implements FilterRequest {
  readonly limits: RequestLimits;
  /** Lower-case names of sensitive headers hidden from this deployment. */
  private readonly hidden: ReadonlySet<string>;
  /** The same, as a list, for adapters that must tell an out-of-process guest (remote). */
  readonly hiddenHeaders: readonly string[];

  private _method = 'GET';
  private _path = '/';
  private names: string[] = [];
  private values: string[] = [];
  /** False while `names`/`values` are still the prepared request's arrays. */
  private ownsHeaders = true;
  private _body: Uint8Array = EMPTY;
  private _response: LocalResponse | undefined;

  constructor(options: ContextOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const grants = new Set((options.grants ?? []).map((g) => g.toLowerCase()));
    this.hiddenHeaders = Object.freeze(SENSITIVE_HEADERS.filter((h) => !grants.has(h)));
    this.hidden = new Set(this.hiddenHeaders);
  }

  /** Makes `req` the request in flight. Cheap: no copies until the filter writes. */
  reset(req: PreparedRequest): this {
    this._method = req.method;
    this._path = req.path;
    this.names = req.names as string[];
    this.values = req.values as string[];
    this.ownsHeaders = false;
    this._body = req.body;
    this._response = undefined;
    return this;
  }

  // -- interface request ------------------------------------------------------

  method(): string {
    return this._method;
  }

  path(): string {
    return this._path;
  }

  setPath(path: string): void {
    if (typeof path !== 'string' || !PATH.test(path)) {
      throw new AbiError('invalid', `set-path: ${JSON.stringify(path)} is not an origin-form path`);
    }
    if (path.length > this.limits.maxHeaderBytes) {
      throw new AbiError('limit', `set-path: path of ${path.length} bytes exceeds the limit of ${this.limits.maxHeaderBytes}`);
    }
    this._path = path;
  }

  header(name: string): string | undefined {
    const key = name.toLowerCase();
    if (this.hidden.has(key)) return undefined;
    const i = this.names.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  headerNames(): string[] {
    const out: string[] = [];
    for (const name of this.names) {
      if (!this.hidden.has(name) && !out.includes(name)) out.push(name);
    }
    return out;
  }

  setHeader(name: string, value: string): void {
    const key = this.writable('set-header', name, value);
    const names = this.names;
    const first = names.indexOf(key);
    if (first < 0) {
      this.append(key, value);
      return;
    }
    this.values[first] = value;
    // Drop later repeats, scanning backwards so indices stay valid.
    for (let i = names.length - 1; i > first; i--) {
      if (names[i] === key) {
        names.splice(i, 1);
        this.values.splice(i, 1);
      }
    }
  }

  addHeader(name: string, value: string): void {
    this.append(this.writable('add-header', name, value), value);
  }

  removeHeader(name: string): void {
    const key = this.writable('remove-header', name, '');
    const names = this.names;
    for (let i = names.length - 1; i >= 0; i--) {
      if (names[i] === key) {
        names.splice(i, 1);
        this.values.splice(i, 1);
      }
    }
  }

  body(): Uint8Array {
    return this._body;
  }

  setBody(body: BodyInit): void {
    const bytes = this.bytes('set-body', body);
    this._body = bytes;
    // Keep a declared length honest; a request without one (chunked) stays without.
    const i = this.names.indexOf('content-length');
    if (i >= 0) this.setHeader('content-length', String(bytes.length));
  }

  respond(status: number, headers: Array<[string, string]>, body: BodyInit = EMPTY): void {
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new AbiError('invalid', `respond: status ${status} is not in 200..599`);
    }
    if (!Array.isArray(headers)) throw new AbiError('invalid', 'respond: headers must be a list of [name, value] pairs');
    if (headers.length > this.limits.maxHeaders) {
      throw new AbiError('limit', `respond: ${headers.length} headers exceed the limit of ${this.limits.maxHeaders}`);
    }
    const out: Array<[string, string]> = [];
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new AbiError('invalid', 'respond: each header must be a [name, value] pair');
      const [name, value] = pair;
      this.checkField('respond', name, value);
      out.push([name.toLowerCase(), value]);
    }
    this._response = { status, headers: out, body: this.bytes('respond', body) };
  }

  // -- what the gateway and the verifier read --------------------------------

  get response(): LocalResponse | undefined {
    return this._response;
  }

  /** Every header, hidden ones included, lower-case names, in order. */
  headerList(): Array<[string, string]> {
    return this.names.map((n, i) => [n, this.values[i]!] as [string, string]);
  }

  outcome(result: string): FilterOutcome {
    const out: FilterOutcome = {
      result,
      method: this._method,
      path: this._path,
      headers: this.headerList(),
      body: this._body,
    };
    if (this._response) out.response = this._response;
    return out;
  }

  // -- internals ---------------------------------------------------------------

  private writable(op: string, name: string, value: string): string {
    this.checkField(op, name, value);
    const key = name.toLowerCase();
    if (this.hidden.has(key)) throw new AbiError('denied', `${op}: header '${key}' is not granted to this deployment`);
    if (!this.ownsHeaders) {
      this.names = this.names.slice();
      this.values = this.values.slice();
      this.ownsHeaders = true;
    }
    return key;
  }

  private append(key: string, value: string): void {
    if (this.names.length >= this.limits.maxHeaders) {
      throw new AbiError('limit', `add-header: ${key} would exceed the limit of ${this.limits.maxHeaders} headers`);
    }
    this.names.push(key);
    this.values.push(value);
  }

  private checkField(op: string, name: unknown, value: unknown): void {
    if (typeof name !== 'string' || !TOKEN.test(name)) {
      throw new AbiError('invalid', `${op}: ${JSON.stringify(name)} is not a valid header name`);
    }
    if (typeof value !== 'string' || !FIELD_VALUE.test(value)) {
      throw new AbiError('invalid', `${op}: value for '${name}' is not a valid header value`);
    }
    if (name.length + value.length > this.limits.maxHeaderBytes) {
      throw new AbiError(
        'limit',
        `${op}: header '${name}' of ${name.length + value.length} bytes exceeds the limit of ${this.limits.maxHeaderBytes}`,
      );
    }
  }

  private bytes(op: string, body: BodyInit): Uint8Array {
    const bytes = typeof body === 'string' ? utf8.encode(body) : body;
    if (!(bytes instanceof Uint8Array)) throw new AbiError('invalid', `${op}: body must be bytes or a string`);
    if (bytes.length > this.limits.maxBodyBytes) {
      throw new AbiError('limit', `${op}: body of ${bytes.length} bytes exceeds the limit of ${this.limits.maxBodyBytes}`);
    }
    return bytes;
  }
}
