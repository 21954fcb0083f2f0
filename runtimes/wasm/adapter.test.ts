// The wasm runtime: C filters as components, through jco (runtimes/wasm/adapter.ts).
// Run: node --import tsx --test runtimes/wasm/adapter.test.ts

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { componentEmbed, componentNew, parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { AbiError, RequestContext, prepareRequest } from '../abi/context.ts';
import type { ContextOptions, FilterOutcome, HttpRequest } from '../abi/context.ts';
import { Deployment, ManualClock } from '../abi/host.ts';
import type { FilterInstance, LoadedFilter, Runtime } from '../abi/types.ts';
import type { Workload } from '../../workloads/types.ts';
import { FilterLoadError } from '../errors.ts';
import wasm, { createWasmRuntime, hoistDebugCheck } from './adapter.ts';
import { buildFilter, checkClang, checkCoreImports, compileCore, findFilterSources } from './build.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOOP = join(ROOT, 'workloads/noop/filter.wasm');
const HEADERS = join(ROOT, 'workloads/headers/filter.wasm');
const PROBE = join(ROOT, 'test/fixtures/wasm/probe/filter.wasm');
const WIT = join(ROOT, 'runtimes/abi/filter.wit');

const hasClang = await checkClang().then(
  () => true,
  () => false,
);

const loaded = new Map<string, Promise<LoadedFilter>>();
function load(file: string, runtime: Runtime = wasm): Promise<LoadedFilter> {
  const key = `${runtime.name}:${file}`;
  let p = loaded.get(key);
  if (!p) loaded.set(key, (p = runtime.load(file)));
  return p;
}

async function probe(mode: string, deployment = new Deployment()): Promise<FilterInstance> {
  return (await load(PROBE)).instantiate(JSON.stringify(mode), deployment.host);
}

function run(instance: FilterInstance, req: HttpRequest, options?: ContextOptions): FilterOutcome {
  const ctx = new RequestContext(options);
  ctx.reset(prepareRequest(req));
  const result = instance.handle(ctx);
  assert.equal(typeof result, 'string', 'in-process runtimes answer synchronously');
  return ctx.outcome(result as string);
}

function get(path: string, headers: Array<[string, string]>, body = new Uint8Array(0), method = 'GET'): HttpRequest {
  return { method, path, headers, body };
}

function fnv1a32(text: string): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'plugbench-wasm-test-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('runtime', () => {
  test('name, source and info', async () => {
    assert.equal(wasm.name, 'wasm');
    assert.equal(wasm.source, 'filter.wasm');
    const info = await wasm.info();
    assert.equal(info.engine, 'jco (component model) on V8');
    assert.match(info.version, /jco-transpile \d+\.\d+\.\d+/);
    assert.match(info.notes ?? '', /cabiLower/);
    assert.doesNotMatch(info.notes ?? '', /\d+(\.\d+)?\s*(µs|us|ns|ms)\b/, 'notes state the choice in words, not figures');
  });
});

describe('noop', () => {
  test('continues without touching the request', async () => {
    const instance = await (await load(NOOP)).instantiate('{"anything": [1, 2]}', new Deployment().host);
    const req = get('/x?y=1', [['Host', 'example.com'], ['Connection', 'close']], new Uint8Array([1, 2, 3]));
    const out = run(instance, req);
    assert.equal(out.result, '');
    assert.deepEqual(out.headers, [['host', 'example.com'], ['connection', 'close']]);
    assert.equal(out.path, '/x?y=1');
    assert.deepEqual([...out.body], [1, 2, 3]);
    assert.equal(out.response, undefined);
    assert.ok((instance.memoryBytes?.() ?? 0) >= 65536, 'memoryBytes reports the linear memory');
    instance.dispose();
  });

  test('accepts any config, including none', async () => {
    const filter = await load(NOOP);
    for (const config of ['', '{}', 'not json', '"\u00e9\u20ac"']) {
      const instance = await filter.instantiate(config, new Deployment().host);
      assert.equal(run(instance, get('/', [['host', 'a']])).result, '');
    }
  });
});

