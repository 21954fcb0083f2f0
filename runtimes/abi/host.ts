// Host services (`interface host` in filter.wit): a kv store shared by every
// instance of one deployment, the host clock and a log sink. A deployment is
// one filter + one config; its instances share the kv, other deployments don't.

import type { HostServices, LogLevel } from './types.ts';

export interface Clock {
  nowMs(): number;
}

/** Wall-clock milliseconds since the epoch, with sub-millisecond resolution. */
export const systemClock: Clock = {
  nowMs: () => performance.timeOrigin + performance.now(),
};

/** A clock the harness sets by hand, so verification runs are reproducible. */
export class ManualClock implements Clock {
  constructor(public now = Date.UTC(2026, 0, 1)) {}
  nowMs(): number {
    return this.now;
  }
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface LogRecord {
  level: LogLevel;
  message: string;
}

export interface DeploymentOptions {
  clock?: Clock;
  /** Where `log` goes. Default: kept in `logs` (bounded), so tests can read it. */
  onLog?: (record: LogRecord) => void;
  /** How many log records to keep when no `onLog` is given. */
  keepLogs?: number;
}

export class Deployment {
  readonly kv = new Map<string, string>();
  readonly logs: LogRecord[] = [];
  readonly host: HostServices;

  constructor(options: DeploymentOptions = {}) {
    const clock = options.clock ?? systemClock;
    const keep = options.keepLogs ?? 1000;
    const kv = this.kv;
    const logs = this.logs;
    const onLog = options.onLog ?? ((r: LogRecord) => void (logs.length < keep && logs.push(r)));
    // Plain closures, not methods: adapters bind these once and call them on the hot path.
    this.host = {
      kvGet: (key) => kv.get(key),
      kvSet: (key, value) => void kv.set(key, value),
      nowMs: () => clock.nowMs(),
      log: (level, message) => onLog({ level, message }),
    };
  }
}
