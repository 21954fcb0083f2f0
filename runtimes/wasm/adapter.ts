// wasm: filters written in C (runtimes/wasm/sdk/plugbench.h), built into WebAssembly
// components (runtimes/wasm/build.ts) and run through jco on V8.
//
// load():  read the component, transpile it in-process with jco-transpile
//          (instantiation mode 'sync', optimized import bindings, no WASI shim: a
//          plugbench component imports only the ABI), import the generated ES module
//          from a temporary directory, compile its core modules. Cold start pays all of it.
// instantiate(): jco's generated instantiate() links and instantiates the core modules
//          (running the guest's _initialize); the imports are bound once per instance to a
//          mutable "request in flight" slot (bindings.ts); then init(config).
// handle(): set the slot, call the export, return its string.
// The compile half of load() is compileComponent() (here, with jco); the rest lives in
// instance.ts (loadCompiled), which needs no jco, so another thread can instantiate a
// component compiled in this one (runtimes/boundary).
//
// The per-call path (measured in runtimes/wasm/glue-cost.ts, explained in README.md):
// jco-transpile 0.15's generated glue runs its component-model-async task machinery on
// every export call and every host call (task and subtask objects, handle-table
// inserts, a process.env read per debug-log site), which costs far more than the wasm.
// So by default ('direct' glue) jco does the linking and instantiation, and the calls
// bypass its per-call wrappers: imports through jco's documented optimized host-binding
// protocol (Symbol.for('cabiLower'), lowering in bindings.ts), exports by calling the
// core export and lifting its result in bindings.ts, with the same canonical-ABI checks
// and trap semantics. createWasmRuntime({ glue: 'jco' }) runs jco's own glue unchanged,
// for comparison.
//
// Traps: a guest trap (or a canonical-ABI violation, or a host call the request context
// refuses, which traps the guest: C has no exceptions) surfaces as the error thrown
// from handle(), and poisons the instance, as the component model requires: every
// later call throws. Instantiate a new one.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import type { LoadedFilter, Runtime, RuntimeInfo } from '../abi/types.ts';
import { loadError } from '../errors.ts';
import { checkLimits, type RuntimeLimits } from '../limits.ts';
import { loadCompiled, type CompiledComponent } from './instance.ts';

export type { CompiledComponent } from './instance.ts';

const RUNTIME = 'wasm';
const FILTER_IFACE = 'plugbench:filter/filter@0.1.0';
const ALLOWED_IMPORTS = new Set(['plugbench:filter/request', 'plugbench:filter/host']);

/**
 * How calls cross the boundary:
 * - 'direct' (default): jco links and instantiates; calls skip jco's per-call wrappers
 *   (imports via cabiLower, exports lifted by bindings.ts).
 * - 'jco': jco's generated glue as it is, for imports and exports.
 * - 'jco-hoisted-debug': jco's glue with its per-call JCO_DEBUG environment read
 *   hoisted to module load (hoistDebugCheck), to measure that fix on its own.
 */
export type GlueMode = 'direct' | 'jco' | 'jco-hoisted-debug';

export interface WasmRuntimeOptions {
  glue?: GlueMode;
  /**
   * memoryBudgetBytes: the core module's linear memory is given a declared maximum
   * at load (its initial size plus the budget), so memory.grow fails past it.
   * cpuBudgetMs is accepted and not enforced: synchronous wasm on the caller's thread
   * cannot be interrupted without a worker or process boundary (which this adapter
   * does not have); info().notes says so. builtinRuntime('wasm', { limits }) with a
   * CPU budget runs this adapter behind the worker boundary (runtimes/boundary), which does.
   */
  limits?: RuntimeLimits;
}

const PAGE = 65536;
const MAX_PAGES_32 = 65536;

function readLeb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    if (i >= bytes.length) throw new Error('truncated LEB128');
    const b = bytes[i++]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
    if (shift > 35) throw new Error('LEB128 too long');
  }
  return { value, next: i };
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/**
 * A core module with its defined 32-bit memory's maximum set to (initial pages +
 * extraPages), or to its own maximum when that is lower. Returns the module's
 * bytes unchanged (and maxPages undefined) when it defines no memory. Throws for a
 * shared or 64-bit memory, or more than one.
 */
