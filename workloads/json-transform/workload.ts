import { fileURLToPath } from 'node:url';
import type { Workload } from '../types.ts';
import { CONFIG, expect } from './check.ts';
import { corpus } from './corpus.ts';

export default {
  name: 'json-transform',
  dir: fileURLToPath(new URL('.', import.meta.url)),
  summary: 'parse a JSON order batch, drop and rename fields, add totals, serialise (1, 16 and 128 KiB bodies)',
  config: JSON.stringify(CONFIG),
  corpus,
  expect,
} satisfies Workload;
