// The Easegress RemoteFilter wire protocol (DESIGN §2), shared by the remote
// adapter (the gateway side) and server.ts (the filter service).
//
// The gateway POSTs the JSON context
//   {"request": {realIP, method, scheme, host, path, query, fragment, proto,
//                header: {Name: [values]}, body: <base64>},
//    "response": {statusCode, header, body}}
// and the service answers 2xx with the context as it should become; 205 means
// the response is already made (the ABI's `respond`); anything else fails the
// call. Extra top-level fields, which Easegress ignores:
//   "result"    the filter's named result ("" continues the chain); without it a
//               205 reads as Easegress's "responseAlready", a 200 as ""
//   "plugbench" gateway → service: {nowMs, hidden, limits?, headers?, target?}
//               service → gateway: {exact: true, logs?, headers?, responseHeaders?, target?}
//               (the service answers one only to a gateway that sent one; a
//               service without it, Easegress's own clients, uses its own clock)
//
// Mapping to the ABI:
// - Header names travel Go-canonical (`X-Request-Id`) and are lower-case in the
//   ABI. JSON object order is first arrival; each values array keeps repeats in
//   order. A map cannot say how repeats of different names interleave (`via`,
//   `x-user`, `via`), so the exact list also travels in `plugbench.headers`
//   (and `responseHeaders`) when, and only when, the map's order is not it.
//   With that, the service's filter starts from exactly the gateway's list and
//   the gateway reproduces exactly the service's (see `applyWireResult`).
// - The ABI path is path + "?" + query (+ "#" + fragment); the wire splits them.
//   "/a?" (an empty query) does not survive the split, so the exact path also
//   travels in `plugbench.target` when, and only when, the fields cannot say it.
// - Bodies are base64 both ways (Go's encoding of []byte).
// - plugbench's gateway lists `Host` in `header` like any other header (the ABI
//   treats it as one) and copies it to `host`. Easegress sends the host only in
//   `host`; the service then shows it to the filter as a `host` header and
//   gives it back only in `host`.
// - Sensitive headers hidden from the deployment are never sent, and their names
//   go in `plugbench.hidden` so the service refuses the filter's writes to them
//   exactly as the gateway's context would (and the gateway context's limits in
//   `plugbench.limits`, when they are not the defaults). Everything the gateway
//   applies goes through RequestContext's public methods, so hidden headers
//   survive untouched and validation is that of every runtime.
// - `method` is reported but not applied back (the ABI has no set-method);
//   `response` is applied only with a 205, as the ABI's local response.

import { DEFAULT_LIMITS, RequestContext, SENSITIVE_HEADERS, type PreparedRequest, type RequestLimits } from '../abi/context.ts';
import { LOG_LEVELS, type HostServices, type LogLevel } from '../abi/types.ts';

/** Header map as Go's http.Header marshals it. Go sends `null` for a nil map. */
export type WireHeader = Record<string, string[]>;

export interface WireRequest {
  realIP: string;
  method: string;
  scheme: string;
  host: string;
  path: string;
  query: string;
  fragment: string;
  proto: string;
  header: WireHeader | null;
  /** base64 (standard alphabet, padded); Go sends `null` for a nil slice. */
  body: string | null;
}

export interface WireResponse {
  statusCode: number;
  header: WireHeader | null;
  body: string | null;
}

/** What plugbench's gateway adds to the context it sends. */
export interface PlugbenchRequestExtension {
  /** The gateway's host clock for this call, so verification is deterministic. */
  nowMs?: number;
  /** Sensitive header names hidden from this deployment (the service denies writes to them too). */
  hidden?: readonly string[];
  /** The gateway context's limits when they are not DEFAULT_LIMITS. */
  limits?: RequestLimits;
  /** The exact ABI path, when path/query/fragment cannot say it ("/a?"). */
  target?: string;
  /** The visible headers exactly, lower-case, in order: only when a name's repeats are not adjacent. */
  headers?: Array<[string, string]>;
}

