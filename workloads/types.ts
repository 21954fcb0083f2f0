// What a workload is to the harness: a deterministic corpus, the deployment it
// runs under, and a reference checker that states the expected outcome of every
// request independently of any runtime (DESIGN §3).

import type { FilterOutcome, HttpRequest } from '../runtimes/abi/context.ts';

export interface CorpusItem {
  /** What kind of request this is ("page load", "missing host", "64 KiB body"), for error messages and per-size figures. */
  label: string;
  request: HttpRequest;
  /** The host clock (ms since the epoch) while this request is verified; the harness sets it, so time-dependent filters verify reproducibly. */
  nowMs?: number;
  /** Body size class ("4 KiB", "1 MiB"): payload workloads are also timed per class, so the per-KB cost can be read. */
  sizeClass?: string;
}

export interface Workload {
  readonly name: string;
  /** Absolute path of the folder holding filter.ts / filter.lua / filter.c / filter.wasm. */
  readonly dir: string;
  /** One line, for the summary and the report. */
  readonly summary: string;
  /** The deployment's JSON config text, handed to init. */
  readonly config: string;
  /** Sensitive headers this deployment may see. */
  readonly grants?: readonly string[];
  /**
   * How the host clock moves while a time-dependent corpus (items with nowMs)
   * is replayed for timing, pass after pass: 'replay' sets each item's nowMs
   * again (tokens stay valid, default); 'advance' shifts every later pass past
   * the previous one, so time never runs backwards for stateful filters
   * (rate-limit buckets keep refilling as in verification).
   */
  readonly timingClock?: 'replay' | 'advance';
  /** Deterministic: the same items on every call and every machine. */
  corpus(): CorpusItem[];
  /**
   * The reference outcome of one request, stated without the ABI's request
   * context. Called once per corpus item, in corpus order, so a stateful
   * workload (rate-limit) may keep its model's state across calls; `item`
   * carries the clock reading for time-dependent workloads.
   */
  expect(request: HttpRequest, item: CorpusItem): FilterOutcome;
}
