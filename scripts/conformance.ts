// npm run conformance: the ABI conformance cases (conformance/cases/) on every
// selected runtime, then the isolation suite (conformance/isolation/). Prints
// the matrices on stdout (progress on stderr), writes a results file with
// --json, exits 1 when any MUST case fails on a selected runtime (2 on a usage
// error). The logic is conformance/run.ts and conformance/matrix.ts.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { RuntimeEntry } from '../bench/run.ts';
import { describeEnvironment } from '../bench/environment.ts';
import { describeCases, selectCases } from '../conformance/cases.ts';
import { conformanceMatrix } from '../conformance/matrix.ts';
import { conformanceDocument, DEFAULT_CASE_TIMEOUT_MS, exitStatus, parseConformanceOptions, runConformance, USAGE, type ConformanceOptions } from '../conformance/run.ts';
import type { Runtime } from '../runtimes/abi/types.ts';
import { builtinRuntime, loadExternalRuntime, selectBuiltins } from '../runtimes/index.ts';
import type { IsolationResult, Results } from '../reports/schema.ts';

function fail(message: string): never {
  process.stderr.write(`conformance: ${message}\n`);
  process.exit(2);
}

/** What the isolation suite needs to know of a runtime the ABI suite ran. */
interface Selected {
  /** How a child process obtains the runtime again. */
  spec: { builtin: string; remoteUrl?: string } | { external: string };
  name?: string;
  source?: string;
}

// ---------------------------------------------------------------------------
// ISOLATION SUITE — conformance/isolation/run.ts, the other half of `npm run
// conformance` (DESIGN §5), owned by the isolation part of this issue. It is
// called here, after the ABI cases, with the same runtimes; `--no-isolation`
// skips it. It is imported lazily so an error in it cannot stop the ABI suite.
// The budgets below are the isolation runner's own stand-alone defaults; built-in
// runtimes get them as their adapters' limits unless --no-limits.
async function runIsolation(selected: Selected[], limits: boolean): Promise<{ results: IsolationResult[]; matrix: string } | undefined> {
  let isolation: typeof import('../conformance/isolation/run.ts');
  try {
    isolation = await import('../conformance/isolation/run.ts');
  } catch (err) {
    process.stderr.write(`conformance: the isolation suite could not be loaded, skipped: ${(err as Error).message}\n`);
    return undefined;
  }
  const runtimes = selected
    .filter((s): s is Required<Selected> => s.name !== undefined && s.source !== undefined)
    .map((s) => ({ spec: s.spec, name: s.name, source: s.source }));
  if (runtimes.length === 0) return undefined;
  const results = await isolation.runIsolationSuite(runtimes, {
    timeoutMs: 3000,
    memoryBudgetMb: 512,
    cpuBudgetMs: 1000,
    limits,
    onProgress: (m) => process.stderr.write(m + '\n'),
  });
  return { results, matrix: isolation.formatIsolationMatrix(results) };
}
// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  let options: ConformanceOptions;
  try {
    options = parseConformanceOptions(process.argv.slice(2));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  let builtins, cases;
  try {
    builtins = selectBuiltins(options.runtimes);
    cases = await selectCases(options.cases);
  } catch (err) {
    fail((err as Error).message);
  }
  if (options.list) {
    process.stdout.write(describeCases(cases) + '\n');
    return;
  }

  // Every runtime the ABI suite obtains is remembered for the isolation suite.
  const selected: Selected[] = [];
  const remember = (spec: Selected['spec'], get: () => Promise<Runtime>): RuntimeEntry['get'] => {
    const entry: Selected = { spec };
    selected.push(entry);
    return async () => {
      const runtime = await get();
      entry.name = runtime.name;
      entry.source = runtime.source;
      return runtime;
    };
  };
  const remoteUrl = options.remoteUrl;
  const runtimes: RuntimeEntry[] = [
    ...builtins.map((name) => ({
      label: name,
      get: remember(remoteUrl && name === 'remote' ? { builtin: name, remoteUrl } : { builtin: name }, () => builtinRuntime(name, { remoteUrl })),
    })),
    ...options.externalRuntimes.map((path) => ({ label: path, get: remember({ external: path }, () => loadExternalRuntime(path)) })),
  ];
  if (runtimes.length === 0) fail('no runtime selected: --runtimes none needs at least one --runtime ./adapter.ts');

  // Ctrl-C / SIGTERM: exit through process.exit, so 'exit' hooks stop every child
  // (the remote service; the isolation suite's children have their own guards).
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));

  const environment = describeEnvironment();
  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  process.stderr.write(`conformance: ${cases.length} case(s) × ${runtimes.length} runtime(s)\n`);
  const run = await runConformance({
    runtimes,
    cases,
    timeoutMs: options.timeoutMs,
    onResult(r, index, total) {
      const head = `[${String(index).padStart(String(total).length)}/${total}] ${r.runtime} × ${r.case}`;
      if (r.status === 'fail') process.stderr.write(`${tty ? '\r\x1b[K' : ''}${head}: FAIL (${r.level}): ${r.message ?? ''}\n`);
      else if (tty) process.stderr.write(`\r\x1b[K${head}: ${r.status}`);
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  process.stderr.write(`conformance: ABI cases done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  const config = {
    cases: cases.map((c) => c.id),
    caseTimeoutMs: options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS,
    isolation: options.isolation,
    isolationLimits: options.isolation ? options.limits : undefined,
  };
  const results: Results = conformanceDocument(run, environment, config);
  const write = () => {
    if (!options.json) return;
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, JSON.stringify(results, null, 2) + '\n');
  };
  write();
  process.stdout.write(conformanceMatrix(run.results, run.runtimes) + '\n');

  if (options.isolation) {
    const isolation = await runIsolation(selected, options.limits);
    if (isolation) {
      results.isolation = isolation.results;
      write();
      process.stdout.write(`\nisolation\n\n${isolation.matrix}\n`);
    }
  }

  if (options.json) process.stdout.write(`\nresults: ${relative(process.cwd(), options.json)}\n`);
  process.exitCode = exitStatus(run.results);
}

await main();
