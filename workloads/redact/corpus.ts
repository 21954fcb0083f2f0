// Request bodies a gateway's data-loss-prevention filter sees: application
// logs shipped by agents and JSON event payloads, with card numbers in the
// formats people and systems write them (contiguous, grouped by spaces or
// dashes, Amex 4-6-5), mixed with what must survive: invalid-Luhn numbers,
// phone numbers, order ids too long to be cards, short references, dates,
// IBANs, UTF-8 names. Epoch-millisecond timestamps are 13 digits and pass the
// Luhn check one time in ten: they are redacted, as real detectors do.

import type { HttpRequest } from '../../runtimes/abi/context.ts';
import { Random } from '../lib/random.ts';
import type { CorpusItem } from '../types.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

function digits(rng: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

/** The Luhn check digit for `payload` (the digit that makes payload + digit valid). */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = payload.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** A Luhn-valid number with the given prefix and length. */
function valid(rng: Random, prefix: string, length: number): string {
  const payload = prefix + digits(rng, length - 1 - prefix.length);
  return payload + String(luhnCheckDigit(payload));
}

/** A card number of a real brand's shape. */
function cardDigits(rng: Random): string {
  switch (rng.int(0, 9)) {
    case 0:
      return valid(rng, rng.pick(['34', '37']), 15); // Amex
    case 1:
      return valid(rng, '6011', 16); // Discover
    case 2:
      return valid(rng, '62', 19); // UnionPay, 19 digits
    case 3:
      return valid(rng, '4', 13); // old Visa, 13 digits
    case 4:
    case 5:
      return valid(rng, '5' + rng.int(1, 5), 16); // Mastercard
    default:
      return valid(rng, '4', 16); // Visa
  }
}

/** As people and systems write it: contiguous, in groups of 4 (or Amex 4-6-5) with spaces or dashes. */
function format(rng: Random, d: string): string {
  const style = rng.int(0, 3);
  if (style === 0) return d;
  const sep = style === 1 ? ' ' : style === 2 ? '-' : rng.pick([' ', '-']);
  const groups = d.length === 15 ? [d.slice(0, 4), d.slice(4, 10), d.slice(10)] : d.match(/.{1,4}/g)!;
  return groups.join(sep);
}

function card(rng: Random): string {
  return format(rng, cardDigits(rng));
}

/** A card number with its last digit changed: fails the Luhn check. */
function invalidCard(rng: Random): string {
  const d = cardDigits(rng);
  return format(rng, d.slice(0, -1) + String((Number(d.slice(-1)) + rng.int(1, 9)) % 10));
}

const NAMES = ['Zoë Müller', 'José Núñez', 'Søren Dahl', '李小龙', 'Ana Ştefan', 'John Smith', 'Aoife Ní Bhriain', 'Jürgen Groß'];
const SERVICES = ['payment-svc', 'checkout', 'billing-worker', 'gateway', 'support-desk'];

function ts(rng: Random): string {
  const s = rng.int(0, 86399);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `2026-01-${p(rng.int(1, 28))}T${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}.${p(rng.int(0, 999), 3)}Z`;
}

function phone(rng: Random): string {
  return rng.pick([
    () => `+1 415-555-${digits(rng, 4)}`,
    () => `+49 30 ${digits(rng, 8)}`,
    () => `(212) 555-${digits(rng, 4)}`,
    () => `+44 20 ${digits(rng, 4)} ${digits(rng, 4)}`,
    () => `+33 1 ${digits(rng, 2)} ${digits(rng, 2)} ${digits(rng, 2)} ${digits(rng, 2)}`,
  ])();
}

const hex = (rng: Random, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[rng.int(0, 15)]).join('');
const ip = (rng: Random) => `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
const amount = (rng: Random) => `${rng.int(1, 2000)}.${String(rng.int(0, 99)).padStart(2, '0')}`;
const epochMs = (rng: Random) => String(Date.UTC(2026, 0, 1) + rng.int(0, 30 * 86400_000));

/** A log line with no card number in it (but plenty of other digits). */
function cleanLine(rng: Random): string {
  return rng.pick([
    () => `${ts(rng)} DEBUG ${rng.pick(SERVICES)} GET /api/v1/orders/${rng.int(1, 9999999)} -> 200 in ${rng.int(1, 900)}ms ip=${ip(rng)} ua="curl/8.5.0"`,
    () => `${ts(rng)} INFO ${rng.pick(SERVICES)} request_id=${hex(rng, 16)} user=${rng.word(8)} status=ok items=${rng.int(1, 9)} total=${amount(rng)}`,
    () => `${ts(rng)} WARN ${rng.pick(SERVICES)} upstream slow: ${rng.int(1000, 5000)}ms trace=${hex(rng, 32)} order=${digits(rng, 8)}`,
    () => `${ts(rng)} INFO support-desk callback requested by ${rng.pick(NAMES)} at ${phone(rng)}`,
  ])();
}

/** A line that may carry card numbers and the look-alikes around them. */
function line(rng: Random): string {
  switch (rng.int(0, 11)) {
    case 0:
    case 1:
      return `${ts(rng)} INFO ${rng.pick(SERVICES)} request_id=${hex(rng, 16)} payment accepted card=${card(rng)} amount=${amount(rng)} EUR ip=${ip(rng)}`;
    case 2:
      return `${ts(rng)} ERROR ${rng.pick(SERVICES)} declined card=${invalidCard(rng)} reason=luhn ip=${ip(rng)}`;
    case 3:
      return (
        `{"ts":${epochMs(rng)},"event":"checkout","customer":{"name":"${rng.pick(NAMES)}","phone":"${phone(rng)}"},` +
        `"payment":{"card_number":"${card(rng)}","exp":"${String(rng.int(1, 12)).padStart(2, '0')}/${rng.int(26, 31)}","cvc":"${digits(rng, 3)}"},` +
        `"order_id":"${valid(rng, '9', 20)}","total":${amount(rng)}}`
      );
    case 4:
      return `{"ts":${epochMs(rng)},"event":"refund","card":"${invalidCard(rng)}","ref":"${valid(rng, '7', 12)}","iban":"DE89 3704 0044 0532 0130 00"}`;
    case 5:
      return `Customer ${rng.pick(NAMES)} called from ${phone(rng)} about the card ending ${digits(rng, 4)}; ticket ${digits(rng, 10)}, read back ${card(rng)}.`;
    case 6:
      // A card number followed by a year: one run of 17-23 digits, too long for a card (README).
      return `${ts(rng)} INFO import row=${rng.int(1, 99999)} "${format(rng, valid(rng, '4', 16))} ${rng.int(2026, 2031)}" skipped`;
    case 7:
      // Separators that end a run: doubled, or a separator followed by a letter.
      return `${ts(rng)} DEBUG parser tokens=[${cardDigits(rng).slice(0, 8)}--${digits(rng, 8)}] [${digits(rng, 4)}  ${digits(rng, 12)}] [${card(rng)}-x]`;
    case 8:
      return `tracking ${valid(rng, '1', 22)} batch ${digits(rng, 6)} items ${rng.int(1, 50)} card ${card(rng)} via ${rng.pick(SERVICES)}`;
    default:
      return cleanLine(rng);
  }
}

const utf8 = new TextEncoder();

/** Lines joined by "\n" until the body has `size` bytes (the last line is cut there). */
function body(rng: Random, size: number, next: (rng: Random) => string): Uint8Array {
  const lines: string[] = [];
  let bytes = 0;
  while (bytes < size) {
    const l = next(rng) + '\n';
    lines.push(l);
    bytes += utf8.encode(l).length;
  }
  return utf8.encode(lines.join('')).subarray(0, size).slice();
}

function request(rng: Random, bytes: Uint8Array, json: boolean, chunked: boolean): HttpRequest {
  const headers: Array<[string, string]> = [
    ['Host', 'ingest.example.com'],
    ['User-Agent', rng.pick(['fluent-bit/3.1.4', 'vector/0.40.0', 'okhttp/4.12.0'])],
    ['Content-Type', json ? 'application/x-ndjson' : 'text/plain; charset=utf-8'],
  ];
  if (chunked) headers.push(['Transfer-Encoding', 'chunked']);
  else headers.push(['Content-Length', String(bytes.length)]);
  return { method: 'POST', path: json ? '/v1/events' : '/v1/logs', headers, body: bytes };
}

function jsonLine(rng: Random): string {
  for (;;) {
    const l = line(rng);
    if (l.startsWith('{')) return l;
  }
}

export function corpus(): CorpusItem[] {
  const rng = new Random(0x72656461);
  const items: CorpusItem[] = [];
  for (let i = 0; i < 16; i++) {
    // A quarter of the small bodies carry no card number at all: the body is left alone.
    const clean = i % 4 === 3;
    const b = body(rng, 4 * KiB, clean ? cleanLine : line);
    items.push({ label: clean ? '4 KiB, clean' : '4 KiB', sizeClass: '4 KiB', request: request(rng, b, false, i === 5) });
  }
  for (let i = 0; i < 4; i++) {
    const json = i % 2 === 0;
    items.push({ label: json ? '64 KiB, json' : '64 KiB', sizeClass: '64 KiB', request: request(rng, body(rng, 64 * KiB, json ? jsonLine : line), json, false) });
  }
  items.push({ label: '1 MiB', sizeClass: '1 MiB', request: request(rng, body(rng, MiB, line), false, false) });
  return items;
}
