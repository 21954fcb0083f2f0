// quickjs: the same filter.ts as native, bundled into one script (esbuild: types
// stripped, workloads/lib inlined) and evaluated once per instance in its own
// QuickJS runtime, on quickjs-emscripten's synchronous release build.
//
// Host functions are bound once per instance and forward to `current`, the
// request in flight. A small shim inside the VM adapts them to the
// FilterRequest shape, so per call the host only passes primitives and
// ArrayBuffers (no JSON, no per-call objects).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { getQuickJS, type QuickJSContext, type QuickJSHandle, type QuickJSWASMModule } from 'quickjs-emscripten';
import type { RequestContext } from '../abi/context.ts';
import { LOG_LEVELS, type HostServices, type LoadedFilter, type LogLevel, type Runtime } from '../abi/types.ts';
import { FilterLoadError, describe, loadError } from '../errors.ts';

const require = createRequire(import.meta.url);
const VERSION = (require('quickjs-emscripten/package.json') as { version: string }).version;

/** Evaluated in the VM once per instance: wraps raw host functions into FilterRequest / HostServices. */
const SHIM = `(function (h, filter) {
  function s(v, what) {
    if (typeof v !== 'string') throw new TypeError(what + ' must be a string');
    return v;
  }
  function bytes(b) {
    if (typeof b === 'string') return b;
    if (b instanceof Uint8Array) {
      return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer;
    }
    throw new TypeError('a body must be a Uint8Array or a string');
  }
  var req = {
    method: function () { return h.method(); },
    path: function () { return h.path(); },
    setPath: function (p) { h.setPath(s(p, 'path')); },
    header: function (n) { return h.header(s(n, 'header name')); },
    headerNames: function () { var v = h.headerNames(); return v === '' ? [] : v.split('\\n'); },
    setHeader: function (n, v) { h.setHeader(s(n, 'header name'), s(v, 'header value')); },
    addHeader: function (n, v) { h.addHeader(s(n, 'header name'), s(v, 'header value')); },
    removeHeader: function (n) { h.removeHeader(s(n, 'header name')); },
    body: function () { return new Uint8Array(h.body()); },
    setBody: function (b) { h.setBody(bytes(b)); },
    respond: function (status, headers, body) {
      h.respond(+status, JSON.stringify(headers), body === undefined ? '' : bytes(body));
    }
  };
  var host = {
    kvGet: function (k) { return h.kvGet(s(k, 'key')); },
    kvSet: function (k, v) { h.kvSet(s(k, 'key'), s(v, 'value')); },
    nowMs: function () { return h.nowMs(); },
    log: function (l, m) { h.log(s(l, 'level'), s(m, 'message')); }
  };
  return {
    init: function (config) { if (typeof filter.init === 'function') filter.init(config, host); },
    handle: function () {
      var r = filter.handle(req, host);
      if (r === undefined) return '';
      if (typeof r !== 'string') throw new TypeError('handle() must return a string');
      return r;
    }
  };
})`;

/** Bundles a TypeScript filter into one classic script defining `__pb_filter`. */
export async function bundleFilter(runtime: string, file: string): Promise<string> {
  try {
    await readFile(file); // a clear ENOENT before esbuild's message
    const out = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: '__pb_filter',
      platform: 'neutral',
      target: 'es2020',
      logLevel: 'silent',
      charset: 'utf8',
    });
    return out.outputFiles[0]!.text;
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { line: number; column: number } }> }).errors;
    if (errors?.length) {
      const e = errors[0]!;
      throw loadError(runtime, file, `${e.text}${e.location ? ` (line ${e.location.line}, column ${e.location.column})` : ''}`);
    }
    throw loadError(runtime, file, err);
  }
}

function unwrap(vm: QuickJSContext, result: ReturnType<QuickJSContext['evalCode']>): QuickJSHandle {
  if (result.error) {
    const e = vm.dump(result.error) as { name?: string; message?: string } | string;
    result.error.dispose();
    const message = typeof e === 'object' && e !== null ? `${e.name ?? 'Error'}: ${e.message}` : String(e);
    throw new Error(message);
  }
  return result.value;
}

// quickjs-emscripten's generic host-function path (newFunction) wraps every
// argument in a Lifetime inside a generator-based Scope: measured here at about
// 4.6 µs per host call, which would make QuickJS look slow for the library's
// convenience, not the engine. So each instance installs a lean dispatcher on
// its context: host functions receive raw JSValue pointers and answer with raw
// pointers through the module's FFI. This reaches two non-public fields
// (`cToHostCallbacks`, `module`), so quickjs-emscripten is pinned and
// runtimes/quickjs/adapter.test.ts guards the shape.
type RawHostFn = (argv: number) => number;

interface ContextInternals {
  cToHostCallbacks: { callFunction: (ctx: number, thisPtr: number, argc: number, argv: number, fnId: number) => number };
  module: {
    HEAPU8: Uint8Array;
    _malloc(n: number): number;
    _free(p: number): void;
    UTF8ToString(p: number): string;
    stringToUTF8(s: string, p: number, max: number): void;
    lengthBytesUTF8(s: string): number;
  };
  ctx: { value: number };
  memory: { heapValueHandle(p: number): QuickJSHandle };
}