/** What plugbench's service adds to the context it answers with. */
export interface PlugbenchResponseExtension {
  /** Always true from plugbench's service: header order is exact (the map's, or `headers`). */
  exact?: boolean;
  logs?: Array<[string, string]>;
  /** The request's headers exactly, lower-case, in order: only when a name's repeats are not adjacent. */
  headers?: Array<[string, string]>;
  /** The same for the local response's headers. */
  responseHeaders?: Array<[string, string]>;
  /** The exact ABI path, when path/query/fragment cannot say it. */
  target?: string;
}

export interface WireContext {
  request: WireRequest;
  response: WireResponse | null;
  result?: string;
  plugbench?: PlugbenchRequestExtension & PlugbenchResponseExtension;
}

/** "The response is already made" (Easegress): the ABI's `respond`. */
export const STATUS_RESPONDED = 205;
/** The result Easegress gives a 205 when the service names none. */
export const RESULT_RESPONSE_ALREADY = 'responseAlready';
export const WIRE_SCHEME = 'http';
/** What plugbench's service calls itself in GET /_plugbench/info. */
export const SERVICE_NAME = 'plugbench-remote';
/** plugbench's service: filter endpoints and its control API. */
export const FILTER_PREFIX = '/filters/';
export const CONTROL_PREFIX = '/_plugbench/';
export const WIRE_PROTO = 'HTTP/1.1';

// ---------------------------------------------------------------------------
// Shared helpers

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const canonicalCache = new Map<string, string>();
const CANONICAL_CACHE_MAX = 4096;

/** Go's textproto.CanonicalMIMEHeaderKey: `x-request-id` → `X-Request-Id`; invalid names unchanged. */
export function canonicalHeaderKey(name: string): string {
  let key = canonicalCache.get(name);
  if (key !== undefined) return key;
  key = name;
  if (TOKEN.test(name)) {
    let out = '';
    let upper = true;
    for (let i = 0; i < name.length; i++) {
      let c = name.charCodeAt(i);
      if (upper && c >= 97 && c <= 122) c -= 32;
      else if (!upper && c >= 65 && c <= 90) c += 32;
      out += String.fromCharCode(c);
      upper = c === 45; // '-'
    }
    key = out;
  }
  if (canonicalCache.size < CANONICAL_CACHE_MAX) canonicalCache.set(name, key);
  return key;
}

export interface SplitTarget {
  path: string;
  query: string;
  fragment: string;
}

/** ABI path ("/a?b#c") → wire fields. The fragment is split first, then the query. */
export function splitTarget(target: string): SplitTarget {
  let rest = target;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const q = rest.indexOf('?');
  if (q < 0) return { path: rest, query: '', fragment };
  return { path: rest.slice(0, q), query: rest.slice(q + 1), fragment };
}

/** Wire fields → ABI path. An empty query or fragment adds no separator (as Go's URL). */
export function joinTarget(path: string, query: string, fragment: string): string {
  let out = path === '' ? '/' : path;
  if (query !== '') out += '?' + query;
  if (fragment !== '') out += '#' + fragment;
  return out;
}

const EMPTY = new Uint8Array(0);