describe('headers workload (workloads/headers/README.md)', () => {
  let instance: FilterInstance;
  before(async () => {
    instance = await (await load(HEADERS)).instantiate('{}', new Deployment().host);
  });

  test('missing host: 400 local response, result missing-host, nothing else changed', () => {
    const req = get('/api', [['Connection', 'keep-alive'], ['X-Legacy-User', 'bob']], new Uint8Array([9]));
    const out = run(instance, req);
    assert.equal(out.result, 'missing-host');
    assert.ok(out.response);
    assert.equal(out.response.status, 400);
    assert.deepEqual(out.response.headers, [['content-type', 'text/plain']]);
    assert.equal(Buffer.from(out.response.body).toString(), 'missing host header\n');
    assert.deepEqual(out.headers, [['connection', 'keep-alive'], ['x-legacy-user', 'bob']]);
    assert.deepEqual([...out.body], [9]);
  });

  test('hop-by-hop removed, legacy user renamed, request id stamped, via appended', () => {
    const req = get('/search?q=wasm', [
      ['Host', 'example.com'],
      ['Connection', 'Upgrade, keep-alive'],
      ['Keep-Alive', 'timeout=5'],
      ['TE', 'trailers'],
      ['Trailer', 'expires'],
      ['Transfer-Encoding', 'chunked'],
      ['Upgrade', 'websocket'],
      ['Proxy-Authorization', 'Basic abc'],
      ['proxy-connection', 'keep-alive'],
      ['Accept', 'text/html'],
      ['X-Legacy-User', 'alice'],
      ['Via', '1.0 fred'],
      ['Accept', '*/*'],
      ['X-Request-Id', 'client-sent'],
      ['Authorization', 'Bearer secret'],
      ['X-Proxy-Thing', 'kept: not a proxy- prefix'],
    ]);
    const out = run(instance, req);
    assert.equal(out.result, '');
    assert.equal(out.response, undefined);
    assert.deepEqual(out.headers, [
      ['host', 'example.com'],
      ['accept', 'text/html'],
      ['via', '1.0 fred'],
      ['accept', '*/*'],
      ['x-request-id', `pb-${fnv1a32('GET /search?q=wasm')}`],
      ['authorization', 'Bearer secret'],
      ['x-proxy-thing', 'kept: not a proxy- prefix'],
      ['x-user', 'alice'],
      ['via', '1.1 plugbench'],
    ]);
  });

  test('request id is fnv1a32 of "METHOD path", zero-padded lower-case hex', () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['POST', '/api/v1/items?limit=10&offset=20'],
      ['DELETE', '/a'],
      ['PUT', '/very/long/' + 'x'.repeat(300)],
    ] as const) {
      const out = run(instance, get(path, [['host', 'h']], new Uint8Array(0), method));
      const id = out.headers.find(([n]) => n === 'x-request-id')?.[1];
      assert.equal(id, `pb-${fnv1a32(`${method} ${path}`)}`);
      assert.match(id!, /^pb-[0-9a-f]{8}$/);
    }
  });

  test('the whole corpus matches the reference checker (noop and headers)', async () => {
    for (const name of ['noop', 'headers']) {
      const workload = (await import(`../../workloads/${name}/workload.ts`)).default as Workload;
      const filter = await (await load(join(workload.dir, 'filter.wasm'))).instantiate(workload.config, new Deployment().host);
      for (const item of workload.corpus()) {
        const out = run(filter, item.request, { grants: workload.grants });
        assert.deepEqual(out, workload.expect(item.request, item), `${name}: ${item.label}`);
      }
    }
  });

  test('many requests on one instance (the scratch arena is reset per call)', () => {
    for (let i = 0; i < 2000; i++) {
      const path = `/item/${i}?q=${'z'.repeat(i % 50)}`;
      const out = run(instance, get(path, [['Host', 'h'], ['X-Legacy-User', `u${i}`], ['Connection', 'close']]));
      assert.deepEqual(out.headers, [
        ['host', 'h'],
        ['x-user', `u${i}`],
        ['x-request-id', `pb-${fnv1a32(`GET ${path}`)}`],
        ['via', '1.1 plugbench'],
      ]);
    }
  });
});