class QuickJSInstance {
  private current: RequestContext | undefined;
  private readonly handleFn: QuickJSHandle;
  private readonly initFn: QuickJSHandle;
  private readonly ffi: ReturnType<QuickJSWASMModule['getFFI']>;
  private readonly em: ContextInternals['module'];
  private readonly ctxPtr: number;
  private readonly undefinedPtr: number;

  constructor(
    module: QuickJSWASMModule,
    private readonly vm: QuickJSContext,
    script: string,
    file: string,
    private readonly host: HostServices,
  ) {
    const internals = vm as unknown as ContextInternals;
    if (!internals.cToHostCallbacks?.callFunction || !internals.module?.HEAPU8 || typeof internals.ctx?.value !== 'number') {
      throw new Error('quickjs-emscripten internals changed: update runtimes/quickjs/adapter.ts (lean host-call path)');
    }
    this.ffi = module.getFFI();
    this.em = internals.module;
    this.ctxPtr = internals.ctx.value;
    this.undefinedPtr = vm.undefined.value;
    internals.cToHostCallbacks.callFunction = (_ctx, _this, _argc, argv, fnId) => {
      const fn = vm.runtime.hostRefs.get(fnId as never) as unknown as RawHostFn;
      try {
        return fn(argv);
      } catch (err) {
        return vm.throw(err instanceof Error ? err : new Error(String(err)));
      }
    };
    this.bindHost();
    // Every handle is released before a failure propagates: QuickJS aborts the
    // whole (shared) wasm module if a runtime is freed with live objects.
    const temps: QuickJSHandle[] = [];
    const keep = (h: QuickJSHandle) => (temps.push(h), h);
    try {
      keep(unwrap(vm, vm.evalCode(script, file)));
      const shim = keep(unwrap(vm, vm.evalCode(SHIM, 'plugbench-shim.js')));
      const def = keep(vm.getProp(keep(vm.getProp(vm.global, '__pb_filter')), 'default'));
      const api = keep(unwrap(vm, vm.callFunction(shim, vm.undefined, keep(vm.getProp(vm.global, '__pb_host')), def)));
      this.handleFn = vm.getProp(api, 'handle');
      this.initFn = vm.getProp(api, 'init');
    } finally {
      for (const h of temps) h.dispose();
    }
  }

  init(config: string): void {
    const arg = this.vm.newString(config);
    try {
      unwrap(this.vm, this.vm.callFunction(this.initFn, this.vm.undefined, arg)).dispose();
    } finally {
      arg.dispose();
      this.initFn.dispose(); // init runs once per instance
    }
  }

  /** One QTS_Call with no arguments; the shim guarantees a string result. */
  handle(ctx: RequestContext): string {
    const { ffi, ctxPtr } = this;
    this.current = ctx;
    const res = ffi.QTS_Call(ctxPtr as never, this.handleFn.value, this.undefinedPtr as never, 0, 0 as never);
    this.current = undefined;
    const err = ffi.QTS_ResolveException(ctxPtr as never, res);
    if (err) {
      ffi.QTS_FreeValuePointer(ctxPtr as never, res);
      const handle = (this.vm as unknown as ContextInternals).memory.heapValueHandle(err);
      unwrap(this.vm, { error: handle } as unknown as ReturnType<QuickJSContext['evalCode']>);
    }
    const out = this.readString(res);
    ffi.QTS_FreeValuePointer(ctxPtr as never, res);
    return out;
  }

  memoryBytes(): number {
    const usage = this.vm.runtime.computeMemoryUsage();
    const dumped = this.vm.dump(usage) as { memory_used_size?: number };
    usage.dispose();
    return dumped.memory_used_size ?? 0;
  }

  dispose(): void {
    if (this.initFn.alive) this.initFn.dispose();
    this.handleFn.dispose();
    this.vm.dispose();
  }

  // -- raw value helpers (pointers into the emscripten heap) -----------------

  private readString(value: number): string {
    const p = this.ffi.QTS_GetString(this.ctxPtr as never, value as never);
    const s = this.em.UTF8ToString(p);
    this.ffi.QTS_FreeCString(this.ctxPtr as never, p);
    return s;
  }

  private arg(argv: number, i: number): number {
    return this.ffi.QTS_ArgvGetJSValueConstPointer(argv as never, i);
  }

  private str(argv: number, i: number): string {
    return this.readString(this.arg(argv, i));
  }

  private newString(s: string): number {
    const em = this.em;
    const size = em.lengthBytesUTF8(s) + 1;
    const p = em._malloc(size);
    em.stringToUTF8(s, p, size);
    const v = this.ffi.QTS_NewString(this.ctxPtr as never, p as never);
    em._free(p);
    return v;
  }

  private optString(s: string | undefined): number {
    return s === undefined ? 0 : this.newString(s);
  }

