import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RequestContext, prepareRequest, type FilterOutcome, type HttpRequest } from '../abi/context.ts';
import { Deployment, ManualClock } from '../abi/host.ts';
import type { FilterInstance, LoadedFilter } from '../abi/types.ts';
import { FilterLoadError } from '../errors.ts';
import lua, { createLuaRuntime } from './adapter.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => path.join(ROOT, 'test', 'fixtures', 'lua', name);
const workload = (name: string) => path.join(ROOT, 'workloads', name, 'filter.lua');
const utf8 = new TextEncoder();

function request(partial: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', path: '/', headers: [['Host', 'example.com']], body: new Uint8Array(0), ...partial };
}

function run(inst: FilterInstance, req: HttpRequest, ctx = new RequestContext()): FilterOutcome {
  ctx.reset(prepareRequest(req));
  const result = inst.handle(ctx);
  assert.equal(typeof result, 'string');
  return ctx.outcome(result as string);
}

const loaded = new Map<string, Promise<LoadedFilter>>();
function load(file: string): Promise<LoadedFilter> {
  let p = loaded.get(file);
  if (!p) loaded.set(file, (p = lua.load(file)));
  return p;
}

async function instance(file: string, config = '{}', dep = new Deployment()): Promise<FilterInstance> {
  return (await load(file)).instantiate(config, dep.host);
}

function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

