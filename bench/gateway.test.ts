// The gateway over real sockets on 127.0.0.1: pass-through and local answers
// equal the verified reference request by request, limits, failures, the
// corpus clock, forwarding, and the command line.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RequestContext } from '../runtimes/abi/context.ts';
import type { Runtime } from '../runtimes/abi/types.ts';
import native from '../runtimes/native/adapter.ts';
import { selectWorkloads } from '../workloads/index.ts';
import type { Workload } from '../workloads/types.ts';
import { REPLAY_HEADER, responderDigest, startGateway, type Gateway } from './gateway.ts';
import { rawRequest } from './load-client.ts';
import { prepareCorpus } from './verify.ts';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const [noop, headers, jwt, rateLimit] = (await selectWorkloads(['noop', 'headers', 'jwt-auth', 'rate-limit'])) as [
  Workload,
  Workload,
  Workload,
  Workload,
];

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One keep-alive connection; requests one at a time, answers framed by content-length. */
class Conn {
  private buf = Buffer.alloc(0);
  private waiting: { resolve(a: Answer): void; reject(e: Error): void } | undefined;
  private readonly socket: net.Socket;
  closed = false;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
    });
    const fail = (e: Error) => {
      this.closed = true;
      this.waiting?.reject(e);
      this.waiting = undefined;
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  private parse(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const [statusLine, ...lines] = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const h: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      h[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const len = Number(h['content-length'] ?? 0);
    if (this.buf.length < end + 4 + len) return;
    const body = this.buf.subarray(end + 4, end + 4 + len);
    this.buf = this.buf.subarray(end + 4 + len);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve({ status: Number(statusLine!.split(' ')[1]), headers: h, body: Buffer.from(body) });
  }

  send(raw: Buffer | string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
      this.waiting = {
        resolve: (a) => (clearTimeout(timer), resolve(a)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.socket.write(raw);
      this.parse();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

const gateways: Gateway[] = [];
async function gateway(...args: Parameters<typeof startGateway>): Promise<Gateway> {
  const g = await startGateway(...args);
  gateways.push(g);
  return g;
}
after(async () => {
  for (const g of gateways) await g.close();
});

function fake(name: string, handle: (ctx: RequestContext) => string | Promise<string>): Runtime {
  return {
    name,
    source: 'filter.ts',
    info: async () => ({ engine: 'fake', version: '0' }),
    load: async () => ({ instantiate: async () => ({ handle, dispose() {} }) }),
  };
}

test('headers on native: every corpus request answers as verified — pass-through digests and local 400s', async () => {
  const g = await gateway({ runtime: native, workload: headers });
  const conn = new Conn(g.port);
  let local = 0;
  for (const item of prepareCorpus(headers)) {
    const a = await conn.send(rawRequest(item.request));
    const e = item.expected;
    const where = `#${item.index} (${item.label})`;
    if (e.response) {
      local++;
      assert.equal(a.status, e.response.status, where);
      assert.deepEqual([...a.body], [...e.response.body], where);
      assert.equal(a.headers['content-type'], 'text/plain', where);
    } else {
      assert.equal(a.status, 200, where);
      assert.equal(a.body.toString(), responderDigest(e.method, e.path, e.headers, e.body.length, e.result), where);
    }
  }
  conn.close();
  assert.ok(local > 0, 'the corpus has requests without host');
  const s = g.stats();
  assert.equal(s.local, local);
  assert.equal(s.filterErrors, 0);
});

test('a request without host gets the filter\'s 400; with host it passes with the filter\'s headers', async () => {
  const g = await gateway({ runtime: native, workload: headers });
  const conn = new Conn(g.port);
  const missing = await conn.send('GET /a HTTP/1.1\r\nUser-Agent: t\r\n\r\n');
  assert.equal(missing.status, 400);
  assert.equal(missing.body.toString(), 'missing host header\n');
  const ok = await conn.send('GET /a HTTP/1.1\r\nHost: h\r\nX-Legacy-User: bob\r\nConnection: keep-alive\r\n\r\n');
  assert.equal(ok.status, 200);
  const digest = JSON.parse(ok.body.toString());
  assert.equal(digest.headers, 4, 'host, x-user, x-request-id, via: connection and x-legacy-user dropped');
  conn.close();
});

test('bodies over the limit get 413, declared or chunked; within it they pass', async () => {
  const g = await gateway({ runtime: native, workload: noop, maxBodyBytes: 100 });
  const declared = await new Conn(g.port).send(`POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n${'x'.repeat(101)}`);
  assert.equal(declared.status, 413);
  assert.equal(declared.headers.connection, 'close');
  const chunked = await new Conn(g.port).send(`POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n${'y'.repeat(100)}\r\n2\r\nzz\r\n0\r\n\r\n`);
  assert.equal(chunked.status, 413);
  const fits = await new Conn(g.port).send(`POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n${'x'.repeat(100)}`);
  assert.equal(fits.status, 200);
  assert.equal(JSON.parse(fits.body.toString()).bodyBytes, 100);
  assert.equal(g.stats().tooLarge, 2);
});

test('a port in use is one clear error naming runtime and workload', async () => {
  const first = await gateway({ runtime: native, workload: headers });
  await assert.rejects(startGateway({ runtime: native, workload: headers, port: first.port }), (err: Error) => {
    assert.match(err.message, new RegExp(`^gateway native × headers: cannot listen on 127\\.0\\.0\\.1:${first.port}: the address is already in use`));
    return true;
  });
});

test('a filter that does not load or does not match the reference stops the gateway from starting', async () => {
  const broken: Workload = { ...noop, dir: join(ROOT, 'test', 'fixtures', 'syntax-error') };
  await assert.rejects(startGateway({ runtime: native, workload: broken }), /^Error: gateway native × noop: native: cannot load .*syntax-error\/filter\.ts/);
  const wrong: Workload = { ...headers, dir: join(ROOT, 'test', 'fixtures', 'wrong-headers') };
  await assert.rejects(startGateway({ runtime: native, workload: wrong, verify: true }), /^Error: gateway native × headers: the filter does not match the reference: request #0/);
});

test('a filter that throws gets 500, a failing remote 503; the gateway keeps serving', async () => {
  let n = 0;
  const g = await gateway({ runtime: fake('flaky', () => (++n % 2 ? '' : (() => { throw new Error('boom'); })())), workload: noop });
  const conn = new Conn(g.port);
  assert.equal((await conn.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n')).status, 200);
  const failed = await conn.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  assert.equal(failed.status, 500);
  assert.equal(failed.body.toString(), 'filter failed: boom\n');
  assert.equal((await conn.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n')).status, 200);
  assert.equal(g.stats().filterErrors, 1);
  assert.match(g.stats().firstError!, /boom/);

  const r = await gateway({ runtime: fake('remote', async () => Promise.reject(new Error('remote: the filter service is gone'))), workload: noop });
  const answer = await new Conn(r.port).send('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  assert.equal(answer.status, 503);
  assert.match(answer.body.toString(), /^remote filter failed: remote: the filter service is gone/);
});

test('an asynchronous runtime gets one instance per request in flight, up to the limit', async () => {
  let inFlight = 0;
  let most = 0;
  const slow = fake('slow', async () => {
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, 30));
    inFlight--;
    return '';
  });
  const g = await gateway({ runtime: slow, workload: noop, maxInstances: 3 });
  const conns = Array.from({ length: 5 }, () => new Conn(g.port));
  // First one request, so the pool learns the runtime is asynchronous; then five at once.
  assert.equal((await conns[0]!.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n')).status, 200);
  const answers = await Promise.all(conns.map((c) => c.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n')));
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
  assert.equal(g.stats().instances, 3);
  assert.equal(most, 3, 'never more requests in flight than instances');
  for (const c of conns) c.close();
});

test('jwt-auth replays the corpus clock for tagged requests: every status as verified, the tag never reaches the filter', async () => {
  const g = await gateway({ runtime: native, workload: jwt });
  assert.equal(g.replayItems, 256);
  const conn = new Conn(g.port);
  const items = prepareCorpus(jwt);
  for (const item of items) {
    const a = await conn.send(rawRequest(item.request, item.index));
    assert.equal(a.status, item.expected.response?.status ?? 200, `#${item.index} (${item.label})`);
    if (!item.expected.response) {
      const e = item.expected;
      assert.equal(a.body.toString(), responderDigest(e.method, e.path, e.headers, e.body.length, e.result), `#${item.index}`);
    }
  }
  conn.close();
});

test('rate-limit (stateful) on one connection at a time: every new pass on the advancing corpus clock matches the verified statuses', async () => {
  const g = await gateway({ runtime: native, workload: rateLimit });
  const items = prepareCorpus(rateLimit);
  const expected = items.map((it) => it.expected.response?.status ?? 200);
  // A run cut short mid-corpus (as a warm-up is), then a new connection from item 0, twice round.
  const first = new Conn(g.port);
  for (const item of items.slice(0, 150)) await first.send(rawRequest(item.request, item.index));
  first.close();
  const conn = new Conn(g.port);
  for (let pass = 0; pass < 2; pass++) {
    const got = [];
    for (const item of items) got.push((await conn.send(rawRequest(item.request, item.index))).status);
    assert.deepEqual(got, expected, `pass ${pass}`);
  }
  conn.close();
});

test('with an upstream the request goes there as the filter left it, hop-by-hop headers dropped, and the answer comes back', async () => {
  let seen: http.IncomingHttpHeaders | undefined;
  const upstream = http.createServer((req, res) => {
    seen = req.headers;
    let n = 0;
    req.on('data', (d: Buffer) => (n += d.length));
    req.on('end', () => {
      res.writeHead(201, { 'x-upstream': 'yes', 'content-type': 'text/plain' });
      res.end(`got ${req.method} ${req.url} ${n}`);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  try {
    const port = (upstream.address() as net.AddressInfo).port;
    const g = await gateway({ runtime: native, workload: headers, upstream: `http://127.0.0.1:${port}` });
    const a = await new Conn(g.port).send(
      'POST /up?q=1 HTTP/1.1\r\nHost: api.example.com\r\nTransfer-Encoding: chunked\r\nTE: trailers\r\nX-Legacy-User: eve\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    assert.equal(a.status, 201);
    assert.equal(a.headers['x-upstream'], 'yes');
    assert.equal(a.body.toString(), 'got POST /up?q=1 3');
    assert.equal(seen!.host, 'api.example.com');
    assert.equal(seen!['x-user'], 'eve');
    assert.equal(seen!.via, '1.1 plugbench');
    assert.match(String(seen!['x-request-id']), /^pb-[0-9a-f]{8}$/);
    assert.equal(seen!.te, undefined);
    assert.equal(seen![REPLAY_HEADER], undefined);
  } finally {
    upstream.close();
    upstream.closeAllConnections();
  }
});

test('bare: the same server and responder with no filter', async () => {
  const g = await gateway({ workload: noop });
  assert.equal(g.label, 'bare × noop');
  const a = await new Conn(g.port).send('GET /x HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n');
  assert.equal(a.status, 200);
  assert.equal(a.body.toString(), responderDigest('GET', '/x', [['host', 'h'], ['x-a', '1']], 0));
});

// -- the command ----------------------------------------------------------------

function cli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/gateway.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  exited.finally(() => clearTimeout(killer));
  const listening = async (): Promise<string> => {
    for (let i = 0; i < 300; i++) {
      const m = /^listening (\S+)$/m.exec(stdout);
      if (m) return m[1]!;
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`not listening: ${stderr}`);
  };
  return { child, exited, listening, out: () => ({ stdout, stderr }) };
}

test('npm run gateway: serves until interrupted, with one process or a cluster of two', async () => {
  for (const extra of [[], ['--workers', '2']]) {
    const run = cli(['--runtime', 'native', '--workload', 'headers', '--port', '0', ...extra]);
    const url = await run.listening();
    const port = Number(new URL(url).port);
    const a = await new Conn(port).send('GET / HTTP/1.1\r\nUser-Agent: t\r\n\r\n');
    assert.equal(a.status, 400, 'the filter runs: no host, 400');
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.out().stderr);
    assert.match(run.out().stderr, /native × headers/);
  }
});

test('npm run gateway: a port in use exits 1 with one clear line', async () => {
  const g = await gateway({ workload: noop });
  const run = cli(['--runtime', 'native', '--workload', 'noop', '--port', String(g.port)]);
  assert.equal(await run.exited, 1);
  assert.match(run.out().stderr, new RegExp(`plugbench: gateway native × noop: cannot listen on 127\\.0\\.0\\.1:${g.port}: the address is already in use`));
  assert.equal(run.out().stdout, '');
});
