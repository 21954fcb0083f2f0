import { fileURLToPath } from 'node:url';
import type { Workload } from '../types.ts';
import { CONFIG, expect } from './check.ts';
import { corpus } from './corpus.ts';

export default {
  name: 'rate-limit',
  dir: fileURLToPath(new URL('.', import.meta.url)),
  summary: 'token bucket per client key, state in host kv, time from the host clock: 429 with retry-after',
  config: JSON.stringify(CONFIG),
  // Buckets remember their last refill time: timing passes must not run the clock backwards.
  timingClock: 'advance',
  corpus,
  expect,
} satisfies Workload;
