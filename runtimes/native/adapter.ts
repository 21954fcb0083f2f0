// native: TypeScript filters run in the harness's own V8, called directly with
// the request context. This is the floor every other runtime is compared to,
// and it is uncontained by design: a native filter can do anything the host can.

import { pathToFileURL } from 'node:url';
import type { FilterModule, HostServices, LoadedFilter, Runtime } from '../abi/types.ts';
import { loadError } from '../errors.ts';

export async function importFilterModule(runtime: string, file: string): Promise<FilterModule> {
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw loadError(runtime, file, err);
  }
  const filter = mod.default as FilterModule | undefined;
  if (!filter || typeof filter.handle !== 'function') {
    throw loadError(runtime, file, 'the default export has no handle(req, host) function');
  }
  return filter;
}

const native: Runtime = {
  name: 'native',
  source: 'filter.ts',

  async info() {
    return {
      engine: 'V8',
      version: process.versions.v8,
      notes: 'In-process call of the filter module with the request context itself: no copy, no marshalling, no isolation.',
    };
  },

  async load(file: string): Promise<LoadedFilter> {
    const filter = await importFilterModule('native', file);
    return {
      async instantiate(config: string, host: HostServices) {
        // Instances share the module's top-level state: an ES module is evaluated once per process.
        filter.init?.(config, host);
        return {
          handle: (ctx) => filter.handle(ctx, host) ?? '',
          dispose() {},
        };
      },
    };
  },
};

export default native;
