// A minute of traffic at one gateway, on a deterministic clock: steady
// background requests from many clients (API keys, forwarded addresses,
// anonymous), a poller just above the refill rate, and bursts from a few hot
// API keys that run their buckets dry. Times are realistic fractional
// milliseconds (like performance.now), non-decreasing.

import type { HttpRequest } from '../../runtimes/abi/context.ts';
import { Random } from '../lib/random.ts';
import type { CorpusItem } from '../types.ts';

/** 2026-01-01 09:00:00 UTC. */
export const START_MS = Date.UTC(2026, 0, 1, 9, 0, 0);
const WINDOW_MS = 60_000;

const PATHS = ['/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/users/{id}', '/api/v1/search?q={word}', '/api/v1/cart', '/healthz'];
const AGENTS = ['okhttp/4.12.0', 'curl/8.5.0', 'python-requests/2.32.3', 'Go-http-client/1.1', 'Mozilla/5.0 (X11; Linux x86_64)'];

interface Event {
  at: number;
  label: string;
  identity: Array<[string, string]>;
}

function ip(rng: Random): string {
  return `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function request(rng: Random, identity: Array<[string, string]>): HttpRequest {
  const method = rng.pick(['GET', 'GET', 'GET', 'POST', 'DELETE']);
  const path = rng
    .pick(PATHS)
    .replace('{id}', String(rng.int(1, 99999)))
    .replace('{word}', rng.word(rng.int(3, 9)));
  const headers: Array<[string, string]> = [
    ['Host', 'api.example.com'],
    ['User-Agent', rng.pick(AGENTS)],
    ['Accept', 'application/json'],
  ];
  // Identity headers sit in different places, sometimes in client-chosen case.
  headers.splice(rng.int(1, headers.length), 0, ...identity);
  // Some clients send a stale rate-limit header the filter must overwrite.
  if (rng.chance(0.05)) headers.push(['X-RateLimit-Remaining', '999']);
  let body = new Uint8Array(0);
  if (method === 'POST') {
    body = new TextEncoder().encode(`{"sku":"${rng.word(8)}","qty":${rng.int(1, 9)}}`);
    headers.push(['Content-Type', 'application/json'], ['Content-Length', String(body.length)]);
  }
  return { method, path, headers, body };
}

function events(rng: Random): Event[] {
  const out: Event[] = [];
  const keys = Array.from({ length: 30 }, () => 'k_live_' + rng.word(16));
  const ips = Array.from({ length: 40 }, () => ip(rng));
  const proxies = ['10.0.0.1', '10.0.3.7', '172.16.4.2'];

  // Background: 200 requests spread over the minute.
  for (let i = 0; i < 200; i++) {
    const at = rng.next() * WINDOW_MS;
    const kind = rng.int(0, 9);
    if (kind < 4) {
      out.push({ at, label: 'api key', identity: [[rng.pick(['X-Api-Key', 'x-api-key']), rng.pick(keys)]] });
    } else if (kind < 6) {
      out.push({ at, label: 'forwarded', identity: [['X-Forwarded-For', rng.pick(ips)]] });
    } else if (kind < 8) {
      const hops = [rng.pick(ips), ...Array.from({ length: rng.int(1, 2) }, () => rng.pick(proxies))];
      const sep = rng.pick([', ', ',', ' , ']);
      const lead = rng.pick(['', '', ' ', '\t']);
      const identity: Array<[string, string]> = [['X-Forwarded-For', lead + hops.join(sep)]];
      if (rng.chance(0.3)) identity.push(['X-Forwarded-For', rng.pick(proxies)]); // a second field: not the first hop
      out.push({ at, label: 'forwarded chain', identity });
    } else if (kind < 9) {
      const identity: Array<[string, string]> = rng.chance(0.5) ? [['X-Api-Key', '']] : [];
      identity.push(['X-Forwarded-For', rng.pick(ips) + ', ' + rng.pick(proxies)]);
      out.push({ at, label: 'empty api key', identity });
    } else {
      const identity: Array<[string, string]> = rng.pick([[], [['X-Forwarded-For', '']], [['X-Forwarded-For', ' , 10.0.0.1']]]);
      out.push({ at, label: 'anonymous', identity });
    }
  }

  // A poller slightly faster than the refill rate (one request per 1.1 s against one token per 1.5 s).
  const poller = 'k_live_poller' + rng.word(8);
  for (let at = rng.next() * 500; at < WINDOW_MS; at += 1100 + rng.next() * 40 - 20) {
    out.push({ at, label: 'poller', identity: [['X-Api-Key', poller]] });
  }

  // Bursts: hot keys fire 12-30 requests a few to a hundred milliseconds apart.
  const hot = ['k_live_hot' + rng.word(10), 'k_live_hot' + rng.word(10), 'k_live_hot' + rng.word(10)];
  for (let b = 0; b < 6; b++) {
    const key = hot[b % hot.length]!;
    let at = rng.next() * (WINDOW_MS - 5000);
    const n = rng.int(12, 30);
    for (let i = 0; i < n; i++) {
      out.push({ at, label: 'burst', identity: [['X-Api-Key', key]] });
      at += rng.chance(0.2) ? rng.next() * 0.5 : 5 + rng.next() * 120;
    }
  }
  // One scraper behind a proxy, without a key.
  const scraper = ip(rng);
  let at = 20_000 + rng.next() * 10_000;
  for (let i = 0; i < 25; i++) {
    out.push({ at, label: 'burst, forwarded', identity: [['X-Forwarded-For', `${scraper}, 10.0.0.1`]] });
    at += 40 + rng.next() * 200;
  }
  return out;
}

export function corpus(): CorpusItem[] {
  const rng = new Random(0x726c696d);
  const list = events(rng);
  list.sort((a, b) => a.at - b.at);
  return list.map((e) => ({
    label: e.label,
    // Microsecond resolution, as a host clock reports it.
    nowMs: START_MS + Math.round(e.at * 1000) / 1000,
    request: request(rng, e.identity),
  }));
}
