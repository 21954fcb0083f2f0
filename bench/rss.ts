// Peak resident set size of a process while something runs (DESIGN §4:
// "peak RSS under load"). Used by bench/load.ts around each load measurement.
//
// How: the resident set is read every `intervalMs` (default RSS_SAMPLE_MS) by
// a timer in this process — process.memoryUsage.rss() for this process, and
// /proc/<pid>/status VmRSS for another one (Linux; elsewhere that figure is
// absent) — plus once at the start and once at the end. A spike shorter than
// the interval can fall between two samples, and a timer in a busy event loop
// fires late (`samples` says how many were taken). For this process Linux
// also keeps the lifetime peak (VmHWM): when it rose during the watch, the new
// lifetime peak was reached during the watch, and it is taken as the exact
// peak (`exact: true`). VmHWM is only read, never reset (resetting it through
// /proc/self/clear_refs would also falsify the process's own maxRSS).

import { readFileSync } from 'node:fs';
import { procRss } from './child.ts';

/** Sampling interval of the RSS watch, ms. */
export const RSS_SAMPLE_MS = 20;

export interface RssPeak {
  /** Resident set when the watch started, bytes. */
  beforeBytes: number;
  /** Largest resident set seen during the watch, bytes (exact when `exact`, otherwise the largest sample). */
  peakBytes: number;
  /** Resident set when the watch stopped, bytes. */
  afterBytes: number;
  /** Readings taken (start and end included). */
  samples: number;
  intervalMs: number;
  /** The peak is the kernel's high-water mark (VmHWM), not a sample. */
  exact: boolean;
}

export interface RssWatch {
  stop(): RssPeak | undefined;
}

/** This process's lifetime peak resident set (VmHWM), bytes; undefined where /proc is unreadable. */
export function selfHighWaterMark(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts watching the resident set of `pid` (default: this process). stop()
 * returns the figures (the same ones when called again), or undefined when not even the first reading worked
 * (another process on a system without /proc).
 */
export function watchRss(pid: number = process.pid, intervalMs: number = RSS_SAMPLE_MS): RssWatch {
  const self = pid === process.pid;
  const read = self ? () => process.memoryUsage.rss() : () => procRss(pid);
  const hwmBefore = self ? selfHighWaterMark() : undefined;
  const beforeBytes = read();
  let peak = beforeBytes ?? 0;
  let samples = beforeBytes === undefined ? 0 : 1;
  const timer = setInterval(() => {
    const v = read();
    if (v === undefined) return;
    samples++;
    if (v > peak) peak = v;
  }, intervalMs);
  timer.unref();
  let result: { value: RssPeak | undefined } | undefined;
  return {
    stop() {
      if (result) return result.value;
      clearInterval(timer);
      const afterBytes = read();
      if (beforeBytes === undefined || afterBytes === undefined) {
        result = { value: undefined };
        return undefined;
      }
      samples++;
      if (afterBytes > peak) peak = afterBytes;
      let exact = false;
      const hwmAfter = self ? selfHighWaterMark() : undefined;
      if (hwmBefore !== undefined && hwmAfter !== undefined && hwmAfter > hwmBefore) {
        peak = Math.max(peak, hwmAfter);
        exact = true;
      }
      result = { value: { beforeBytes, peakBytes: peak, afterBytes, samples, intervalMs, exact } };
      return result.value;
    },
  };
}
