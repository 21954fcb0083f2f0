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
import { LimitExceeded, checkLimits, hasLimits, type RuntimeLimits } from '../limits.ts';

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

// ---------------------------------------------------------------------------
// Limits (opt-in: createQuickJSRuntime({ limits })).
//
// CPU: each limited instance's runtime gets an interrupt handler. QuickJS polls it
// every 10000 branches or calls; the budget is counted from the first poll of a
// call (so a call pays nothing for it, and a call stops at most one poll interval
// after its budget, which is microseconds). Once it returns true QuickJS throws
// an uncatchable "interrupted" error: neither catch nor finally in the filter runs.
//
// Memory: setMemoryLimit(budget) on the instance's runtime, and a cap on the
// growth of the emscripten heap during a call. setMemoryLimit alone bounds little
// in this build: without malloc_usable_size QuickJS counts each allocation as its
// 8-byte overhead, so it refuses one allocation larger than the limit but lets a
// loop of small ones take everything. The heap (one WebAssembly.Memory shared by
// every QuickJS runtime in the process; one call runs at a time) is therefore not
// allowed to grow by more than the budget during a limited call: malloc fails and
// QuickJS throws its own out-of-memory error. This bounds what one call can add to
// the process, not what one instance holds over many calls (memory freed inside the
// heap is reused without growing it).

/** The limited call in flight, if any (calls are synchronous: one at a time per thread). */
let activeLimiter: Limiter | undefined;
const cappedMemories = new WeakSet<WebAssembly.Memory>();

function capHeapGrowth(memory: WebAssembly.Memory): void {
  if (cappedMemories.has(memory)) return;
  cappedMemories.add(memory);
  const grow = memory.grow;
  memory.grow = function (this: WebAssembly.Memory, delta: number): number {
    const lim = activeLimiter;
    if (lim !== undefined && lim.memBytes !== undefined) {
      const size = this.buffer.byteLength;
      // The heap has not grown yet in this call, so its size now is its size at the call's start.
      if (lim.heapBase < 0) lim.heapBase = size;
      if (size + delta * 65536 - lim.heapBase > lim.memBytes) {
        lim.hit = 'memory';
        throw new RangeError('plugbench: the call would grow the QuickJS heap past its memory budget');
      }
    }
    return grow.call(this, delta);
  };
}

class Limiter {
  readonly cpuMs: number | undefined;
  readonly memBytes: number | undefined;
  hit: 'cpu' | 'memory' | undefined;
  heapBase = -1;
  private seq = 0;
  private polledSeq = -1;
  private startedAt = 0;

  constructor(limits: RuntimeLimits) {
    this.cpuMs = limits.cpuBudgetMs;
    this.memBytes = limits.memoryBudgetBytes;
  }

  /** Arms the limits on a new instance's runtime. */
  attach(vm: QuickJSContext): void {
    if (this.memBytes !== undefined) vm.runtime.setMemoryLimit(Math.min(this.memBytes, 2 ** 31 - 1));
    if (this.cpuMs !== undefined) vm.runtime.setInterruptHandler(() => this.interrupt());
  }

  enter(): void {
    this.seq++;
    this.hit = undefined;
    this.heapBase = -1;
    activeLimiter = this;
  }

  leave(): void {
    activeLimiter = undefined;
  }

  private interrupt(): boolean {
    if (activeLimiter !== this) return false;
    if (this.polledSeq !== this.seq) {
      this.polledSeq = this.seq;
      this.startedAt = Date.now();
      return false;
    }
    if (Date.now() - this.startedAt <= this.cpuMs!) return false;
    this.hit = 'cpu';
    return true;
  }

  /** The error to throw for a call that failed with `err`: a LimitExceeded when a limit did it. */
  explain(err: unknown): unknown {
    const message = describe(err);
    if (this.hit === 'cpu') {
      return new LimitExceeded('cpu', 'QuickJS interrupt handler (CPU budget)', `quickjs: CPU budget of ${this.cpuMs} ms exceeded: ${message}`, { cause: err });
    }
    if (this.memBytes !== undefined && /out of memory/i.test(message)) {
      const mechanism =
        this.hit === 'memory'
          ? "QuickJS out-of-memory error: the call's heap-growth budget (memory.grow refused)"
          : 'QuickJS memory limit (setMemoryLimit)';
      return new LimitExceeded('memory', mechanism, `quickjs: memory budget of ${this.memBytes} bytes exceeded: ${message}`, { cause: err });
    }
    return err;
  }

