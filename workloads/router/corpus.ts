// API gateway traffic against the 200 routes of routes.ts: hits spread over
// every kind of route (with realistic ids, uuids, slugs, file paths and query
// strings), requests where a static segment shadows a parameter or the walk
// must backtrack, catch-alls, the /api/v1 fallback, and misses (scanners,
// unknown versions, trailing slashes, empty segments, wrong case).

import type { HttpRequest } from '../../runtimes/abi/context.ts';
import { Random } from '../lib/random.ts';
import type { CorpusItem } from '../types.ts';
import { routes } from './routes.ts';

const AGENTS = ['okhttp/4.12.0', 'curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'Go-http-client/1.1'];
const FILES = ['app.4f3a9c.js', 'main.css', 'logo.svg', 'fonts/inter-var.woff2', 'img/hero@2x.png', 'vendor/react.production.min.js'];
const QUERIES = ['page=2', 'page=3&per_page=50', 'sort=-created_at', 'q=blue%20shoes&lang=en', 'expand=items,customer', 'fields=id,name&limit=20'];

function hex(rng: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(0, 15)];
  return s;
}

function paramValue(rng: Random, name: string): string {
  if (name === 'version') return `v${rng.int(1, 9)}.${rng.int(0, 20)}.${rng.int(0, 9)}`;
  if (name === 'bucket') return rng.pick(['media-eu', 'uploads', 'exports-2026', 'avatars']);
  switch (rng.int(0, 5)) {
    case 0:
      return `${hex(rng, 8)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 12)}`;
    case 1:
      return rng.word(rng.int(4, 12));
    case 2:
      return 'caf%C3%A9-' + rng.int(1, 99); // percent-encoded: captured as is
    default:
      return String(rng.int(1, 9_999_999));
  }
}

function catchAll(rng: Random, name: string): string {
  if (name === 'doc') return rng.pick(['openid-configuration', 'jwks.json', 'security.txt']);
  if (name === 'page') return rng.pick(['getting-started', 'api/v1/orders', 'guides/rate%20limits', 'changelog/2026/01']);
  if (name === 'key') return `${rng.int(2020, 2026)}/${rng.word(6)}/${rng.word(10)}.pdf`;
  return rng.pick(FILES);
}

/** A path that the template matches, with every parameter filled. */
function fill(rng: Random, template: string): string {
  if (template === '/') return '/';
  return template
    .split('/')
    .map((s) => (s.startsWith(':') ? paramValue(rng, s.slice(1)) : s.startsWith('*') ? catchAll(rng, s.slice(1)) : s))
    .join('/');
}

/** Requests written out by hand for the rules that matter most. */
const SPECIAL: Array<[string, string]> = [
  ['static over param', '/api/v1/users/me'],
  ['static over param', '/api/v1/users/me/settings'],
  ['static over param', '/api/v1/orders/search?q=shoes&status=open'],
  ['static over param', '/api/v1/products/featured'],
  ['backtrack', '/api/v1/users/me/orders/55012'],
  ['backtrack', '/api/v1/users/42/orders/9'],
  ['fallback', '/api/v1/users/42/unknown/x'],
  ['fallback', '/api/v1/graphql'],
  ['fallback', '/api/v1/'],
  ['fallback', '/api/v1/users/'],
  ['catch-all', '/static/'],
  ['catch-all', '/docs/a//b/'],
  ['catch-all', '/legacy/cgi-bin/report.pl?id=7'],
  ['root', '/'],
  ['root', '/?utm_source=mail'],
  ['miss', '/static'],
  ['miss', '/api/v1'],
  ['miss', '/healthz/'],
  ['miss', '//'],
  ['miss', '/API/v1/users'],
  ['miss', '/api/v2/orders/'],
  ['miss', '/api/v2//orders'],
  ['miss', '/wp-login.php'],
  ['miss', '/.env'],
  ['miss', '/favicon.ico'],
  ['miss', '/api/v9/users/1'],
  ['miss', '/assets/v1.2.3'],
];

function request(rng: Random, path: string): HttpRequest {
  const method = rng.pick(['GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']);
  const headers: Array<[string, string]> = [
    ['Host', 'api.example.com'],
    ['User-Agent', rng.pick(AGENTS)],
    ['Accept', 'application/json'],
  ];
  // Clients cannot choose their route: a sent x-route or x-param-* is overwritten when it is set.
  if (rng.chance(0.04)) headers.push(['X-Route', 'admin']);
  if (rng.chance(0.04)) headers.push(['X-Param-Id', '0']);
  let body = new Uint8Array(0);
  if (method === 'POST' || method === 'PUT') {
    body = new TextEncoder().encode(`{"name":"${rng.word(8)}","qty":${rng.int(1, 9)}}`);
    headers.push(['Content-Type', 'application/json'], ['Content-Length', String(body.length)]);
  }
  return { method, path, headers, body };
}

export function corpus(): CorpusItem[] {
  const rng = new Random(0x726f7574 ^ 0x5a5a);
  const list = routes();
  const items: CorpusItem[] = [];
  // Every route once, in config order, so every route is exercised...
  for (const route of list) {
    const query = rng.chance(0.3) ? '?' + rng.pick(QUERIES) : '';
    items.push({ label: query ? 'hit, query' : 'hit', request: request(rng, fill(rng, route.template) + query) });
  }
  // ...then the hand-written cases...
  for (const [label, path] of SPECIAL) items.push({ label, request: request(rng, path) });
  // ...then generated misses: a real path with one segment too many, a wrong version or a stray prefix.
  for (let i = 0; i < 40; i++) {
    const route = rng.pick(list.filter((r) => r.template.startsWith('/api/v2') || r.template.startsWith('/api/v3')));
    const base = fill(rng, route.template);
    const path = rng.pick([
      () => base + '/' + rng.word(5),
      () => base.replace(/^\/api\/v[23]/, '/api/v' + rng.int(4, 9)),
      () => '/' + rng.pick(['admin', 'internal', 'cgi-bin', 'phpmyadmin']) + base,
      () => base + '/',
    ])();
    items.push({ label: 'near miss', request: request(rng, path) }); // most miss; a few land on another route
  }
  // Finally a shuffled mix, so the order is not the config order.
  const mixed: CorpusItem[] = [];
  for (let i = 0; i < 60; i++) mixed.push(items[rng.int(0, items.length - 1)]!);
  items.push(...mixed.map((it) => ({ label: it.label, request: request(rng, it.request.path) })));
  return items;
}
