// The isolation suite (DESIGN §5): what a hostile or buggy filter can do to its
// host. Each case (conformance/isolation/<id>/) runs on each runtime in its own
// child process (child.ts) under a watchdog with a time and a memory budget, so
// a runtime that hangs or kills its process is recorded and the run goes on.
//
// Outcomes
//   hazards       contained  the runtime stopped it; the same instance then served a normal request
//                 recovered  stopped, but the instance (or the out-of-process service) had to be recreated
//                 broken     stopped, the process lived on, but the runtime served nothing afterwards
//                 unstopped  the hazard ran to completion (e.g. a 100 MiB body accepted)
//                 watchdog   only killing the process stopped it (time or memory budget)
//                 crashed    the process died by itself (V8 heap limit, an unhandled rejection, an abort)
//   capabilities  denied / allowed (allowed only with evidence the harness checked)
//   state         leaked / isolated
//   either        not-implemented (no filter for that language), error (the harness failed)
// Each result says which mechanism did it (QuickJS interrupt handler, wasm trap,
// Lua error, remote client timeout, request-context limit, watchdog kill, ...).
//
// Limits: every built-in runtime runs with the suite's budgets set through its
// adapter's own `limits` option (builtinRuntime(name, { limits }), runtimes/limits.ts):
// the CPU budget per call, and half the memory budget as the adapter's memory budget
// (the rest is headroom for everything around the guest, so the watchdog does not
// win by default). Each adapter enforces them with its engine's limits — QuickJS's
// interrupt handler and memory limit + heap-growth cap, a Lua count hook and
// accounting allocator, a declared wasm memory maximum, the remote client's timeout.
// native (any budget) and wasm (its CPU budget) have nothing in-process to enforce them
// with, so with limits they run behind the worker boundary (runtimes/boundary): a
// worker_threads Worker per loaded filter, terminated at the CPU budget or ended by its
// V8 heap limit, its instances recreated behind the same handles (so 'recovered', not
// 'contained'). It bounds time and heap only: capability probes on native stay allowed.
// Whatever no mechanism stops is the watchdog's, and the result says so. A result's `limits` names what the runtime used for each
// budget; `mechanism` names what stopped this hazard. `limits: false` (--no-limits,
// or per runtime) runs the adapters as benchmarked, without limits. External
// adapters run as they are (a module's Runtime has no options to take them).
//
// Budgets (options)
//   timeoutMs       the watchdog's limit for each phase the child announces: the hazard, each
//                   health check after it (a restart of an out-of-process service gets startupMs)
//   memoryBudgetMb  the child's process tree may grow this much RSS over its size when the case
//                   starts; every Node process in it also runs with V8's heap limit at 3/4 of it,
//                   so a JS heap bomb ends as it would in production (V8 aborts the process)
//   cpuBudgetMs     the adapters' per-call CPU budget (limits.cpuBudgetMs; the remote client's
//                   per-call timeout). Keep it below timeoutMs, or the watchdog fires first.
//                   memoryBudgetMb / 2 is the adapters' limits.memoryBudgetBytes.
//
// Run it alone:  node --import tsx conformance/isolation/run.ts [--runtimes a,b] [--cases x,y] [--no-limits] [--json FILE]

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { IsolationResult } from '../../reports/schema.ts';
import { LIMIT_MECHANISMS } from '../../runtimes/limits.ts';
import { jobLimits, type CaseKind, type CaseSpec, type ChildJob, type ChildMessage, type ChildResult, type Outcome, type Phase, type RuntimeSpec } from './child.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CHILD = join(HERE, 'child.ts');
const REPO_ROOT = resolve(HERE, '../..');
const MiB = 2 ** 20;

export type { CaseSpec, Outcome, RuntimeSpec };

export interface IsolationRuntime {
  spec: RuntimeSpec;
  name: string;
  source: string;
  /** Overrides IsolationOptions.limits for this runtime (e.g. one runtime with and without). */
  limits?: boolean;
}

export interface IsolationOptions {
  timeoutMs: number;
  memoryBudgetMb: number;
  cpuBudgetMs: number;
  onProgress?: (msg: string) => void;
  /** Children at once. Default: min(2, available cores). */
  concurrency?: number;
  /** Case ids to run (default: all). */
  cases?: string[];
  /** Give built-in runtimes the budgets through their adapters' `limits` option. Default true. */
  limits?: boolean;
  /** Loading the engine and the filter (and restarting a service) may take this long. Default 30000. */
  startupMs?: number;
  /** Where the case folders are. Default: this folder. */
  dir?: string;
}