export function capCoreMemory(module: Uint8Array, extraPages: number): { bytes: Uint8Array; maxPages?: number; initialPages?: number } {
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d) throw new Error('not a core wasm module');
  let at = 8;
  while (at < module.length) {
    const id = module[at]!;
    const size = readLeb(module, at + 1);
    const start = size.next;
    const end = start + size.value;
    if (id === 5) {
      const count = readLeb(module, start);
      if (count.value === 0) return { bytes: module };
      if (count.value !== 1) throw new Error(`the module defines ${count.value} memories`);
      const flags = module[count.next]!;
      if (flags & ~1) throw new Error(`memory flags 0x${flags.toString(16)} (shared or 64-bit memory) are not supported by the memory budget`);
      const min = readLeb(module, count.next + 1);
      let max = Math.min(MAX_PAGES_32, min.value + extraPages);
      let after = min.next;
      if (flags & 1) {
        const own = readLeb(module, min.next);
        max = Math.min(max, own.value);
        after = own.next;
      }
      const content = [...leb(1), 0x01, ...leb(min.value), ...leb(max), ...module.subarray(after, end)];
      const section = [5, ...leb(content.length), ...content];
      const out = new Uint8Array(at + section.length + (module.length - end));
      out.set(module.subarray(0, at), 0);
      out.set(section, at);
      out.set(module.subarray(end), at + section.length);
      return { bytes: out, maxPages: max, initialPages: min.value };
    }
    at = end;
  }
  return { bytes: module };
}

const JCO_DEBUG_LOG = `const _debugLog = (...args) => {
    if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
    console.debug(...args);
  };`;

/**
 * jco-transpile 0.15 reads `process.env.JCO_DEBUG` (a getenv(3) through V8's
 * interceptor) on every `_debugLog(...)` call, dozens per component call. This
 * rewrites the helper to read it once, when the module loads. Exact text match:
 * throws when the generated code does not contain the expected helper.
 */
export function hoistDebugCheck(js: string): string {
  const at = js.indexOf(JCO_DEBUG_LOG);
  if (at < 0 || js.indexOf(JCO_DEBUG_LOG, at + 1) >= 0) {
    throw new Error('hoistDebugCheck: the generated glue does not contain the expected _debugLog helper exactly once (jco-transpile changed)');
  }
  return (
    js.slice(0, at) +
    'const _debugLog = globalThis?.process?.env?.JCO_DEBUG ? (...args) => { console.debug(...args); } : () => {};' +
    js.slice(at + JCO_DEBUG_LOG.length)
  );
}

