// The json-transform corpus: order batches POSTed to an import endpoint, as
// clients in different languages write them, in three size classes, plus a
// few broken uploads. Deterministic (seeded); see README.md § Corpus.

import type { HttpRequest } from '../../runtimes/abi/context.ts';
import { Random } from '../lib/random.ts';
import type { CorpusItem } from '../types.ts';

/** Size classes: every valid document is exactly this many bytes. */
export const SIZES = { '1 KiB': 1024, '16 KiB': 16384, '128 KiB': 131072 } as const;
export type SizeClass = keyof typeof SIZES;

/**
 * How a client wrote the JSON text:
 * - compact: JSON.stringify (JavaScript);
 * - pretty: JSON.stringify(v, null, 2);
 * - python: json.dumps defaults: ", " and ": " separators, non-ASCII as \uxxxx (lower-case);
 * - php: json_encode defaults: compact, '/' as \/, non-ASCII as \uxxxx;
 * - dotnet: System.Text.Json defaults: compact, non-ASCII and < > & ' + as \uXXXX (upper-case).
 */
export type Style = 'compact' | 'pretty' | 'python' | 'php' | 'dotnet';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const hex4 = (c: number, upper: boolean) => {
  const h = c.toString(16).padStart(4, '0');
  return '\\u' + (upper ? h.toUpperCase() : h);
};

