// Runs the ABI conformance cases (conformance/cases/) against runtimes and
// records one result per runtime × case (DESIGN §6 `conformance[]`):
//
//   pass             every step's outcome is what the case states
//   fail             with the first difference, or why the case could not run
//   not-implemented  the case has no filter in this runtime's language (its
//                    `source` file): never counted as a pass
//
// A failure inside one case (a throw, a rejected promise, a timeout) is
// recorded and the suite goes on; each case is bounded by a timeout. A
// synchronous endless loop inside an in-process engine cannot be interrupted
// from the same thread: that is what the isolation suite's watchdog is for;
// conformance filters do not loop.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RuntimeEntry } from '../bench/run.ts';
import { firstDifference } from '../bench/verify.ts';
import { prepareRequest, RequestContext, type FilterOutcome } from '../runtimes/abi/context.ts';
import { Deployment, type DeploymentOptions } from '../runtimes/abi/host.ts';
import type { FilterInstance, LoadedFilter, Runtime } from '../runtimes/abi/types.ts';
import { describe } from '../runtimes/errors.ts';
import { RESULTS_SCHEMA, type ConformanceResult, type Environment, type Results } from '../reports/schema.ts';
import {
  expectedOutcome,
  isExpectedFailure,
  isStepCase,
  toHttpRequest,
  type CaseRequest,
  type CaseTools,
  type ConformanceCase,
  type ExpectedOutcome,
  type StepCase,
} from './cases.ts';

/** Bound on one case (all its loads, instances and requests). */
export const DEFAULT_CASE_TIMEOUT_MS = 20_000;
/** Bound on obtaining a runtime and its info (a remote service may be starting). */
const RUNTIME_TIMEOUT_MS = 60_000;
/** Bound on disposing one instance or closing one runtime. */
const CLEANUP_TIMEOUT_MS = 5_000;

/** What a result carries beyond the contract's fields. */
export interface CaseResult extends ConformanceResult {
  durationMs?: number;
}

export interface ConformancePlan {
  runtimes: RuntimeEntry[];
  cases: readonly ConformanceCase[];
  /** Per case, unless the case sets its own; default DEFAULT_CASE_TIMEOUT_MS. */
  timeoutMs?: number;
  /** After every case, with its position in the whole run. */
  onResult?(result: CaseResult, index: number, total: number): void;
}

export interface ConformanceRun {
  results: CaseResult[];
  /** Runtime names in run order (the matrix's columns). */
  runtimes: string[];
  /** runtime name → "<engine> <version>" */
  engines: Record<string, string>;
  engineNotes: Record<string, string>;
}

/** A case's verdict, thrown by CaseTools.fail. */
export class CaseFailure extends Error {
  override name = 'CaseFailure';
}

