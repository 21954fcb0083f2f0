// The workload registry: every folder under workloads/ with a workload.ts is a
// workload (README, corpus.ts, check.ts, and one filter per guest language).
// Adding a workload is adding a folder.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Workload } from './types.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The order tables and reports use; folders not listed follow alphabetically. */
const ORDER = ['noop', 'headers', 'jwt-auth', 'json-transform', 'rate-limit', 'router', 'redact'];

export function workloadNames(): string[] {
  const found = readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'workload.ts')))
    .map((d) => d.name);
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export async function loadWorkload(name: string): Promise<Workload> {
  const mod = (await import(pathToFileURL(join(here, name, 'workload.ts')).href)) as { default: Workload };
  if (mod.default?.name !== name) throw new Error(`workloads/${name}/workload.ts must default-export a workload named '${name}'`);
  return mod.default;
}

/** The named workloads (all when none are named); unknown names are an error listing the valid ones. */
export async function selectWorkloads(names: readonly string[] | undefined): Promise<Workload[]> {
  const valid = workloadNames();
  const wanted = names && names.length > 0 ? names : valid;
  const unknown = wanted.filter((n) => !valid.includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown workload ${unknown.map((n) => `'${n}'`).join(', ')}; valid: ${valid.join(', ')}`);
  }
  return Promise.all(wanted.map(loadWorkload));
}
