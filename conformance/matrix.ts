// The conformance matrix as text: case × runtime with each case's level and
// outcome, a per-runtime tally, then every failure's message (and the notes
// of passes that needed one), so a reader can act without opening the JSON.

import type { ConformanceResult } from '../reports/schema.ts';

const CELL: Record<ConformanceResult['status'], string> = {
  pass: 'pass',
  fail: 'FAIL',
  'not-implemented': 'n/i',
};

/** Aligned columns, with a dashed rule under the first row. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

export interface RuntimeTally {
  runtime: string;
  must: { pass: number; fail: number; notImplemented: number; total: number };
  should: { pass: number; fail: number; notImplemented: number; total: number };
}

export function tally(results: readonly ConformanceResult[], runtimes: readonly string[]): RuntimeTally[] {
  return runtimes.map((runtime) => {
    const count = (level: ConformanceResult['level']) => {
      const mine = results.filter((r) => r.runtime === runtime && r.level === level);
      return {
        pass: mine.filter((r) => r.status === 'pass').length,
        fail: mine.filter((r) => r.status === 'fail').length,
        notImplemented: mine.filter((r) => r.status === 'not-implemented').length,
        total: mine.length,
      };
    };
    return { runtime, must: count('MUST'), should: count('SHOULD') };
  });
}

/** A runtime's verdict in words: certified only when every MUST case passed. */
export function verdict(t: RuntimeTally): string {
  if (t.must.fail > 0) return `NOT CONFORMANT: ${t.must.fail} MUST case(s) failed`;
  if (t.must.notImplemented > 0) return `not certified: ${t.must.notImplemented} MUST case(s) not implemented (no filter in its language)`;
  const should = t.should.total ? `, SHOULD ${t.should.pass}/${t.should.total}` : '';
  return `conformant (MUST ${t.must.pass}/${t.must.total}${should})`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ');
}

/**
 * The matrix, one row per case (in the order first seen), one column per
 * runtime; "pass*" marks a pass with a note.
 */
export function conformanceMatrix(results: readonly ConformanceResult[], runtimes?: readonly string[]): string {
  const cols = runtimes ?? [...new Set(results.map((r) => r.runtime))];
  const cases: Array<{ id: string; level: string }> = [];
  for (const r of results) if (!cases.some((c) => c.id === r.case)) cases.push({ id: r.case, level: r.level });
  if (cases.length === 0 || cols.length === 0) return 'no conformance results';

  const cell = new Map(results.map((r) => [`${r.runtime}\u0000${r.case}`, r]));
  const rows: string[][] = [['case', 'level', ...cols]];
  for (const c of cases) {
    rows.push([
      c.id,
      c.level,
      ...cols.map((rt) => {
        const r = cell.get(`${rt}\u0000${c.id}`);
        if (!r) return '-';
        return CELL[r.status] + (r.status === 'pass' && r.message ? '*' : '');
      }),
    ]);
  }
  const out = [...table(rows), ''];
  for (const t of tally(results, cols)) {
    out.push(`${t.runtime}: ${verdict(t)}`);
  }

  const failures = results.filter((r) => r.status === 'fail');
  if (failures.length) {
    out.push('', 'failures:');
    for (const r of failures) out.push(`  ${r.runtime} × ${r.case} (${r.level}): ${oneLine(r.message ?? 'no message')}`);
  }
  const notes = results.filter((r) => r.status === 'pass' && r.message);
  if (notes.length) {
    out.push('', 'notes (pass*):');
    for (const r of notes) out.push(`  ${r.runtime} × ${r.case}: ${oneLine(r.message!)}`);
  }
  const missing = results.filter((r) => r.status === 'not-implemented');
  if (missing.length) {
    out.push('', 'not implemented (never counted as a pass):');
    for (const r of missing) out.push(`  ${r.runtime} × ${r.case} (${r.level}): ${oneLine(r.message ?? '')}`);
  }
  return out.join('\n');
}