describe('ABI through the probe filter', () => {
  test('binary body round trip: all 256 byte values, both ways', async () => {
    const instance = await probe('body');
    const body = new Uint8Array(256 * 3).map((_, i) => i & 255);
    const out = run(instance, get('/', [['host', 'h'], ['content-length', String(body.length)]], body, 'POST'));
    assert.equal(out.result, 'len=768');
    assert.deepEqual([...out.body], [...body].map((b) => (b + 1) & 255));
    assert.deepEqual(out.headers, [['host', 'h'], ['content-length', '768']]);
  });

  test('empty body', async () => {
    const instance = await probe('body');
    const out = run(instance, get('/', [['host', 'h']]));
    assert.equal(out.result, 'len=0');
    assert.equal(out.body.length, 0);
  });

  test('a large body grows linear memory while the host lowers it', async () => {
    const instance = await probe('big-body');
    const before = instance.memoryBytes!();
    const body = new Uint8Array(5 * 1024 * 1024).map((_, i) => (i * 31) & 255);
    let h = 0xcbf29ce484222325n;
    for (const b of body) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
    const out = run(instance, get('/', [['host', 'h']], body, 'PUT'));
    assert.equal(out.result, `${body.length}:${h.toString(16).padStart(16, '0')}`);
    assert.ok(instance.memoryBytes!() > before + body.length - 65536);
  });

  test('the guest growing memory between host calls', async () => {
    const instance = await probe('grow');
    const out = run(instance, get('/', [['host', 'h']]));
    assert.equal(out.result, 'grown');
    assert.equal(out.body.length, 3 * 1024 * 1024);
    assert.ok(out.body.every((b, i) => b === ((i * 7) & 255)));
    assert.deepEqual(out.headers.at(-1), ['x-grown', 'yes']);
  });

  test('local response with headers and a body holding NUL', async () => {
    const instance = await probe('respond');
    const out = run(instance, get('/', [['host', 'h']]));
    assert.equal(out.result, 'responded');
    assert.deepEqual(out.response, {
      status: 201,
      headers: [
        ['x-a', '1'],
        ['x-b', 'two'],
      ],
      body: new Uint8Array(Buffer.from('hello\0world')),
    });
  });

  test('header-names: lower-case, arrival order, no repeats, sensitive hidden; lookups are case-insensitive', async () => {
    const instance = await probe('names');
    const req = get('/', [
      ['Accept', 'a'],
      ['HOST', 'example.org'],
      ['accept', 'b'],
      ['Authorization', 'secret'],
      ['X-Y', 'z'],
    ]);
    assert.equal(run(instance, req).result, 'accept,host,x-y|example.org|auth-hidden');
    assert.equal(run(instance, req, { grants: ['authorization'] }).result, 'accept,host,authorization,x-y|example.org|auth-visible');
  });

  test('non-ASCII header values cross as UTF-8', async () => {
    const instance = await probe('utf8');
    const out = run(instance, get('/', [['host', 'h'], ['x-in', 'caf\u00e9 \u00ff']]));
    assert.equal(out.result, String(Buffer.byteLength('caf\u00e9 \u00ff')));
    assert.deepEqual(out.headers.slice(2), [
      ['x-out', 'caf\u00e9 \u00ff'],
      ['x-cafe', 'caf\u00e9'],
    ]);
  });

  test('host services: kv shared by the instances of one deployment, clock, log, path rewrite', async () => {
    const clock = new ManualClock(1_700_000_000_123);
    const deployment = new Deployment({ clock });
    const a = await probe('host', deployment);
    const b = await probe('host', deployment);
    const other = await probe('host', new Deployment({ clock }));
    const req = get('/p?q=1', [['host', 'h']], new Uint8Array(0), 'PATCH');
    assert.equal(run(a, req).result, '1');
    assert.equal(run(b, req).result, '2');
    const out = run(a, req);
    assert.equal(out.result, '3');
    assert.equal(out.path, '/rewritten/p?q=1');
    assert.equal(run(other, req).result, '1', 'another deployment has its own kv');
    assert.equal(deployment.kv.get('count'), '3');
    assert.deepEqual(deployment.logs.at(-1), { level: 'warn', message: 'PATCH at 1700000000123' });
  });

  test('init may use host services', async () => {
    const deployment = new Deployment();
    await probe('init-log', deployment);
    assert.deepEqual(deployment.logs, [{ level: 'info', message: 'init saw the config' }]);
    assert.equal(deployment.kv.get('init'), 'done');
  });

  test('scratch memory past the static block is released after every call', async () => {
    const instance = await probe('scratch');
    run(instance, get('/', [['host', 'h']]));
    const size = instance.memoryBytes!();
    for (let i = 0; i < 500; i++) assert.equal(run(instance, get('/', [['host', `h${i}`]])).result, `h${i}`);
    assert.equal(instance.memoryBytes!(), size, 'memory does not grow call after call');
  });
});

