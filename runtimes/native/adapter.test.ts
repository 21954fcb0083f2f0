import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { prepareRequest, RequestContext } from '../abi/context.ts';
import { Deployment } from '../abi/host.ts';
import native from './adapter.ts';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'test', 'fixtures');

test('native runs the probe filter with the request context itself', async () => {
  const inst = await (await native.load(join(fixtures, 'js', 'probe.ts'))).instantiate('{"prefix":"n-"}', new Deployment().host);
  const body = new Uint8Array(256).map((_, i) => i);
  const ctx = new RequestContext().reset(prepareRequest({ method: 'PUT', path: '/', headers: [['x-op', 'echo-body']], body }));
  assert.equal(inst.handle(ctx), 'n-echoed');
  assert.deepEqual(ctx.body(), body.slice().reverse());
});

test('native load errors name the runtime and file', async () => {
  await assert.rejects(native.load(join(fixtures, 'syntax-error', 'filter.ts')), /native: cannot load .*syntax-error\/filter\.ts/);
  await assert.rejects(native.load(join(fixtures, 'external-adapter.ts')), /default export has no handle/);
});
