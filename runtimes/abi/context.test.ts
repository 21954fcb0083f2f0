import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbiError, prepareRequest, RequestContext, type HttpRequest } from './context.ts';
import { Deployment, ManualClock } from './host.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

function ctxFor(req: Partial<HttpRequest>, options?: ConstructorParameters<typeof RequestContext>[0]) {
  const prepared = prepareRequest({ method: 'get', path: '/a?b=1', headers: [], body: new Uint8Array(), ...req });
  return new RequestContext(options).reset(prepared);
}

test('header names are case-insensitive and reported lower-case in arrival order without repeats', () => {
  const ctx = ctxFor({ headers: [['Host', 'x'], ['Accept', 'a'], ['X-Y', '1'], ['accept', 'b']] });
  assert.equal(ctx.header('HOST'), 'x');
  assert.equal(ctx.header('accept'), 'a', 'header() returns the first value');
  assert.deepEqual(ctx.headerNames(), ['host', 'accept', 'x-y']);
  assert.equal(ctx.method(), 'GET');
  assert.equal(ctx.path(), '/a?b=1');
});

test('set-header replaces every value in place; add-header appends; remove-header removes all', () => {
  const ctx = ctxFor({ headers: [['A', '1'], ['B', '2'], ['a', '3']] });
  ctx.setHeader('a', 'x');
  assert.deepEqual(ctx.headerList(), [['a', 'x'], ['b', '2']]);
  ctx.addHeader('B', '3');
  assert.deepEqual(ctx.headerList(), [['a', 'x'], ['b', '2'], ['b', '3']]);
  ctx.removeHeader('B');
  ctx.removeHeader('absent');
  assert.deepEqual(ctx.headerList(), [['a', 'x']]);
  ctx.setHeader('new', 'v');
  assert.deepEqual(ctx.headerList(), [['a', 'x'], ['new', 'v']]);
});

test('writes never leak into the prepared request (copy-on-write) and reset restores it', () => {
  const prepared = prepareRequest({ method: 'GET', path: '/', headers: [['A', '1']], body: bytes('hi') });
  const ctx = new RequestContext().reset(prepared);
  ctx.setHeader('a', '2');
  ctx.setPath('/other');
  ctx.setBody('changed');
  ctx.respond(204, [], '');
  ctx.reset(prepared);
  assert.deepEqual(ctx.headerList(), [['a', '1']]);
  assert.equal(ctx.path(), '/');
  assert.deepEqual(ctx.body(), bytes('hi'));
  assert.equal(ctx.response, undefined);
});

test('set-body keeps a declared content-length right and leaves chunked requests alone', () => {
  const ctx = ctxFor({ headers: [['Content-Length', '2']], body: bytes('hi') });
  ctx.setBody(new Uint8Array([0, 255, 1]));
  assert.equal(ctx.header('content-length'), '3');
  const chunked = ctxFor({ headers: [['Transfer-Encoding', 'chunked']] });
  chunked.setBody('abc');
  assert.equal(chunked.header('content-length'), undefined);
});

test('sensitive headers are hidden and unwritable unless granted, and pass through untouched', () => {
  const req = { headers: [['Authorization', 'Bearer t'], ['Cookie', 'c=1'], ['X', '1']] as Array<[string, string]> };
  const ctx = ctxFor(req);
  assert.equal(ctx.header('authorization'), undefined);
  assert.deepEqual(ctx.headerNames(), ['x']);
  assert.throws(() => ctx.setHeader('Cookie', 'evil'), (e: unknown) => e instanceof AbiError && e.code === 'denied');
  assert.throws(() => ctx.removeHeader('authorization'), /not granted/);
  assert.deepEqual(ctx.headerList()[0], ['authorization', 'Bearer t']);
  const granted = ctxFor(req, { grants: ['Authorization'] });
  assert.equal(granted.header('authorization'), 'Bearer t');
  assert.equal(granted.header('cookie'), undefined);
});

test('limits and invalid input are rejected with an AbiError, not a crash', () => {
  const ctx = ctxFor({}, { limits: { maxHeaders: 2, maxHeaderBytes: 16, maxBodyBytes: 4 } });
  ctx.addHeader('a', '1');
  ctx.addHeader('b', '2');
  assert.throws(() => ctx.addHeader('c', '3'), (e: unknown) => e instanceof AbiError && e.code === 'limit');
  assert.throws(() => ctx.setHeader('a', 'x'.repeat(20)), /exceeds the limit of 16/);
  assert.throws(() => ctx.setBody('12345'), /body of 5 bytes exceeds the limit of 4/);
  assert.throws(() => ctx.setHeader('bad name', 'v'), /not a valid header name/);
  assert.throws(() => ctx.setHeader('a', 'line\r\nbreak'), /not a valid header value/);
  assert.throws(() => ctx.setPath('no-slash'), /origin-form/);
  assert.throws(() => ctx.respond(99, []), /not in 200..599/);
});

test('header values keep obs-text bytes 0x80-0xFF', () => {
  const value = Array.from({ length: 128 }, (_, i) => String.fromCharCode(0x80 + i)).join('');
  const ctx = ctxFor({ headers: [['X-Bin', value]] });
  assert.equal(ctx.header('x-bin'), value);
});

test('respond records status, lower-cased headers and a binary body; outcome reports everything', () => {
  const ctx = ctxFor({ headers: [['Host', 'h']] });
  const body = new Uint8Array(256).map((_, i) => i);
  ctx.respond(403, [['Content-Type', 'application/octet-stream']], body);
  const out = ctx.outcome('denied');
  assert.equal(out.result, 'denied');
  assert.deepEqual(out.response, { status: 403, headers: [['content-type', 'application/octet-stream']], body });
});

test('a deployment shares its kv between the instances that use its host; another deployment does not see it', () => {
  const a = new Deployment({ clock: new ManualClock(1000) });
  const b = new Deployment();
  a.host.kvSet('k', 'v');
  assert.equal(a.host.kvGet('k'), 'v');
  assert.equal(b.host.kvGet('k'), undefined);
  assert.equal(a.host.nowMs(), 1000);
  a.host.log('warn', 'careful');
  assert.deepEqual(a.logs, [{ level: 'warn', message: 'careful' }]);
});
