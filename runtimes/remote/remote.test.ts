// The remote runtime against its real server process (and, for the gateway's
// side of the wire, against hand-written fake services).
//
//   node --import tsx --test runtimes/remote/remote.test.ts

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { prepareRequest, RequestContext, type ContextOptions, type FilterOutcome, type HttpRequest } from '../abi/context.ts';
import { Deployment, ManualClock } from '../abi/host.ts';
import type { FilterInstance, HostServices } from '../abi/types.ts';
import { FilterLoadError } from '../errors.ts';
import native from '../native/adapter.ts';
import { gatewayCorpus } from '../../workloads/lib/requests.ts';
import { Random } from '../../workloads/lib/random.ts';
import { createRemoteRuntime, SERVER_PATH, type RemoteRuntime, type RemoteServiceInfo } from './adapter.ts';
import { canonicalHeaderKey } from './protocol.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'remote');
const fixture = (name: string) => path.join(FIXTURES, name);
const WORKLOAD_HEADERS = path.join(ROOT, 'workloads', 'headers', 'filter.ts');

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

function req(partial: Partial<HttpRequest> & { headers?: Array<[string, string]> }): HttpRequest {
  return { method: 'GET', path: '/', headers: [], body: EMPTY, ...partial };
}

async function run(inst: FilterInstance, request: HttpRequest, options?: ContextOptions): Promise<FilterOutcome> {
  const ctx = new RequestContext(options).reset(prepareRequest(request));
  const result = await inst.handle(ctx);
  return ctx.outcome(result);
}