export function toBase64(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** base64 → a plain Uint8Array (not a Buffer, so it compares equal to the verifier's bytes). */
export function fromBase64(text: string | null | undefined): Uint8Array {
  if (text == null || text === '') return EMPTY;
  if (typeof text !== 'string') throw new ProtocolError('a body is not a base64 string');
  const buf = Buffer.from(text, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The context on the wire is malformed. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** A wire header map grouped by lower-case name, first arrival order (merging case variants). */
interface Grouped {
  names: string[];
  values: string[][];
}

function groupWireHeader(header: unknown, what: string): Grouped {
  const names: string[] = [];
  const values: string[][] = [];
  if (header == null) return { names, values };
  if (typeof header !== 'object' || Array.isArray(header)) throw new ProtocolError(`${what}.header is not an object`);
  const map = header as Record<string, unknown>;
  for (const key in map) {
    const vs = map[key];
    if (vs == null) continue;
    if (!Array.isArray(vs)) throw new ProtocolError(`${what}.header[${JSON.stringify(key)}] is not a list of strings`);
    if (vs.length === 0) continue;
    const lower = key.toLowerCase();
    let i = names.indexOf(lower);
    if (i < 0) {
      i = names.length;
      names.push(lower);
      values.push([]);
    }
    const into = values[i]!;
    for (const v of vs) {
      if (typeof v !== 'string') throw new ProtocolError(`${what}.header[${JSON.stringify(key)}] holds a non-string value`);
      into.push(v);
    }
  }
  return { names, values };
}

// JSON text by hand. JSON.stringify of a built object costs several times more
// on this path: header maps are dictionary-like objects and base64 bodies would
// be scanned again for characters to escape.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** A JSON string literal; plain text (the usual header name or value) is only quoted. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

/** `{"Key":["v1","v2"],...}` for parallel key / values lists. */
function headerJson(keys: readonly string[], values: readonly (readonly string[])[]): string {
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ',';
    out += jsonString(keys[i]!) + ':[';
    const vs = values[i]!;
    for (let j = 0; j < vs.length; j++) {
      if (j > 0) out += ',';
      out += jsonString(vs[j]!);
    }
    out += ']';
  }
  return out + '}';
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  if (prefix.length > of.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== of[i]) return false;
  return true;
}

function limitsEqual(a: RequestLimits, b: RequestLimits): boolean {
  return a.maxHeaders === b.maxHeaders && a.maxHeaderBytes === b.maxHeaderBytes && a.maxBodyBytes === b.maxBodyBytes;
}

/** Sensitive names the context hides: the service must deny the same writes. */
export function hiddenHeaders(ctx: RequestContext): readonly string[] {
  return ctx.hiddenHeaders;
}

// ---------------------------------------------------------------------------
// Gateway side: RequestContext → wire, wire → RequestContext

/** What the gateway sent, kept to apply the answer as a diff. */
export interface SentRequest {
  /** The ABI path as it was. */
  readonly target: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;
  /** Visible header names, lower-case, first arrival. */
  readonly names: readonly string[];
  /** The same names, Go-canonical (the keys sent). */
  readonly keys: readonly string[];
  /** All values of each name, in order. */
  readonly values: readonly string[][];
  /** The visible headers as the context lists them (lower-case, in order, repeats where they are). */
  readonly list: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

export interface EncodedRequest {
  json: string;
  sent: SentRequest;
}

/** The response before the upstream answered: what Easegress sends in the request phase. */
const EMPTY_RESPONSE_JSON = '{"statusCode":200,"header":{},"body":""}';

/**
 * The wire context for the request in flight: only headers the filter may see,
 * canonical names in first-arrival order, path split, body base64.
 */
export function encodeRequest(ctx: RequestContext, ext: PlugbenchRequestExtension | undefined): EncodedRequest {
  const visible = ctx.headerNames();
  const list = ctx.headerList();
  const keys: string[] = new Array(visible.length);
  const values: string[][] = new Array(visible.length);
  for (let i = 0; i < visible.length; i++) {
    keys[i] = canonicalHeaderKey(visible[i]!);
    values[i] = [];
  }
  let shown = list;
  let adjacent = true;
  if (list.length === visible.length) {
    // No repeats and nothing hidden: names and list line up one to one.
    for (let i = 0; i < list.length; i++) values[i]!.push(list[i]![1]);
  } else {
    shown = [];
    let last = -1;
    for (const pair of list) {
      const i = visible.indexOf(pair[0]);
      if (i < 0) continue;
      const vs = values[i]!;
      if (i !== last && vs.length > 0) adjacent = false;
      vs.push(pair[1]);
      shown.push(pair);
      last = i;
    }
  }
  const target = ctx.path();
  const { path, query, fragment } = splitTarget(target);
  const lossy = joinTarget(path, query, fragment) !== target;
  const hostIndex = visible.indexOf('host');
  const body = toBase64(ctx.body());
  // Written by hand around the base64 body: base64 needs no escaping, and
  // JSON.stringify would scan every byte of it again.
  const json =
    '{"request":{"realIP":"","method":' +
    jsonString(ctx.method()) +
    ',"scheme":"' + WIRE_SCHEME + '","host":' +
    jsonString(hostIndex >= 0 ? values[hostIndex]![0]! : '') +
    ',"path":' + jsonString(path) +
    ',"query":' + jsonString(query) +
    ',"fragment":' + jsonString(fragment) +
    ',"proto":"' + WIRE_PROTO + '","header":' + headerJson(keys, values) +
    ',"body":"' + body + '"},"response":' + EMPTY_RESPONSE_JSON +
    (ext ? ',"plugbench":' + extensionJson(ext, lossy ? target : undefined, adjacent ? undefined : shown) + '}' : '}');
  return { json, sent: { target, path, query, fragment, names: visible, keys, values, list: shown, body } };
}

function extensionJson(
  ext: PlugbenchRequestExtension,
  target: string | undefined,
  headers: ReadonlyArray<readonly [string, string]> | undefined,
): string {
  let out = '{';
  if (typeof ext.nowMs === 'number' && Number.isFinite(ext.nowMs)) out += '"nowMs":' + ext.nowMs;
  if (ext.hidden) {
    if (out.length > 1) out += ',';
    out += '"hidden":[';
    for (let i = 0; i < ext.hidden.length; i++) out += (i > 0 ? ',' : '') + jsonString(ext.hidden[i]!);
    out += ']';
  }
  if (ext.limits) out += (out.length > 1 ? ',' : '') + '"limits":' + JSON.stringify(ext.limits);
  if (target !== undefined) out += (out.length > 1 ? ',' : '') + '"target":' + jsonString(target);
  if (headers !== undefined) {
    out += (out.length > 1 ? ',' : '') + '"headers":[';
    for (let i = 0; i < headers.length; i++) {
      out += (i > 0 ? ',[' : '[') + jsonString(headers[i]![0]) + ',' + jsonString(headers[i]![1]) + ']';
    }
    out += ']';
  }
  return out + '}';
}

/** The plugbench extension for `ctx`: the gateway's clock, hidden names, non-default limits. */
export function requestExtension(ctx: RequestContext, nowMs: number): PlugbenchRequestExtension {
  const ext: PlugbenchRequestExtension = { nowMs, hidden: hiddenHeaders(ctx) };
  if (!limitsEqual(ctx.limits, DEFAULT_LIMITS)) ext.limits = { ...ctx.limits };
  return ext;
}

/**
 * Applies the service's answer (status 2xx, JSON text) to `ctx` through its public
 * methods and returns the filter's result. Logs in the plugbench extension go to
 * `host.log`.
 *
 * Headers are applied as the fewest ABI calls that turn what was sent into
 * what came back, so untouched headers keep their place and hidden ones are
 * never touched:
 * - from plugbench's service (its answer says `plugbench.exact`) the target is
 *   the exact list: `applyHeaderList` reproduces it entry for entry, as the
 *   filter's own calls did on the service's context;
 * - from any other service, only the map: `applyHeaderMap` keeps names whose
 *   values did not change where they are and reproduces the map's first-arrival
 *   order (repeats of a name come back grouped).
 */
export function applyWireResult(
  ctx: RequestContext,
  sent: SentRequest,
  status: number,
  text: string,
  host: HostServices | undefined,
): string {
  if (text === '') throw new ProtocolError(`the service answered ${status} with an empty body, not a context`);
  let wire: WireContext;
  try {
    wire = JSON.parse(text) as WireContext;
  } catch (err) {
    throw new ProtocolError(`the service answered ${status} with invalid JSON: ${(err as Error).message}`);
  }
  if (wire === null || typeof wire !== 'object') throw new ProtocolError('the answer is not a JSON object');

  const ext = wire.plugbench != null && typeof wire.plugbench === 'object' ? wire.plugbench : undefined;
  if (host && ext) forwardLogs(ext.logs, host);
  const exact = ext?.exact === true;

  const req = wire.request;
  if (req === null || typeof req !== 'object') throw new ProtocolError('the answer has no "request" object');

  // Path: only when it changed, so an untouched "/a?" (an empty query) survives any service.
  const path = str(req.path, sent.path);
  const query = str(req.query);
  const fragment = str(req.fragment);
  if (exact && typeof ext!.target === 'string') {
    if (ext!.target !== sent.target) ctx.setPath(ext!.target);
  } else if (path !== sent.path || query !== sent.query || fragment !== sent.fragment) {
    ctx.setPath(joinTarget(path, query, fragment));
  }

  if (exact) {
    const list = Array.isArray(ext!.headers) ? checkPairs(ext!.headers, 'plugbench.headers') : flatten(groupWireHeader(req.header, 'request'));
    applyHeaderList(ctx, sent, list);
  } else {
    applyHeaderMap(ctx, sent, req.header);
  }

  // Body: an unchanged base64 text means an unchanged body (and no Content-Length rewrite).
  const body = req.body ?? '';
  if (body !== sent.body) ctx.setBody(fromBase64(body));

  if (status === STATUS_RESPONDED) {
    const res = wire.response;
    if (res === null || typeof res !== 'object') throw new ProtocolError('status 205 without a "response" object');
    const pairs =
      exact && Array.isArray(ext!.responseHeaders)
        ? checkPairs(ext!.responseHeaders, 'plugbench.responseHeaders')
        : flatten(groupWireHeader(res.header, 'response'));
    ctx.respond(res.statusCode, pairs, fromBase64(res.body));
  }

  if (typeof wire.result === 'string') return wire.result;
  return status === STATUS_RESPONDED ? RESULT_RESPONSE_ALREADY : '';
}

function flatten(grouped: Grouped): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < grouped.names.length; i++) {
    const name = grouped.names[i]!;
    for (const v of grouped.values[i]!) pairs.push([name, v]);
  }
  return pairs;
}

function checkPairs(list: unknown[], what: string): Array<[string, string]> {
  for (const pair of list) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new ProtocolError(`${what} must be a list of [name, value] strings`);
    }
  }
  return list as Array<[string, string]>;
}