function writeString(s: string, style: Style): string {
  let out = JSON.stringify(s);
  if (style === 'python' || style === 'php') out = out.replace(/[\u0080-\uffff]/g, (ch) => hex4(ch.charCodeAt(0), false));
  if (style === 'php') out = out.replace(/\//g, '\\/');
  if (style === 'dotnet') out = out.replace(/[\u0080-\uffff<>&'+]/g, (ch) => hex4(ch.charCodeAt(0), true));
  return out;
}

/** The JSON text of `v` as a client of the given style writes it. */
export function writeJson(v: Json, style: Style): string {
  if (style === 'compact') return JSON.stringify(v);
  if (style === 'pretty') return JSON.stringify(v, null, 2);
  const [comma, colon] = style === 'python' ? [', ', ': '] : [',', ':'];
  const write = (x: Json): string => {
    if (typeof x === 'string') return writeString(x, style);
    if (Array.isArray(x)) return '[' + x.map(write).join(comma) + ']';
    if (x !== null && typeof x === 'object') {
      return '{' + Object.entries(x).map(([k, val]) => writeString(k, style) + colon + write(val)).join(comma) + '}';
    }
    return JSON.stringify(x);
  };
  return write(v);
}

const utf8 = new TextEncoder();
const byteLength = (s: string) => utf8.encode(s).length;

// Strings chosen to exercise the serialiser: quotes, backslashes, control
// characters, '/', DEL, U+2028, and 2-, 3- and 4-byte UTF-8.
const NAMES = [
  'Alice Martin', 'Zoë Ångström', 'José Núñez', 'Łukasz Żółć', 'Søren Kierkegaard', 'Ngozi Okonkwo',
  '山田 太郎', 'Анна Павлова', 'O\'Brien & Sons', 'Émile "Mimi" Dubois', 'Χρήστος Παπαδόπουλος', 'Dr. K <admin>',
];
const CITIES = ['Zürich', 'København', 'São Paulo', 'Kraków', 'Reykjavík', '東京', 'Berlin', 'Lyon', 'Austin', 'Αθήνα', 'Québec', 'Oslo'];
const STREETS = ['Bahnhofstrasse', 'Rue de Rivoli', 'Main St.', 'Nørrebrogade', 'ul. Floriańska', 'Calle 5/7', 'Hauptstraße'];
const COUNTRIES = ['CH', 'DK', 'BR', 'PL', 'IS', 'JP', 'DE', 'FR', 'US', 'GR', 'CA', 'NO'];
const NOTES = [
  '',
  'Leave at the "blue" door',
  'Ring twice\nthen wait',
  'Fragile:\tglass inside',
  'Pick-up point C:\\depot\\7',
  'Gate code 4#2/1',
  'Zustellung bis 18:00 – danke!',
  'お届けは午前中にお願いします',
  'Box ok 📦✅',
  'legacy\u0001field\u001f',
  'del\u007fchar',
  'line\u2028separator',
  'windows\r\nline end',
  'form\ffeed and back\bspace',
  'emoji 🧑‍🍳 in the middle',
];
const PRODUCTS = [
  'Grüner Tee 🍵', 'Crème brûlée kit', 'Ñandú plush', 'Café ☕ beans 1kg', 'USB-C cable 2m', 'Notebook A5/lined',
  'Ōolong sampler', 'Dark chocolate 70%', 'Socks "cosy"', 'Tool\\set 12 pcs', 'Kimchi 김치 jar', 'Fjällräven bag',
  'Rubber duck 🦆', 'Tea towel (linen)', 'Mate gourd', 'Pierogi ×12',
];
const TAGS = ['gift', 'express', 'b2b', 'fragile', 'repeat', 'vip', 'eco'];
const STATUSES = ['pending', 'paid', 'shipped', 'cancelled'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'SEK'];
const COLORS = ['red', 'blue', 'green', 'black', 'white'];
const SIZES_ = ['S', 'M', 'L', 'XL'];

function item(rng: Random): Obj {
  const out: Obj = {
    sku: 'SKU-' + rng.word(6).toUpperCase(),
    name: rng.pick(PRODUCTS),
    qty: rng.int(1, 12),
    price: rng.int(99, 250_000),
    costCents: rng.int(50, 120_000),
    gift: rng.chance(0.15),
  };
  if (rng.chance(0.4)) out.attributes = { color: rng.pick(COLORS), size: rng.pick(SIZES_) };
  return out;
}

function order(rng: Random, maxItems: number): Obj {
  const day = String(rng.int(1, 28)).padStart(2, '0');
  const month = String(rng.int(1, 12)).padStart(2, '0');
  const time = [rng.int(0, 23), rng.int(0, 59), rng.int(0, 59)].map((n) => String(n).padStart(2, '0')).join(':');
  const city = rng.int(0, CITIES.length - 1);
  const out: Obj = {
    id: 'ord-' + rng.int(100000, 999999),
    customerId: 'cus-' + rng.word(8),
    status: rng.pick(STATUSES),
    createdAt: `2025-${month}-${day}T${time}Z`,
    currency: rng.pick(CURRENCIES),
    paid: rng.chance(0.7),
    coupon: rng.chance(0.3) ? rng.pick(['SPRING10', 'VIP-ÅR', 'FREESHIP']) : null,
    shipping: {
      name: rng.pick(NAMES),
      street: `${rng.int(1, 240)} ${rng.pick(STREETS)}`,
      city: CITIES[city]!,
      country: COUNTRIES[city]!,
      notes: rng.pick(NOTES),
    },
    items: Array.from({ length: rng.int(1, maxItems) }, () => item(rng)),
    tags: Array.from({ length: rng.int(0, 3) }, () => rng.pick(TAGS)),
    internalNote: 'checked by ' + rng.word(5),
  };
  if (rng.chance(0.3)) out.debug = { trace: rng.word(16), hops: rng.int(1, 5), sampled: rng.chance(0.5) };
  return out;
}

/** Bytes an order takes as an element of a list written in `style`. */
function orderBytes(o: Obj, style: Style): number {
  if (style !== 'pretty') return byteLength(writeJson(o, style));
  const text = JSON.stringify(o, null, 2);
  return byteLength(text) + 2 * text.split('\n').length; // each line indented two more
}

/** Bytes of a list whose elements take `sizes` bytes. */
function listBytes(sizes: number[], style: Style): number {
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sizes.length === 0) return 2;
  if (style === 'pretty') return 4 + sum + 2 * (sizes.length - 1); // "[\n" ... ",\n" ... "\n]"
  return 2 + sum + (style === 'python' ? 2 : 1) * (sizes.length - 1);
}

/**
 * A list of orders whose JSON text, written in `style`, is exactly `target`
 * bytes: orders are added while they fit, then items to the last order while
 * they fit, then the last order's internalNote (a field the filter drops) is
 * padded with ASCII words to the exact size.
 */
export function sizedDocument(rng: Random, target: number, style: Style): { doc: Obj[]; text: string } {
  const room = target - 8;
  const doc: Obj[] = [];
  const sizes: number[] = [];
  for (;;) {
    const next = order(rng, target <= 1024 ? 1 : 6);
    const size = orderBytes(next, style);
    if (listBytes([...sizes, size], style) > room) {
      if (doc.length > 0) break;
      continue; // a single order too large for the class: draw another
    }
    doc.push(next);
    sizes.push(size);
  }
  const last = doc[doc.length - 1]!;
  const items = last.items as Obj[];
  for (;;) {
    items.push(item(rng));
    sizes[sizes.length - 1] = orderBytes(last, style);
    if (listBytes(sizes, style) > room) {
      items.pop();
      break;
    }
  }
  last.internalNote = '';
  const pad = target - byteLength(writeJson(doc, style));
  let note = '';
  while (note.length < pad) note += rng.pick(['lorem ', 'ipsum ', 'dolor ', 'sit ', 'amet ']);
  last.internalNote = note.slice(0, pad);
  const text = writeJson(doc, style);
  if (byteLength(text) !== target) throw new Error(`sizedDocument: ${byteLength(text)} bytes, wanted ${target}`);
  return { doc, text };
}

function request(rng: Random, body: Uint8Array, chunked: boolean): HttpRequest {
  const headers: Array<[string, string]> = [
    ['Host', 'api.example.com'],
    ['User-Agent', rng.pick(['python-requests/2.32.3', 'okhttp/4.12.0', 'GuzzleHttp/7', 'node-fetch/3.3', 'dotnet/8.0'])],
    ['Content-Type', rng.pick(['application/json', 'application/json; charset=utf-8'])],
    ['Accept', 'application/json'],
  ];
  if (chunked) headers.push(['Transfer-Encoding', 'chunked']);
  else headers.push(['Content-Length', String(body.length)]);
  headers.push(['X-Request-Id', rng.word(16)]);
  return { method: 'POST', path: `/api/v1/orders/import?batch=${rng.int(1, 99999)}`, headers, body };
}

/** Replaces the first occurrence of `from` in `bytes` with `to`. */
function patchBytes(bytes: Uint8Array, from: number[], to: number[]): Uint8Array {
  for (let i = 0; i + from.length <= bytes.length; i++) {
    if (from.every((b, k) => bytes[i + k] === b)) {
      const out = new Uint8Array(bytes.length - from.length + to.length);
      out.set(bytes.subarray(0, i));
      out.set(to, i);
      out.set(bytes.subarray(i + from.length), i + to.length);
      return out;
    }
  }
  throw new Error('patchBytes: pattern not found');
}

function replaceOnce(text: string, from: string, to: string): string {
  const i = text.indexOf(from);
  if (i < 0) throw new Error(`replaceOnce: ${JSON.stringify(from)} not found`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

/** Turns a valid document's text into a broken body; the label says how. */
interface Defect {
  label: string;
  apply(text: string): Uint8Array;
}

interface Spec {
  size: SizeClass;
  style: Style;
  defect?: Defect;
  chunked?: boolean;
}

const DEFECTS = {
  trailingComma: { label: 'invalid: trailing comma', apply: (t) => utf8.encode(t.slice(0, -1) + ',]') },
  truncated: { label: 'invalid: truncated upload', apply: (t) => utf8.encode(t).subarray(0, utf8.encode(t).length - 100) },
  // "ö" (C3 B6) written as Latin-1 (F6): not UTF-8.
  latin1: { label: 'invalid: Latin-1 byte', apply: (t) => patchBytes(utf8.encode(replaceOnce(t, '"name":"', '"name":"ö')), [0xc3, 0xb6], [0xf6]) },
  // Python's json.dumps writes NaN for float('nan'): not JSON.
  nan: { label: 'invalid: NaN', apply: (t) => utf8.encode(t.replace(/"price": \d+/, '"price": NaN')) },
  // A hand-built body with a raw tab inside a string.
  rawTab: { label: 'invalid: raw tab in string', apply: (t) => utf8.encode(replaceOnce(t, '"status":"', '"status":"\t')) },
  // Valid JSON, wrong shape: the orders wrapped in an object.
  wrapped: { label: 'bad shape: orders in an object', apply: (t) => utf8.encode('{"orders":' + t + '}') },
  // Valid JSON, wrong shape: a quantity sent as a string.
  stringQty: { label: 'bad shape: qty as a string', apply: (t) => utf8.encode(t.replace(/"qty":(\d+)/, '"qty":"$1"')) },
} satisfies Record<string, Defect>;

const SPECS: Spec[] = [
  ...(['compact', 'pretty', 'python', 'php', 'dotnet', 'compact', 'compact', 'pretty', 'php', 'dotnet'] as const).map(
    (style, i): Spec => ({ size: '1 KiB', style, chunked: i === 6 }),
  ),
  ...(['compact', 'pretty', 'python', 'php', 'dotnet'] as const).map((style, i): Spec => ({ size: '16 KiB', style, chunked: i === 3 })),
  { size: '128 KiB', style: 'compact' },
  { size: '128 KiB', style: 'python' },
  { size: '1 KiB', style: 'compact', defect: DEFECTS.trailingComma },
  { size: '16 KiB', style: 'compact', defect: DEFECTS.truncated },
  { size: '1 KiB', style: 'compact', defect: DEFECTS.latin1 },
  { size: '1 KiB', style: 'python', defect: DEFECTS.nan },
  { size: '1 KiB', style: 'compact', defect: DEFECTS.rawTab },
  { size: '1 KiB', style: 'compact', defect: DEFECTS.wrapped },
  { size: '1 KiB', style: 'compact', defect: DEFECTS.stringQty },
];

export function corpus(): CorpusItem[] {
  const rng = new Random(0x6a736f6e); // "json"
  const items = SPECS.map((spec): CorpusItem => {
    const { text } = sizedDocument(rng, SIZES[spec.size], spec.style);
    const body = spec.defect ? spec.defect.apply(text) : utf8.encode(text);
    const label = `${spec.size}, ${spec.style}${spec.defect ? ', ' + spec.defect.label : ''}${spec.chunked ? ', chunked' : ''}`;
    // Valid documents are also timed per size class (the per-KB cost); broken ones only in the mix.
    const sizeClass = spec.defect ? undefined : spec.size;
    return { label, request: request(rng, body, spec.chunked ?? false), ...(sizeClass ? { sizeClass } : {}) };
  });
  // Interleave the size classes as traffic would (Fisher-Yates, same seed).
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
