// What the adapters' limit tests (runtimes/<name>/limits.test.ts) share: a GET
// through a fresh request context, an instance on its own deployment, filters
// written to a temporary folder, and "this call was stopped by that limit".
// Not a test file itself (no .test.ts), so the runner does not pick it up.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RequestContext, prepareRequest } from './abi/context.ts';
import { Deployment } from './abi/host.ts';
import type { FilterInstance, Runtime } from './abi/types.ts';
import { LimitExceeded } from './limits.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A path in the repository, e.g. repoPath('workloads', 'headers', 'filter.lua'). */
export function repoPath(...parts: string[]): string {
  return path.join(ROOT, ...parts);
}

/** An isolation case's filter in one language, e.g. isolationFilter('infinite-loop', 'filter.lua'). */
export function isolationFilter(id: string, file: string): string {
  return path.join(ROOT, 'conformance', 'isolation', id, file);
}

/** Writes filter sources into one temporary folder; returns a function that writes one and gives its path. */
export function filterWriter(prefix: string, ext: string): (name: string, source: string) => string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return (name, source) => {
    const file = path.join(dir, `${name}${ext}`);
    writeFileSync(file, source);
    return file;
  };
}

/** GET `p` through a fresh request context; the result string of a synchronous instance. */
export function call(inst: FilterInstance, p: string): string {
  return inst.handle(new RequestContext().reset(prepareRequest({ method: 'GET', path: p, headers: [['host', 'x']], body: new Uint8Array(0) }))) as string;
}

export async function instance(rt: Runtime, file: string, config = '{}'): Promise<FilterInstance> {
  return (await rt.load(file)).instantiate(config, new Deployment().host);
}

/** Runs fn, expecting a LimitExceeded of `kind`; returns how long it took and the error. */
export function stopped(fn: () => unknown, kind: 'cpu' | 'memory'): { ms: number; err: LimitExceeded } {
  const t0 = performance.now();
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LimitExceeded, `expected a LimitExceeded, got ${String(err)}`);
    assert.equal(err.limit, kind);
    return { ms: performance.now() - t0, err };
  }
  assert.fail('the call was not stopped');
}
