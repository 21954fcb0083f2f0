// json-transform: rewrite a JSON batch of orders (see README.md for the exact
// behaviour and bytes). The built-in JSON object parses and serialises; the
// body is decoded with a strict pure-JS UTF-8 decoder because QuickJS has no
// TextDecoder.
import type { FilterModule } from '../../runtimes/abi/types.ts';
import { decodeUtf8 } from './utf8.ts';

type Json = null | boolean | number | string | Json[] | JsonObject;
type JsonObject = { [key: string]: Json };

const JSON_TYPE: Array<[string, string]> = [['content-type', 'application/json']];

let drop = new Set<string>();
let rename = new Map<string, string>();
let processedBy = '';

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops and renames keys at every depth, building new objects so keys keep their positions. */
function transform(v: Json): Json {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out: Json[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = transform(v[i]!);
    return out;
  }
  const out: JsonObject = {};
  for (const key of Object.keys(v)) {
    if (drop.has(key)) continue;
    out[rename.get(key) ?? key] = transform(v[key]!);
  }
  return out;
}

export default {
  init(config) {
    const c = JSON.parse(config) as { drop: string[]; rename: Record<string, string>; processedBy: string };
    if (!Array.isArray(c.drop) || typeof c.rename !== 'object' || typeof c.processedBy !== 'string') {
      throw new Error('config needs drop (list), rename (object) and processedBy (string)');
    }
    drop = new Set(c.drop);
    rename = new Map(Object.entries(c.rename));
    processedBy = c.processedBy;
  },

  handle(req) {
    // 1-3. Parse: strict UTF-8, then JSON.
    let doc: Json;
    try {
      doc = JSON.parse(decodeUtf8(req.body())) as Json;
    } catch {
      req.respond(400, JSON_TYPE, '{"error":"invalid json"}');
      return 'invalid-json';
    }

    // 4-5. Check the shape and compute every total before changing anything.
    const totals: number[] = [];
    let ok = Array.isArray(doc);
    if (Array.isArray(doc)) {
      for (let i = 0; ok && i < doc.length; i++) {
        const order = doc[i];
        if (!isObject(order) || !Array.isArray(order.items)) {
          ok = false;
          break;
        }
        let total = 0;
        for (const item of order.items) {
          if (!isObject(item) || !Number.isSafeInteger(item.qty) || !Number.isSafeInteger(item.price)) {
            ok = false;
            break;
          }
          total += (item.qty as number) * (item.price as number);
        }
        totals.push(total);
      }
    }
    if (!ok) {
      req.respond(422, JSON_TYPE, '{"error":"unexpected document shape"}');
      return 'bad-shape';
    }

    // 6-7. Transform each order and stamp it.
    const orders = doc as Json[];
    const out: Json[] = new Array(orders.length);
    for (let i = 0; i < orders.length; i++) {
      const order = transform(orders[i]!) as JsonObject;
      order.total = totals[i]!;
      order.processedBy = processedBy;
      out[i] = order;
    }

    // 8. Serialise; set-body also rewrites content-length.
    req.setBody(JSON.stringify(out));
    return '';
  },
} satisfies FilterModule;