export interface IsolationCaseResult extends IsolationResult {
  outcome: Outcome;
  kind: CaseKind;
  /** Which mechanism stopped, denied or isolated it ("none" when nothing did). */
  mechanism: string;
  /** Hazards: from the hazard call until the runtime (or the watchdog) ended it, ms. */
  ms?: number;
  /** Most the child's process tree grew over its starting RSS, MiB. */
  peakRssGrowthMb?: number;
  /** The child's whole life, ms (start-up included). */
  wallMs: number;
  /** From spawning the child until the runtime had loaded the filter, ms. */
  startupMs?: number;
  /** The budgets the adapter was given, and what it uses for each (absent: run without limits). */
  limits?: AppliedLimits;
}

export interface AppliedLimits {
  cpuBudgetMs: number;
  memoryBudgetBytes: number;
  /** What enforces the CPU budget in this runtime ("none ..." when nothing in-process does). */
  cpu: string;
  memory: string;
}

/** The limits a job's runtime gets, as results report them; undefined when it runs without. */
export function appliedLimits(job: ChildJob): AppliedLimits | undefined {
  if (!job.limits || !('builtin' in job.spec)) return undefined;
  const family = job.spec.builtin.replace(/-.*$/, '');
  const uses = LIMIT_MECHANISMS[family] ?? { cpu: 'unknown', memory: 'unknown' };
  return { ...jobLimits(job), cpu: uses.cpu, memory: uses.memory };
}

/** The case folders (those with a case.json), in a stable order. */
export function listIsolationCases(dir = HERE): Array<CaseSpec & { dir: string }> {
  const out: Array<CaseSpec & { dir: string }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name, 'case.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const spec = JSON.parse(readFileSync(file, 'utf8')) as CaseSpec;
    if (spec.id !== entry.name) throw new Error(`${file}: id ${JSON.stringify(spec.id)} differs from its folder`);
    out.push({ ...spec, dir: join(dir, entry.name) });
  }
  const order: Record<CaseKind, number> = { hazard: 0, capability: 1, state: 2 };
  return out.sort((a, b) => order[a.kind] - order[b.kind] || CASE_ORDER.indexOf(a.id) - CASE_ORDER.indexOf(b.id) || a.id.localeCompare(b.id));
}

const CASE_ORDER = [
  'throw-in-handle',
  'trap-in-init',
  'infinite-loop',
  'memory-bomb',
  'deep-recursion',
  'oversized-body',
  'async-throw',
  'read-file',
  'read-env',
  'network-connect',
  'spawn-process',
  'global-state',
  'shared-builtins',
];

// ---------------------------------------------------------------------------
// Children: every one is a process-group leader, so the watchdog can kill the
// whole tree (an out-of-process filter service included). All groups still alive
// are killed when this process exits or is told to stop.

const liveGroups = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Child process groups this process has running now. */
export function liveChildGroups(): number {
  return liveGroups.size;
}

function killAll(): void {
  for (const pid of liveGroups) killGroup(pid);
  liveGroups.clear();
}

let guardUsers = 0;
const onSignal = (signal: NodeJS.Signals) => {
  killAll();
  releaseGuards();
  // Nobody else handles it: do what the signal would have done.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
};

function holdGuards(): void {
  if (guardUsers++ > 0) return;
  process.on('exit', killAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}

function releaseGuards(): void {
  if (guardUsers === 0) return;
  guardUsers = 0;
  process.off('exit', killAll);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
}

/** RSS of a process and its descendants, in bytes (Linux /proc), or undefined when unavailable. */
export function treeRss(pid: number): number | undefined {
  let total = 0;
  const stack = [pid];
  let seen = 0;
  while (stack.length && seen < 64) {
    const p = stack.pop()!;
    seen++;
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (m) total += Number(m[1]) * 1024;
      for (const task of readdirSync(`/proc/${p}/task`)) {
        let kids = '';
        try {
          kids = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8');
        } catch {
          continue;
        }
        for (const k of kids.split(' ')) if (k.trim()) stack.push(Number(k));
      }
    } catch {
      if (p === pid) return undefined;
    }
  }
  return total;
}

const HAS_PROC = existsSync('/proc/self/status');

