// The workload registry. A workload is a folder under workloads/ with
// corpus.ts, check.ts, README.md and one filter per guest language.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workload } from './types.ts';
import * as noopCorpus from './noop/corpus.ts';
import * as noopCheck from './noop/check.ts';
import * as headersCorpus from './headers/corpus.ts';
import * as headersCheck from './headers/check.ts';

const here = dirname(fileURLToPath(import.meta.url));

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'noop',
    dir: join(here, 'noop'),
    summary: 'returns "" with no host call: the boundary cost',
    config: '{}',
    corpus: noopCorpus.corpus,
    expect: noopCheck.expect,
  },
  {
    name: 'headers',
    dir: join(here, 'headers'),
    summary: 'header hygiene: reject without host, drop hop-by-hop, rename, request id, via',
    config: '{}',
    corpus: headersCorpus.corpus,
    expect: headersCheck.expect,
  },
];

export function workloadNames(): string[] {
  return WORKLOADS.map((w) => w.name);
}

export function selectWorkloads(names: readonly string[] | undefined): Workload[] {
  if (!names || names.length === 0) return [...WORKLOADS];
  const unknown = names.filter((n) => !WORKLOADS.some((w) => w.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown workload ${unknown.map((n) => `'${n}'`).join(', ')}; valid: ${workloadNames().join(', ')}`);
  }
  return names.map((n) => WORKLOADS.find((w) => w.name === n)!);
}
