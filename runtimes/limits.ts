// Per-call resource budgets an adapter can enforce with its engine's own limits
// (builtinRuntime(name, { limits })). Opt-in: without them every adapter behaves
// exactly as before, and the benchmarks run without them.
//
// What each built-in uses (and says in info().notes):
//   quickjs  CPU: the QuickJS interrupt handler, polled every 10000 branches/calls.
//            Memory: setMemoryLimit(budget), plus the emscripten heap may not grow by
//            more than the budget during one call (QuickJS cannot measure its own
//            allocations under emscripten, so setMemoryLimit alone bounds nothing).
//   lua      CPU: a count hook (lua_sethook, every 1000 VM instructions).
//            Memory: the state's allocator (lua_newstate with an accounting
//            allocator, wasmoon's traceAllocations/memoryMax scheme) refuses to let
//            the state hold more than the budget.
//   wasm     Memory: the core module's linear memory gets a declared maximum at load
//            (its initial size plus the budget), so memory.grow fails past it.
//            CPU: the adapter itself has nothing (synchronous wasm on the caller's thread
//            cannot be interrupted), so with a CPU budget builtinRuntime() runs it behind
//            the worker boundary (runtimes/boundary): a Worker per loaded filter,
//            terminated at the budget, its instances recreated.
//   native   the worker boundary, with any budget: CPU as for wasm; memory as the
//            worker's V8 heap limit (resourceLimits). Not a sandbox: a native filter
//            keeps every capability of the host process.
//   remote   CPU: the client's per-call timeout. Memory: whatever limits the service
//            process (its V8 heap limit): the adapter sets none.

export interface RuntimeLimits {
  /** A call (init included) that runs longer than this is stopped, in ms. */
  cpuBudgetMs?: number;
  /** Memory an instance's guest may take (each adapter says what it counts), in bytes. */
  memoryBudgetBytes?: number;
}

export type LimitKind = 'cpu' | 'memory';

/**
 * Thrown by an adapter when one of its limits stopped a call. `mechanism` names
 * what did the stopping ("QuickJS interrupt handler (CPU budget)"); the isolation
 * suite shows it in its matrix. Whether the instance still serves afterwards is
 * the suite's to find out (it asks the same instance, then a new one).
 */
export class LimitExceeded extends Error {
  override name = 'LimitExceeded';
  constructor(
    readonly limit: LimitKind,
    readonly mechanism: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isLimitExceeded(err: unknown): err is LimitExceeded {
  const e = err as Partial<LimitExceeded> | undefined;
  return err instanceof LimitExceeded || (!!e && e.name === 'LimitExceeded' && typeof e.mechanism === 'string' && (e.limit === 'cpu' || e.limit === 'memory'));
}

/** Checks the settings; returns them with only the positive, finite budgets kept. */
export function checkLimits(limits: RuntimeLimits | undefined): RuntimeLimits {
  const out: RuntimeLimits = {};
  if (!limits) return out;
  for (const key of ['cpuBudgetMs', 'memoryBudgetBytes'] as const) {
    const v = limits[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`limits.${key} must be a positive number, got ${String(v)}`);
    out[key] = v;
  }
  return out;
}

export function hasLimits(limits: RuntimeLimits): boolean {
  return limits.cpuBudgetMs !== undefined || limits.memoryBudgetBytes !== undefined;
}

/** What a built-in runtime uses for each budget when given both ("none: ..." when nothing in-process enforces it). */
export const LIMIT_MECHANISMS: Record<string, { cpu: string; memory: string }> = {
  native: {
    cpu: 'worker boundary (worker_threads): Worker.terminate() at the budget, instances recreated',
    memory: "worker boundary: the worker's V8 heap limit (resourceLimits)",
  },
  lua: { cpu: 'Lua count hook (lua_sethook)', memory: "Lua state allocator (lua_newstate, wasmoon's memoryMax scheme)" },
  quickjs: { cpu: 'QuickJS interrupt handler', memory: 'QuickJS setMemoryLimit + per-call heap-growth cap' },
  wasm: {
    cpu: 'worker boundary (worker_threads): Worker.terminate() at the budget, instances recreated',
    memory: 'linear-memory maximum declared at load',
  },
  remote: { cpu: 'remote client per-call timeout', memory: "none set by the adapter (the service process's own heap limit)" },
};