export interface Budgets {
  timeoutMs: number;
  memoryBudgetMb: number;
  cpuBudgetMs: number;
  startupMs: number;
}

export interface ChildRun {
  /** The child's pid, which is also its process group. */
  pid: number;
  result?: ChildResult;
  killed?: { why: 'time' | 'memory' | 'startup'; phase: Phase | 'loading'; note?: string; afterMs: number; rssGrowthMb?: number };
  exit: { code: number | null; signal: NodeJS.Signals | null };
  stderr: string;
  phases: Array<{ phase: Phase; note?: string; at: number }>;
  hazardAt?: number;
  resultAt?: number;
  exitAt?: number;
  endAt: number;
  startAt: number;
  peakGrowth: number;
}

function phaseBudget(phase: Phase | 'loading', job: ChildJob, budgets: Budgets): number {
  if (phase === 'restart' || phase === 'loading') return budgets.startupMs;
  if (phase === 'hazard') return budgets.timeoutMs * (job.case.budgetFactor ?? 1);
  return budgets.timeoutMs;
}

/** Runs one job in a watchdog'd child process. */
export function runChildProcess(job: ChildJob, budgets: Budgets, secret: string): Promise<ChildRun> {
  const heapMb = Math.max(64, Math.floor((budgets.memoryBudgetMb * 3) / 4));
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--max-old-space-size=${heapMb}`].join(' ').trim();
  // A backstop for an orphan (this process SIGKILLed mid-run): the kernel ends a spinning child by CPU time.
  const cpuSeconds = Math.ceil((budgets.startupMs * 2 + budgets.timeoutMs * 8) / 1000) + 5;
  const argv = [process.execPath, '--import', 'tsx', CHILD];
  const useSh = existsSync('/bin/sh');
  const child: ChildProcess = spawn(
    useSh ? '/bin/sh' : argv[0]!,
    useSh ? ['-c', `ulimit -t ${cpuSeconds} 2>/dev/null; exec "$@"`, 'sh', ...argv] : argv.slice(1),
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: nodeOptions, PLUGBENCH_ISOLATION_JOB: JSON.stringify(job), [job.secretEnv]: secret },
    },
  );
  const pid = child.pid!;
  liveGroups.add(pid);
  const run: ChildRun = { pid, exit: { code: null, signal: null }, stderr: '', phases: [], endAt: 0, startAt: performance.now(), peakGrowth: 0 };
  let current: Phase | 'loading' = 'loading';
  let currentNote: string | undefined;
  let baseline: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;

  const kill = (why: 'time' | 'memory' | 'startup', rssGrowthMb?: number) => {
    if (run.killed || run.result) return;
    const since = run.phases.at(-1)?.at ?? run.startAt;
    run.killed = { why, phase: current, note: currentNote, afterMs: performance.now() - since, rssGrowthMb };
    killGroup(pid);
  };
  const arm = (ms: number, why: 'time' | 'startup') => {
    clearTimeout(timer);
    timer = setTimeout(() => kill(why), ms);
  };
  arm(budgets.startupMs, 'startup');

  const onMessage = (msg: ChildMessage) => {
    if (msg.type === 'result') {
      run.result = msg.result;
      run.resultAt = performance.now();
      clearTimeout(timer);
      killGroup(pid); // the verdict is in: nothing the child (or its service) does now matters
      return;
    }
    if (msg.type !== 'phase') return;
    current = msg.phase;
    currentNote = msg.note;
    const at = performance.now();
    run.phases.push({ phase: msg.phase, note: msg.note, at });
    if (msg.phase === 'hazard' && run.hazardAt === undefined) run.hazardAt = at;
    if (msg.phase === 'ready' && HAS_PROC) {
      baseline = treeRss(pid);
      poll = setInterval(() => {
        const rss = treeRss(pid);
        if (rss === undefined || baseline === undefined) return;
        const growth = (rss - baseline) / MiB;
        if (growth > run.peakGrowth) run.peakGrowth = growth;
        if (growth > budgets.memoryBudgetMb) kill('memory', Math.round(growth));
      }, 20);
    }
    arm(phaseBudget(msg.phase, job, budgets), 'time');
  };

  let buffered = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: string | Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        onMessage(JSON.parse(line) as ChildMessage);
      } catch {
        // not ours
      }
    }
  });
  child.stdout!.resume();
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    run.stderr = (run.stderr + d).slice(-16384);
  });

  return new Promise((resolvePromise) => {
    // Grandchildren (a filter service) may hold the child's pipes open: once the child
    // itself has exited, give its output a moment to drain, then end the group.
    child.once('exit', () => {
      run.exitAt = performance.now();
      setTimeout(() => killGroup(pid), 200).unref();
    });
    child.once('close', (code, signal) => {
      run.endAt = performance.now();
      run.exit = { code, signal };
      clearTimeout(timer);
      clearInterval(poll);
      killGroup(pid); // whatever the child left behind (a service it started)
      liveGroups.delete(pid);
      resolvePromise(run);
    });
    child.once('error', () => {
      // 'close' follows
    });
  });
}

/** The line of a dead child's stderr that says why. */
function deathNote(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const fatal = lines.find((l) => /FATAL ERROR|out of memory|Aborted|Segmentation/i.test(l));
  if (fatal) return fatal;
  const thrown = lines.find((l) => /^(\w*Error|Error)\b.*:/.test(l));
  if (thrown) return thrown;
  return lines.slice(-2).join(' | ');
}

export function classify(job: ChildJob, run: ChildRun, budgets: Budgets): Omit<IsolationCaseResult, 'runtime' | 'case' | 'kind' | 'wallMs'> {
  const peak = HAS_PROC ? Math.round(run.peakGrowth) : undefined;
  const fromHazard = run.hazardAt !== undefined ? run.endAt - run.hazardAt : undefined;
  if (run.result) {
    return { ...run.result, peakRssGrowthMb: peak };
  }
  if (run.killed) {
    const k = run.killed;
    if (k.why === 'startup') {
      return {
        outcome: 'error',
        mechanism: 'watchdog kill (start-up)',
        detail: `the runtime did not load the filter within ${budgets.startupMs} ms`,
        peakRssGrowthMb: peak,
      };
    }
    const where = k.phase === 'hazard' ? 'during the hazard' : k.phase === 'check' ? `in a health check after the hazard (${k.note})` : `in phase ${k.phase}${k.note ? ` (${k.note})` : ''}`;
    const why =
      k.why === 'memory'
        ? `the process tree grew ${k.rssGrowthMb} MiB over its starting RSS (budget ${budgets.memoryBudgetMb} MiB)`
        : `no progress for ${Math.round(k.afterMs)} ms (budget ${phaseBudget(k.phase, job, budgets)} ms)`;
    const applied = appliedLimits(job);
    const limits = !applied
      ? ''
      : k.why === 'time'
        ? `. The runtime's CPU budget (${applied.cpuBudgetMs} ms per call) did not stop it; it is enforced by: ${applied.cpu}`
        : `. The runtime's memory budget (${applied.memoryBudgetBytes / MiB} MiB) did not stop it; it is enforced by: ${applied.memory}`;
    return {
      outcome: 'watchdog',
      mechanism: `watchdog kill (${k.why})`,
      detail: `killed ${where}: ${why}${limits}`,
      ms: fromHazard,
      peakRssGrowthMb: peak,
    };
  }
  const how = run.exit.signal ? `signal ${run.exit.signal}` : `exit code ${run.exit.code}`;
  const note = deathNote(run.stderr);
  return {
    outcome: 'crashed',
    mechanism: 'none',
    detail: `the process died by itself ${run.hazardAt !== undefined ? 'after the hazard' : 'before the hazard'} (${how})${note ? `: ${note.slice(0, 300)}` : ''}`,
    ms: fromHazard,
    peakRssGrowthMb: peak,
  };
}

