// What a TypeScript filter can reach of its host, looked up at run time, so one
// filter source bundles for QuickJS (which has no Node built-ins and no
// `require`) and runs unchanged on native and remote, where it is plain Node code.

export interface ProcessLike {
  getBuiltinModule?(id: string): unknown;
  env?: Record<string, string | undefined>;
  pid?: number;
}

/** The host's `process` object, when the engine exposes one. */
export function hostProcess(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

/** Which escape hatches the global object offers, for a denial message. */
export function globalsSeen(): string {
  const g = globalThis as Record<string, unknown>;
  return ['process', 'require', 'std', 'os', 'Deno', 'Bun', 'fetch'].map((n) => `${n}: ${typeof g[n]}`).join(', ');
}

/** A Node built-in module, or why it cannot be had. */
export function builtin<T>(id: string): { module: T } | { missing: string } {
  const p = hostProcess();
  if (p && typeof p.getBuiltinModule === 'function') {
    const m = p.getBuiltinModule(id);
    if (m) return { module: m as T };
  }
  const r = (globalThis as { require?: (id: string) => unknown }).require;
  if (typeof r === 'function') return { module: r(id) as T };
  return { missing: `no way to load ${id} (${globalsSeen()})` };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