/**
 * Turns the sent visible list S into `target` T with ABI calls. A filter's calls
 * leave T = K ++ A: K keeps entries of S in their order (a name either keeps all
 * its entries and values, or only its first entry, maybe with a new value: a
 * set-header), A was appended. The longest prefix of T that can be such a K is
 * left in place (names with no entry in it are removed, set-header where only the
 * first entry stays); the rest is appended with add-header, in order.
 */
export function applyHeaderList(ctx: RequestContext, sent: SentRequest, target: ReadonlyArray<readonly [string, string]>): void {
  const S = sent.list;
  if (target.length === S.length) {
    let same = true;
    for (let i = 0; i < S.length; i++) {
      if (target[i]![0] !== S[i]![0] || target[i]![1] !== S[i]![1]) {
        same = false;
        break;
      }
    }
    if (same) return;
  }
  // Indices in S of each name's entries.
  const entries = new Map<string, number[]>();
  for (let i = 0; i < S.length; i++) {
    const name = S[i]![0];
    const at = entries.get(name);
    if (at) at.push(i);
    else entries.set(name, [i]);
  }
  const keep = longestKeptPrefix(S, entries, target);
  const state = matchPrefix(S, entries, target, keep).states;
  for (const [name, at] of entries) {
    const st = state.get(name);
    if (st === undefined) ctx.removeHeader(name);
    else if (st.matched === 1 && (st.changed || at.length > 1)) ctx.setHeader(name, st.first);
  }
  for (let i = keep; i < target.length; i++) ctx.addHeader(target[i]![0], target[i]![1]);
}

