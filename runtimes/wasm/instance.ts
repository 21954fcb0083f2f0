// wasm: instantiating a compiled component (the light half of the adapter's load,
// and every instantiate). Kept apart from adapter.ts so that a thread that only
// instantiates (runtimes/boundary's worker) never imports jco-transpile: it
// receives a CompiledComponent (compiled core modules and the glue's text) and
// calls loadCompiled(). The semantics are the adapter's (see adapter.ts).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FilterInstance, HostServices, LoadedFilter } from '../abi/types.ts';
import { describe, loadError } from '../errors.ts';
import { LimitExceeded, type RuntimeLimits } from '../limits.ts';
import { createBindings } from './bindings.ts';

const FILTER_IFACE = 'plugbench:filter/filter@0.1.0';
const CORE_INIT = `${FILTER_IFACE}#init`;
const CORE_HANDLE = `${FILTER_IFACE}#handle`;
const PAGE = 65536;

/** What compileComponent() (adapter.ts) makes of a filter.wasm. Structured-cloneable. */
export interface CompiledComponent {
  /** The runtime's name ("wasm", "wasm-jco", ...). */
  name: string;
  file: string;
  glue: 'direct' | 'jco' | 'jco-hoisted-debug';
  limits: RuntimeLimits;
  /** With a memory budget: the most bytes the component's memory may have. */
  memoryCap: number | undefined;
  /** The core modules, compiled, by the names jco's glue asks for. */
  modules: Map<string, WebAssembly.Module>;
  /** jco's generated glue (an ES module exporting instantiate()). */
  js: string;
  /** A short hash of the component, to name the glue's file. */
  tag: string;
}

type InstantiateFn = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: object,
  instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
) => Record<string, unknown>;

interface JcoFilterExports {
  init(config: string): void;
  handle(): string;
}

let importCounter = 0;

/** Evaluates generated glue: written to a fresh temporary directory, imported, removed. */
async function importGlue(js: string, tag: string): Promise<InstantiateFn> {
  const dir = await mkdtemp(join(tmpdir(), 'plugbench-wasm-'));
  try {
    // A unique name per load, so the module cache never hands back an earlier evaluation.
    // .mjs, not .js: under tsx a .js file goes through its esbuild transform, which
    // costs far more than the import itself.
    const file = join(dir, `${tag}-${++importCounter}.mjs`);
    await writeFile(file, js);
    const mod = (await import(pathToFileURL(file).href)) as { instantiate?: InstantiateFn };
    if (typeof mod.instantiate !== 'function') throw new Error('the transpiled glue has no instantiate() export');
    return mod.instantiate;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Imports the component's glue and returns the loaded filter; load errors name the runtime and file. */
export async function loadCompiled(compiled: CompiledComponent): Promise<LoadedFilter> {
  const { name, file, glue, limits, memoryCap, modules } = compiled;
  let instantiateGlue: InstantiateFn;
  try {
    instantiateGlue = await importGlue(compiled.js, compiled.tag);
  } catch (err) {
    throw loadError(name, file, err);
  }

  return {
    async instantiate(config: string, host: HostServices): Promise<FilterInstance> {
      const bindings = createBindings(host);
      const cores: WebAssembly.Instance[] = [];
      let exported: Record<string, unknown>;
      try {
        exported = instantiateGlue(
          (coreName) => {
            const m = modules.get(coreName);
            if (!m) throw new Error(`jco asked for an unknown core module ${coreName}`);
            return m;
          },
          bindings.imports,
          (module, imports) => {
            const instance = new WebAssembly.Instance(module, imports);
            cores.push(instance);
            return instance;
          },
        );
      } catch (err) {
        throw loadError(name, file, `instantiation failed: ${describe(err)}`);
      }
      const lifted = exported[FILTER_IFACE] as JcoFilterExports | undefined;
      if (!lifted || typeof lifted.handle !== 'function' || typeof lifted.init !== 'function') {
        throw loadError(name, file, `the component does not export ${FILTER_IFACE} with init and handle`);
      }

      // The direct path needs the standard core layout wit-component produces: one core
      // instance exporting the two functions (post-returns optional), its memory and realloc.
      let call: () => string;
      let init: (config: string) => string | undefined;
      let memory: WebAssembly.Memory | undefined;
      const main = cores.find((c) => typeof c.exports[CORE_HANDLE] === 'function');
      const core = main?.exports;
      if (
        glue === 'direct' &&
        core &&
        typeof core[CORE_INIT] === 'function' &&
        core.memory instanceof WebAssembly.Memory &&
        typeof core.cabi_realloc === 'function'
      ) {
        type CoreFn = (...args: number[]) => unknown;
        const coreInit = core[CORE_INIT] as CoreFn;
        const coreHandle = core[CORE_HANDLE] as CoreFn;
        const postInit = core[`cabi_post_${CORE_INIT}`] as CoreFn | undefined;
        const postHandle = core[`cabi_post_${CORE_HANDLE}`] as CoreFn | undefined;
        memory = core.memory;
        bindings.attach(core.memory, core.cabi_realloc as (a: number, b: number, c: number, d: number) => number);
        call = () => bindings.callHandle(coreHandle, postHandle);
        init = (text) => bindings.callInit(coreInit, postInit, text);
      } else {
        // jco's own wrappers (glue 'jco*', or a component with a non-standard core layout).
        memory = bindings.memory() ?? (cores.map((c) => c.exports.memory).find((m) => m instanceof WebAssembly.Memory) as WebAssembly.Memory | undefined);
        call = () => lifted.handle();
        init = (text) => {
          try {
            lifted.init(text);
            return undefined;
          } catch (err) {
            // jco throws the result's err payload itself (a string).
            if (typeof err === 'string') return err;
            throw err;
          }
        };
      }

      let poisoned = false;
      let trap: unknown;
      let busy = false;
      let disposed = false;

      const enter = () => {
        if (disposed) throw new Error(`${name}: the instance of ${file} was disposed`);
        if (poisoned) {
          throw new Error(`${name}: the instance of ${file} is poisoned by an earlier trap (${describe(trap)}); instantiate a new one`, { cause: trap });
        }
        if (busy) throw new WebAssembly.RuntimeError('wasm trap: cannot enter the component instance: it is already in a call');
      };

      try {
        enter();
        busy = true;
        const refused = init(config);
        if (refused !== undefined) throw new Error(`init refused the config: ${refused}`);
      } catch (err) {
        throw loadError(name, file, err);
      } finally {
        busy = false;
      }

      return {
        handle(ctx) {
          enter();
          busy = true;
          bindings.setRequest(ctx);
          try {
            return call();
          } catch (err) {
            poisoned = true;
            trap = err;
            // At its declared maximum: the memory budget is what made the guest fail.
            if (memoryCap !== undefined && memory && memory.buffer.byteLength + PAGE > memoryCap) {
              throw new LimitExceeded(
                'memory',
                'wasm linear-memory maximum (memory budget, declared at load): memory.grow failed',
                `${name}: memory budget of ${limits.memoryBudgetBytes} bytes exhausted (linear memory at its maximum of ${memoryCap} bytes): ${describe(err)}`,
                { cause: err },
              );
            }
            throw err;
          } finally {
            busy = false;
            bindings.setRequest(undefined);
          }
        },
        memoryBytes: () => memory?.buffer.byteLength ?? 0,
        dispose() {
          disposed = true;
        },
      };
    }
  };
}