  /** The shim passes bodies as a string (UTF-8 text) or an ArrayBuffer. */
  private bytes(argv: number, i: number): Uint8Array | string {
    const v = this.arg(argv, i);
    const len = this.ffi.QTS_GetArrayBufferLength(this.ctxPtr as never, v as never);
    const p = this.ffi.QTS_GetArrayBuffer(this.ctxPtr as never, v as never) as unknown as number;
    if (!p) return this.readString(v);
    const out = this.em.HEAPU8.slice(p, p + len);
    this.em._free(p);
    return out;
  }

  private newArrayBuffer(bytes: Uint8Array): number {
    // QTS_NewArrayBuffer takes ownership of the copy.
    const p = this.em._malloc(bytes.length || 1);
    this.em.HEAPU8.set(bytes, p);
    return this.ffi.QTS_NewArrayBuffer(this.ctxPtr as never, p as never, bytes.length);
  }

  /** Defines `__pb_host` with one VM function per ABI call, created once. Each returns a JSValue pointer, 0 for undefined. */
  private bindHost(): void {
    const vm = this.vm;
    const host = this.host;
    const ctx = (): RequestContext => {
      if (!this.current) throw new Error('no request in flight: request functions may only be called from handle()');
      return this.current;
    };
    const fns: Record<string, RawHostFn> = {
      method: () => this.newString(ctx().method()),
      path: () => this.newString(ctx().path()),
      setPath: (a) => (ctx().setPath(this.str(a, 0)), 0),
      header: (a) => this.optString(ctx().header(this.str(a, 0))),
      headerNames: () => this.newString(ctx().headerNames().join('\n')),
      setHeader: (a) => (ctx().setHeader(this.str(a, 0), this.str(a, 1)), 0),
      addHeader: (a) => (ctx().addHeader(this.str(a, 0), this.str(a, 1)), 0),
      removeHeader: (a) => (ctx().removeHeader(this.str(a, 0)), 0),
      body: () => this.newArrayBuffer(ctx().body()),
      setBody: (a) => (ctx().setBody(this.bytes(a, 0)), 0),
      respond: (a) => {
        const status = this.ffi.QTS_GetFloat64(this.ctxPtr as never, this.arg(a, 0) as never);
        const headers = JSON.parse(this.str(a, 1)) as Array<[string, string]>;
        ctx().respond(status, headers, this.bytes(a, 2));
        return 0;
      },
      kvGet: (a) => this.optString(host.kvGet(this.str(a, 0))),
      kvSet: (a) => (host.kvSet(this.str(a, 0), this.str(a, 1)), 0),
      nowMs: () => this.ffi.QTS_NewFloat64(this.ctxPtr as never, host.nowMs()),
      log: (a) => {
        const level = this.str(a, 0) as LogLevel;
        if (!LOG_LEVELS.includes(level)) throw new Error(`log: level must be one of ${LOG_LEVELS.join(', ')}`);
        host.log(level, this.str(a, 1));
        return 0;
      },
    };
    const obj = vm.newObject();
    for (const [name, fn] of Object.entries(fns)) {
      const f = vm.newFunction(name, fn as never);
      vm.setProp(obj, name, f);
      f.dispose();
    }
    vm.setProp(vm.global, '__pb_host', obj);
    obj.dispose();
  }
}

let modulePromise: Promise<QuickJSWASMModule> | undefined;

const quickjs: Runtime = {
  name: 'quickjs',
  source: 'filter.ts',

  async info() {
    return {
      engine: 'QuickJS (quickjs-emscripten, release-sync wasm)',
      version: VERSION,
      notes:
        'One QuickJS runtime per instance inside the shared emscripten module. A call is one QTS_Call into wasm ' +
        'plus a string result copied out; each host call crosses back with its arguments copied as UTF-8 strings ' +
        '(bodies as ArrayBuffers), through quickjs-emscripten’s generic callback path.',
    };
  },

  async load(file: string): Promise<LoadedFilter> {
    const script = await bundleFilter('quickjs', file);
    const module = await (modulePromise ??= getQuickJS());
    // Compile check in a scratch VM, so a bad filter fails at load with its own message.
    const probe = module.newContext();
    try {
      unwrap(probe, probe.evalCode(script, file)).dispose();
      const ok = unwrap(probe, probe.evalCode('typeof (__pb_filter && __pb_filter.default && __pb_filter.default.handle)'));
      const kind = probe.getString(ok);
      ok.dispose();
      if (kind !== 'function') throw new Error('the default export has no handle(req, host) function');
    } catch (err) {
      throw err instanceof FilterLoadError ? err : loadError('quickjs', file, err);
    } finally {
      probe.dispose();
    }
    return {
      async instantiate(config: string, host: HostServices) {
        const vm = module.newContext();
        let instance: QuickJSInstance | undefined;
        try {
          instance = new QuickJSInstance(module, vm, script, file, host);
          instance.init(config);
        } catch (err) {
          if (instance) instance.dispose();
          else vm.dispose();
          throw new Error(`quickjs: init of ${file} failed: ${describe(err)}`);
        }
        return {
          handle: (ctx: RequestContext) => instance.handle(ctx),
          memoryBytes: () => instance.memoryBytes(),
          dispose: () => instance.dispose(),
        };
      },
    };
  },
};

export default quickjs;