interface NameMatch {
  /** Entries of the name matched so far, in order. */
  matched: number;
  /** Value of its first matched entry. */
  first: string;
  /** The first entry's value differs: a set-header, no further entries may follow. */
  changed: boolean;
}

/** Matches T[0..limit) against S; `ok` lists the prefix lengths that are a valid K. */
function matchPrefix(
  S: ReadonlyArray<readonly [string, string]>,
  entries: Map<string, number[]>,
  target: ReadonlyArray<readonly [string, string]>,
  limit: number,
): { states: Map<string, NameMatch>; best: number } {
  const states = new Map<string, NameMatch>();
  let lastS = -1;
  // Names with 1 < matched < all entries: neither untouched nor a set-header.
  let partial = 0;
  let best = 0;
  for (let i = 0; i < limit; i++) {
    const [name, value] = target[i]!;
    const at = entries.get(name);
    if (at === undefined) break;
    let st = states.get(name);
    if (st === undefined) {
      if (at[0]! <= lastS) break;
      lastS = at[0]!;
      st = { matched: 1, first: value, changed: value !== S[at[0]!]![1] };
      states.set(name, st);
    } else {
      if (st.changed || st.matched >= at.length) break;
      const s = at[st.matched]!;
      if (s <= lastS || value !== S[s]![1]) break;
      lastS = s;
      if (st.matched > 1) partial--;
      st.matched++;
      if (st.matched < at.length) partial++;
    }
    if (partial === 0) best = i + 1;
  }
  return { states, best };
}

