// "What this says": plain sentences generated from one results file — the
// fastest runtime per workload, the boundary cost of each runtime, what load,
// memory and cold start show, and who contains what. Every number in a
// sentence is read from the file; a block that was not measured says nothing.

import { tally } from '../conformance/matrix.ts';
import type { IsolationResult, Results, RunResult } from './schema.ts';

/** Runtime order used everywhere in a report: the built-ins first, then others by name. */
export const RUNTIME_ORDER = ['native', 'lua', 'quickjs', 'wasm', 'remote'];

export function orderRuntimes(names: Iterable<string>): string[] {
  const all = [...new Set(names)];
  const rank = (n: string) => {
    const i = RUNTIME_ORDER.indexOf(n);
    return i < 0 ? RUNTIME_ORDER.length : i;
  };
  return all.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Workloads in the order the results file has them (the bench runs them in DESIGN order). */
export function workloadsOf(results: Results): string[] {
  return [...new Set(results.runs.map((r) => r.workload))];
}

export function timed(results: Results, runtime: string, workload: string): RunResult | undefined {
  return results.runs.find((r) => r.runtime === runtime && r.workload === workload && r.verified && r.micro);
}

/** µs with a precision that fits the size: 0.015, 2.34, 237. */
export function formatUs(us: number): string {
  if (us < 1) return us.toFixed(3);
  if (us < 100) return us.toFixed(2);
  return us.toFixed(0);
}

export function formatRatio(ratio: number): string {
  return `${ratio < 10 ? ratio.toFixed(1) : ratio.toFixed(0)}×`;
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (abs >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const usOf = (run: RunResult) => run.micro!.latencyNs.mean / 1000;

function fastestPerWorkload(results: Results): string[] {
  const out: string[] = [];
  for (const workload of workloadsOf(results)) {
    const runs = orderRuntimes(results.runs.filter((r) => r.workload === workload).map((r) => r.runtime))
      .map((rt) => timed(results, rt, workload))
      .filter((r): r is RunResult => r !== undefined)
      .sort((a, b) => usOf(a) - usOf(b));
    if (runs.length < 2) continue;
    const [first, second] = runs as [RunResult, RunResult];
    let sentence = `${workload}: ${first.runtime} is fastest at ${formatUs(usOf(first))} µs per call, ${formatRatio(usOf(second) / usOf(first))} ahead of ${second.runtime} (${formatUs(usOf(second))} µs)`;
    // Native is the reference, not a plugin runtime a gateway would sandbox with:
    // also name the fastest of the others when native won.
    if (first.runtime === 'native' && second.runtime !== 'native') sentence += `, the fastest embedded runtime`;
    out.push(sentence + '.');
  }
  return out;
}

function boundaryCost(results: Results): string[] {
  const noop = orderRuntimes(results.runs.map((r) => r.runtime))
    .map((rt) => timed(results, rt, 'noop'))
    .filter((r): r is RunResult => r !== undefined);
  if (noop.length === 0) return [];
  const parts = noop.map((r) => `${r.runtime} ${formatUs(usOf(r))} µs`);
  return [`Boundary cost — one call of a filter that does nothing (noop): ${list(parts)}.`];
}

function slowdownSummary(results: Results): string[] {
  const workloads = workloadsOf(results);
  const out: string[] = [];
  for (const rt of orderRuntimes(results.runs.map((r) => r.runtime))) {
    if (rt === 'native') continue;
    const ratios = workloads
      .map((w) => {
        const mine = timed(results, rt, w);
        const base = timed(results, 'native', w);
        return mine && base ? usOf(mine) / usOf(base) : undefined;
      })
      .filter((x): x is number => x !== undefined);
    if (ratios.length === 0) continue;
    const geomean = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
    const faster = ratios.filter((r) => r < 1).length;
    out.push(
      `${rt}: ${formatRatio(geomean)} native's time per call (geometric mean over ${ratios.length} workload${ratios.length > 1 ? 's' : ''})` +
        (faster > 0 ? `, faster than native on ${faster} of them.` : '.'),
    );
  }
  return out;
}

interface LoadLike {
  requestsPerSec: number;
  latencyMs: { p99: number };
  errors: number;
  unexpected?: number;
}

function loadSummary(results: Results): string[] {
  const byWorkload = (results.baseline as { loadByWorkload?: Record<string, LoadLike> } | undefined)?.loadByWorkload;
  const out: string[] = [];
  const workload = results.runs.some((r) => r.workload === 'noop' && r.load) ? 'noop' : results.runs.find((r) => r.load)?.workload;
  if (!workload) return out;
  const bare = byWorkload?.[workload] ?? results.baseline?.load;
  const runs = orderRuntimes(results.runs.map((r) => r.runtime))
    .map((rt) => results.runs.find((r) => r.runtime === rt && r.workload === workload && r.load))
    .filter((r): r is RunResult => r !== undefined);
  if (runs.length === 0) return out;
  const parts = runs.map((r) => {
    const rps = Math.round(r.load!.requestsPerSec);
    return bare ? `${r.runtime} ${rps} req/s (${(r.load!.requestsPerSec / bare.requestsPerSec).toFixed(2)}× bare)` : `${r.runtime} ${rps} req/s`;
  });
  out.push(
    `Under load (${workload}, ${runs[0]!.load!.connections} connections)` +
      (bare ? `, against a bare ceiling of ${Math.round(bare.requestsPerSec)} req/s` : '') +
      `: ${list(parts)}.`,
  );
  const troubled = results.runs.filter((r) => r.load && (r.load.errors > 0 || ((r.load as LoadLike).unexpected ?? 0) > 0));
  out.push(
    troubled.length === 0
      ? 'Every load run finished without errors or unexpected statuses.'
      : `Load runs with errors or unexpected statuses: ${list(troubled.map((r) => `${r.runtime} × ${r.workload} (${r.load!.errors} errors, ${(r.load as LoadLike).unexpected ?? 0} unexpected)`))}.`,
  );
  return out;
}

function footprintSummary(results: Results): string[] {
  const out: string[] = [];
  const rts = orderRuntimes(results.runs.map((r) => r.runtime));
  const mem = rts
    .map((rt) => results.runs.find((r) => r.runtime === rt && r.workload === 'noop' && r.memory) ?? results.runs.find((r) => r.runtime === rt && r.memory))
    .filter((r): r is RunResult => r !== undefined);
  if (mem.length > 0) {
    out.push(
      `Memory per instance (RSS growth per extra instance, ${mem[0]!.workload}): ${list(mem.map((r) => `${r.runtime} ${formatBytes(r.memory!.bytesPerInstance.rss)}`))}.`,
    );
  }
  const cold = rts
    .map((rt) => results.runs.find((r) => r.runtime === rt && r.workload === 'noop' && r.coldStart) ?? results.runs.find((r) => r.runtime === rt && r.coldStart))
    .filter((r): r is RunResult => r !== undefined);
  if (cold.length > 0) {
    const total = (r: RunResult) => r.coldStart!.loadMs + r.coldStart!.instantiateMs + r.coldStart!.firstCallMs;
    out.push(
      `Cold start (load + instantiate + first call, median, ${cold[0]!.workload}): ${list(cold.map((r) => `${r.runtime} ${total(r).toFixed(total(r) < 10 ? 2 : 0)} ms`))}.`,
    );
  }
  return out;
}

function conformanceSummary(results: Results): string[] {
  if (!results.conformance?.length) return [];
  const runtimes = orderRuntimes(results.conformance.map((c) => c.runtime));
  return tally(results.conformance, runtimes).map((t) => {
    if (t.must.fail > 0) {
      const failed = results.conformance!.filter((c) => c.runtime === t.runtime && c.level === 'MUST' && c.status === 'fail').map((c) => c.case);
      return `${t.runtime} is not conformant: ${t.must.fail} of ${t.must.total} MUST cases fail (${list(failed)}).`;
    }
    const should = t.should.total > 0 ? `; SHOULD ${t.should.pass} of ${t.should.total}` : '';
    const ni = t.must.notImplemented > 0 ? `, ${t.must.notImplemented} not implemented` : '';
    return `${t.runtime} passes ${t.must.pass} of ${t.must.total} MUST cases${ni}${should}.`;
  });
}

/** For each hazard: which runtimes contained it (and how), which needed the watchdog or crashed. */
function isolationSummary(results: Results): string[] {
  if (!results.isolation?.length) return [];
  const out: string[] = [];
  const cases = [...new Set(results.isolation.map((i) => i.case))];
  for (const c of cases) {
    const rows = results.isolation.filter((i) => i.case === c);
    const by = (outcomes: string[]) => rows.filter((r) => outcomes.includes(r.outcome));
    // The mechanism is named where it did the stopping; capability and state
    // probes say theirs in the isolation table (it would drown the sentence).
    const stopped = ['contained', 'recovered', 'broken'];
    const name = (r: IsolationResult) => {
      const mechanism = (r as { mechanism?: string }).mechanism;
      return mechanism && mechanism !== 'none' && stopped.includes(r.outcome) ? `${r.runtime} (${mechanism})` : r.runtime;
    };
    const groups: Array<[string, IsolationResult[]]> = [
      ['contained by', by(['contained'])],
      ['recovered by recreating the instance on', by(['recovered'])],
      ['stopped only by the watchdog on', by(['watchdog'])],
      ['crashed the process on', by(['crashed'])],
      ['ran to completion on', by(['unstopped'])],
      ['left the runtime broken on', by(['broken'])],
      ['denied on', by(['denied'])],
      ['allowed on', by(['allowed'])],
      ['isolated on', by(['isolated'])],
      ['leaked on', by(['leaked'])],
    ];
    const said = groups.filter(([, g]) => g.length > 0).map(([verb, g]) => `${verb} ${list(g.map(name))}`);
    if (said.length > 0) out.push(`${c}: ${said.join('; ')}.`);
  }
  return out;
}

export interface NarrativeSection {
  heading: string;
  sentences: string[];
}

/** The sections of "what this says" for one results file; empty sections are left out. */
export function narrative(results: Results): NarrativeSection[] {
  const sections: NarrativeSection[] = [
    { heading: 'Fastest runtime per workload', sentences: fastestPerWorkload(results) },
    { heading: 'Cost of the boundary and of the work', sentences: [...boundaryCost(results), ...slowdownSummary(results)] },
    { heading: 'Under load', sentences: loadSummary(results) },
    { heading: 'Footprint', sentences: footprintSummary(results) },
    { heading: 'Conformance', sentences: conformanceSummary(results) },
    { heading: 'Who contains what', sentences: isolationSummary(results) },
  ];
  return sections.filter((s) => s.sentences.length > 0);
}
