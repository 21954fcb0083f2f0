// The ABI conformance cases (DESIGN §5): every folder under conformance/cases/
// with a case.ts is one case. A case states one ABI behaviour: its id (the
// folder name), a level (MUST / SHOULD), a one-line statement, its inputs
// (request(s), the deployment's config, grants and limits) and the observable
// outcome it expects — or, for behaviours that take more than one request on
// one instance (kv shared between instances, init errors, the clock, logs), a
// custom check written against CaseTools. Beside case.ts sits one filter per
// guest language (filter.ts, filter.lua, filter.c + its built filter.wasm); a
// runtime loads the one named by its `source`. Adding a case is adding a folder.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FilterOutcome, HttpRequest, RequestLimits } from '../runtimes/abi/context.ts';
import type { Deployment, DeploymentOptions } from '../runtimes/abi/host.ts';
import type { FilterInstance, LoadedFilter, Runtime } from '../runtimes/abi/types.ts';

export const CASES_DIR = fileURLToPath(new URL('./cases/', import.meta.url));

export type Level = 'MUST' | 'SHOULD';
export const LEVELS: readonly Level[] = ['MUST', 'SHOULD'];

type Fields = Array<[string, string]>;

/** One request as a case gives it; omitted parts take the defaults below. */
export interface CaseRequest {
  /** Default GET. */
  method?: string;
  /** Path and query; default "/". */
  path?: string;
  /** Names in any case, arrival order, repeats allowed. Default: one `Host` header. */
  headers?: Fields;
  /** Bytes, or text sent as UTF-8. Default empty. */
  body?: Uint8Array | string;
}

export const DEFAULT_HEADERS: Readonly<Fields> = Object.freeze([['Host', 'conformance.test']] as Fields);

/**
 * What a handled request must look like afterwards. Omitted parts must be
 * unchanged from the request (headers: its names lower-cased, order and
 * repeats kept); `result` defaults to "" and `response` to none.
 */
export interface ExpectedOutcome {
  result?: string;
  path?: string;
  headers?: Fields;
  body?: Uint8Array | string;
  response?: { status: number; headers: Fields; body: Uint8Array | string };
}

/** The call must fail: handle throws (or rejects) with a message matching `error`. */
export interface ExpectedFailure {
  error: RegExp;
  /** The refused call must have left the request exactly as it arrived. */
  unchanged?: boolean;
}

export interface CaseStep {
  /** What this request is, for messages ("binary body", "empty query"). */
  label: string;
  request: CaseRequest;
  expect: ExpectedOutcome | ExpectedFailure;
}

/** What a custom check works with; implemented by conformance/run.ts. */
export interface CaseTools {
  readonly runtime: Runtime;
  /** The case's filter file for this runtime. */
  readonly file: string;
  /** The filter, loaded once per case. */
  load(): Promise<LoadedFilter>;
  /** A deployment (kv, logs, clock) of its own. */
  deployment(options?: DeploymentOptions): Deployment;
  /** An instance of the loaded filter; disposed when the case ends. Default config: the case's, else "{}"; default deployment: a fresh one. */
  instantiate(config?: string, deployment?: Deployment): Promise<FilterInstance>;
  /** One request through `instance`, on a fresh request context with the case's grants and limits. Throws when handle fails. */
  handle(instance: FilterInstance, request: CaseRequest): Promise<FilterOutcome>;
  /** Throws, naming the first difference, unless `actual` is what `expected` says `request` should become. */
  expectOutcome(where: string, request: CaseRequest, expected: ExpectedOutcome, actual: FilterOutcome): void;
  /** Ends the case as failed. */
  fail(message: string): never;
}

interface CaseBase {
  /** The folder name. */
  id: string;
  level: Level;
  /** One line: the behaviour, as a sentence. */
  statement: string;
  /** The deployment's JSON config text handed to init; default "{}". */
  config?: string;
  /** Sensitive headers the deployment may see and write. */
  grants?: readonly string[];
  /** The request context's limits, where they differ from the defaults. */
  limits?: Partial<RequestLimits>;
  /** Bound on the whole case, ms (default: the runner's). */
  timeoutMs?: number;
  /**
   * Filter files deliberately absent, with the reason, e.g.
   * { 'filter.c': 'C has no exceptions' }: reported as not-implemented with it.
   */
  absent?: Readonly<Record<string, string>>;
}

/** A case checked by its requests' outcomes, handled in order by one instance. */
export interface StepCase extends CaseBase {
  steps: readonly CaseStep[];
}

/** A multi-step behaviour checked by code. Resolves to an optional note; throws (or t.fail) on a failure. */
export interface CheckCase extends CaseBase {
  check(t: CaseTools): Promise<string | void>;
}

export type CaseDefinition = StepCase | CheckCase;

/** A case as loaded: its definition and its folder. */
export type ConformanceCase = CaseDefinition & { readonly dir: string };

export function defineCase<T extends CaseDefinition>(definition: T): T {
  return definition;
}

export function isStepCase(c: CaseDefinition): c is StepCase {
  return Array.isArray((c as StepCase).steps);
}

export function isExpectedFailure(e: CaseStep['expect']): e is ExpectedFailure {
  return (e as ExpectedFailure).error instanceof RegExp;
}