export class CaseTimeout extends Error {
  override name = 'CaseTimeout';
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CaseTimeout(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Attempt =
  | { ok: true; outcome: FilterOutcome }
  | { ok: false; error: unknown; /** The request context as the failed call left it. */ outcome: FilterOutcome };

function requestLine(req: CaseRequest): string {
  const path = req.path ?? '/';
  return `${req.method ?? 'GET'} ${path.length > 60 ? path.slice(0, 57) + '...' : path}`;
}

/** CaseTools for one runtime × case: the loaded filter once, every instance disposed at the end. */
class Tools implements CaseTools {
  private loaded: Promise<LoadedFilter> | undefined;
  private readonly instances: FilterInstance[] = [];
  private closed = false;

  constructor(
    readonly runtime: Runtime,
    readonly file: string,
    private readonly c: ConformanceCase,
  ) {}

  load(): Promise<LoadedFilter> {
    return (this.loaded ??= this.runtime.load(this.file));
  }

  deployment(options?: DeploymentOptions): Deployment {
    return new Deployment(options);
  }

  async instantiate(config = this.c.config ?? '{}', deployment = new Deployment()): Promise<FilterInstance> {
    const loaded = await this.load();
    const instance = await loaded.instantiate(config, deployment.host);
    if (this.closed) {
      await disposeQuietly(instance);
      throw new CaseTimeout('the case ended before instantiate finished');
    }
    this.instances.push(instance);
    return instance;
  }

  async attempt(instance: FilterInstance, request: CaseRequest): Promise<Attempt> {
    const ctx = new RequestContext({ grants: this.c.grants, limits: this.c.limits });
    ctx.reset(prepareRequest(toHttpRequest(request)));
    try {
      const result: unknown = await instance.handle(ctx);
      if (typeof result !== 'string') {
        return { ok: false, error: new Error(`handle returned ${result === null ? 'null' : typeof result}, not a string`), outcome: ctx.outcome('') };
      }
      return { ok: true, outcome: ctx.outcome(result) };
    } catch (error) {
      return { ok: false, error, outcome: ctx.outcome('') };
    }
  }

  async handle(instance: FilterInstance, request: CaseRequest): Promise<FilterOutcome> {
    const r = await this.attempt(instance, request);
    if (!r.ok) throw new CaseFailure(`${requestLine(request)}: handle failed: ${describe(r.error)}`);
    return r.outcome;
  }

  expectOutcome(where: string, request: CaseRequest, expected: ExpectedOutcome, actual: FilterOutcome): void {
    const diff = firstDifference(expectedOutcome(request, expected), actual);
    if (diff) this.fail(`${where}: ${diff}`);
  }

  fail(message: string): never {
    throw new CaseFailure(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.instances.splice(0);
    await Promise.all(all.map(disposeQuietly));
  }
}

async function disposeQuietly(instance: FilterInstance): Promise<void> {
  try {
    await withTimeout(Promise.resolve(instance.dispose()), CLEANUP_TIMEOUT_MS, 'dispose');
  } catch {
    // Disposal is best effort: the verdict is already made.
  }
}

/**
 * A step case: its requests in order through one instance of one deployment.
 * After a step whose host call was refused (an expected failure), the next
 * step runs on the same instance; should that instance no longer work — the
 * wasm runtime poisons an instance after a trap, as the component model
 * requires — a fresh instance of the same deployment must, and the case passes
 * with a note saying so. A runtime whose host stops working fails.
 */
async function runSteps(c: StepCase, t: Tools): Promise<string | undefined> {
  const deployment = new Deployment();
  let instance = await t.instantiate(undefined, deployment);
  const notes: string[] = [];
  let afterRefusal = false;

  const verdict = (step: StepCase['steps'][number], r: Attempt): string | undefined => {
    const expect = step.expect;
    if (isExpectedFailure(expect)) {
      if (r.ok) {
        return `expected the call to fail with ${expect.error}, but handle returned ${JSON.stringify(r.outcome.result)}`;
      }
      const message = describe(r.error);
      if (!expect.error.test(message)) return `handle failed, but not with ${expect.error}: ${message}`;
      if (expect.unchanged) {
        const diff = firstDifference(expectedOutcome(step.request, {}), r.outcome);
        if (diff) return `the refused call changed the request: ${diff}`;
      }
      return undefined;
    }
    if (!r.ok) return `handle failed: ${describe(r.error)}`;
    return firstDifference(expectedOutcome(step.request, expect), r.outcome);
  };

  for (const [i, step] of c.steps.entries()) {
    const where = `step ${i + 1}/${c.steps.length} (${step.label}; ${requestLine(step.request)})`;
    let problem = verdict(step, await t.attempt(instance, step.request));
    if (problem !== undefined && afterRefusal) {
      const fresh = await t.instantiate(undefined, deployment);
      const retry = verdict(step, await t.attempt(fresh, step.request));
      if (retry === undefined) {
        notes.push(`step ${i + 1}: ${problem}`);
        instance = fresh;
        problem = undefined;
      } else {
        problem = `${problem} (a fresh instance of the same deployment fails it too: ${retry})`;
      }
    }
    if (problem !== undefined) t.fail(`${where}: ${problem}`);
    afterRefusal = isExpectedFailure(step.expect);
  }
  if (notes.length === 0) return undefined;
  return (
    `after a refused host call the instance failed the next step ${notes.length} time(s), and a fresh instance ` +
    `of the same deployment passed it each time; first: ${notes[0]}`
  );
}

/** One runtime × case. Never throws. */
export async function runCase(runtime: Runtime, c: ConformanceCase, timeoutMs = DEFAULT_CASE_TIMEOUT_MS): Promise<CaseResult> {
  const base = { runtime: runtime.name, case: c.id, level: c.level };
  const file = join(c.dir, runtime.source);
  if (!existsSync(file)) {
    const why = c.absent?.[runtime.source];
    return {
      ...base,
      status: 'not-implemented',
      message: why ? `no ${runtime.source}: ${why}` : `no ${runtime.source} in conformance/cases/${c.id}/`,
    };
  }
  const started = performance.now();
  const t = new Tools(runtime, file, c);
  const limit = c.timeoutMs ?? timeoutMs;
  let result: CaseResult;
  try {
    const work = isStepCase(c) ? runSteps(c, t) : c.check(t);
    const note = await withTimeout(Promise.resolve(work), limit, `the case`);
    result = { ...base, status: 'pass' };
    if (typeof note === 'string' && note) result.message = note;
  } catch (err) {
    result = { ...base, status: 'fail', message: describe(err) };
  } finally {
    await t.close();
  }
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

/** Every runtime × case, runtime by runtime; runtimes are closed at the end. */
export async function runConformance(plan: ConformancePlan): Promise<ConformanceRun> {
  const run: ConformanceRun = { results: [], runtimes: [], engines: {}, engineNotes: {} };
  const total = plan.runtimes.length * plan.cases.length;
  const opened: Runtime[] = [];
  try {
    for (const entry of plan.runtimes) {
      let runtime: Runtime | undefined;
      let unavailable: string | undefined;
      try {
        runtime = await withTimeout(entry.get(), RUNTIME_TIMEOUT_MS, `loading the runtime ${entry.label}`);
        opened.push(runtime);
        const info = await withTimeout(runtime.info(), RUNTIME_TIMEOUT_MS, `${runtime.name}: info()`);
        run.engines[runtime.name] = `${info.engine} ${info.version}`;
        if (info.notes) run.engineNotes[runtime.name] = info.notes;
      } catch (err) {
        unavailable = describe(err);
      }
      const name = runtime?.name ?? entry.label;
      if (!run.runtimes.includes(name)) run.runtimes.push(name);
      for (const c of plan.cases) {
        const result: CaseResult =
          runtime && unavailable === undefined
            ? await runCase(runtime, c, plan.timeoutMs)
            : { runtime: name, case: c.id, level: c.level, status: 'fail', message: `the runtime is unavailable: ${unavailable}` };
        run.results.push(result);
        plan.onResult?.(result, run.results.length, total);
      }
    }
  } finally {
    for (const runtime of opened) {
      try {
        await withTimeout(Promise.resolve(runtime.close?.()), CLEANUP_TIMEOUT_MS, `${runtime.name}: close()`);
      } catch {
        // Best effort: the results are recorded.
      }
    }
  }
  return run;
}

/** Exit status of `npm run conformance`: 1 when any MUST case failed on a selected runtime. */
export function exitStatus(results: readonly ConformanceResult[]): 0 | 1 {
  return results.some((r) => r.level === 'MUST' && r.status === 'fail') ? 1 : 0;
}

/** A full results document (DESIGN §6) holding the conformance results: no benchmark runs. */
export function conformanceDocument(
  run: ConformanceRun,
  environment: Environment,
  config: Record<string, unknown> = {},
): Results {
  return {
    schema: RESULTS_SCHEMA,
    environment: {
      ...environment,
      engines: { ...environment.engines, ...run.engines },
      engineNotes: { ...environment.engineNotes, ...run.engineNotes },
    },
    config: { profile: 'conformance', ...config },
    runs: [],
    conformance: run.results,
  };
}

// ---------------------------------------------------------------------------
// Command line (scripts/conformance.ts): the shared flags of DESIGN §6, plus --cases.

export interface ConformanceOptions {
  runtimes?: string;
  externalRuntimes: string[];
  json?: string;
  remoteUrl?: string;
  cases?: string[];
  timeoutMs?: number;
  /** Also run the isolation suite (conformance/isolation/); --no-isolation turns it off. */
  isolation: boolean;
  /** The isolation suite gives built-in runtimes its budgets as adapter limits; --no-limits runs them as benchmarked. */
  limits: boolean;
  list: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run conformance -- [options]

  --runtimes a,b          built-in runtimes: native, lua, quickjs, wasm, remote (the default set),
                          wasm-jco, wasm-jco-hoisted-debug, or none
  --runtime ./adapter.ts  add an external runtime adapter (repeatable); its cases use the
                          filter named by its \`source\` (e.g. filter.ts)
  --cases x,y             run only these cases (default: all; see --list)
  --timeout MS            bound on each case (default ${DEFAULT_CASE_TIMEOUT_MS})
  --json FILE             also write a results file (DESIGN §6) with the conformance array
  --remote-url URL        certify a running remote filter service instead of starting one
  --no-isolation          skip the isolation suite (conformance/isolation/), run only the ABI cases
  --no-limits             isolation: run the built-in runtimes without their adapters' CPU and memory
                          limits (as benchmarked), so only the watchdog stops what they do not
  --list                  print the cases (id, level, statement) and exit
  -h, --help              this text

Prints the case × runtime matrix on stdout (progress on stderr), then the
isolation suite's; exits 1 when any MUST case fails on a selected runtime.
`;

export function parseConformanceOptions(argv: string[]): ConformanceOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      runtimes: { type: 'string' },
      runtime: { type: 'string', multiple: true, default: [] },
      cases: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'string' },
      'remote-url': { type: 'string' },
      'no-isolation': { type: 'boolean', default: false },
      'no-limits': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error(`--timeout must be a positive number of milliseconds, not ${values.timeout}`);
  }
  return {
    runtimes: values.runtimes,
    externalRuntimes: values.runtime!,
    cases: values.cases?.split(',').map((s) => s.trim()).filter(Boolean),
    timeoutMs,
    json: values.json,
    remoteUrl: values['remote-url'],
    isolation: !values['no-isolation'],
    limits: !values['no-limits'],
    list: values.list!,
    help: values.help!,
  };
}
