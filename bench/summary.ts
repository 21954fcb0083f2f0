// The summary table on stdout: runtime × workload, µs per call and the ratio
// to native measured in the same run.

import type { Results, RunResult } from '../reports/schema.ts';

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
    const bySize = [[`${w} by body size: µs/call (ns/byte)`, ...classes]];
    for (const r of sized) {
      bySize.push([
        r.runtime,
        ...classes.map((c) => {
          const m = r.microBySize![c];
          return m ? `${fmtUs(m.latencyNs.mean)} (${(m.latencyNs.mean / Math.max(1, m.bodyBytes)).toFixed(2)})` : '-';
        }),
      ]);
    }
    lines.push(table(bySize), '');
  }
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