describe('errors', () => {
  test('init refusing the config is a load error naming runtime, file and reason', async () => {
    await assert.rejects(probe('refuse'), (err: unknown) => {
      assert.ok(err instanceof FilterLoadError);
      assert.equal(err.runtime, 'wasm');
      assert.equal(err.file, PROBE);
      assert.match(err.message, /^wasm: cannot load .*probe\/filter\.wasm: init refused the config: refused: refuse$/);
      return true;
    });
  });

  test('a trap in init is a load error', async () => {
    await assert.rejects(probe('init-trap'), /wasm: cannot load .*probe\/filter\.wasm: .*unreachable/);
  });

  test('request functions outside handle are refused', async () => {
    await assert.rejects(probe('request-in-init'), /no request is in flight/);
  });

  test('a guest trap is thrown from handle and poisons the instance', async () => {
    const instance = await probe('trap');
    const req = get('/', [['host', 'h']]);
    assert.throws(() => run(instance, req), (err: unknown) => err instanceof WebAssembly.RuntimeError && /unreachable/.test(err.message));
    assert.throws(() => run(instance, req), /wasm: the instance of .*probe\/filter\.wasm is poisoned by an earlier trap \(unreachable/);
    // Other instances of the same filter are unaffected.
    const fresh = await probe('names');
    assert.equal(run(fresh, req).result, 'host|h|auth-hidden');
  });

  test('stack overflow traps instead of corrupting memory', async () => {
    const instance = await probe('recurse');
    assert.throws(() => run(instance, get('/', [['host', 'h']])), WebAssembly.RuntimeError);
    assert.throws(() => run(instance, get('/', [['host', 'h']])), /poisoned/);
  });

  test('a host call the request context refuses surfaces as its AbiError and poisons the instance', async () => {
    const instance = await probe('bad-header');
    assert.throws(() => run(instance, get('/', [['host', 'h']])), (err: unknown) => err instanceof AbiError && err.code === 'invalid');
    assert.throws(() => run(instance, get('/', [['host', 'h']])), /poisoned/);
  });

  test('not a wasm file', async () => {
    const file = join(scratch, 'garbage.wasm');
    await writeFile(file, 'this is not wasm at all');
    await assert.rejects(wasm.load(file), (err: unknown) => {
      assert.ok(err instanceof FilterLoadError);
      assert.match(err.message, /^wasm: cannot load .*garbage\.wasm: not a WebAssembly binary$/);
      return true;
    });
  });

  test('a missing file', async () => {
    await assert.rejects(wasm.load(join(scratch, 'nope.wasm')), /wasm: cannot load .*nope\.wasm: ENOENT/);
  });

  test('a core module instead of a component', async () => {
    const file = join(scratch, 'core.wasm');
    await writeFile(file, await parse('(module (func (export "f")))'));
    await assert.rejects(wasm.load(file), /wasm: cannot load .*core\.wasm: this is a core WebAssembly module, not a component/);
  });

  test('a component that does not export the filter interface', async () => {
    const core = await parse('(module (func (export "run")))');
    const embedded = await componentEmbed({ binary: core, witSource: 'package test:other; world other { export run: func(); }', world: 'other' });
    const file = join(scratch, 'other.wasm');
    await writeFile(file, await componentNew(embedded));
    await assert.rejects(wasm.load(file), /wasm: cannot load .*other\.wasm: the component does not export plugbench:filter\/filter@0\.1\.0/);
  });

  test('a component importing anything beyond the ABI', async () => {
    const wit = (await readFile(WIT, 'utf8')) + '\nworld sneaky {\n  import request;\n  import host;\n  import sneak: func();\n  export filter;\n}\n';
    const core = await parse(`(module
      (import "$root" "sneak" (func))
      (memory (export "memory") 1)
      (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 64)
      (func (export "plugbench:filter/filter@0.1.0#init") (param i32 i32) (result i32) i32.const 16)
      (func (export "plugbench:filter/filter@0.1.0#handle") (result i32) call 0 i32.const 16))`);
    const embedded = await componentEmbed({ binary: core, witSource: wit, world: 'sneaky' });
    const file = join(scratch, 'sneaky.wasm');
    await writeFile(file, await componentNew(embedded));
    await assert.rejects(wasm.load(file), /wasm: cannot load .*sneaky\.wasm: the component imports sneak: plugbench filters may import only/);
  });
});

describe("jco's own glue (comparison modes)", () => {
  for (const glue of ['jco', 'jco-hoisted-debug'] as const) {
    test(`${glue}: same outcomes as the direct path`, async () => {
      const runtime = createWasmRuntime({ glue });
      assert.equal(runtime.name, `wasm-${glue}`);
      const headers = await (await load(HEADERS, runtime)).instantiate('{}', new Deployment().host);
      const direct = await (await load(HEADERS)).instantiate('{}', new Deployment().host);
      for (const req of [
        get('/a?b', [['Host', 'x'], ['Connection', 'close'], ['X-Legacy-User', 'u']]),
        get('/none', [['accept', '*/*']]),
      ]) {
        assert.deepEqual(run(headers, req), run(direct, req));
      }
      const body = await (await load(PROBE, runtime)).instantiate('"body"', new Deployment().host);
      const bytes = new Uint8Array(256).map((_, i) => i);
      const out = run(body, get('/', [['host', 'h']], bytes, 'POST'));
      assert.deepEqual([...out.body], [...bytes].map((b) => (b + 1) & 255));
      await assert.rejects((await load(PROBE, runtime)).instantiate('"refuse"', new Deployment().host), /init refused the config: refused: refuse/);
      const trap = await (await load(PROBE, runtime)).instantiate('"trap"', new Deployment().host);
      assert.throws(() => run(trap, get('/', [['host', 'h']])), /unreachable/);
      assert.throws(() => run(trap, get('/', [['host', 'h']])), /poisoned/);
    });
  }

  test('hoistDebugCheck rewrites the generated helper exactly once, and fails loudly otherwise', async () => {
    const out = await transpileBytes(await readFile(NOOP), { name: 'filter', instantiation: { tag: 'sync' }, emitTypescriptDeclarations: false });
    const js = Buffer.from(out.files['filter.js']!).toString('utf8');
    const hoisted = hoistDebugCheck(js);
    assert.notEqual(hoisted, js);
    assert.equal(hoisted.match(/process\?\.env\?\.JCO_DEBUG/g)?.length, 1);
    assert.doesNotMatch(hoisted, /if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}/);
    assert.throws(() => hoistDebugCheck('export function instantiate() {}'), /expected _debugLog helper/);
    assert.throws(() => hoistDebugCheck(hoisted), /expected _debugLog helper/);
  });
});

