// npm run bench: verify, then time every runtime × workload; write the results
// file after every pair; print the summary table on stdout.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommonOptions, USAGE } from '../bench/options.ts';
import { profileFor } from '../bench/profiles.ts';
import { progressReporter } from '../bench/progress.ts';
import { runBench, type RuntimeEntry } from '../bench/run.ts';
import { summaryTable } from '../bench/summary.ts';
import { builtinRuntime, loadExternalRuntime, selectBuiltins } from '../runtimes/index.ts';
import { selectWorkloads } from '../workloads/index.ts';
import { labelSources } from '../reports/model.ts';
import type { Results } from '../reports/schema.ts';
import { htmlPathFor, markdownPathFor, writeReport } from '../reports/write.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message: string): never {
  process.stderr.write(`plugbench: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseCommonOptions(process.argv.slice(2));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  let builtins, workloads, profile;
  try {
    builtins = selectBuiltins(options.runtimes);
    workloads = await selectWorkloads(options.workloads);
    profile = profileFor(options, workloads.map((w) => w.name));
  } catch (err) {
    fail((err as Error).message);
  }
  const runtimes: RuntimeEntry[] = [
    ...builtins.map((name) => ({
      label: name,
      get: () => builtinRuntime(name, { remoteUrl: options.remoteUrl }),
      spec: { builtin: name, remoteUrl: options.remoteUrl },
    })),
    ...options.externalRuntimes.map((path) => ({ label: path, get: () => loadExternalRuntime(path), spec: { external: path } })),
  ];
  if (runtimes.length === 0) fail('no runtime selected: --runtimes none needs at least one --runtime ./adapter.ts');

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = options.json ?? join(root, 'reports', 'out', `${stamp}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const write = (results: Results) => writeFileSync(out, JSON.stringify(results, null, 2) + '\n');

  const load =
    options.noLoad || !profile.load
      ? undefined
      : {
          ...profile.load,
          ...(options.connections ? { connections: options.connections } : {}),
          ...(options.rate ? { rate: options.rate } : {}),
        };
  // Ctrl-C / SIGTERM: exit through process.exit, so 'exit' hooks stop every child
  // (the remote service; the load client also ends when its IPC channel closes).
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  process.stderr.write(
    `plugbench: profile ${profile.name}, ${runtimes.length} runtime(s) × ${workloads.length} workload(s); results → ${relative(process.cwd(), out)}\n`,
  );
  const results = await runBench({
    profile,
    runtimes,
    workloads,
    config: { load: load ?? false },
    load,
    onProgress: progressReporter(),
    onResults: write,
  });
  write(results);
  process.stdout.write(summaryTable(results) + '\n\n');
  process.stdout.write(`results: ${relative(process.cwd(), out)}\n`);
  // The report beside the results file. The figures are already safe on disk; a
  // report that cannot be drawn is an error message, and `npm run report` can retry.
  try {
    const html = htmlPathFor(out);
    writeReport(labelSources([{ file: relative(process.cwd(), out), results }]), { html, markdown: markdownPathFor(html) });
    process.stdout.write(`report:  ${relative(process.cwd(), html)}\n`);
  } catch (err) {
    process.stderr.write(`plugbench: the HTML report could not be written (results are saved): ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
    return;
  }
  // A pair that failed is in the file and the table; the exit status says the run was not clean.
  process.exitCode = results.runs.every((r) => r.verified) ? 0 : 1;
}

await main();
