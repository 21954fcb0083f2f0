// The results file (DESIGN §6, contract): "plugbench/results@1". Add fields
// freely; never rename or re-unit the ones here.

export const RESULTS_SCHEMA = 'plugbench/results@1';

export interface Environment {
  cpu: string;
  cores: number;
  os: string;
  node: string;
  /** runtime name → "<engine> <version>" */
  engines: Record<string, string>;
  /** What each adapter says a call pays (info().notes). */
  engineNotes?: Record<string, string>;
  commit: string;
  date: string;
}

export interface MicroFigures {
  opsPerSec: number;
  latencyNs: { mean: number; p50: number; p99: number; p999: number };
  /** Relative margin of error of the mean, percent. */
  rme: number;
  samples: number;
  /** Calls timed together per sample, so sub-microsecond calls are not timer noise. Percentiles are of per-call means within a sample. */
  callsPerSample: number;
}

export interface RunResult {
  runtime: string;
  workload: string;
  verified: boolean;
  error?: string;
  /** Requests in the corpus that verification ran. */
  corpusSize?: number;
  micro?: MicroFigures;
  /** The same figures per body size class, for payload workloads (json-transform, redact). */
  microBySize?: Record<string, MicroFigures & { bodyBytes: number }>;
  coldStart?: { loadMs: number; instantiateMs: number; firstCallMs: number };
  /** Why cold start could not be measured (the pair's other figures stand). */
  coldStartError?: string;
  memory?: {
    instances: number;
    bytesPerInstance: { rss: number; heap: number; external: number; engine?: number };
  };
  memoryError?: string;
  load?: {
    requestsPerSec: number;
    latencyMs: { p50: number; p99: number; max: number };
    errors: number;
    non2xx: number;
    connections: number;
    durationS: number;
  };
}

export interface ConformanceResult {
  runtime: string;
  case: string;
  level: 'MUST' | 'SHOULD';
  status: 'pass' | 'fail' | 'not-implemented';
  message?: string;
}

export interface IsolationResult {
  runtime: string;
  case: string;
  outcome: string;
  detail: string;
}

export interface Results {
  schema: typeof RESULTS_SCHEMA;
  environment: Environment;
  config: { profile: string; [key: string]: unknown };
  baseline?: { load: { requestsPerSec: number; latencyMs: { p50: number; p99: number } } };
  runs: RunResult[];
  conformance?: ConformanceResult[];
  isolation?: IsolationResult[];
}