describe('build', { skip: hasClang ? false : 'clang with the wasm32-wasi target is not installed' }, () => {
  test('finds the workload and fixture sources', async () => {
    const sources = (await findFilterSources()).map((s) => s.slice(ROOT.length));
    for (const s of ['workloads/noop/filter.c', 'workloads/headers/filter.c', 'test/fixtures/wasm/probe/filter.c']) {
      assert.ok(sources.includes(s), `${s} found`);
    }
  });

  test('builds are reproducible and match the committed filter.wasm', async () => {
    for (const name of ['noop', 'headers']) {
      const source = join(ROOT, 'workloads', name, 'filter.c');
      const a = await buildFilter(source);
      const b = await buildFilter(source);
      assert.deepEqual(Buffer.from(a), Buffer.from(b));
      assert.deepEqual(Buffer.from(a), await readFile(join(ROOT, 'workloads', name, 'filter.wasm')), `${name}/filter.wasm is up to date`);
    }
  });

  test('the core modules import only the ABI (no WASI)', async () => {
    for (const name of ['noop', 'headers']) {
      const core = await compileCore(join(ROOT, 'workloads', name, 'filter.c'));
      const modules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(core as Uint8Array<ArrayBuffer>)).map((i) => i.module));
      for (const m of modules) assert.match(m, /^plugbench:filter\/(request|host)@0\.1\.0$/);
    }
  });

  test('a filter calling WASI (printf) is refused with a clear message', async () => {
    const source = join(scratch, 'filter.c');
    await writeFile(
      source,
      '#include <stdio.h>\n#include "plugbench.h"\nbool pb_init(pb_str c, pb_str *e) { (void)c; (void)e; return true; }\npb_str pb_handle(void) { printf("hi\\n"); return PB_CONTINUE; }\n',
    );
    const core = await compileCore(source);
    assert.throws(() => checkCoreImports(source, core), /imports wasi_snapshot_preview1\.[\s\S]*fd_write.*may import only the ABI/);
    await assert.rejects(buildFilter(source), /cannot build .*filter\.c: the core module imports wasi_snapshot_preview1/);
  });

  test('a compile error names the file', async () => {
    const source = join(scratch, 'filter.c');
    await writeFile(source, '#include "plugbench.h"\npb_str pb_handle(void) { return nope; }\n');
    await assert.rejects(buildFilter(source), /cannot build .*filter\.c: clang failed:[\s\S]*nope/);
  });
});