function longestKeptPrefix(
  S: ReadonlyArray<readonly [string, string]>,
  entries: Map<string, number[]>,
  target: ReadonlyArray<readonly [string, string]>,
): number {
  return matchPrefix(S, entries, target, target.length).best;
}

function applyHeaderMap(ctx: RequestContext, sent: SentRequest, header: unknown): void {
  // Fast path: the same keys in the same order with the same values.
  if (header !== null && typeof header === 'object' && !Array.isArray(header)) {
    const map = header as Record<string, unknown>;
    let i = 0;
    let same = true;
    for (const key in map) {
      const vs = map[key];
      if (key !== sent.keys[i] || !Array.isArray(vs) || !sameValues(vs, sent.values[i]!)) {
        same = false;
        break;
      }
      i++;
    }
    if (same && i === sent.keys.length) return;
  }

  const got = groupWireHeader(header, 'request');
  const gotIndex = new Map<string, number>();
  for (let i = 0; i < got.names.length; i++) gotIndex.set(got.names[i]!, i);
  const sentIndex = new Map<string, number>();
  for (let i = 0; i < sent.names.length; i++) sentIndex.set(sent.names[i]!, i);

  for (const name of sent.names) if (!gotIndex.has(name)) ctx.removeHeader(name);

  let lastKept = -1;
  let tail = false;
  for (let i = 0; i < got.names.length; i++) {
    const name = got.names[i]!;
    const vals = got.values[i]!;
    const at = sentIndex.get(name);
    if (at === undefined) {
      tail = true;
      for (const v of vals) ctx.addHeader(name, v);
      continue;
    }
    if (!tail && at > lastKept) {
      lastKept = at;
      const old = sent.values[at]!;
      if (sameValues(old, vals)) continue;
      if (isPrefix(old, vals)) {
        for (let j = old.length; j < vals.length; j++) ctx.addHeader(name, vals[j]!);
      } else {
        ctx.setHeader(name, vals[0]!);
        for (let j = 1; j < vals.length; j++) ctx.addHeader(name, vals[j]!);
      }
      continue;
    }
    // Out of its sent order: move it to the end, as remove + add would have.
    tail = true;
    ctx.removeHeader(name);
    for (const v of vals) ctx.addHeader(name, v);
  }
}

/** Hands `[[level, message], ...]` from the service to the gateway's log. */
export function forwardLogs(logs: unknown, host: HostServices): void {
  if (!Array.isArray(logs)) return;
  for (const entry of logs) {
    if (!Array.isArray(entry)) continue;
    const level = (LOG_LEVELS as readonly string[]).includes(entry[0]) ? (entry[0] as LogLevel) : 'info';
    host.log(level, String(entry[1]));
  }
}

// ---------------------------------------------------------------------------
// Service side: wire → a prepared request the filter runs on, context → wire

