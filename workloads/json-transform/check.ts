// Reference for `json-transform`, stated on plain data without the ABI's
// request context. It decodes with Node's TextDecoder (fatal) and reads with
// JSON.parse; the filters decode with their own code (utf8.ts, json.lua,
// json.h), so a decoding difference shows up as a verification failure.

import type { FilterOutcome, HttpRequest } from '../../runtimes/abi/context.ts';

/** The deployment's configuration (workload.ts hands JSON.stringify of it to init). */
export const CONFIG = {
  drop: ['internalNote', 'costCents', 'debug'],
  rename: { customerId: 'customer', sku: 'productCode', qty: 'quantity' },
  processedBy: 'plugbench/json-transform',
} as const;

export interface TransformConfig {
  drop: readonly string[];
  rename: Readonly<Record<string, string>>;
  processedBy: string;
}

export const INVALID_JSON_BODY = '{"error":"invalid json"}';
export const BAD_SHAPE_BODY = '{"error":"unexpected document shape"}';
const JSON_TYPE: Array<[string, string]> = [['content-type', 'application/json']];

export type Transformed =
  | { kind: 'ok'; body: string }
  | { kind: 'invalid-json' }
  | { kind: 'bad-shape' };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Steps 4-5 of the README: every total, or undefined when the document is not a list of orders. */
export function orderTotals(doc: Json): number[] | undefined {
  if (!Array.isArray(doc)) return undefined;
  const totals: number[] = [];
  for (const order of doc) {
    if (!isObject(order) || !Array.isArray(order.items)) return undefined;
    let total = 0;
    for (const item of order.items) {
      if (!isObject(item) || !Number.isSafeInteger(item.qty) || !Number.isSafeInteger(item.price)) return undefined;
      total += (item.qty as number) * (item.price as number);
    }
    totals.push(total);
  }
  return totals;
}

/** Step 6: drop and rename keys at every depth, building new values. */
export function transformValue(v: Json, config: TransformConfig): Json {
  if (Array.isArray(v)) return v.map((x) => transformValue(x, config));
  if (!isObject(v)) return v;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(v)) {
    if (config.drop.includes(key)) continue;
    out[Object.hasOwn(config.rename, key) ? config.rename[key]! : key] = transformValue(value, config);
  }
  return out;
}

/** The whole body transformation, on bytes. */
export function transformBody(bytes: Uint8Array, config: TransformConfig = CONFIG): Transformed {
  let doc: Json;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)) as Json;
  } catch {
    return { kind: 'invalid-json' };
  }
  const totals = orderTotals(doc);
  if (!totals) return { kind: 'bad-shape' };
  const orders = (doc as Json[]).map((order, i) => {
    const out = transformValue(order, config) as { [key: string]: Json };
    out.total = totals[i]!;
    out.processedBy = config.processedBy;
    return out;
  });
  return { kind: 'ok', body: JSON.stringify(orders) };
}

export function expect(req: HttpRequest): FilterOutcome {
  const method = req.method.toUpperCase();
  const headers: Array<[string, string]> = req.headers.map(([n, v]) => [n.toLowerCase(), v]);
  const base = { method, path: req.path, headers, body: req.body };
  const t = transformBody(req.body);
  const utf8 = new TextEncoder();
  if (t.kind === 'invalid-json') {
    return { ...base, result: 'invalid-json', response: { status: 400, headers: JSON_TYPE, body: utf8.encode(INVALID_JSON_BODY) } };
  }
  if (t.kind === 'bad-shape') {
    return { ...base, result: 'bad-shape', response: { status: 422, headers: JSON_TYPE, body: utf8.encode(BAD_SHAPE_BODY) } };
  }
  const body = utf8.encode(t.body);
  // set-body rewrites the first content-length in place and drops repeats; a request without one keeps none.
  const first = headers.findIndex(([n]) => n === 'content-length');
  const out =
    first < 0
      ? headers
      : headers.flatMap(([n, v], i): Array<[string, string]> =>
          i === first ? [[n, String(body.length)]] : n === 'content-length' ? [] : [[n, v]],
        );
  return { ...base, headers: out, body, result: '' };
}