describe('lua runtime', () => {
  it('describes itself', async () => {
    assert.equal(lua.name, 'lua');
    assert.equal(lua.source, 'filter.lua');
    const info = await lua.info();
    assert.match(info.engine, /^Lua 5\.4 .*\(wasmoon\)$/);
    assert.equal(info.version, '1.16.0');
    assert.ok(info.notes && info.notes.length > 20);
  });

  it('runs the noop workload', async () => {
    const inst = await instance(workload('noop'));
    const out = run(inst, request({ headers: [['Host', 'a'], ['X-A', '1']] }));
    assert.equal(out.result, '');
    assert.deepEqual(out.headers, [['host', 'a'], ['x-a', '1']]);
    inst.dispose();
  });

  describe('headers workload', () => {
    it('answers 400 missing-host without a Host header and changes nothing else', async () => {
      const inst = await instance(workload('headers'));
      const out = run(inst, request({ headers: [['Accept', '*/*'], ['Connection', 'close']] }));
      assert.equal(out.result, 'missing-host');
      assert.equal(out.response?.status, 400);
      assert.deepEqual(out.response?.headers, [['content-type', 'text/plain']]);
      assert.deepEqual(out.response?.body, utf8.encode('missing host header\n'));
      assert.deepEqual(out.headers, [['accept', '*/*'], ['connection', 'close']]);
    });

    it('strips hop-by-hop headers, renames x-legacy-user, stamps the id and appends via', async () => {
      const inst = await instance(workload('headers'));
      const out = run(
        inst,
        request({
          method: 'post',
          path: '/api/v1/orders?id=7',
          headers: [
            ['Host', 'shop.example.com'],
            ['Connection', 'keep-alive, upgrade'],
            ['Keep-Alive', 'timeout=5'],
            ['TE', 'trailers'],
            ['Trailer', 'x-checksum'],
            ['Transfer-Encoding', 'chunked'],
            ['Upgrade', 'websocket'],
            ['Proxy-Authorization', 'Basic abc'],
            ['Proxy-Connection', 'keep-alive'],
            ['X-Legacy-User', 'alice'],
            ['X-Legacy-User', 'bob'],
            ['X-Request-Id', 'client-sent'],
            ['Via', '1.0 old-proxy'],
            ['Authorization', 'Bearer secret'],
            ['Accept', 'application/json'],
          ],
        }),
      );
      assert.equal(out.result, '');
      assert.equal(out.response, undefined);
      const id = 'pb-' + fnv1a32('POST /api/v1/orders?id=7').toString(16).padStart(8, '0');
      assert.deepEqual(out.headers, [
        ['host', 'shop.example.com'],
        ['x-request-id', id],
        ['via', '1.0 old-proxy'],
        ['authorization', 'Bearer secret'], // not granted: invisible to the filter, passes through
        ['accept', 'application/json'],
        ['x-user', 'alice'],
        ['via', '1.1 plugbench'],
      ]);
    });

    it('computes x-request-id as pb- + fnv1a32("METHOD path")', async () => {
      const inst = await instance(workload('headers'));
      const out = run(inst, request({ method: 'GET', path: '/' }));
      // fnv1a32("GET /") by hand from the reference constants.
      assert.deepEqual(out.headers.find(([n]) => n === 'x-request-id'), ['x-request-id', 'pb-' + fnv1a32('GET /').toString(16).padStart(8, '0')]);
    });

    it('matches the workload checker on the whole corpus', async () => {
      const { corpus } = await import('../../workloads/headers/corpus.ts');
      const { expect } = await import('../../workloads/headers/check.ts');
      const inst = await instance(workload('headers'));
      const ctx = new RequestContext();
      for (const item of corpus()) {
        assert.deepEqual(run(inst, item.request, ctx), expect(item.request), item.label);
      }
    });
  });

  describe('binary safety', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const obs = 'caf\xe9 \x80\x9f\xff';

    it('carries all 256 byte values into Lua and back through set_body', async () => {
      const inst = await instance(fixture('binary.lua'));
      const out = run(inst, request({ path: '/check', body: all, headers: [['Host', 'h'], ['X-Bin', obs]] }));
      assert.equal(out.result, 'ok');
      assert.deepEqual(out.body, all.slice().reverse());
      // obs-text bytes arrive in Lua one byte per char and come back unchanged.
      assert.deepEqual(out.headers.find(([n]) => n === 'x-bin-length'), ['x-bin-length', String(obs.length)]);
      assert.deepEqual(out.headers.find(([n]) => n === 'x-bin-copy'), ['x-bin-copy', obs]);
    });

    it('carries all 256 byte values out through respond', async () => {
      const inst = await instance(fixture('binary.lua'));
      const out = run(inst, request({ path: '/respond', body: all }));
      assert.equal(out.result, 'responded');
      assert.equal(out.response?.status, 200);
      assert.deepEqual(out.response?.body, all);
    });

    it('handles bodies larger than the scratch buffer', async () => {
      const inst = await instance(fixture('binary.lua'));
      const big = new Uint8Array(256 * 1024).map((_, i) => i & 0xff);
      const out = run(inst, request({ path: '/check', body: big }));
      assert.equal(out.result, `length ${big.length}`);
    });
  });

  describe('init', () => {
    it('passes the config and accepts the instance', async () => {
      const inst = await instance(fixture('init-refuse.lua'), '{"mode":"strict"}');
      assert.equal(run(inst, request()).result, '');
    });

    it('refuses the instance on `return nil, message`', async () => {
      await assert.rejects(instance(fixture('init-refuse.lua'), '{"mode":"lax"}'), (err: Error) => {
        assert.ok(err instanceof FilterLoadError);
        assert.match(err.message, /^lua: /);
        assert.match(err.message, /init-refuse\.lua/);
        assert.match(err.message, /unsupported config \{"mode":"lax"\}/);
        return true;
      });
    });

    it('refuses the instance when init raises an error', async () => {
      await assert.rejects(instance(fixture('init-error.lua'), 'CFG'), (err: Error) => {
        assert.ok(err instanceof FilterLoadError);
        assert.match(err.message, /init failed: .*init-error\.lua:3: cannot start with CFG/);
        return true;
      });
    });

    it('tolerates a strict-mode _G without init', async () => {
      const inst = await instance(fixture('strict.lua'));
      assert.equal(run(inst, request()).result, 'strict');
      assert.throws(() => run(inst, request({ path: '/typo' })), /strict\.lua:\d+: undefined global undefined_thing/);
      assert.equal(run(inst, request()).result, 'strict');
    });

    it('has no request during init', async () => {
      await assert.rejects(instance(fixture('init-req.lua')), /no request in flight/);
    });
  });

  describe('load errors', () => {
    it('reports a syntax error naming the runtime and the file', async () => {
      await assert.rejects(lua.load(fixture('syntax-error.lua')), (err: Error) => {
        assert.ok(err instanceof FilterLoadError);
        assert.match(err.message, /^lua: cannot load .*syntax-error\.lua: syntax error: .*syntax-error\.lua:2: /);
        return true;
      });
    });

    it('reports a filter without a global handle()', async () => {
      await assert.rejects(lua.load(fixture('no-handle.lua')), /lua: cannot load .*no-handle\.lua: the filter defines no global function handle\(\)/);
    });

    it('reports a missing file', async () => {
      await assert.rejects(lua.load(fixture('does-not-exist.lua')), /lua: cannot load .*does-not-exist\.lua: .*ENOENT/);
    });
  });

  it('shares kv between instances of one deployment, not across deployments', async () => {
    const dep = new Deployment();
    const a = await instance(fixture('kv.lua'), '{}', dep);
    const b = await instance(fixture('kv.lua'), '{}', dep);
    assert.equal(run(a, request()).result, '1');
    assert.equal(run(b, request()).result, '2');
    assert.equal(run(a, request()).result, '3');
    assert.equal(dep.kv.get('count'), '3');
    const other = await instance(fixture('kv.lua'), '{}', new Deployment());
    assert.equal(run(other, request()).result, '1');
  });

  describe('errors', () => {
    it('makes ABI errors Lua errors that pcall catches', async () => {
      const inst = await instance(fixture('abi-error.lua'));
      const out = run(inst, request());
      assert.equal(out.result, 'caught');
      assert.equal(out.path, '/');
      const header = (n: string) => out.headers.find(([k]) => k === n)?.[1];
      assert.equal(header('x-ok'), 'false');
      assert.match(header('x-error')!, /abi-error\.lua:\d+: set-path: "no-leading-slash" is not an origin-form path/);
      assert.equal(header('x-bare-error'), 'set-path: "no-leading-slash" is not an origin-form path');
    });

    it('denies sensitive headers through a catchable error', async () => {
      const inst = await instance(fixture('abi-error.lua'));
      const out = run(inst, request({ path: '/denied' }));
      assert.equal(out.result, 'caught');
      assert.match(out.headers.find(([k]) => k === 'x-error')![1], /set-header: header 'cookie' is not granted/);
    });

    it('throws an uncaught ABI error from handle with the Lua message', async () => {
      const inst = await instance(fixture('abi-error.lua'));
      assert.throws(() => run(inst, request({ path: '/uncaught' })), /abi-error\.lua:\d+: set-path: "no-leading-slash" is not an origin-form path/);
      // The instance stays usable.
      assert.equal(run(inst, request()).result, 'caught');
    });

    it('throws an uncaught Lua error from handle with the Lua message', async () => {
      const inst = await instance(fixture('errors.lua'));
      assert.throws(() => run(inst, request({ path: '/error' })), (err: Error) => {
        assert.match(err.message, /errors\.lua:\d+: boom/);
        return true;
      });
      assert.throws(() => run(inst, request({ path: '/error-table' })), /custom error object/);
      assert.equal(run(inst, request({ path: '/named' })).result, 'deny');
    });

    it('maps results: nil → "", numbers → text, other types → an error', async () => {
      const inst = await instance(fixture('errors.lua'));
      assert.equal(run(inst, request({ path: '/nil' })).result, '');
      assert.equal(run(inst, request({ path: '/number' })).result, '42');
      assert.throws(() => run(inst, request({ path: '/table' })), /handle\(\) returned a table/);
    });
  });

  describe('host services and the rest of req', () => {
    it('logs, with print going to the log and bad levels refused', async () => {
      const dep = new Deployment();
      const inst = await instance(fixture('host.lua'), '{}', dep);
      const out = run(inst, request({ path: '/log', method: 'PATCH' }));
      assert.equal(out.result, 'logged');
      assert.deepEqual(dep.logs, [
        { level: 'warn', message: 'careful: PATCH' },
        { level: 'info', message: 'printed\t1\ttrue' },
      ]);
      assert.match(out.headers.find(([k]) => k === 'x-log-error')![1], /log: level "loud" is not one of debug, info, warn, error/);
    });

    it('reads the host clock', async () => {
      const dep = new Deployment({ clock: new ManualClock(1767225600123) });
      const inst = await instance(fixture('host.lua'), '{}', dep);
      assert.equal(run(inst, request({ path: '/now' })).result, '1767225600123');
    });

    it('lists header names as a Lua array, lower-case, in arrival order, without repeats', async () => {
      const inst = await instance(fixture('host.lua'));
      const out = run(inst, request({ path: '/names', headers: [['Host', 'h'], ['Accept', 'a'], ['ACCEPT', 'b'], ['Cookie', 'c'], ['X-Z', 'z']] }));
      const header = (n: string) => out.headers.find(([k]) => k === n)?.[1];
      assert.equal(header('x-names'), 'host,accept,x-z');
      assert.equal(header('x-count'), '3');
    });

    it('edits headers, path and body', async () => {
      const inst = await instance(fixture('host.lua'));
      const out = run(
        inst,
        request({ path: '/edit', headers: [['Host', 'h'], ['X-Multi', '1'], ['X-Gone', 'x'], ['x-single', 'a'], ['X-Single', 'b'], ['Content-Length', '3']], body: utf8.encode('old') }),
      );
      assert.equal(out.result, 'edited');
      assert.equal(out.path, '/edited?x=1');
      assert.deepEqual(out.body, utf8.encode('new body'));
      assert.deepEqual(out.headers, [
        ['host', 'h'],
        ['x-multi', '1'],
        ['x-single', 'one'],
        ['content-length', '8'],
        ['x-multi', '2'],
      ]);
    });

    it('responds without a body, and refuses malformed header pairs', async () => {
      const inst = await instance(fixture('host.lua'));
      const out = run(inst, request({ path: '/respond-nobody' }));
      assert.deepEqual(out.response, { status: 204, headers: [], body: new Uint8Array(0) });
      const bad = run(inst, request({ path: '/respond-bad' }));
      assert.equal(bad.response, undefined);
      assert.match(bad.headers.find(([k]) => k === 'x-error')![1], /host\.lua:\d+: respond: each header must be a \{name, value\} pair of strings/);
    });

    it('lets coroutines call host functions', async () => {
      const inst = await instance(fixture('host.lua'));
      const out = run(inst, request({ path: '/coroutine', headers: [['Host', 'co.example']] }));
      assert.equal(out.result, 'co.example');
      assert.deepEqual(out.headers.at(-1), ['x-from-coroutine', 'yes']);
    });

    it('sandboxes the filter: no io, os.execute, debug or binary chunks', async () => {
      const inst = await instance(fixture('host.lua'));
      assert.equal(run(inst, request({ path: '/sandbox' })).result, 'sandbox:');
    });

    it('requires modules from the filter folder', async () => {
      const inst = await instance(fixture('host.lua'));
      assert.equal(run(inst, request({ path: '/require', headers: [['Host', 'mod']] })).result, 'hello mod');
    });
  });

  describe('instances', () => {
    it('gives every instance its own Lua state and reports its memory', async () => {
      const a = await instance(fixture('host.lua'));
      const b = await instance(fixture('host.lua'));
      const before = a.memoryBytes!();
      assert.ok(before > 10_000 && before < 1_000_000, `a fresh state holds ${before} bytes`);
      run(a, request({ path: '/grow' }));
      const after = a.memoryBytes!();
      assert.ok(after > before + 100_000, `${before} → ${after}`);
      assert.ok(b.memoryBytes!() < after - 100_000, 'b does not see a\'s globals');
      a.dispose();
      assert.equal(a.memoryBytes!(), 0);
      assert.throws(() => run(a, request()), /disposed/);
      b.dispose();
    });

    it('works on the emscripten wrappers and trampoline as well as the raw exports', async () => {
      const wrapped = createLuaRuntime({ api: 'wrapped', leanInvoke: false });
      const loadedAbi = await wrapped.load(fixture('abi-error.lua'));
      const inst = await loadedAbi.instantiate('{}', new Deployment().host);
      const out = run(inst, request());
      assert.equal(out.result, 'caught');
      assert.throws(() => run(inst, request({ path: '/uncaught' })), /set-path/);
      const notes = (await wrapped.info()).notes!;
      assert.match(notes, /emscripten's wrappers/);
      assert.match(notes, /emscripten's setjmp trampoline/);
      const defaults = (await lua.info()).notes!;
      assert.match(defaults, /raw wasm exports/);
      assert.match(defaults, /lean setjmp trampoline/);
    });
  });
});
