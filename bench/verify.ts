// Verification before timing (DESIGN §3): a runtime runs the whole corpus and
// every outcome must equal the reference. The first difference is reported in
// words a filter author can act on.

import { prepareRequest, RequestContext, type FilterOutcome, type PreparedRequest } from '../runtimes/abi/context.ts';
import type { ManualClock } from '../runtimes/abi/host.ts';
import type { FilterInstance } from '../runtimes/abi/types.ts';
import { describe } from '../runtimes/errors.ts';
import type { CorpusItem, Workload } from '../workloads/types.ts';

export interface PreparedItem extends CorpusItem {
  index: number;
  prepared: PreparedRequest;
  expected: FilterOutcome;
}

/** Normalises the corpus once and states each expected outcome. */
/** The corpus with each request prepared and its expected outcome; `limit`: only the first items. */
export function prepareCorpus(workload: Workload, limit?: number): PreparedItem[] {
  const corpus = workload.corpus();
  return (limit === undefined ? corpus : corpus.slice(0, limit)).map((item, index) => ({
    ...item,
    index,
    prepared: prepareRequest(item.request),
    expected: workload.expect(item.request, item),
  }));
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function bytesDiff(what: string, expected: Uint8Array, actual: Uint8Array): string | undefined {
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) {
      return `${what} differs at byte ${i}: expected 0x${expected[i]!.toString(16).padStart(2, '0')}, got 0x${actual[i]!.toString(16).padStart(2, '0')} (lengths ${expected.length} and ${actual.length})`;
    }
  }
  if (expected.length !== actual.length) return `${what} length: expected ${expected.length} bytes, got ${actual.length}`;
  return undefined;
}

function headersDiff(what: string, expected: Array<[string, string]>, actual: Array<[string, string]>): string | undefined {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!e || !a || e[0] !== a[0] || e[1] !== a[1]) {
      return `${what} #${i}: expected ${e ? show(e) : 'none'}, got ${a ? show(a) : 'none'} (expected ${expected.length} headers, got ${actual.length})`;
    }
  }
  return undefined;
}

/** The first way `actual` differs from `expected`, or undefined when they are equal. */
export function firstDifference(expected: FilterOutcome, actual: FilterOutcome): string | undefined {
  if (expected.result !== actual.result) return `result: expected ${show(expected.result)}, got ${show(actual.result)}`;
  if (expected.method !== actual.method) return `method: expected ${show(expected.method)}, got ${show(actual.method)}`;
  if (expected.path !== actual.path) return `path: expected ${show(expected.path)}, got ${show(actual.path)}`;
  const h = headersDiff('header', expected.headers, actual.headers);
  if (h) return h;
  const b = bytesDiff('body', expected.body, actual.body);
  if (b) return b;
  const er = expected.response;
  const ar = actual.response;
  if (!er && !ar) return undefined;
  if (!er) return `local response: expected none, got status ${ar!.status}`;
  if (!ar) return `local response: expected status ${er.status}, got none`;
  if (er.status !== ar.status) return `local response status: expected ${er.status}, got ${ar.status}`;
  return headersDiff('local response header', er.headers, ar.headers) ?? bytesDiff('local response body', er.body, ar.body);
}

export type Verdict = { ok: true } | { ok: false; error: string };

/** Runs every corpus item through `instance` and compares with the reference. */
export async function verifyInstance(
  instance: FilterInstance,
  ctx: RequestContext,
  items: readonly PreparedItem[],
  clock?: ManualClock,
): Promise<Verdict> {
  for (const item of items) {
    if (clock && item.nowMs !== undefined) clock.now = item.nowMs;
    const where = `request #${item.index} (${item.label}) ${item.request.method} ${item.request.path}`;
    let result: string;
    try {
      result = await instance.handle(ctx.reset(item.prepared));
    } catch (err) {
      return { ok: false, error: `${where}: handle failed: ${describe(err)}` };
    }
    const diff = firstDifference(item.expected, ctx.outcome(result));
    if (diff) return { ok: false, error: `${where}: ${diff}` };
  }
  return { ok: true };
}

export function newContext(workload: Workload): RequestContext {
  return new RequestContext({ grants: workload.grants });
}