/** Outcome or error message, so native and remote can be compared either way. */
async function attempt(inst: FilterInstance, request: HttpRequest, options?: ContextOptions): Promise<FilterOutcome | { error: string }> {
  try {
    return await run(inst, request, options);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Plain arrays, so Buffer-vs-Uint8Array differences can never hide behind deepEqual. */
function plain(o: FilterOutcome | { error: string }): unknown {
  if ('error' in o) return o;
  return { ...o, body: [...o.body], response: o.response && { ...o.response, body: [...o.response.body] } };
}

function fnv1a32(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ (text.charCodeAt(i) & 0xff), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function allBytes(times: number): Uint8Array {
  const out = new Uint8Array(256 * times);
  for (let i = 0; i < out.length; i++) out[i] = i & 0xff;
  return out;
}

interface Fake {
  url: string;
  received: unknown[];
  close(): Promise<void>;
}

/** A hand-written RemoteFilter service: records each context, answers what `reply` says. */
async function fakeService(
  reply: (ctx: any) => { status?: number; body: unknown; delayMs?: number },
): Promise<Fake> {
  const received: unknown[] = [];
  const server = http.createServer((rq, rs) => {
    const chunks: Buffer[] = [];
    rq.on('data', (c: Buffer) => chunks.push(c));
    rq.on('end', () => {
      const ctx = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      received.push(ctx);
      const r = reply(ctx);
      const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      setTimeout(() => {
        rs.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
        rs.end(text);
      }, r.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/remote-filter`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** undici's request, not fetch: fetch drops the body of a 205, which Easegress (Go) reads. */
async function postJson(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
}

let runtime: RemoteRuntime;
let service: RemoteServiceInfo;

before(async () => {
  runtime = createRemoteRuntime({ timeoutMs: 3000 });
  service = await runtime.service();
});

after(async () => {
  await runtime.close();
});

describe('remote runtime', () => {
  test('info names the engine, the service node version and what a call pays', async () => {
    const info = await runtime.info();
    assert.equal(runtime.name, 'remote');
    assert.equal(runtime.source, 'filter.ts');
    assert.equal(info.engine, 'remote (Easegress RemoteFilter over HTTP/1.1)');
    assert.equal(info.version, `node ${process.version}`);
    assert.match(info.notes ?? '', /base64/);
    assert.match(info.notes ?? '', /round trip/);
    assert.equal(service.mode, 'control');
    assert.ok(service.pid && service.pid !== process.pid);
  });

  test('headers filters give the same outcome as native on a realistic corpus', async () => {
    const files = [WORKLOAD_HEADERS];
    const corpus = gatewayCorpus(20260101, 200).map((l) => l.request);
    // Plus the awkward ones: interleaved repeats, mixed case, hidden headers between.
    corpus.push(
      req({
        method: 'POST',
        path: '/a?b=1&c',
        headers: [
          ['Host', 'x.example'],
          ['Accept', 'a'],
          ['Connection', 'upgrade'],
          ['Authorization', 'secret'],
          ['accept', 'b'],
          ['VIA', '1.0 old'],
          ['X-Legacy-User', 'bob'],
          ['Cookie', 'c=1'],
          ['x-request-id', 'client'],
          ['Via', '1.0 older'],
        ],
        body: utf8.encode('{"a":1}'),
      }),
      req({ headers: [['Accept', 'x']] }),
    );
    for (const file of files) {
      const remote = await (await runtime.load(file)).instantiate('', new Deployment().host);
      const local = await (await native.load(file)).instantiate('', new Deployment().host);
      for (const [i, request] of corpus.entries()) {
        const want = plain(await attempt(local, request));
        const got = plain(await attempt(remote, request));
        assert.deepEqual(got, want, `${path.relative(ROOT, file)}: request ${i}`);
      }
      await remote.dispose();
    }
  });

  test('random header operations give the same outcome as native (exact order, repeats, hidden)', async () => {
    const remote = await (await runtime.load(fixture('probe.ts'))).instantiate('', new Deployment().host);
    const local = await (await native.load(fixture('probe.ts'))).instantiate('', new Deployment().host);
    const rng = new Random(7);
    const names = ['a', 'B', 'c', 'via', 'x-y', 'Host', 'authorization', 'cookie'];
    for (let n = 0; n < 300; n++) {
      const headers: Array<[string, string]> = [];
      for (let i = rng.int(0, 8); i > 0; i--) headers.push([rng.pick(names), rng.pick(['1', '2', 'v v', 'é'])]);
      const ops: unknown[] = [];
      for (let i = rng.int(0, 6); i > 0; i--) {
        const name = rng.pick(names).toLowerCase();
        const kind = rng.pick(['set', 'add', 'add', 'remove', 'see']);
        ops.push(kind === 'remove' || kind === 'see' ? [kind, name] : [kind, name, rng.pick(['1', '2', '3 "q"', 'tab\there'])]);
      }
      headers.push(['X-Ops', JSON.stringify(ops)]);
      const grants = rng.chance(0.3) ? ['authorization'] : [];
      const request = req({ headers });
      const want = plain(await attempt(local, request, { grants }));
      const got = plain(await attempt(remote, request, { grants }));
      if ('error' in (want as object)) {
        // A refused write fails the call on both; the remote error carries the service's message.
        assert.ok('error' in (got as object), `case ${n}: native failed, remote did not`);
        assert.ok((got as { error: string }).error.includes((want as { error: string }).error), `case ${n}: ${(got as { error: string }).error}`);
      } else {
        assert.deepEqual(got, want, `case ${n}: ${JSON.stringify(headers)}`);
      }
    }
  });

  test('all 256 byte values round-trip in request bodies, set bodies and local responses', async () => {
    const inst = await (await runtime.load(fixture('binary.ts'))).instantiate('', new Deployment().host);
    const body = allBytes(3);
    const sum = body.reduce((a, b) => a + b, 0);

    const out = await run(inst, req({ method: 'POST', headers: [['Host', 'h'], ['Content-Length', String(body.length)]], body }));
    assert.equal(out.result, `sum-${sum}`);
    assert.equal(Object.getPrototypeOf(out.body), Uint8Array.prototype);
    assert.deepEqual([...out.body], [...body].reverse());
    assert.deepEqual(out.headers, [['host', 'h'], ['content-length', String(body.length)]]);

    const responded = await run(inst, req({ method: 'POST', headers: [['X-Mode', 'respond']], body }));
    assert.equal(responded.result, 'responded');
    assert.ok(responded.response);
    assert.equal(responded.response.status, 201);
    // Repeats of one name split by another come back in their order.
    assert.deepEqual(responded.response.headers, [
      ['content-type', 'application/octet-stream'],
      ['x-b', '1'],
      ['x-a', 'z'],
      ['x-b', '2'],
    ]);
    assert.deepEqual([...responded.response.body], [...body]);
    assert.deepEqual([...responded.body], [...body], 'the request body is untouched');

    const empty = await run(inst, req({}));
    assert.equal(empty.result, 'sum-0');
    assert.equal(empty.body.length, 0);
  });

  test('respond travels as 205, named results as "result", paths with queries both ways', async () => {
    const inst = await (await runtime.load(fixture('probe.ts'))).instantiate('', new Deployment().host);
    const ops = (o: unknown[]) => ['X-Ops', JSON.stringify(o)] as [string, string];

    const r1 = await run(inst, req({ path: '/p/q?x=1&y=%20', headers: [ops([['see'], ['result', 'my-branch']])] }));
    assert.equal(r1.result, 'my-branch');
    assert.equal(r1.path, '/p/q?x=1&y=%20');
    assert.deepEqual(r1.headers.find(([n]) => n === 'x-seen-path'), ['x-seen-path', '/p/q?x=1&y=%20']);

    const r2 = await run(inst, req({ path: '/a?', headers: [['Host', 'h'], ops([['path', '/b/c?z=9#frag']])] }));
    assert.equal(r2.path, '/b/c?z=9#frag');
    const r3 = await run(inst, req({ path: '/a?', headers: [['Host', 'h'], ops([['see']])] }));
    assert.equal(r3.path, '/a?', 'an untouched path keeps its empty query');
    assert.equal(Object.fromEntries(r3.headers)['x-seen-path'], '/a?', 'and the filter sees it as native does');

    const r4 = await run(
      inst,
      req({
        headers: [['Host', 'h'], ops([['respond', 418, [['X-Teapot', 'yes'], ['content-type', 'text/plain']], 'short and stout'], ['set', 'x-after', '1']])],
      }),
    );
    assert.equal(r4.result, '');
    assert.deepEqual(r4.response && { ...r4.response, body: Buffer.from(r4.response.body).toString() }, {
      status: 418,
      headers: [
        ['x-teapot', 'yes'],
        ['content-type', 'text/plain'],
      ],
      body: 'short and stout',
    });
    assert.deepEqual(r4.headers, [['host', 'h'], ['x-after', '1']], 'request changes made with respond are kept, as native');
  });

  test('init errors reject instantiate with the filter message; load errors name the file', async () => {
    const loaded = await runtime.load(fixture('kv.ts'));
    await assert.rejects(loaded.instantiate(JSON.stringify({ fail: 'no upstream configured' }), new Deployment().host), (err: Error) => {
      assert.equal(err.message, 'no upstream configured');
      return true;
    });
    await assert.rejects(runtime.load(fixture('broken.ts')), (err: Error) => {
      assert.ok(err instanceof FilterLoadError);
      assert.match(err.message, /^remote: cannot load .*broken\.ts: .*handle/);
      return true;
    });
    await assert.rejects(runtime.load(fixture('missing.ts')), FilterLoadError);
  });

  test('kv is shared by the instances of one host and invisible to other hosts; clock and logs are the gateway\'s', async () => {
    const loaded = await runtime.load(fixture('kv.ts'));
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const a = new Deployment({ clock });
    const b = new Deployment({ clock });
    const a1 = await loaded.instantiate('{}', a.host);
    const a2 = await loaded.instantiate('{}', a.host);
    const b1 = await loaded.instantiate('{}', b.host);
    const header = (o: FilterOutcome, n: string) => o.headers.find(([k]) => k === n)?.[1];

    assert.equal(header(await run(a1, req({})), 'x-count'), '1');
    clock.advance(1.5);
    const second = await run(a2, req({}));
    assert.equal(header(second, 'x-count'), '2');
    assert.equal(header(second, 'x-inits'), '2');
    assert.equal(header(second, 'x-now'), String(Date.UTC(2026, 0, 1) + 1.5));
    assert.equal(header(await run(a1, req({})), 'x-count'), '3');
    const other = await run(b1, req({}));
    assert.equal(header(other, 'x-count'), '1');
    assert.equal(header(other, 'x-inits'), '1');

    assert.deepEqual(
      a.logs.filter((l) => l.level !== 'debug').map((l) => `${l.level} ${l.message}`),
      ['info call 1', 'warn careful', 'info call 2', 'warn careful', 'info call 3', 'warn careful'],
    );
    assert.deepEqual(a.logs.filter((l) => l.level === 'debug').map((l) => l.message), ['init {}', 'init {}']);

    // Disposing deletes the deployments on the service.
    const deployed = (await (await fetch(`${service.origin}/_plugbench/info`)).json()) as { deployments: number };
    await a1.dispose();
    await a2.dispose();
    await b1.dispose();
    const afterInfo = (await (await fetch(`${service.origin}/_plugbench/info`)).json()) as { deployments: number };
    assert.equal(afterInfo.deployments, deployed.deployments - 3);
  });

  test('hidden headers are neither sent nor lost; granted ones are seen; refused writes match native', async () => {
    const remote = await (await runtime.load(fixture('probe.ts'))).instantiate('', new Deployment().host);
    const local = await (await native.load(fixture('probe.ts'))).instantiate('', new Deployment().host);
    const headers: Array<[string, string]> = [
      ['Host', 'h'],
      ['Authorization', 'Bearer s3cret'],
      ['X-A', '1'],
      ['Cookie', 'sid=1'],
      ['X-Ops', JSON.stringify([['see'], ['remove', 'x-a'], ['try-set', 'authorization', 'forged']])],
    ];
    const out = await run(remote, req({ headers }));
    assert.deepEqual(plain(out), plain(await run(local, req({ headers }))));
    const seen = Object.fromEntries(out.headers);
    assert.equal(seen['x-seen'], 'host x-a');
    assert.equal(seen['x-seen-auth'], '-');
    assert.equal(seen['x-seen-cookie'], '-');
    assert.match(seen['x-refused'] ?? '', /not granted/);
    assert.deepEqual(out.headers.slice(0, 3), [
      ['host', 'h'],
      ['authorization', 'Bearer s3cret'],
      ['cookie', 'sid=1'],
    ]);

    const granted = await run(remote, req({ headers }), { grants: ['authorization'] });
    assert.equal(Object.fromEntries(granted.headers)['x-seen-auth'], 'Bearer s3cret');
    assert.deepEqual(plain(granted), plain(await run(local, req({ headers }), { grants: ['authorization'] })));
  });

  test('the gateway context\'s limits apply on the service; a throwing filter fails the call with status and message', async () => {
    const inst = await (await runtime.load(fixture('probe.ts'))).instantiate('', new Deployment().host);
    await assert.rejects(
      run(inst, req({ headers: [['X-Ops', JSON.stringify([['body', 'x'.repeat(20)]])]] }), { limits: { maxBodyBytes: 10 } }),
      /^Error: remote: http:\/\/127\.0\.0\.1:\d+\/filters\/\w+ answered 500: .*exceeds the limit of 10/,
    );
    await assert.rejects(
      run(inst, req({ headers: [['X-Ops', JSON.stringify([['throw', 'kaboom']])]] })),
      (err: Error) => /answered 500/.test(err.message) && /kaboom/.test(err.message),
    );
  });

  test('a raw Easegress-style POST is answered with the context as it should become', async () => {
    const dep = await postJson(`${service.origin}/_plugbench/deployments`, { file: WORKLOAD_HEADERS, config: '' });
    assert.equal(dep.status, 201);
    assert.equal(dep.json.path, `/filters/${dep.json.id}`);
    assert.equal(dep.json.url, `${service.origin}/filters/${dep.json.id}`);
    const endpoint = `${service.origin}${dep.json.path}`;

    // As Easegress sends it: Host only in "host", Go-canonical names, no plugbench field.
    const context = {
      request: {
        realIP: '10.0.0.7',
        method: 'POST',
        scheme: 'http',
        host: 'shop.example.com',
        path: '/api/orders',
        query: 'page=2',
        fragment: '',
        proto: 'HTTP/1.1',
        header: {
          'Accept': ['application/json', 'text/plain'],
          'Connection': ['keep-alive'],
          'X-Legacy-User': ['carol'],
          'Content-Type': ['application/json'],
        },
        body: Buffer.from('{"qty":1}').toString('base64'),
      },
      response: { statusCode: 200, header: null, body: null },
    };
    const ok = await postJson(endpoint, context);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, {
      request: {
        realIP: '10.0.0.7',
        method: 'POST',
        scheme: 'http',
        host: 'shop.example.com',
        path: '/api/orders',
        query: 'page=2',
        fragment: '',
        proto: 'HTTP/1.1',
        header: {
          'Accept': ['application/json', 'text/plain'],
          'Content-Type': ['application/json'],
          'X-User': ['carol'],
          'X-Request-Id': ['pb-' + fnv1a32('POST /api/orders?page=2')],
          'Via': ['1.1 plugbench'],
        },
        body: Buffer.from('{"qty":1}').toString('base64'),
      },
      response: { statusCode: 200, header: {}, body: null },
      result: '',
    });

    const noHost = structuredClone(context);
    noHost.request.host = '';
    const made = await postJson(endpoint, noHost);
    assert.equal(made.status, 205);
    assert.equal(made.json.result, 'missing-host');
    assert.deepEqual(made.json.response, {
      statusCode: 400,
      header: { 'Content-Type': ['text/plain'] },
      body: Buffer.from('missing host header\n').toString('base64'),
    });
    assert.deepEqual(made.json.request.header, context.request.header, 'nothing else changed');

    const about = await request(`${service.origin}/_plugbench/deployments/${dep.json.id}`);
    const described = (await about.body.json()) as { file: string; kv: string; entries: object };
    assert.equal(described.file, WORKLOAD_HEADERS);
    assert.equal(described.kv, dep.json.kv);
    assert.deepEqual(described.entries, {});

    assert.equal((await postJson(`${service.origin}/filters/nope`, context)).status, 404);
    const bad = await fetch(endpoint, { method: 'POST', body: '{"request": 7' });
    assert.equal(bad.status, 400);
    const del = await fetch(`${service.origin}/_plugbench/deployments/${dep.json.id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal((await postJson(endpoint, context)).status, 404);
  });

  test('a URL that answers the control API is used as plugbench\'s service, without a child', async () => {
    const viaUrl = createRemoteRuntime({ url: service.origin + '/' });
    try {
      const info = await viaUrl.service();
      assert.equal(info.mode, 'control');
      assert.equal(info.pid, undefined);
      const inst = await (await viaUrl.load(fixture('binary.ts'))).instantiate('', new Deployment().host);
      assert.equal((await run(inst, req({ body: new Uint8Array([1, 2, 3]) }))).result, 'sum-6');
      await inst.dispose();
    } finally {
      await viaUrl.close();
    }
    const still = await fetch(`${service.origin}/_plugbench/info`);
    assert.equal(still.status, 200, 'closing a URL runtime leaves the service running');
  });
});

describe('gateway side of the wire, against a hand-written service', () => {
  test('sends Go-canonical names in first-arrival order with repeats, split path, base64 body, no hidden headers', async () => {
    const fake = await fakeService((ctx) => ({ body: ctx }));
    const rt = createRemoteRuntime({ url: fake.url });
    try {
      assert.equal((await rt.service()).mode, 'fixed');
      const clock = new ManualClock(1767225600123.25);
      const d = new Deployment({ clock });
      const inst = await (await rt.load(fixture('noop.ts'))).instantiate('{"ignored":true}', d.host);
      const request = req({
        method: 'PUT',
        path: '/v1/items/7?expand=all&x=%2F',
        headers: [
          ['host', 'api.example.com'],
          ['x-request-id', 'r1'],
          ['Authorization', 'Bearer hidden'],
          ['ACCEPT', 'a'],
          ['cookie', 'sid=2'],
          ['www-authenticate', 'w'],
          ['Accept', 'b'],
          ['x_under', 'u'],
        ],
        body: allBytes(1),
      });
      const out = await run(inst, request);
      const sent = fake.received[0] as any;
      assert.deepEqual(Object.keys(sent.request.header), ['Host', 'X-Request-Id', 'Accept', 'Www-Authenticate', 'X_under']);
      assert.deepEqual(sent.request.header.Accept, ['a', 'b']);
      assert.equal(sent.request.host, 'api.example.com');
      assert.equal(sent.request.method, 'PUT');
      assert.equal(sent.request.path, '/v1/items/7');
      assert.equal(sent.request.query, 'expand=all&x=%2F');
      assert.equal(sent.request.fragment, '');
      assert.equal(sent.request.proto, 'HTTP/1.1');
      assert.deepEqual([...Buffer.from(sent.request.body, 'base64')], [...allBytes(1)]);
      assert.deepEqual(sent.response, { statusCode: 200, header: {}, body: '' });
      // The map cannot say that `accept` repeats around `www-authenticate`: the exact list rides along.
      assert.deepEqual(sent.plugbench, {
        nowMs: 1767225600123.25,
        hidden: ['authorization', 'cookie'],
        headers: [
          ['host', 'api.example.com'],
          ['x-request-id', 'r1'],
          ['accept', 'a'],
          ['www-authenticate', 'w'],
          ['accept', 'b'],
          ['x_under', 'u'],
        ],
      });
      const wire = JSON.stringify(sent);
      assert.ok(!wire.includes('Bearer hidden') && !wire.includes('sid=2'), 'hidden headers are not sent');
      // An echo changes nothing: the interleaved order and hidden headers survive as they were.
      assert.deepEqual(plain(out), plain(new RequestContext().reset(prepareRequest(request)).outcome('')));

      // Adjacent repeats need no list; a path the fields cannot say ("/a?") travels exactly.
      await run(inst, req({ path: '/a?', headers: [['Accept', '1'], ['Accept', '2'], ['Host', 'h']] }));
      const second = fake.received[1] as any;
      assert.deepEqual(second.request.header, { Accept: ['1', '2'], Host: ['h'] });
      assert.equal(second.request.path, '/a');
      assert.equal(second.request.query, '');
      assert.deepEqual(second.plugbench, { nowMs: 1767225600123.25, hidden: ['authorization', 'cookie'], target: '/a?' });
    } finally {
      await rt.close();
      await fake.close();
    }
  });

  test('applies a map-only answer (any RemoteFilter service) with ABI calls; 205 without result is responseAlready', async () => {
    let answer: (ctx: any) => { status?: number; body: unknown } = (ctx) => ({ body: ctx });
    const fake = await fakeService((ctx) => answer(ctx));
    const rt = createRemoteRuntime({ url: fake.url });
    try {
      const d = new Deployment();
      const inst = await (await rt.load(fixture('noop.ts'))).instantiate('', d.host);
      const request = req({
        path: '/old?q=1',
        headers: [
          ['Host', 'h'],
          ['A', '1'],
          ['Cookie', 'keep-me'],
          ['B', '2'],
          ['C', '3'],
          ['A', '4'],
        ],
      });
      answer = (ctx) => {
        const r = ctx.request;
        // Go's map order is sorted, and a service may send names in any case.
        r.header = { a: ['1', '4', '5'], C: ['30'], 'X-New': ['n'], Host: ['h'] };
        r.path = '/new';
        r.query = '';
        r.body = Buffer.from('replaced').toString('base64');
        return { body: { ...ctx, result: 'branch-x', plugbench: undefined } };
      };
      const out = await run(inst, request);
      assert.equal(out.result, 'branch-x');
      assert.equal(out.path, '/new');
      assert.equal(Buffer.from(out.body).toString(), 'replaced');
      assert.deepEqual(out.headers, [
        ['a', '1'],
        ['cookie', 'keep-me'],
        ['c', '30'],
        ['a', '4'],
        ['a', '5'],
        ['x-new', 'n'],
        ['host', 'h'],
      ]);

      answer = (ctx) => ({
        status: 205,
        body: { ...ctx, response: { statusCode: 302, header: { Location: ['/login'] }, body: null } },
      });
      const made = await run(inst, request);
      assert.equal(made.result, 'responseAlready');
      assert.deepEqual(made.response, { status: 302, headers: [['location', '/login']], body: new Uint8Array(0) });

      for (const [status, body, pattern] of [
        [503, 'overloaded', /^Error: remote: http:\/\/127\.0\.0\.1:\d+\/remote-filter answered 503: overloaded$/],
        [200, '', /empty body/],
        [200, 'not json', /invalid JSON/],
        [205, { request: {}, response: { statusCode: 99 } }, /not in 200\.\.599/],
      ] as const) {
        answer = () => ({ status, body });
        await assert.rejects(run(inst, request), pattern);
      }
    } finally {
      await rt.close();
      await fake.close();
    }
  });

  test('a slow service fails the call with a timeout naming the runtime and URL', async () => {
    const fake = await fakeService((ctx) => ({ body: ctx, delayMs: 600 }));
    const rt = createRemoteRuntime({ url: fake.url, timeoutMs: 150 });
    try {
      const inst = await (await rt.load(fixture('noop.ts'))).instantiate('', new Deployment().host);
      await assert.rejects(run(inst, req({})), /^Error: remote: no answer from http:\/\/127\.0\.0\.1:\d+\/remote-filter within 150 ms$/);
    } finally {
      await rt.close();
      await fake.close();
    }
  });

  test('canonical header keys follow Go', () => {
    assert.equal(canonicalHeaderKey('x-request-id'), 'X-Request-Id');
    assert.equal(canonicalHeaderKey('WWW-AUTHENTICATE'), 'Www-Authenticate');
    assert.equal(canonicalHeaderKey('x_y-z'), 'X_y-Z');
    assert.equal(canonicalHeaderKey('te'), 'Te');
    assert.equal(canonicalHeaderKey('bad name'), 'bad name');
  });
});

describe('server process', () => {
  test('refuses bodies over --max-body with 413 and exits when its stdin closes', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_PATH, '--port', '0', '--max-body', '1024'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.setEncoding('utf8');
        child.stdout!.on('data', (d: string) => {
          out += d;
          const m = /^listening (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', () => reject(new Error('server exited early')));
      });
      const dep = await postJson(`${origin}/_plugbench/deployments`, { file: fixture('binary.ts') });
      assert.equal(dep.status, 201);
      const endpoint = `${origin}${dep.json.path}`;
      const context = (bytes: number) => ({
        request: { method: 'POST', host: 'h', path: '/', query: '', header: {}, body: Buffer.alloc(bytes, 7).toString('base64') },
        response: null,
      });
      assert.equal((await postJson(endpoint, context(1024))).status, 200);
      const decoded = await postJson(endpoint, context(1025));
      assert.equal(decoded.status, 413);
      assert.match(decoded.json.error, /1025 bytes exceeds the limit of 1024/);
      const raw = await postJson(endpoint, context(200_000));
      assert.equal(raw.status, 413);
      assert.equal((await postJson(`${origin}/_plugbench/deployments`, { file: fixture('kv.ts'), config: '{"fail":"nope"}' })).json.error, 'nope');
    } finally {
      child.stdin!.end();
    }
    assert.equal(await exited, 0);
  });

  test('a service that cannot start is reported with its stderr; an unreachable URL is an error', async () => {
    const broken = createRemoteRuntime({ serverArgs: ['--bogus'] });
    await assert.rejects(broken.info(), /exited \(code 2\) before it was ready; its stderr:\n.*unknown argument --bogus/s);
    await broken.close();
    const nowhere = createRemoteRuntime({ url: 'http://127.0.0.1:1/' });
    await assert.rejects(nowhere.load(fixture('noop.ts')), /^Error: remote: cannot reach http:\/\/127\.0\.0\.1:1\/_plugbench\/info/);
    await nowhere.close();
  });

  test('the child service does not outlive a harness that dies without close()', async () => {
    const adapterUrl = new URL('./adapter.ts', import.meta.url).href;
    const harness = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { createRemoteRuntime } = await import(${JSON.stringify(adapterUrl)});
         const rt = createRemoteRuntime({});
         console.log((await rt.service()).pid);
         setInterval(() => {}, 1000);`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      harness.stdout!.setEncoding('utf8');
      harness.stdout!.once('data', (d: string) => resolve(Number(d.trim())));
      harness.once('exit', () => reject(new Error('harness exited early')));
    });
    process.kill(pid, 0);
    harness.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        break; // gone
      }
      assert.ok(Date.now() < deadline, 'the service outlived its harness');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  test('close() stops the child service', async () => {
    const rt = createRemoteRuntime({});
    const { pid } = await rt.service();
    assert.ok(pid);
    process.kill(pid, 0); // alive
    await rt.close();
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  });
});
