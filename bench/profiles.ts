// How long things are measured. `quick` is sized for CI (a few seconds of
// timing per runtime); `default` for numbers worth publishing.

import type { ColdStartOptions } from './coldstart.ts';
import type { LoadOptions } from './load.ts';
import type { MemoryOptions } from './memory.ts';
import type { MicroOptions } from './micro.ts';

export interface Profile {
  name: 'quick' | 'default';
  micro: MicroOptions;
  /** HTTP load per runtime × workload (and per workload for the bare ceiling). */
  load?: LoadOptions;
  /**
   * Cold start and memory per instance run in fresh child processes (seconds
   * per pair), so they cover a few workloads, not all: the boundary (noop) and
   * realistic ones. Their figures barely depend on the filter's work.
   */
  footprint?: { workloads: string[]; coldStart: ColdStartOptions; memory: MemoryOptions };
}

export const PROFILES: Record<Profile['name'], Profile> = {
  quick: {
    name: 'quick',
    micro: { timeMs: 500, warmupMs: 150 },
    load: { durationS: 1, warmupS: 0.5, connections: 4 },
    footprint: { workloads: ['noop'], coldStart: { samples: 3, timeoutMs: 30_000 }, memory: { counts: [10, 200], timeoutMs: 60_000 } },
  },
  default: {
    name: 'default',
    micro: { timeMs: 2000, warmupMs: 400 },
    load: { durationS: 5, warmupS: 1, connections: 16 },
    footprint: {
      workloads: ['noop', 'headers', 'jwt-auth'],
      coldStart: { samples: 7, timeoutMs: 30_000 },
      memory: { counts: [1, 10, 100, 1000], timeoutMs: 120_000 },
    },
  },
};