const utf8 = new TextEncoder();

export function toBytes(body: Uint8Array | string | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === 'string' ? utf8.encode(body) : body;
}

export function toHttpRequest(req: CaseRequest): HttpRequest {
  return {
    method: req.method ?? 'GET',
    path: req.path ?? '/',
    headers: (req.headers ?? DEFAULT_HEADERS).map(([n, v]) => [n, v] as [string, string]),
    body: toBytes(req.body),
  };
}

/** The full outcome `expected` describes for `request`. */
export function expectedOutcome(request: CaseRequest, expected: ExpectedOutcome): FilterOutcome {
  const http = toHttpRequest(request);
  const out: FilterOutcome = {
    result: expected.result ?? '',
    method: http.method.toUpperCase(),
    path: expected.path ?? http.path,
    headers: expected.headers ?? http.headers.map(([n, v]) => [n.toLowerCase(), v] as [string, string]),
    body: expected.body === undefined ? http.body : toBytes(expected.body),
  };
  if (expected.response) {
    out.response = {
      status: expected.response.status,
      headers: expected.response.headers,
      body: toBytes(expected.response.body),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------
// Loading

/** The order the matrix reads in (by ABI area); folders not listed follow alphabetically. */
const ORDER = [
  // headers
  'header-case-insensitive', 'header-multi-value', 'header-names', 'header-value-bytes', 'header-empty-value', 'remove-absent-header',
  // method and path
  'method-path-read', 'set-path',
  // body
  'body-empty', 'body-binary', 'body-1mib', 'set-body-binary', 'set-body-text',
  // local response, results
  'respond-local', 'result-strings',
  // init
  'init-config', 'init-error',
  // host services
  'kv-shared-instances', 'kv-deployment-isolation', 'kv-host-store', 'now-ms', 'log-levels',
  // sensitive headers
  'sensitive-hidden', 'sensitive-granted', 'sensitive-write-denied',
  // refusals and limits
  'invalid-input-refused', 'limit-header-count', 'limit-header-size', 'limit-body-size', 'abi-error-catchable',
];

/** Ids of every case folder, in ORDER. */
export function caseIds(dir = CASES_DIR): string[] {
  if (!existsSync(dir)) return [];
  const found = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'case.ts')))
    .map((d) => d.name);
  const rank = (id: string) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The problems with a case definition, as sentences (empty when it is well formed). */
export function caseProblems(c: CaseDefinition, folder: string): string[] {
  const problems: string[] = [];
  if (c.id !== folder) problems.push(`its id '${c.id}' is not its folder name '${folder}'`);
  if (!LEVELS.includes(c.level)) problems.push(`level must be MUST or SHOULD, not ${JSON.stringify(c.level)}`);
  if (typeof c.statement !== 'string' || c.statement.trim() === '' || /[\r\n]/.test(c.statement)) {
    problems.push('the statement must be one non-empty line');
  }
  const steps = isStepCase(c);
  const check = typeof (c as CheckCase).check === 'function';
  if (steps === check) problems.push('it needs either steps or a check function (not both)');
  if (steps && c.steps.length === 0) problems.push('it has no steps');
  if (c.config !== undefined) {
    try {
      JSON.parse(c.config);
    } catch {
      problems.push('its config is not JSON text');
    }
  }
  return problems;
}

export async function loadCase(id: string, dir = CASES_DIR): Promise<ConformanceCase> {
  const folder = join(dir, id);
  const file = join(folder, 'case.ts');
  const mod = (await import(pathToFileURL(file).href)) as { default?: CaseDefinition };
  if (!mod.default) throw new Error(`conformance/cases/${id}/case.ts has no default export (use defineCase)`);
  const problems = caseProblems(mod.default, id);
  if (problems.length) throw new Error(`conformance/cases/${id}/case.ts: ${problems.join('; ')}`);
  return { ...mod.default, dir: folder };
}

/** The named cases (all when none are named), in id order; unknown names are an error listing the valid ones. */
export async function selectCases(names?: readonly string[], dir = CASES_DIR): Promise<ConformanceCase[]> {
  const valid = caseIds(dir);
  const wanted = names && names.length > 0 ? names : valid;
  const unknown = wanted.filter((n) => !valid.includes(n));
  if (unknown.length) throw new Error(`unknown case ${unknown.map((n) => `'${n}'`).join(', ')}; valid: ${valid.join(', ')}`);
  return Promise.all(wanted.map((id) => loadCase(id, dir)));
}

/** One line per case: id, level, statement. */
export function describeCases(cases: readonly ConformanceCase[]): string {
  const w = Math.max(4, ...cases.map((c) => c.id.length));
  return cases.map((c) => `${c.id.padEnd(w)}  ${c.level.padEnd(6)}  ${c.statement}`).join('\n');
}

// ---------------------------------------------------------------------------
// Helpers for case definitions

/** FNV-1a, 32 bits, over bytes, as 8 lower-case hex digits: what body filters report. */
export function fnv1a32Hex(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Deterministic bytes (xorshift32 from `seed`), every value 0-255 occurring. */
export function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Bytes 0, 1, ..., 255. */
export function allByteValues(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, i) => i);
}
