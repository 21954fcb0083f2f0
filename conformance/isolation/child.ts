// The isolation suite's child process: runs ONE case on ONE runtime and reports
// to its parent (run.ts) over file descriptor 3, one JSON object per line.
//
//   PLUGBENCH_ISOLATION_JOB='<ChildJob JSON>' node --import tsx conformance/isolation/child.ts
//
// The parent's watchdog bounds every phase the child announces (a hostile filter
// may never give control back), so each announcement is written synchronously
// before the phase starts: an infinite loop cannot keep it in a buffer.
//
// The child behaves like a default Node host: no uncaughtException or
// unhandledRejection handlers, so what a filter can do to a gateway process it
// can do here, and the parent records it.

import { readFileSync, existsSync, writeSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareRequest, RequestContext } from '../../runtimes/abi/context.ts';
import { Deployment } from '../../runtimes/abi/host.ts';
import type { FilterInstance, LoadedFilter, Runtime } from '../../runtimes/abi/types.ts';
import { describe } from '../../runtimes/errors.ts';
import { builtinRuntime, isBuiltin, loadExternalRuntime, type RuntimeLimits } from '../../runtimes/index.ts';
import { boundaryState } from '../../runtimes/boundary/index.ts';
import { isLimitExceeded } from '../../runtimes/limits.ts';

export type RuntimeSpec = { builtin: string; remoteUrl?: string } | { external: string };

export type CaseKind = 'hazard' | 'capability' | 'state';

/** conformance/isolation/<id>/case.json */
export interface CaseSpec {
  id: string;
  title: string;
  kind: CaseKind;
  /** hazard cases: where the hazard fires. 'async': after handle returned. */
  trigger?: 'handle' | 'init' | 'async';
  what: string;
  /** Per guest language ("ts", "lua", "c"): why it cannot be expressed, when it cannot. */
  notes?: Record<string, string>;
  /** The hazard phase gets this many times the watchdog's time budget (a case whose legitimate work is heavy). */
  budgetFactor?: number;
  budgetWhy?: string;
}

export interface ChildJob {
  spec: RuntimeSpec;
  /** The name results carry. */
  name: string;
  source: string;
  /**
   * A built-in runtime gets the suite's budgets through its adapter's `limits`
   * option (jobLimits). Without it, it runs as benchmarked: no limits (the remote
   * client with its default timeout).
   */
  limits?: boolean;
  caseDir: string;
  case: CaseSpec;
  cpuBudgetMs: number;
  memoryBudgetMb: number;
  /** Each async step the child waits for (a remote call, an instantiate) gives up after this. */
  stepMs: number;
  /** Name of the environment variable holding the secret the read-env case looks for. */
  secretEnv: string;
}

export type Phase = 'ready' | 'hazard' | 'check' | 'restart';

export type Outcome =
  | 'contained'
  | 'recovered'
  | 'broken'
  | 'unstopped'
  | 'watchdog'
  | 'crashed'
  | 'denied'
  | 'allowed'
  | 'leaked'
  | 'isolated'
  | 'not-implemented'
  | 'error';

export interface ChildResult {
  outcome: Outcome;
  mechanism: string;
  detail: string;
  /** Hazards: from the hazard call until the runtime gave control back, ms. */
  ms?: number;
}

export type ChildMessage =
  | { type: 'phase'; phase: Phase; note?: string; rssMb?: number }
  | { type: 'result'; result: ChildResult };

const REPORT_FD = 3;

function send(msg: ChildMessage): void {
  const line = JSON.stringify(msg) + '\n';
  try {
    writeSync(REPORT_FD, line);
  } catch {
    // No parent listening (run by hand): say it on stderr instead.
    process.stderr.write(line);
  }
}

function phase(p: Phase, note?: string): void {
  send({ type: 'phase', phase: p, note, rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20) });
}

// ---------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An async step that gives up after `ms` (a synchronous hang is the watchdog's business). */
async function step<T>(what: string, ms: number, fn: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(fn),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function request(path: string): RequestContext {
  return new RequestContext().reset(
    prepareRequest({ method: 'GET', path, headers: [['host', 'isolation.test']], body: new Uint8Array(0) }),
  );
}

function short(text: string, max = 240): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max) + '…' : one;
}

