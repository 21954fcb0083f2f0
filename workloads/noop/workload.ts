import { fileURLToPath } from 'node:url';
import type { Workload } from '../types.ts';
import { expect } from './check.ts';
import { corpus } from './corpus.ts';

export default {
  name: 'noop',
  dir: fileURLToPath(new URL('.', import.meta.url)),
  summary: 'returns "" with no host call: the boundary cost',
  config: '{}',
  corpus,
  expect,
} satisfies Workload;
