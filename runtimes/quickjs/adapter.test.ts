import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { prepareRequest, RequestContext } from '../abi/context.ts';
import { Deployment, ManualClock } from '../abi/host.ts';
import type { FilterInstance } from '../abi/types.ts';
import quickjs from './adapter.ts';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'test', 'fixtures');
const probe = join(fixtures, 'js', 'probe.ts');
const instances: FilterInstance[] = [];
after(() => instances.forEach((i) => i.dispose()));

async function instance(config = '{}', deployment = new Deployment({ clock: new ManualClock(1234.5) })) {
  const loaded = await quickjs.load(probe);
  const inst = await loaded.instantiate(config, deployment.host);
  instances.push(inst);
  return inst;
}

function call(inst: FilterInstance, op: string, extra: Partial<Parameters<typeof prepareRequest>[0]> = {}) {
  const ctx = new RequestContext();
  const req = prepareRequest({ method: 'POST', path: '/p?q=1', headers: [['X-Op', op], ['Host', 'h']], body: new Uint8Array(), ...extra });
  const result = inst.handle(ctx.reset(req)) as string;
  return { result, ctx };
}

test('bodies carry all 256 byte values both ways', async () => {
  const inst = await instance('{"prefix":"p-"}');
  const body = new Uint8Array(256).map((_, i) => i);
  const { result, ctx } = call(inst, 'echo-body', { body });
  assert.equal(result, 'p-echoed');
  assert.deepEqual(ctx.body(), body.slice().reverse());
  const r = call(inst, 'respond').ctx.response!;
  assert.equal(r.status, 418);
  assert.deepEqual(r.headers, [['x-teapot', 'yes'], ['x-teapot', 'twice']]);
  assert.deepEqual(r.body, body);
});

test('header names, path, method and the host clock reach the guest', async () => {
  const { result, ctx } = call(await instance(), 'names');
  assert.equal(result, 'POST');
  assert.equal(ctx.path(), '/p?q=1&seen=x-op,host');
  assert.equal(ctx.header('x-now'), '1234.5');
});

test('an ABI error is a catchable exception inside the guest; a guest throw surfaces with its message', async () => {
  const inst = await instance();
  assert.equal(call(inst, 'abi-error').result, "caught: set-header: \"bad name\" is not a valid header name");
  assert.throws(() => call(inst, 'throw'), /filter failed on purpose/);
  assert.equal(call(inst, '').result, '', 'the instance stays usable after a guest exception');
});

test('kv is shared by the instances of one deployment and not by another', async () => {
  const shared = new Deployment();
  const a = await instance('{}', shared);
  const b = await instance('{}', shared);
  assert.equal(call(a, 'count').result, '1');
  assert.equal(call(b, 'count').result, '2');
  assert.equal(call(await instance(), 'count').result, '1');
});

test('init gets the config and its error refuses the instance with the message; logs reach the host', async () => {
  const d = new Deployment();
  await instance('{"prefix":"x"}', d);
  assert.deepEqual(d.logs, [{ level: 'info', message: 'init x' }]);
  await assert.rejects(instance('{"fail":"bad config: no secret"}'), /quickjs: init of .*probe\.ts failed: Error: bad config: no secret/);
});

test('each instance reports the memory its QuickJS runtime holds', async () => {
  const inst = await instance();
  assert.ok(inst.memoryBytes!() > 10_000);
});

test('a missing file or a filter without handle is a load error naming runtime and file', async () => {
  await assert.rejects(quickjs.load(join(fixtures, 'nope.ts')), /quickjs: cannot load .*nope\.ts/);
  await assert.rejects(quickjs.load(join(fixtures, 'external-adapter.ts')), /quickjs: cannot load .*external-adapter\.ts/);
});
