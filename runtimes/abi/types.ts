// The TypeScript mirror of runtimes/abi/filter.wit (DESIGN §1) and the runtime
// adapter contract (DESIGN §2). Both are contracts: change them only in a
// versioned way. Names are the camelCase of the WIT names.

import type { RequestContext } from './context.ts';

export const ABI_VERSION = 'plugbench:filter@0.1.0';

/** `host.level` in the WIT, in declaration order (the wasm enum discriminants). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `interface host`: services every filter gets from its host. */
export interface HostServices {
  /** Shared by all instances of one deployment. */
  kvGet(key: string): string | undefined;
  kvSet(key: string, value: string): void;
  /** Host clock, milliseconds since the Unix epoch (fractional). */
  nowMs(): number;
  log(level: LogLevel, message: string): void;
}

/** Bytes a guest hands to `setBody` / `respond`. A string is encoded as UTF-8:
 *  QuickJS has no TextEncoder, so this keeps one filter source for every JS engine. */
export type BodyInit = Uint8Array | string;

/** `interface request` as a TypeScript / JavaScript guest sees it. */
export interface FilterRequest {
  method(): string;
  /** Path and query, as received. */
  path(): string;
  setPath(path: string): void;
  /** First value, or undefined. Names are case-insensitive. */
  header(name: string): string | undefined;
  /** Lower-case, arrival order, no repeats. */
  headerNames(): string[];
  /** Replaces every value. */
  setHeader(name: string, value: string): void;
  /** Appends a value. */
  addHeader(name: string, value: string): void;
  removeHeader(name: string): void;
  body(): Uint8Array;
  setBody(body: BodyInit): void;
  /** Ends the request: the gateway answers with this and skips the upstream. */
  respond(status: number, headers: Array<[string, string]>, body?: BodyInit): void;
}

/** What a TypeScript filter file default-exports (native, quickjs and remote run it unchanged). */
export interface FilterModule {
  /** Once per instance with the deployment's JSON config text; throw to refuse the deployment. */
  init?(config: string, host: HostServices): void;
  /** Once per request. "" (or nothing) continues the chain; any other string is a named result. */
  handle(req: FilterRequest, host: HostServices): string | void;
}

// ---------------------------------------------------------------------------
// Runtime adapter contract (DESIGN §2)

export interface RuntimeInfo {
  engine: string;
  version: string;
  /** What the adapter pays per call, in words. */
  notes?: string;
}

export interface Runtime {
  /** "native" | "lua" | "quickjs" | "wasm" | "remote" | an external one */
  readonly name: string;
  /** The filter file it loads from a workload or case folder: "filter.ts", "filter.lua", "filter.wasm". */
  readonly source: string;
  info(): Promise<RuntimeInfo>;
  /** Compile once; cold start is measured here. */
  load(file: string): Promise<LoadedFilter>;
  /** Optional: release what the runtime holds across loads (a server process, a worker). */
  close?(): Promise<void>;
}

export interface LoadedFilter {
  instantiate(config: string, host: HostServices): Promise<FilterInstance>;
}

export interface FilterInstance {
  /** In-process runtimes answer synchronously. The context holds "the current request". */
  handle(ctx: RequestContext): string | Promise<string>;
  /** What the engine holds for this instance, in bytes. */
  memoryBytes?(): number;
  dispose(): void | Promise<void>;
}