function language(source: string): string {
  if (source.endsWith('.lua')) return 'lua';
  if (source.endsWith('.wasm') || source.endsWith('.c')) return 'c';
  return 'ts';
}

// ---------------------------------------------------------------------------
// Runtimes: built-in, with the suite's settings where the adapter has an option
// for them, or external.

interface Host {
  runtime: Runtime;
  /** Kills and restarts the runtime's out-of-process service, when it has one we started. */
  restart?: () => Promise<Runtime>;
  servicePid?: () => Promise<number | undefined>;
}

/**
 * The suite's budgets as adapter limits: the CPU budget as it is, the memory
 * budget halved. The adapter's memory budget counts only what the guest holds;
 * the copies and bookkeeping around it, and the RSS the process already has,
 * must still fit under the watchdog's budget, or the watchdog would always win.
 */
export function jobLimits(job: Pick<ChildJob, 'cpuBudgetMs' | 'memoryBudgetMb'>): Required<RuntimeLimits> {
  return { cpuBudgetMs: job.cpuBudgetMs, memoryBudgetBytes: Math.floor(job.memoryBudgetMb / 2) * 2 ** 20 };
}

async function makeHost(job: ChildJob): Promise<Host> {
  const spec = job.spec;
  // An external adapter is a Runtime as it is: it has no options to take the budgets.
  if ('external' in spec) return { runtime: await loadExternalRuntime(spec.external) };
  if (!isBuiltin(spec.builtin)) throw new Error(`unknown runtime ${spec.builtin}`);
  const limits = job.limits ? jobLimits(job) : undefined;
  if (spec.builtin === 'remote') {
    // With limits, the adapter's own per-call timeout is the suite's CPU budget.
    const { createRemoteRuntime } = await import('../../runtimes/remote/adapter.ts');
    const make = () => createRemoteRuntime({ url: spec.remoteUrl, timeoutMs: limits?.cpuBudgetMs });
    let current = make();
    const host: Host = {
      runtime: current,
      servicePid: async () => (await current.service()).pid,
    };
    if (!spec.remoteUrl) {
      host.restart = async () => {
        const pid = (await current.service()).pid;
        if (pid) {
          try {
            process.kill(pid, 'SIGKILL'); // a spinning service never runs its SIGTERM handler
          } catch {
            // already gone
          }
        }
        await current.close().catch(() => {});
        current = make();
        host.runtime = current;
        return current;
      };
    }
    return host;
  }
  return { runtime: await builtinRuntime(spec.builtin, { limits }) };
}

function alive(pid: number | undefined): boolean | undefined {
  if (!pid) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie, or a process being torn down after an abort, still answers kill(0).
    const state = /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    if (state === 'Z' || state === 'X') return false;
  } catch {
    // no /proc: trust kill(0)
  }
  return true;
}

/** The service's connections were reset or closed under the host: its process went away. */
const SERVICE_GONE = /is gone|ECONNRESET|other side closed|ECONNREFUSED/;

// ---------------------------------------------------------------------------
// Which mechanism stopped a hazard, from the error the host got.

/** The engine family: a built-in's name without its variant suffix, or an external adapter's name read the same way. */
function family(job: ChildJob): string {
  const name = 'builtin' in job.spec ? job.spec.builtin : job.name;
  return ['native', 'lua', 'quickjs', 'wasm', 'remote'].find((f) => name === f || name.startsWith(f + '-') || name.startsWith(f + '+')) ?? 'other';
}

