// What the boundary's worker imports to load a filter (by module URL and export
// name, runtimes/boundary/index.ts). Each loader takes what the main thread
// prepared and returns the inner runtime's LoadedFilter, in the worker.
// Nothing heavy at the top: jco-transpile is never imported in a worker.

/** native: the worker imports the filter module itself (its own module instance, in its own isolate). */
export async function loadNative(prepared: { file: string }) {
  const { default: native } = await import('../native/adapter.ts');
  return native.load(prepared.file);
}

/** wasm: the component was transpiled and compiled in the main thread; the worker imports its glue and instantiates. */
export async function loadWasm(prepared: import('../wasm/instance.ts').CompiledComponent) {
  const { loadCompiled } = await import('../wasm/instance.ts');
  return loadCompiled(prepared);
}
