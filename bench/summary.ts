// The summary table on stdout: runtime × workload, µs per call and the ratio
// to native measured in the same run.

import type { Results, RunResult } from '../reports/schema.ts';
import type { LoadBaseline, LoadFigures, LoadRun } from './load.ts';
import { RSS_SAMPLE_MS } from './rss.ts';
import { summarizeColdStart, type ColdStartRun } from './coldstart.ts';
import { summarizeMemory, type MemoryRun } from './memory.ts';

function fmtUs(ns: number): string {
  const us = ns / 1000;
  if (us < 1) return us.toFixed(3);
  if (us < 100) return us.toFixed(2);
  return us.toFixed(0);
}

function cell(run: RunResult | undefined, native: RunResult | undefined): string {
  if (!run) return '-';
  if (!run.verified) return run.error?.includes('no filter') ? 'no filter' : 'INVALID';
  if (!run.micro) return 'verified';
  const mean = run.micro.latencyNs.mean;
  const base = native?.micro?.latencyNs.mean;
  const ratio = base && run.runtime !== 'native' ? ` (${(mean / base).toFixed(mean / base < 10 ? 1 : 0)}×)` : '';
  return `${fmtUs(mean)} ±${run.micro.rme.toFixed(1)}%${ratio}`;
}

/** Geometric mean of the slowdown versus native over the workloads both verified and timed. */
export function geomeanRatio(ratios: number[]): number | undefined {
  if (ratios.length === 0) return undefined;
  return Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
}

