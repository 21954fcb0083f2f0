// The runtime registry: the five built-in adapters, loaded lazily so one
// engine's trouble cannot stop the others, plus external adapters by path
// (DESIGN §2: any module whose default export is a Runtime).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Runtime } from './abi/types.ts';
import { describe } from './errors.ts';
import { checkLimits, hasLimits, type RuntimeLimits } from './limits.ts';

export type { RuntimeLimits } from './limits.ts';

/** Run by default, in this order. */
export const BUILTIN_RUNTIMES = ['native', 'lua', 'quickjs', 'wasm', 'remote'] as const;
/**
 * Selectable by name, not run by default: the wasm runtime with jco's own
 * generated per-call glue (as generated, and with its per-call JCO_DEBUG read
 * hoisted), so a run can show what the glue costs next to `wasm`.
 */
export const OPTIONAL_RUNTIMES = ['wasm-jco', 'wasm-jco-hoisted-debug'] as const;
export type BuiltinName = (typeof BUILTIN_RUNTIMES)[number] | (typeof OPTIONAL_RUNTIMES)[number];
const ALL_NAMES: readonly string[] = [...BUILTIN_RUNTIMES, ...OPTIONAL_RUNTIMES];

export interface RuntimeOptions {
  /** Point the remote adapter at a running service instead of starting one. */
  remoteUrl?: string;
  /**
   * Per-call CPU and memory budgets, enforced with each engine's own limits
   * (runtimes/limits.ts says which, info().notes says how). Default: none, and
   * every adapter is exactly as benchmarked. native (any budget) and wasm (a CPU
   * budget) have nothing in-process to enforce it with: they then run behind the
   * worker boundary (runtimes/boundary: a worker_threads Worker per loaded filter,
   * terminated past the CPU budget, with a V8 heap limit for the memory budget).
   */
  limits?: RuntimeLimits;
}

export function isBuiltin(name: string): name is BuiltinName {
  return ALL_NAMES.includes(name);
}

export async function builtinRuntime(name: BuiltinName, options: RuntimeOptions = {}): Promise<Runtime> {
  const limits = checkLimits(options.limits);
  const limited = hasLimits(limits);
  switch (name) {
    case 'native':
      // Limits: the worker boundary is what enforces them (a native filter is host code).
      if (limited) return (await import('./boundary/index.ts')).nativeBoundary(limits);
      return (await import('./native/adapter.ts')).default;
    case 'lua': {
      const lua = await import('./lua/adapter.ts');
      return limited ? lua.createLuaRuntime({ limits }) : lua.default;
    }
    case 'quickjs': {
      const quickjs = await import('./quickjs/adapter.ts');
      return limited ? quickjs.createQuickJSRuntime({ limits }) : quickjs.default;
    }
    case 'wasm':
    case 'wasm-jco':
    case 'wasm-jco-hoisted-debug': {
      const glue = name === 'wasm' ? 'direct' : name === 'wasm-jco' ? 'jco' : 'jco-hoisted-debug';
      // A CPU budget needs the worker boundary; a memory budget alone is the adapter's own (a declared memory maximum).
      if (limits.cpuBudgetMs !== undefined) return (await import('./boundary/index.ts')).wasmBoundary(limits, glue);
      const wasm = await import('./wasm/adapter.ts');
      return name === 'wasm' && !limited ? wasm.default : wasm.createWasmRuntime({ glue, limits });
    }
    case 'remote': {
      const remote = await import('./remote/adapter.ts');
      // The remote client's per-call timeout is its CPU budget (it bounds the wall time of a call).
      if (!options.remoteUrl && limits.cpuBudgetMs === undefined) return remote.default;
      return remote.createRemoteRuntime({ url: options.remoteUrl, timeoutMs: limits.cpuBudgetMs });
    }
  }
}

/** Parses `--runtimes a,b`: "none" selects no built-in; unknown names are an error listing the valid ones. */
export function selectBuiltins(list: string | undefined): BuiltinName[] {
  if (list === undefined || list.trim() === '') return [...BUILTIN_RUNTIMES];
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.filter((n) => !isBuiltin(n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown runtime ${unknown.map((n) => `'${n}'`).join(', ')}; valid: ${ALL_NAMES.join(', ')}, none ` +
        `(add an external adapter with --runtime ./path/to/adapter.ts)`,
    );
  }
  return names as BuiltinName[];
}

function isRuntime(value: unknown): value is Runtime {
  const r = value as Runtime | undefined;
  return !!r && typeof r.name === 'string' && typeof r.source === 'string' && typeof r.load === 'function' && typeof r.info === 'function';
}

/** Loads an external adapter module; every failure names the path. */
export async function loadExternalRuntime(path: string): Promise<Runtime> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new Error(`external adapter ${path}: no such file`);
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(abs).href);
  } catch (err) {
    throw new Error(`external adapter ${path}: cannot import: ${describe(err)}`);
  }
  if (!isRuntime(mod.default)) {
    throw new Error(`external adapter ${path}: the default export is not a Runtime (needs name, source, info(), load())`);
  }
  return mod.default;
}