export interface DecodedCall {
  wire: WireContext;
  prepared: PreparedRequest;
  /** The host arrived only in `host` (Easegress): give it back only there. */
  hostFromField: boolean;
  /** The decoded request body. */
  body: Uint8Array;
}

/** Parses a wire context and builds the request the filter sees (lower-case names, path + query). */
export function decodeCall(text: string): DecodedCall {
  let wire: WireContext;
  try {
    wire = JSON.parse(text) as WireContext;
  } catch (err) {
    throw new ProtocolError(`invalid JSON: ${(err as Error).message}`);
  }
  if (wire === null || typeof wire !== 'object' || Array.isArray(wire)) throw new ProtocolError('the context is not a JSON object');
  const req = wire.request;
  if (req === null || typeof req !== 'object') throw new ProtocolError('the context has no "request" object');

  const names: string[] = [];
  const values: string[] = [];
  const ext = wire.plugbench != null && typeof wire.plugbench === 'object' ? wire.plugbench : undefined;
  const header = req.header;
  if (ext && Array.isArray(ext.headers)) {
    // The gateway's exact list (repeats of different names interleaved).
    for (const [name, value] of checkPairs(ext.headers, 'plugbench.headers')) {
      names.push(name.toLowerCase());
      values.push(value);
    }
  } else if (header != null) {
    if (typeof header !== 'object' || Array.isArray(header)) throw new ProtocolError('request.header is not an object');
    for (const key in header) {
      const vs = (header as Record<string, unknown>)[key];
      if (vs == null) continue;
      if (!Array.isArray(vs)) throw new ProtocolError(`request.header[${JSON.stringify(key)}] is not a list of strings`);
      const lower = key.toLowerCase();
      for (const v of vs) {
        if (typeof v !== 'string') throw new ProtocolError(`request.header[${JSON.stringify(key)}] holds a non-string value`);
        names.push(lower);
        values.push(v);
      }
    }
  }
  let hostFromField = false;
  const host = str(req.host);
  if (host !== '' && !names.includes('host')) {
    names.unshift('host');
    values.unshift(host);
    hostFromField = true;
  }
  const body = fromBase64(req.body);
  const target = ext?.target;
  const prepared: PreparedRequest = {
    method: str(req.method, 'GET'),
    path: typeof target === 'string' ? target : joinTarget(str(req.path, '/'), str(req.query), str(req.fragment)),
    names,
    values,
    body,
  };
  return { wire, prepared, hostFromField, body };
}

/** A received base64 body as JSON, re-encoded (so it is certainly plain base64). */
function bodyJson(body: unknown): string {
  return typeof body === 'string' ? '"' + toBase64(fromBase64(body)) + '"' : 'null';
}

/** Groups a header list by canonical name; `adjacent` says whether flattening the groups gives the list back. */
function groupContextHeaders(
  list: Array<[string, string]>,
  skipHost: boolean,
): { keys: string[]; values: string[][]; adjacent: boolean; list: Array<[string, string]> } {
  const keys: string[] = [];
  const values: string[][] = [];
  let adjacent = true;
  let last = -1;
  for (const pair of list) {
    const name = pair[0];
    if (skipHost && name === 'host') continue;
    const key = canonicalHeaderKey(name);
    // Consecutive repeats are the common case; otherwise a short linear scan.
    let i = last >= 0 && keys[last] === key ? last : keys.indexOf(key);
    if (i < 0) {
      i = keys.length;
      keys.push(key);
      values.push([pair[1]]);
    } else {
      values[i]!.push(pair[1]);
      if (i !== last) adjacent = false;
    }
    last = i;
  }
  return { keys, values, adjacent, list: skipHost ? list.filter((p) => p[0] !== 'host') : list };
}