function jcoTranspileVersion(): string {
  try {
    // The package's exports map hides package.json: find it beside the entry point (dist/index.js).
    const entry = createRequire(import.meta.url).resolve('@bytecodealliance/jco-transpile');
    return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function notes(glue: GlueMode): string {
  const common =
    'The guest is C compiled by clang to a core module with no WASI imports (no capabilities), made a component by wit-component; ' +
    'load transpiles it in-process with jco (the first load in a process also compiles jco\'s own bindgen component, a one-off) and V8 compiles the core wasm. ' +
    'Host calls copy across linear memory: strings UTF-8 encoded into memory the guest allocates through its cabi_realloc (a per-call arena in the C SDK), bodies copied both ways. ' +
    'A trap, a canonical-ABI violation or a host call the request context refuses poisons the instance: later calls throw; instantiate a new one.';
  if (glue === 'direct') {
    return (
      'Per call: one JS-to-wasm call of the core handle export, the lift of its result string and the post-return call; ' +
      "per host call: one wasm-to-JS call straight into lowering functions that jco binds through its documented optimized host-binding protocol (Symbol.for('cabiLower')). " +
      "jco still parses, validates, links and instantiates the component, but its generated per-call wrappers are bypassed: they run component-model-async task bookkeeping on every export and host call and read process.env at every debug-log site. " +
      'Measured in one run (runtimes/wasm/glue-cost.ts), they cost tens of times more than this path on noop and on headers, and still many times more with the environment read hoisted to load time. ' +
      common
    );
  }
  return (
    `Per call: jco-transpile's generated glue${glue === 'jco-hoisted-debug' ? ' with its JCO_DEBUG environment read hoisted to load time' : ', unchanged'}: ` +
    'task and subtask objects for every export and host call. A comparison mode: the default wasm runtime bypasses these wrappers. ' +
    common
  );
}

function limitNotes(limits: RuntimeLimits): string {
  const parts: string[] = [];
  if (limits.memoryBudgetBytes !== undefined) {
    parts.push(
      `Memory budget ${limits.memoryBudgetBytes} bytes: the core module's linear memory gets a declared maximum at load (initial size + budget, in 64 KiB pages), ` +
        'so memory.grow fails past it and malloc returns NULL (the guest decides what then; a trap poisons the instance).',
    );
  }
  if (limits.cpuBudgetMs !== undefined) {
    parts.push(
      `CPU budget ${limits.cpuBudgetMs} ms: NOT enforced. Synchronous wasm on the caller's thread cannot be interrupted without a worker or ` +
        'process boundary, which this adapter does not have: an endless loop is stopped only by an outside watchdog.',
    );
  }
  return parts.length ? ' Limits: ' + parts.join(' ') : ' No limits: linear memory may grow to 4 GiB and nothing in-process stops an endless loop.';
}

/** The runtime's name for a glue mode: "wasm", "wasm-jco", ... */
export function wasmRuntimeName(glue: GlueMode = 'direct'): string {
  return glue === 'direct' ? RUNTIME : `${RUNTIME}-${glue}`;
}

/**
 * load()'s heavy half: reads, checks and transpiles the component and compiles its
 * core modules (capped by the memory budget). The result is structured-cloneable
 * (compiled WebAssembly.Module objects and the glue's text), so another thread can
 * instantiate it with loadCompiled() without jco (runtimes/boundary does).
 */
export async function compileComponent(file: string, options: WasmRuntimeOptions = {}): Promise<CompiledComponent> {
  const glue: GlueMode = options.glue ?? 'direct';
  const name = wasmRuntimeName(glue);
  const limits = checkLimits(options.limits);
  const extraPages = limits.memoryBudgetBytes === undefined ? undefined : Math.ceil(limits.memoryBudgetBytes / PAGE);
    let js: string;
    let tag: string;
    const modules = new Map<string, WebAssembly.Module>();
    /** With a memory budget: the most bytes the component's memory may have. */
    let memoryCap: number | undefined;
    try {
      const bytes = await readFile(file);
      if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a WebAssembly binary');
      // A core module (version 1) rather than a component (layer 1) gets a clearer message than jco's.
      if (bytes.readUInt32LE(4) === 1) throw new Error('this is a core WebAssembly module, not a component (build it with runtimes/wasm/build.ts)');
      const out = await transpileBytes(bytes, {
        name: 'filter',
        instantiation: { tag: 'sync' },
        // 'hybrid': jco binds each import through its Symbol.for('cabiLower') method when it
        // has one (all of ours do). 'optimized' would be the same without the unused
        // high-level fallbacks, but jco-transpile 0.15 emits invalid JS for it (each
        // trampoline declared twice).
        importBindings: glue === 'direct' ? 'hybrid' : 'js',
        emitTypescriptDeclarations: false,
        wasiShim: false,
      });
      const denied = out.imports.filter((i) => !ALLOWED_IMPORTS.has(i.replace(/@[^/]*$/, '')));
      if (denied.length) throw new Error(`the component imports ${denied.join(', ')}: plugbench filters may import only plugbench:filter/request and plugbench:filter/host`);
      if (!out.exports.some(([n]) => n === FILTER_IFACE)) throw new Error(`the component does not export ${FILTER_IFACE}`);
      js = Buffer.from(out.files['filter.js'] ?? new Uint8Array()).toString('utf8');
      if (!js) throw new Error('jco produced no filter.js');
      if (glue === 'jco-hoisted-debug') js = hoistDebugCheck(js);
      for (const [path, data] of Object.entries(out.files)) {
        if (!path.endsWith('.wasm')) continue;
        let core = data as Uint8Array;
        if (extraPages !== undefined) {
          const capped = capCoreMemory(core, extraPages);
          core = capped.bytes;
          if (capped.maxPages !== undefined) memoryCap = Math.max(memoryCap ?? 0, capped.maxPages * PAGE);
        }
        modules.set(path, await WebAssembly.compile(core as Uint8Array<ArrayBuffer>));
      }
      if (extraPages !== undefined && memoryCap === undefined) throw new Error('the component defines no linear memory to apply the memory budget to');
      tag = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    } catch (err) {
      throw loadError(name, file, err);
    }

  return { name, file, glue, limits, memoryCap, modules, js, tag };
}

export function createWasmRuntime(options: WasmRuntimeOptions = {}): Runtime {
  const glue: GlueMode = options.glue ?? 'direct';
  const name = wasmRuntimeName(glue);
  const limits = checkLimits(options.limits);

  return {
    name,
    source: 'filter.wasm',

    async info(): Promise<RuntimeInfo> {
      return {
        engine: 'jco (component model) on V8',
        version: `jco-transpile ${jcoTranspileVersion()}, V8 ${process.versions.v8}`,
        notes: notes(glue) + limitNotes(limits),
      };
    },

    async load(file: string): Promise<LoadedFilter> {
      return loadCompiled(await compileComponent(file, { glue, limits }));
    },
  };
}

const wasm: Runtime = createWasmRuntime();
export default wasm;