function geomeanCell(rt: string, workloads: string[], find: (rt: string, w: string) => RunResult | undefined): string {
  if (rt === 'native') return '1';
  const ratios: number[] = [];
  for (const w of workloads) {
    const mine = find(rt, w)?.micro?.latencyNs.mean;
    const base = find('native', w)?.micro?.latencyNs.mean;
    if (mine && base) ratios.push(mine / base);
  }
  const g = geomeanRatio(ratios);
  if (g === undefined) return '-';
  const of = ratios.length < workloads.length ? ` (${ratios.length} of ${workloads.length})` : '';
  return `${g.toFixed(g < 10 ? 1 : 0)}×${of}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

export function summaryTable(results: Results): string {
  const workloads = [...new Set(results.runs.map((r) => r.workload))];
  const runtimes = [...new Set(results.runs.map((r) => r.runtime))];
  const find = (rt: string, w: string) => results.runs.find((r) => r.runtime === rt && r.workload === w);
  const rows = [['µs/call (×native)', ...workloads, 'geomean ×native']];
  for (const rt of runtimes) {
    rows.push([rt, ...workloads.map((w) => cell(find(rt, w), find('native', w))), geomeanCell(rt, workloads, find)]);
  }
  const env = results.environment;
  const lines = [table(rows), ''];
  for (const w of workloads) {
    const sized = runtimes.map((rt) => find(rt, w)).filter((r): r is RunResult => !!r?.microBySize);
    if (sized.length === 0) continue;
    const classes = Object.keys(sized[0]!.microBySize!);
    const bySize = [[`${w} by body size: µs/call ±rme (ns/byte)`, ...classes]];
    for (const r of sized) {
      bySize.push([
        r.runtime,
        ...classes.map((c) => {
          const m = r.microBySize![c];
          return m ? `${fmtUs(m.latencyNs.mean)} ±${m.rme.toFixed(1)}% (${(m.latencyNs.mean / Math.max(1, m.bodyBytes)).toFixed(2)})` : '-';
        }),
      ]);
    }
    lines.push(table(bySize), '');
  }
  const cold = summarizeColdStart(results.runs as ColdStartRun[]);
  if (cold) lines.push(cold, '');
  const memory = summarizeMemory(results.runs as MemoryRun[]);
  if (memory) lines.push(memory, '');
  const load = loadSummary(results);
  if (load) lines.push(load, '');
  lines.push(
    `mean µs per call ± relative margin of error; (×) = mean / native mean, same run. ` +
      `INVALID = outputs differ from the reference: never timed, never ranked.`,
    `${env.cpu}, ${env.cores} cores, ${env.os}, Node ${env.node}, profile ${results.config.profile}, commit ${env.commit.slice(0, 12)}`,
  );
  const failures = results.runs.filter((r) => r.error);
  if (failures.length > 0) {
    lines.push('', 'Problems:');
    for (const r of failures) lines.push(`  ${r.error}`);
  }
  return lines.join('\n');
}

// -- HTTP load ------------------------------------------------------------------

function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

/** "peak (+growth)" in MiB, or '-' when unmeasured. */
function rssCell(before: number | undefined, peak: number | undefined): string {
  if (peak === undefined) return '-';
  const mib = (b: number) => b / 2 ** 20;
  const p = mib(peak).toFixed(0);
  if (before === undefined) return p;
  const g = mib(peak - before);
  return `${p} (+${g.toFixed(g < 10 ? 1 : 0)})`;
}

function fmtRate(perSec: number): string {
  return perSec < 100 ? perSec.toFixed(1) : perSec.toFixed(0);
}

/**
 * The load table: per workload the bare ceiling, then every runtime measured
 * through the gateway. Undefined when the run has no load figures.
 */
export function loadSummary(results: Results): string | undefined {
  const runs = results.runs as LoadRun[];
  const baseline = results.baseline as Partial<LoadBaseline> | undefined;
  const measured = runs.filter((r) => r.load || r.loadError);
  if (measured.length === 0 && !baseline?.load) return undefined;
  const ceiling = (w: string): LoadFigures | undefined => baseline?.loadByWorkload?.[w] ?? (baseline?.loadByWorkload ? undefined : baseline?.load);
  const allFigures = [...measured.map((r) => r.load), ...Object.values(baseline?.loadByWorkload ?? {})].filter((f): f is LoadFigures => !!f);
  const withService = allFigures.some((f) => f.servicePeakRssBytes !== undefined);
  const head = ['HTTP load', 'runtime', 'req/s', '×bare', 'p50 ms', 'p99 ms', 'errors', 'unexpected', 'client CPU', 'gateway CPU', 'gateway RSS MiB'];
  if (withService) head.push('service RSS MiB');
  const rows = [head];
  const row = (w: string, rt: string, f: LoadFigures, bare: LoadFigures | undefined) => [
    w,
    rt,
    fmtRate(f.requestsPerSec),
    bare && bare !== f ? (f.requestsPerSec / bare.requestsPerSec).toFixed(2) : bare === f ? '1' : '-',
    fmtMs(f.latencyMs.p50),
    fmtMs(f.latencyMs.p99),
    String(f.errors),
    f.unexpected === undefined ? '-' : String(f.unexpected),
    f.clientCpuPercent === undefined ? '-' : `${f.clientCpuPercent.toFixed(0)}%`,
    f.gatewayCpuPercent === undefined ? '-' : `${f.gatewayCpuPercent.toFixed(0)}%`,
    rssCell(f.gatewayRssBeforeBytes, f.gatewayPeakRssBytes),
    ...(withService ? [rssCell(f.serviceRssBeforeBytes, f.servicePeakRssBytes)] : []),
  ];
  const workloads = [...new Set([...runs.map((r) => r.workload), ...Object.keys(baseline?.loadByWorkload ?? {})])];
  let first: LoadFigures | undefined;
  for (const w of workloads) {
    const bare = ceiling(w);
    const mine = measured.filter((r) => r.workload === w);
    if (!bare && mine.length === 0) continue;
    let label = w;
    if (bare) {
      rows.push(row(label, 'bare', bare, bare));
      label = '';
    }
    for (const r of mine) {
      first ??= r.load;
      rows.push(r.load ? row(label, r.runtime, r.load, bare) : [label, r.runtime, 'failed', ...Array<string>(head.length - 3).fill('-')]);
      label = '';
    }
    first ??= bare;
  }
  const how = first
    ? ` (${first.rate ? `fixed rate ${first.rate} req/s` : 'closed loop'}, ${first.connections} connections, ${first.durationS.toFixed(1)} s per row)`
    : '';
  const lines = [
    table(rows),
    '',
    `HTTP load: a node:http gateway running the filter, driven by autocannon from another process replaying the corpus` +
      `${how}; bare = the same server and responder without a filter, ` +
      `same corpus, same run, the better of two rows (before and after the workload's runtimes); ×bare = req/s / bare req/s. Latency is client-side, write to last byte. errors = connection errors, ` +
      `timeouts and 5xx the gateway made because the filter failed; unexpected = statuses that differ from the verified reference ` +
      `(rate-limit: more 429s when several connections replay the same clients at once). CPU = % of one core; a client near 100% ` +
      `may be the bottleneck. gateway RSS = peak resident set of the process serving (the harness itself, which also holds ` +
      `every runtime opened so far) from warm-up to the end of the row, read every ${RSS_SAMPLE_MS} ms, and (+growth) over ` +
      `its size when the row's load started` +
      (withService ? `; service RSS = the same for the remote runtime's filter service process.` : '.'),
  ];
  const problems = [...measured.filter((r) => r.loadError).map((r) => r.loadError!), ...Object.values(baseline?.loadErrors ?? {})];
  for (const [w, message] of Object.entries((results.config.loadBaselineErrors as Record<string, string> | undefined) ?? {})) {
    if (!problems.includes(message)) problems.push(message || w);
  }
  if (problems.length > 0) lines.push('', 'HTTP load problems:', ...problems.map((p) => `  ${p}`));
  return lines.join('\n');
}