/** The answer's status and JSON: the context as the filter left it. */
export function encodeAnswer(
  ctx: RequestContext,
  call: DecodedCall,
  result: string,
  logs: Array<[string, string]> | undefined,
): { status: number; json: string } {
  const inReq = call.wire.request;
  const target = ctx.path();
  const { path, query, fragment } = splitTarget(target);
  const hostHeader = ctx.header('host');
  const body = ctx.body();
  const headers = groupContextHeaders(ctx.headerList(), call.hostFromField);
  const local = ctx.response;
  let response: string;
  let responseHeaders: Array<[string, string]> | undefined;
  if (local) {
    const grouped = groupContextHeaders(local.headers, false);
    if (!grouped.adjacent) responseHeaders = local.headers;
    response =
      '{"statusCode":' + local.status + ',"header":' + headerJson(grouped.keys, grouped.values) + ',"body":"' + toBase64(local.body) + '"}';
  } else {
    // Unchanged. Easegress *adds* these headers to its response rather than
    // replacing them, so an echo carries none (status and body are set as is).
    const inRes = call.wire.response;
    response =
      inRes && typeof inRes === 'object'
        ? '{"statusCode":' +
          (typeof inRes.statusCode === 'number' ? inRes.statusCode : 200) +
          ',"header":{},"body":' +
          bodyJson(inRes.body) +
          '}'
        : 'null';
  }
  let ext = '';
  if (call.wire.plugbench != null) {
    const out: PlugbenchResponseExtension = { exact: true };
    if (logs && logs.length > 0) out.logs = logs;
    if (!headers.adjacent) out.headers = headers.list;
    if (responseHeaders) out.responseHeaders = responseHeaders;
    if (joinTarget(path, query, fragment) !== target) out.target = target;
    ext = ',"plugbench":' + JSON.stringify(out);
  }
  // Written by hand around the base64 bodies (see encodeRequest).
  const json =
    '{"request":{"realIP":' + jsonString(str(inReq.realIP)) +
    ',"method":' + jsonString(ctx.method()) +
    ',"scheme":' + jsonString(str(inReq.scheme, WIRE_SCHEME)) +
    ',"host":' + jsonString(hostHeader ?? (call.hostFromField ? '' : str(inReq.host))) +
    ',"path":' + jsonString(path) +
    ',"query":' + jsonString(query) +
    ',"fragment":' + jsonString(fragment) +
    ',"proto":' + jsonString(str(inReq.proto, WIRE_PROTO)) +
    ',"header":' + headerJson(headers.keys, headers.values) +
    ',"body":"' + toBase64(body) + '"' +
    '},"response":' + response +
    ',"result":' + JSON.stringify(result) + ext + '}';
  return { status: local ? STATUS_RESPONDED : 200, json };
}

/** A RequestContext configured as the gateway's was (hidden names, limits), capped by the service. */
export function serviceContext(ext: PlugbenchRequestExtension | undefined, maxBodyBytes: number): RequestContext {
  const hidden = ext && Array.isArray(ext.hidden) ? new Set(ext.hidden.map((h) => String(h).toLowerCase())) : undefined;
  // Easegress sends everything it has: without the extension nothing is hidden.
  const grants = hidden ? SENSITIVE_HEADERS.filter((h) => !hidden.has(h)) : SENSITIVE_HEADERS;
  const given = ext?.limits;
  const limits: Partial<RequestLimits> = {
    maxHeaders: numberOr(given?.maxHeaders, DEFAULT_LIMITS.maxHeaders),
    maxHeaderBytes: numberOr(given?.maxHeaderBytes, DEFAULT_LIMITS.maxHeaderBytes),
    maxBodyBytes: Math.min(numberOr(given?.maxBodyBytes, DEFAULT_LIMITS.maxBodyBytes), maxBodyBytes),
  };
  return new RequestContext({ grants, limits });
}

/** A cache key for `serviceContext`'s options. */
export function contextKey(ext: PlugbenchRequestExtension | undefined): string {
  if (!ext) return '*';
  const h = Array.isArray(ext.hidden) ? ext.hidden.join(',') : '*';
  const l = ext.limits;
  return l ? `${h}|${l.maxHeaders}|${l.maxHeaderBytes}|${l.maxBodyBytes}` : h;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