  run<T>(fn: () => T): T {
    this.enter();
    try {
      return fn();
    } catch (err) {
      throw this.explain(err);
    } finally {
      this.leave();
    }
  }
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
    private readonly limiter?: Limiter,
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
    const guarded = <T>(fn: () => T): T => (limiter ? limiter.run(fn) : fn());
    try {
      keep(guarded(() => unwrap(vm, vm.evalCode(script, file))));
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
      const call = () => unwrap(this.vm, this.vm.callFunction(this.initFn, this.vm.undefined, arg)).dispose();
      if (this.limiter) this.limiter.run(call);
      else call();
    } finally {
      arg.dispose();
      this.initFn.dispose(); // init runs once per instance
    }
  }

  /** One QTS_Call with no arguments; the shim guarantees a string result. */
  handle(ctx: RequestContext): string {
    const { ffi, ctxPtr, limiter } = this;
    this.current = ctx;
    let res: number;
    if (limiter === undefined) {
      res = ffi.QTS_Call(ctxPtr as never, this.handleFn.value, this.undefinedPtr as never, 0, 0 as never) as unknown as number;
    } else {
      limiter.enter();
      try {
        res = ffi.QTS_Call(ctxPtr as never, this.handleFn.value, this.undefinedPtr as never, 0, 0 as never) as unknown as number;
      } finally {
        limiter.leave();
      }
    }
    this.current = undefined;
    const err = ffi.QTS_ResolveException(ctxPtr as never, res as never);
    if (err) {
      ffi.QTS_FreeValuePointer(ctxPtr as never, res as never);
      const handle = (this.vm as unknown as ContextInternals).memory.heapValueHandle(err);
      try {
        unwrap(this.vm, { error: handle } as unknown as ReturnType<QuickJSContext['evalCode']>);
      } catch (e) {
        throw limiter ? limiter.explain(e) : e;
      }
    }
    const out = this.readString(res);
    ffi.QTS_FreeValuePointer(ctxPtr as never, res as never);
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

export interface QuickJSRuntimeOptions {
  /** Per-call CPU and memory budgets, enforced with QuickJS's own limits (see Limiter). Default: none. */
  limits?: RuntimeLimits;
}

const BASE_NOTES =
  'One QuickJS runtime per instance inside the shared emscripten module. A call is one QTS_Call into wasm ' +
  'plus a string result copied out; each host call crosses back with its arguments copied as UTF-8 strings ' +
  '(bodies as ArrayBuffers), through quickjs-emscripten’s generic callback path.';

function limitNotes(limits: RuntimeLimits): string {
  const parts: string[] = [];
  if (limits.cpuBudgetMs !== undefined) {
    parts.push(
      `CPU budget ${limits.cpuBudgetMs} ms per call (init included): the QuickJS interrupt handler, polled every 10000 branches/calls, ` +
        'counted from the first poll of a call; it throws an uncatchable "interrupted" error and the instance stays usable.',
    );
  }
  if (limits.memoryBudgetBytes !== undefined) {
    parts.push(
      `Memory budget ${limits.memoryBudgetBytes} bytes: setMemoryLimit on the instance's runtime (which under emscripten only refuses single ` +
        'allocations over it: QuickJS cannot measure its allocations here) and, during a call, the shared heap may not grow by more than ' +
        'the budget (memory.grow refused, QuickJS throws out of memory). It bounds what one call adds to the process, not what an instance holds over many calls.',
    );
  }
  return parts.length ? ' Limits: ' + parts.join(' ') + ' A call pays an enter/leave of the limiter (two assignments).' : ' No limits: an endless loop or a memory bomb is stopped by the caller\'s watchdog, not by the runtime.';
}

export function createQuickJSRuntime(options: QuickJSRuntimeOptions = {}): Runtime {
  const limits = checkLimits(options.limits);
  const limited = hasLimits(limits);
  return {
    name: 'quickjs',
    source: 'filter.ts',

    async info() {
      return {
        engine: 'QuickJS (quickjs-emscripten, release-sync wasm)',
        version: VERSION,
        notes: BASE_NOTES + limitNotes(limits),
      };
    },

    async load(file: string): Promise<LoadedFilter> {
      const script = await bundleFilter('quickjs', file);
      const module = await (modulePromise ??= getQuickJS());
      if (limits.memoryBudgetBytes !== undefined) capHeapGrowth(module.getWasmMemory());
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
          const limiter = limited ? new Limiter(limits) : undefined;
          limiter?.attach(vm);
          let instance: QuickJSInstance | undefined;
          try {
            instance = new QuickJSInstance(module, vm, script, file, host, limiter);
            instance.init(config);
          } catch (err) {
            if (instance) instance.dispose();
            else vm.dispose();
            const e = new Error(`quickjs: init of ${file} failed: ${describe(err)}`, { cause: err });
            // A limit that stopped init stays recognisable as such.
            throw err instanceof LimitExceeded ? new LimitExceeded(err.limit, err.mechanism, e.message, { cause: err }) : e;
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
}

const quickjs: Runtime = createQuickJSRuntime();

export default quickjs;