// ---------------------------------------------------------------------------

/** Runs every case on every runtime (built-ins with their limits unless told otherwise); never throws for a runtime's misbehaviour. */
export async function runIsolationSuite(runtimes: IsolationRuntime[], options: IsolationOptions): Promise<IsolationCaseResult[]> {
  const budgets: Budgets = {
    timeoutMs: options.timeoutMs,
    memoryBudgetMb: options.memoryBudgetMb,
    cpuBudgetMs: options.cpuBudgetMs,
    startupMs: options.startupMs ?? 30_000,
  };
  const progress = options.onProgress ?? (() => {});
  let cases = listIsolationCases(options.dir ?? HERE);
  if (options.cases) {
    const unknown = options.cases.filter((id) => !cases.some((c) => c.id === id));
    if (unknown.length) throw new Error(`unknown isolation case ${unknown.join(', ')}; valid: ${cases.map((c) => c.id).join(', ')}`);
    cases = cases.filter((c) => options.cases!.includes(c.id));
  }

  const entries: IsolationRuntime[] = [];
  for (const given of runtimes) {
    // The child runs in the repository root: an external adapter's path is resolved here, against our cwd.
    const rt = 'external' in given.spec ? { ...given, spec: { external: resolve(given.spec.external) } } : given;
    entries.push({ ...rt, limits: 'builtin' in rt.spec && (rt.limits ?? options.limits ?? true) });
  }

  const secret = randomBytes(12).toString('hex');
  const jobs: Array<{ job: ChildJob; entry: (typeof entries)[number]; index: number }> = [];
  for (const c of cases) {
    for (const entry of entries) {
      const { dir, ...spec } = c;
      jobs.push({
        index: jobs.length,
        entry,
        job: {
          spec: entry.spec,
          name: entry.name,
          source: entry.source,
          limits: entry.limits,
          caseDir: dir,
          case: spec,
          cpuBudgetMs: budgets.cpuBudgetMs,
          memoryBudgetMb: budgets.memoryBudgetMb,
          stepMs: Math.max(250, budgets.timeoutMs - 250),
          secretEnv: 'PLUGBENCH_ISOLATION_SECRET',
        },
      });
    }
  }

  const results: IsolationCaseResult[] = new Array(jobs.length);
  const concurrency = Math.max(1, options.concurrency ?? Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
  let next = 0;
  let done = 0;
  const started = performance.now();
  holdGuards();
  try {
    const worker = async () => {
      while (next < jobs.length) {
        const { job, entry, index } = jobs[next++]!;
        const base = { runtime: entry.name, case: job.case.id, kind: job.case.kind, limits: appliedLimits(job) };
        let r: IsolationCaseResult;
        if (!existsSync(join(job.caseDir, job.source))) {
          const built = job.source.endsWith('.wasm') && existsSync(join(job.caseDir, 'filter.c'));
          r = {
            ...base,
            outcome: 'not-implemented',
            mechanism: '',
            detail: built ? `${job.source} is not built (npm run build:wasm)` : `no ${job.source} for this case`,
            wallMs: 0,
          };
        } else {
          const run = await runChildProcess(job, budgets, secret);
          const ready = run.phases.find((p) => p.phase === 'ready');
          r = {
            ...base,
            ...classify(job, run, budgets),
            wallMs: Math.round(run.endAt - run.startAt),
            startupMs: ready ? Math.round(ready.at - run.startAt) : undefined,
          };
          if (r.startupMs === undefined) delete r.startupMs;
        }
        if (r.ms !== undefined) r.ms = Math.round(r.ms * 10) / 10;
        if (r.limits === undefined) delete r.limits;
        results[index] = r;
        done++;
        progress(
          `[${String(done).padStart(String(jobs.length).length)}/${jobs.length}] ${r.runtime} × ${r.case}: ${r.outcome}` +
            `${r.mechanism ? ` (${r.mechanism})` : ''}  ${(r.wallMs / 1000).toFixed(1)} s`,
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  } finally {
    releaseGuards();
  }
  progress(`isolation: ${jobs.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s (${concurrency} at a time)`);
  const rtOrder = entries.map((e) => e.name);
  return results.sort((a, b) => rtOrder.indexOf(a.runtime) - rtOrder.indexOf(b.runtime) || CASE_ORDER.indexOf(a.case) - CASE_ORDER.indexOf(b.case));
}

// ---------------------------------------------------------------------------
// Presentation

const SHORT: Record<string, string> = {
  contained: 'contained',
  recovered: 'recovered',
  broken: 'BROKEN',
  unstopped: 'UNSTOPPED',
  watchdog: 'WATCHDOG',
  crashed: 'CRASHED',
  denied: 'denied',
  allowed: 'ALLOWED',
  leaked: 'LEAKED',
  isolated: 'isolated',
  'not-implemented': '-',
  error: 'ERROR',
};

/** A case × runtime table of outcomes (capitals: the host was not protected), then one line per result with its mechanism. */
export function formatIsolationMatrix(results: IsolationCaseResult[], options: { details?: boolean } = {}): string {
  const runtimes = [...new Set(results.map((r) => r.runtime))];
  const cases = [...new Set(results.map((r) => r.case))];
  const cell = (c: string, rt: string) => {
    const r = results.find((x) => x.case === c && x.runtime === rt);
    if (!r) return '';
    const label = SHORT[r.outcome] ?? r.outcome;
    return r.ms !== undefined && (r.outcome === 'contained' || r.outcome === 'recovered') ? `${label} ${fmtMs(r.ms)}` : label;
  };
  const rows = [['case', ...runtimes], ...cases.map((c) => [c, ...runtimes.map((rt) => cell(c, rt))])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  out.push('', 'lower case: the runtime protected the host; CAPITALS: it did not; time: until the runtime stopped the hazard.');
  const limited = runtimes.map((rt) => [rt, results.find((x) => x.runtime === rt)?.limits] as const);
  const first = limited.find(([, l]) => l)?.[1];
  if (first) {
    out.push(
      '',
      `limits (each adapter's own, set from the suite's budgets): CPU ${first.cpuBudgetMs} ms per call, memory ${first.memoryBudgetBytes / MiB} MiB; what enforces them:`,
    );
    for (const [rt, l] of limited) {
      out.push(l ? `  ${rt}: CPU — ${l.cpu}; memory — ${l.memory}` : `  ${rt}: run without limits`);
    }
  }
  if (options.details ?? true) {
    out.push('');
    for (const rt of runtimes) {
      for (const r of results.filter((x) => x.runtime === rt)) {
        out.push(`${r.runtime} × ${r.case}: ${r.outcome}${r.mechanism ? ` — ${r.mechanism}` : ''}${r.detail ? `. ${r.detail}` : ''}`);
      }
    }
  }
  return out.join('\n');
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : ms >= 10 ? `${Math.round(ms)}ms` : `${ms.toFixed(1)}ms`;
}

// ---------------------------------------------------------------------------
// Stand-alone entry: the same suite the conformance command runs, on its own.

async function main(argv: string[]): Promise<void> {
  const { builtinRuntime, loadExternalRuntime, selectBuiltins } = await import('../../runtimes/index.ts');
  let list: string | undefined;
  let cases: string[] | undefined;
  let json: string | undefined;
  const externals: string[] = [];
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
    return n;
  };
  const opts = { timeoutMs: 3000, memoryBudgetMb: 512, cpuBudgetMs: 1000, concurrency: undefined as number | undefined, limits: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = () => argv[++i];
    if (a === '--runtimes') list = v();
    else if (a === '--runtime') externals.push(v()!);
    else if (a === '--cases') cases = v()!.split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--json') json = v();
    else if (a === '--timeout-ms') opts.timeoutMs = num(a, v());
    else if (a === '--memory-mb') opts.memoryBudgetMb = num(a, v());
    else if (a === '--cpu-ms') opts.cpuBudgetMs = num(a, v());
    else if (a === '--concurrency') opts.concurrency = num(a, v());
    else if (a === '--no-limits') opts.limits = false;
    else throw new Error(`unknown argument ${a}`);
  }
  const runtimes: IsolationRuntime[] = [];
  for (const name of selectBuiltins(list)) {
    runtimes.push({ spec: { builtin: name }, name, source: (await builtinRuntime(name)).source });
  }
  for (const path of externals) {
    const rt = await loadExternalRuntime(path);
    runtimes.push({ spec: { external: path }, name: rt.name, source: rt.source });
  }
  const t0 = performance.now();
  const results = await runIsolationSuite(runtimes, {
    timeoutMs: opts.timeoutMs,
    memoryBudgetMb: opts.memoryBudgetMb,
    cpuBudgetMs: opts.cpuBudgetMs,
    concurrency: opts.concurrency,
    cases,
    limits: opts.limits,
    onProgress: (m) => process.stderr.write(m + '\n'),
  });
  process.stdout.write(formatIsolationMatrix(results) + '\n');
  process.stderr.write(
    `isolation: ${((performance.now() - t0) / 1000).toFixed(1)} s on ${os.availableParallelism?.() ?? os.cpus().length} cores ` +
      `(timeout ${opts.timeoutMs} ms, memory ${opts.memoryBudgetMb} MiB, cpu ${opts.cpuBudgetMs} ms, ${opts.limits ? 'adapters with limits' : 'adapters without limits'})\n`,
  );
  if (json) writeFileSync(json, JSON.stringify({ isolation: results }, null, 2) + '\n');
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`isolation: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