function hazardMechanism(job: ChildJob, err: unknown, serviceDied: boolean | undefined): string {
  // The adapter says which of its limits stopped the call.
  if (isLimitExceeded(err)) return err.mechanism;
  const m = describe(err);
  if (/^worker boundary: the filter's worker (died|exited)/.test(m)) return "worker boundary (worker_threads): the filter's worker died, the host did not";
  const rt = family(job);
  const remote = rt === 'remote';
  if (remote) {
    if (/no answer from .* within/.test(m)) return serviceDied ? 'remote client timeout (then the service process died)' : 'remote client timeout';
    if (serviceDied) return 'process boundary: the service process died, the host did not';
    if (job.case.trigger === 'init') return 'exception caught by the service (HTTP 422: deployment refused)';
    if (/answered 5\d\d/.test(m)) {
      if (/exceeds the limit/.test(m)) return "request-context body limit (in the service), HTTP 500";
      if (/Maximum call stack/.test(m)) return "V8 stack guard in the service, HTTP 500";
      return 'exception caught by the service, HTTP 500';
    }
    if (/exceeds the limit/.test(m)) return 'request-context body limit';
    return 'remote call failed';
  }
  if (/exceeds the limit of/.test(m)) return 'request-context body limit (AbiError)';
  if (/\binterrupted\b/i.test(m)) return 'QuickJS interrupt handler (CPU budget)';
  if (/out of memory/i.test(m) && rt === 'quickjs') return 'QuickJS allocation failure';
  if (/not enough memory/i.test(m)) return 'Lua allocation failure (not enough memory)';
  if (/Maximum call stack size exceeded|too much recursion/i.test(m)) {
    return rt === 'quickjs' ? 'QuickJS stack limit (RangeError)' : 'V8 stack guard (RangeError)';
  }
  if (/stack overflow/i.test(m) && rt === 'lua') return 'Lua stack limit (error)';
  if (err instanceof WebAssembly.RuntimeError || /wasm trap|unreachable|out of bounds|RuntimeError/i.test(m)) {
    const what = /unreachable/i.test(m) ? 'unreachable' : /out of bounds/i.test(m) ? 'memory access out of bounds' : short(m, 80);
    return rt === 'lua' || rt === 'quickjs' ? `trap in the engine's wasm module (${what})` : `wasm trap (${what})`;
  }
  if (rt === 'lua') return 'Lua error (lua_pcall)';
  if (rt === 'quickjs') return 'QuickJS exception';
  if (rt === 'native') return 'exception (the host catches it)';
  return 'error thrown to the host';
}

// ---------------------------------------------------------------------------
// After a hazard: does the runtime still serve a normal request?

interface Health {
  /** 'same': the same instance works; 'new': a new instance works; 'restart': only after restarting the service. */
  level: 'same' | 'new' | 'restart' | 'none';
  notes: string[];
  /** The answer of the first probe of the same instance (async-throw's /status). */
  firstAnswer?: string;
  /** Whether the out-of-process service was still running when the checks were done (before any restart). */
  serviceAlive?: boolean;
}

async function health(
  job: ChildJob,
  host: Host,
  loaded: LoadedFilter,
  inst: FilterInstance | undefined,
  firstPath: string,
  servicePid: number | undefined,
): Promise<Health> {
  const notes: string[] = [];
  const file = join(job.caseDir, job.source);
  // A normal request or instantiate takes milliseconds; waiting longer only delays the verdict.
  const stepMs = Math.min(job.stepMs, job.cpuBudgetMs + 500);
  const okAnswer = (r: string, path: string) => (path === '/status' ? r === 'pending' || r === 'ran' : r === 'ok');
  let firstAnswer: string | undefined;
  if (inst) {
    phase('check', 'same instance');
    try {
      const r = await step('same instance', stepMs, () => inst.handle(request(firstPath)));
      firstAnswer = r;
      if (okAnswer(r, firstPath)) {
        if (firstPath !== '/') {
          const again = await step('same instance', stepMs, () => inst.handle(request('/')));
          if (again === 'ok') return { level: 'same', notes, firstAnswer, serviceAlive: alive(servicePid) };
          notes.push(`same instance answered ${JSON.stringify(again)}`);
        } else return { level: 'same', notes, firstAnswer, serviceAlive: alive(servicePid) };
      } else notes.push(`same instance answered ${JSON.stringify(r)}`);
    } catch (err) {
      notes.push(`same instance: ${short(describe(err), 160)}`);
    }
  }
  phase('check', 'new instance');
  try {
    const fresh = await step('new instance', stepMs, () => loaded.instantiate('{"hazard":false}', new Deployment().host));
    const r = await step('new instance', stepMs, () => fresh.handle(request('/')));
    if (r === 'ok') return { level: 'new', notes, firstAnswer, serviceAlive: alive(servicePid) };
    notes.push(`new instance answered ${JSON.stringify(r)}`);
  } catch (err) {
    notes.push(`new instance: ${short(describe(err), 160)}`);
  }
  const serviceAlive = alive(servicePid);
  if (host.restart) {
    phase('restart', 'restarting the service');
    try {
      const runtime = await host.restart();
      const again = await runtime.load(file);
      const fresh = await step('after restart', stepMs, () => again.instantiate('{"hazard":false}', new Deployment().host));
      const r = await step('after restart', stepMs, () => fresh.handle(request('/')));
      if (r === 'ok') return { level: 'restart', notes, firstAnswer, serviceAlive };
      notes.push(`after restart: answered ${JSON.stringify(r)}`);
    } catch (err) {
      notes.push(`after restart: ${short(describe(err), 160)}`);
    }
  }
  return { level: 'none', notes, firstAnswer, serviceAlive };
}

function healthOutcome(h: Health, trigger: string): { outcome: Outcome; how: string } {
  switch (h.level) {
    case 'same':
      return { outcome: 'contained', how: 'the same instance then served a normal request' };
    case 'new':
      // A failed init leaves no instance behind: a new one working is the runtime containing it.
      if (trigger === 'init') return { outcome: 'contained', how: 'instantiate failed; a new instance then served a normal request' };
      return { outcome: 'recovered', how: 'the instance was unusable afterwards; a new instance served a normal request' };
    case 'restart':
      return { outcome: 'recovered', how: 'instances were unusable afterwards; the service process was killed and restarted' };
    case 'none':
      return { outcome: 'broken', how: 'the process survived but the runtime served no normal request afterwards' };
  }
}

// ---------------------------------------------------------------------------

async function runHazard(job: ChildJob, host: Host, loaded: LoadedFilter): Promise<ChildResult> {
  const trigger = job.case.trigger ?? 'handle';
  const dep = new Deployment();
  let inst: FilterInstance | undefined;
  let err: unknown;
  let answer: string | undefined;
  let t0 = 0;
  let ms = 0;
  // Before the hazard: afterwards a dead service would be replaced by a new one on asking.
  const servicePid = await host.servicePid?.().catch(() => undefined);
  if (trigger === 'init') {
    phase('hazard', 'instantiate with {"hazard":true}');
    t0 = performance.now();
    try {
      inst = await loaded.instantiate('{"hazard":true}', dep.host);
    } catch (e) {
      err = e;
    }
    ms = performance.now() - t0;
    if (inst) {
      await Promise.resolve(inst.dispose()).catch(() => {});
      inst = undefined;
    }
  } else {
    inst = await step('instantiate', job.stepMs, () => loaded.instantiate('{"hazard":false}', dep.host));
    const warm = await step('first request', job.stepMs, () => inst!.handle(request('/')));
    if (warm !== 'ok') return { outcome: 'error', mechanism: '', detail: `the filter answered ${JSON.stringify(warm)} to a normal request before the hazard` };
    phase('hazard', 'handle /hazard');
    t0 = performance.now();
    try {
      answer = await inst!.handle(request('/hazard'));
    } catch (e) {
      err = e;
    }
    ms = performance.now() - t0;
  }

  if (err === undefined && answer?.startsWith('denied:')) {
    return { outcome: 'denied', mechanism: 'not expressible in this language', detail: answer.slice('denied:'.length), ms };
  }
  if (trigger === 'async' && err === undefined) {
    await sleep(300); // let the event loop run what the filter left behind
  }
  const h = await health(job, host, loaded, inst, trigger === 'async' ? '/status' : '/', servicePid);
  const serviceDied = h.serviceAlive === false || (servicePid !== undefined && h.notes.some((n) => SERVICE_GONE.test(n)));
  const died = serviceDied
    ? ` The service process (pid ${servicePid}) died by itself${h.serviceAlive === false ? '' : ' (its connections were reset)'}.`
    : h.level === 'restart'
      ? ` The service process (pid ${servicePid}) was still running (busy) until killed.`
      : '';
  let { outcome, how } = healthOutcome(h, trigger);
  const notes = h.notes.length ? ` (${h.notes.join('; ')})` : '';
  // Behind the worker boundary the same FilterInstance serves again, but its guest was
  // recreated in a new worker (state lost, init run again): recovered, not contained.
  const boundary = boundaryState(inst);
  if (boundary && boundary.recreations > 0 && h.level === 'same') {
    outcome = 'recovered';
    how = `the worker boundary ended the filter's worker and recreated the instance in a new one (${short(boundary.cause ?? '', 120)}); the same instance handle then served a normal request`;
  }

  if (err === undefined) {
    if (trigger === 'async' && boundary && boundary.recreations > 0) {
      return {
        outcome,
        mechanism: "worker boundary (worker_threads): the filter's worker died of it, the host did not",
        detail: `handle returned ${JSON.stringify(answer)}; then ${how}.`,
        ms,
      };
    }
    if (trigger === 'async') {
      const jobs = h.firstAnswer === 'pending' ? 'the promise job never ran: the engine has no event loop and the adapter runs no pending jobs' : h.firstAnswer === 'ran' ? 'the job ran and its rejection went unnoticed' : '';
      if (outcome === 'contained') {
        return { outcome, mechanism: h.firstAnswer === 'pending' ? 'no event loop (pending jobs never run)' : 'rejection absorbed', detail: `${jobs}; ${how}.${died}`, ms };
      }
      return {
        outcome,
        mechanism: serviceDied ? 'process boundary: the service died of the unhandled rejection, the host did not' : 'none',
        detail: `handle returned ${JSON.stringify(answer)}; then ${how}${notes}.${died}`,
        ms,
      };
    }
    return {
      outcome: 'unstopped',
      mechanism: 'none',
      detail: `the hazard ran to completion: ${trigger === 'init' ? 'init accepted the hazard config' : `handle returned ${JSON.stringify(short(answer ?? '', 80))}`}; ${how}${notes}.${died}`,
      ms,
    };
  }
  const mechanism = hazardMechanism(job, err, serviceDied);
  return {
    outcome,
    mechanism,
    detail: `stopped after ${ms.toFixed(0)} ms: ${short(describe(err), 200)}; ${how}${notes}.${died}`,
    ms,
  };
}

// ---------------------------------------------------------------------------

const CAPABILITY_MECHANISM: Record<string, { allowed: string; denied: string }> = {
  native: { allowed: 'none: a native filter is host code', denied: 'none (the attempt failed on its own)' },
  // With limits native runs behind the worker boundary, which bounds time and heap and nothing else.
  'native+boundary': {
    allowed: 'none: the worker boundary is not a sandbox (a worker thread of the host process has its capabilities)',
    denied: 'none (the attempt failed on its own)',
  },
  remote: {
    allowed: 'none: the service runs filters as Node code (a process boundary, not a sandbox)',
    denied: 'none (the attempt failed on its own)',
  },
  quickjs: { allowed: 'none', denied: 'QuickJS global has no host objects (no process, require, std, os)' },
  lua: { allowed: 'none', denied: "lua adapter's sandbox (io, os.execute/getenv, loadlib, dofile removed; no sockets in Lua)" },
  wasm: { allowed: 'none', denied: 'no capability to import: a component may import only the ABI (build and adapter refuse WASI)' },
};

/** A built-in runtime that runs behind the worker boundary in this job (runtimes/index.ts: native with limits). */
function behindBoundary(job: ChildJob): boolean {
  return !!job.limits && 'builtin' in job.spec && job.spec.builtin === 'native';
}

function capabilityMechanism(job: ChildJob, outcome: 'allowed' | 'denied'): string {
  const key = behindBoundary(job) ? 'native+boundary' : job.name in CAPABILITY_MECHANISM ? job.name : 'builtin' in job.spec ? job.spec.builtin : '';
  return CAPABILITY_MECHANISM[key]?.[outcome] ?? (outcome === 'allowed' ? 'none' : 'as the filter reports it');
}

/** For C: compile attempt.c with the build's own flags and show what the build says. */
async function attemptBuild(job: ChildJob): Promise<string | undefined> {
  const attempt = join(job.caseDir, 'attempt.c');
  if (language(job.source) !== 'c' || !existsSync(attempt)) return undefined;
  try {
    const build = await import('../../runtimes/wasm/build.ts');
    await build.checkClang();
    const core = await build.compileCore(attempt);
    build.checkCoreImports(attempt, core);
    return 'attempt.c BUILT (unexpected: the build accepted it)';
  } catch (err) {
    const m = describe(err);
    const imports = /imports (wasi_snapshot_preview1\.[^;]*);/.exec(m);
    if (imports) {
      const names = imports[1]!.split(', ').map((s) => s.replace('wasi_snapshot_preview1.', ''));
      return `the build refuses attempt.c: it imports WASI ${names.slice(0, 4).join(', ')}${names.length > 4 ? ` (+${names.length - 4} more)` : ''}`;
    }
    const undeclared = [...m.matchAll(/implicit declaration of function '(\w+)'/g)].map((x) => x[1]);
    if (undeclared.length) return `attempt.c does not compile: wasi-libc declares no ${[...new Set(undeclared)].join(', ')}`;
    if (/clang|wasi-libc/i.test(m) && /not found|no wasi-libc|failed \(/.test(m)) return `attempt.c not compiled (${short(m, 120)})`;
    return `attempt.c: ${short(m, 200)}`;
  }
}

async function runCapability(job: ChildJob, host: Host, loaded: LoadedFilter): Promise<ChildResult> {
  const id = job.case.id;
  let connections = 0;
  const listener = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => listener.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const port = (listener.address() as net.AddressInfo).port;
  try {
    const config = JSON.stringify({ hazard: false, port, env: job.secretEnv });
    const inst = await step('instantiate', job.stepMs, () => loaded.instantiate(config, new Deployment().host));
    phase('hazard', 'probe');
    let answer: string;
    try {
      answer = await step('probe', job.stepMs, () => inst.handle(request('/probe')));
    } catch (err) {
      answer = 'denied:' + describe(err);
    }
    phase('check', 'verify');
    let outcome: 'allowed' | 'denied' = 'denied';
    let evidence = '';
    const claim = answer.startsWith('allowed:') ? answer.slice(8) : '';
    if (answer.startsWith('attempted:')) {
      const until = Date.now() + Math.min(1000, job.stepMs);
      while (connections === 0 && Date.now() < until) await sleep(20);
      if (connections > 0) {
        outcome = 'allowed';
        evidence = `the harness's listener on 127.0.0.1:${port} accepted ${connections} connection(s) (${answer.slice(10)})`;
      } else evidence = `${answer.slice(10)} attempted, but no connection arrived within ${Math.min(1000, job.stepMs)} ms`;
    } else if (claim) {
      const truth = groundTruth(id, job);
      if (truth.check(claim)) {
        outcome = 'allowed';
        evidence = `${truth.what}: ${JSON.stringify(short(claim, 80))}`;
      } else evidence = `the filter claimed ${JSON.stringify(short(claim, 80))}, which does not match ${truth.what}`;
    } else {
      evidence = answer.startsWith('denied:') ? answer.slice(7) : `answered ${JSON.stringify(answer)}`;
    }
    const built = await attemptBuild(job);
    const detail = short(evidence + (built ? `. ${built}` : ''), 400);
    return { outcome, mechanism: capabilityMechanism(job, outcome), detail };
  } finally {
    listener.close();
  }
}

function groundTruth(id: string, job: ChildJob): { what: string; check(claim: string): boolean } {
  switch (id) {
    case 'read-file': {
      let line: string | undefined;
      try {
        line = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!.slice(0, 80);
      } catch {
        line = undefined;
      }
      return { what: 'the first line of /etc/passwd', check: (c) => line !== undefined && c === line };
    }
    case 'read-env': {
      const secret = process.env[job.secretEnv];
      return { what: `the secret in $${job.secretEnv}`, check: (c) => !!secret && c === secret };
    }
    case 'spawn-process':
      return {
        what: 'the output of a process it started',
        check: (c) => {
          const m = /^spawned (\d+)$/.exec(c);
          return !!m && Number(m[1]) !== process.pid;
        },
      };
    default:
      return { what: 'nothing the harness can check', check: () => false };
  }
}

// ---------------------------------------------------------------------------

const STATE_MECHANISM: Record<string, { leaked: string; isolated: string }> = {
  native: { leaked: 'none: one ES module and one realm per process, shared by every deployment', isolated: '' },
  'native+boundary': {
    leaked: "none: behind the worker boundary, every deployment of a loaded filter shares its worker's module and realm (the host's realm is apart)",
    isolated: 'a worker per loaded filter',
  },
  remote: { leaked: 'none: the service imports each filter file once; its deployments share module state and realm', isolated: '' },
  quickjs: { leaked: '', isolated: 'a QuickJS runtime and context per instance' },
  lua: { leaked: '', isolated: 'a lua_State per instance' },
  wasm: { leaked: '', isolated: 'a component instance per instance (own linear memory and libc state)' },
};

const MARKER = '__pbIsolationMarker';

async function runState(job: ChildJob, host: Host, loaded: LoadedFilter): Promise<ChildResult> {
  phase('hazard', 'deployment A writes, deployment B reads');
  const a = await step('instantiate A', job.stepMs, () => loaded.instantiate('{"name":"A"}', new Deployment().host));
  const wrote = await step('A /write', job.stepMs, () => a.handle(request('/write')));
  const b = await step('instantiate B', job.stepMs, () => loaded.instantiate('{"name":"B"}', new Deployment().host));
  const read = await step('B /read', job.stepMs, () => b.handle(request('/read')));
  phase('check', 'host realm');
  const inHost = Object.getOwnPropertyDescriptor(Object.prototype, MARKER);
  if (inHost) delete (Object.prototype as Record<string, unknown>)[MARKER];
  if (!read.startsWith('seen:')) return { outcome: 'error', mechanism: '', detail: `deployment B answered ${JSON.stringify(read)}` };
  const seen = read.slice(5).split(',').filter(Boolean);
  const outcome: Outcome = seen.includes('A') ? 'leaked' : 'isolated';
  const key = behindBoundary(job) ? 'native+boundary' : job.name in STATE_MECHANISM ? job.name : 'builtin' in job.spec ? job.spec.builtin : '';
  const mechanism = STATE_MECHANISM[key]?.[outcome] || (outcome === 'leaked' ? 'none' : 'per-instance state');
  const host_ = inHost ? `; the change also reached the host's own realm (Object.prototype.${MARKER} = ${JSON.stringify(inHost.value)})` : '';
  return {
    outcome,
    mechanism,
    detail: `A answered ${JSON.stringify(wrote)}; B, deployed after, found ${seen.length ? JSON.stringify(seen.join(',')) : 'nothing'}${host_}`,
  };
}

// ---------------------------------------------------------------------------

export async function runChild(job: ChildJob): Promise<ChildResult> {
  const file = join(job.caseDir, job.source);
  if (!existsSync(file)) {
    return { outcome: 'not-implemented', mechanism: '', detail: `no ${job.source} in ${job.case.id}` };
  }
  // Nothing is closed or disposed afterwards: the parent ends the whole process
  // group as soon as it has the result (a wedged service included).
  const host = await makeHost(job);
  const loaded = await host.runtime.load(file);
  phase('ready');
  switch (job.case.kind) {
    case 'hazard':
      return runHazard(job, host, loaded);
    case 'capability':
      return runCapability(job, host, loaded);
    case 'state':
      return runState(job, host, loaded);
  }
}

async function main(): Promise<void> {
  const text = process.env.PLUGBENCH_ISOLATION_JOB;
  if (!text) {
    process.stderr.write('child.ts: PLUGBENCH_ISOLATION_JOB is not set (run by conformance/isolation/run.ts)\n');
    process.exit(2);
  }
  // The parent is gone when its end of stdin closes (only noticed while the event loop runs;
  // a spinning child is bounded by its CPU-time rlimit instead).
  process.stdin.on('end', () => process.exit(3));
  process.stdin.on('error', () => process.exit(3));
  process.stdin.resume();
  const job = JSON.parse(text) as ChildJob;
  let result: ChildResult;
  try {
    result = await runChild(job);
  } catch (err) {
    result = { outcome: 'error', mechanism: '', detail: short(describe(err), 400) };
  }
  send({ type: 'result', result });
  process.exit(0);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  void main();
}
