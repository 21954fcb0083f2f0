// Realistic gateway traffic, generated from a seed: the shapes of request a
// reverse proxy sees all day. Workloads build their corpora from it.

import type { HttpRequest } from '../../runtimes/abi/context.ts';
import { Random } from './random.ts';

export interface LabelledRequest {
  label: string;
  request: HttpRequest;
}

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'curl/8.5.0',
  'okhttp/4.12.0',
  'Go-http-client/1.1',
];
const HOSTS = ['shop.example.com', 'api.example.com', 'static.example.net', 'example.org:8443'];
const PAGES = ['/', '/products', '/products/{id}', '/cart', '/search?q={word}&page={n}', '/static/app.{word}.js'];
const APIS = ['/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/users/{id}/profile', '/api/v2/search?q={word}', '/healthz'];

const ascii = new TextEncoder();

function fill(rng: Random, template: string): string {
  return template
    .replace('{id}', String(rng.int(1, 99999)))
    .replace('{word}', rng.word(rng.int(3, 10)))
    .replace('{n}', String(rng.int(1, 20)));
}

function ip(rng: Random): string {
  return `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function jsonBody(rng: Random, maxBytes: number): Uint8Array {
  const items: string[] = [];
  let size = 2;
  const target = rng.int(0, maxBytes);
  while (size < target) {
    const item = `{"sku":"${rng.word(8)}","qty":${rng.int(1, 9)},"price":${rng.int(100, 99999) / 100}}`;
    items.push(item);
    size += item.length + 1;
  }
  return ascii.encode(`{"items":[${items.join(',')}]}`);
}

/** One request of a randomly chosen kind, with mixed-case names as clients send them. */
export function gatewayRequest(rng: Random): LabelledRequest {
  const h: Array<[string, string]> = [];
  const host = rng.pick(HOSTS);
  const kind = rng.pick(['page', 'page', 'api', 'api', 'api', 'proxied', 'websocket', 'legacy', 'chunked']);
  let method = 'GET';
  let path = fill(rng, rng.pick(PAGES));
  let body: Uint8Array = new Uint8Array(0);

  h.push(['Host', host]);
  h.push(['User-Agent', rng.pick(AGENTS)]);
  switch (kind) {
    case 'page':
      h.push(['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8']);
      h.push(['Accept-Language', rng.pick(['en-US,en;q=0.9', 'de-DE,de;q=0.8,en;q=0.5', 'fr-FR'])]);
      h.push(['Accept-Encoding', 'gzip, deflate, br']);
      h.push(['Cookie', `session=${rng.word(24)}; theme=${rng.pick(['dark', 'light'])}`]);
      h.push(['Connection', 'keep-alive']);
      h.push(['Upgrade-Insecure-Requests', '1']);
      break;
    case 'api': {
      method = rng.pick(['GET', 'POST', 'POST', 'PUT', 'DELETE']);
      path = fill(rng, rng.pick(APIS));
      h.push(['Accept', 'application/json']);
      h.push(['Authorization', `Bearer ${rng.word(40)}`]);
      h.push(['X-Forwarded-For', ip(rng)]);
      if (method === 'POST' || method === 'PUT') {
        body = jsonBody(rng, 2048);
        h.push(['Content-Type', 'application/json']);
        h.push(['Content-Length', String(body.length)]);
      }
      if (rng.chance(0.3)) h.push(['X-Request-Id', rng.word(16)]);
      break;
    }
    case 'proxied':
      h.push(['Accept', '*/*']);
      h.push(['Proxy-Authorization', `Basic ${rng.word(20)}`]);
      h.push(['Proxy-Connection', 'keep-alive']);
      h.push(['Via', '1.0 corp-proxy']);
      h.push(['X-Forwarded-For', ip(rng)]);
      h.push(['X-Forwarded-For', ip(rng)]);
      break;
    case 'websocket':
      path = '/ws/' + rng.word(6);
      h.push(['Connection', 'Upgrade']);
      h.push(['Upgrade', 'websocket']);
      h.push(['Sec-WebSocket-Key', rng.word(22) + '==']);
      h.push(['Sec-WebSocket-Version', '13']);
      break;
    case 'legacy':
      h.push(['Accept', 'application/json']);
      h.push(['Accept', 'text/plain']);
      h.push(['X-Legacy-User', rng.pick(['alice', 'bob', 'carol', 'svc-billing'])]);
      h.push(['Keep-Alive', 'timeout=5, max=100']);
      break;
    case 'chunked':
      method = 'POST';
      path = '/api/v1/upload';
      body = jsonBody(rng, 2048);
      h.push(['Content-Type', 'application/json']);
      h.push(['Transfer-Encoding', 'chunked']);
      h.push(['TE', 'trailers']);
      h.push(['Trailer', 'X-Checksum']);
      break;
  }
  let label = kind;
  // About 1 in 20 requests lacks Host (HTTP/1.0 clients, broken scanners).
  if (rng.chance(0.05)) {
    h.splice(0, 1);
    label += ', missing host';
  }
  return { label, request: { method, path, headers: h, body } };
}

export function gatewayCorpus(seed: number, count: number): LabelledRequest[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => gatewayRequest(rng));
}
