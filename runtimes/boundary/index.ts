// The worker boundary: runs an in-process runtime's filters in a node:worker_threads
// Worker, so a call that outlives its CPU budget can be stopped (Worker.terminate()
// interrupts running JavaScript and WebAssembly) and a JS heap bomb ends the worker,
// not the host. builtinRuntime() uses it for native and wasm when limits are set
// (runtimes/index.ts); without limits nothing changes and the benchmarks never see it.
//
// Design
// - One worker per loaded filter: every instance of that filter (every deployment of
//   it) lives in it, as in-process instances share the host's thread. Workers start
//   from a warm spare (tsx's hooks registered, the worker module loaded), so load()
//   and a recreation pay only the filter's own load.
// - A call: the main thread sends the request (method, path, every header, body) and
//   its context's configuration (limits, hidden headers) and waits, with a timer at
//   the CPU budget. The worker runs the filter against its own RequestContext (the
//   ABI's class: same validation, same sensitive-header policy) that records every
//   edit that succeeded; the main thread replays those edits on the caller's context
//   through the same public methods and returns the result or rethrows the error
//   (AbiError, LimitExceeded, wasm traps keep their class and fields). On an error the
//   caller's context holds what the guest did before it, as in-process.
// - Host calls (kv-get, kv-set, now-ms, log) are synchronous from the guest's side:
//   the worker posts the call and blocks in Atomics.wait; the main thread, idle in its
//   event loop while it awaits the call, runs it on the HostServices the instance was
//   given (so kv stays per deployment and shared by its instances, the clock and the
//   log are the host's) and wakes the worker. Errors the host throws reach the guest.
// - Calls into one worker are serial (queued in the main thread), as in-process calls are.
// - Past the CPU budget: the worker is terminated, the call throws LimitExceeded('cpu'),
//   and a new worker is started in the background: the filter loaded again and every live
//   instance instantiated again with its config and host (init runs again; guest state is
//   lost). The FilterInstance objects stay valid; instance.boundary() says how often they
//   were recreated. The same for a worker that dies otherwise: out of heap
//   (resourceLimits; the pending call throws LimitExceeded('memory')), an uncaught
//   exception or unhandled rejection the filter left behind, or process.exit in a filter.
// - A worker is not a sandbox: a native filter in it can still read files, the
//   environment (a copy of the host's), open sockets and spawn processes.

import { MessageChannel, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import type { RequestContext } from '../abi/context.ts';
import type { FilterInstance, HostServices, LoadedFilter, Runtime, RuntimeInfo } from '../abi/types.ts';
import { describe } from '../errors.ts';
import { checkLimits, LimitExceeded, type RuntimeLimits } from '../limits.ts';
import { contextConfig, fromWire, type DistributiveOmit, replay, snapshot, toWire, type FromWorker, type HostOp, type HostReply, type ToWorker, type WorkerData } from './protocol.ts';

const BOOT = new URL('./boot.mjs', import.meta.url);
const ENTRY = new URL('./worker.ts', import.meta.url).href;
const TARGETS = new URL('./targets.ts', import.meta.url).href;
const MiB = 2 ** 20;

/** Heap the worker needs for itself (tsx's hooks, the adapter, the request context) on top of the memory budget. */
export const WORKER_BASE_HEAP_MB = 32;
/** Loading a filter in a worker (start-up included) may take this long. */
const DEFAULT_LOAD_TIMEOUT_MS = 30_000;
/** A worker whose filter has no instance left is released (kept as a spare or ended) after this long. */
const IDLE_MS = 500;

export const CPU_MECHANISM = 'worker boundary (worker_threads): Worker.terminate() at the CPU budget';
export const MEMORY_MECHANISM = "worker boundary (worker_threads): the worker's V8 heap limit (resourceLimits)";

/** What the boundary runs in its worker, and how. */
export interface BoundaryTarget {
  /** The runtime in this thread: its name, source and info() are the boundary's. */
  inner: Runtime;
  /** Main thread, once per load: what the worker needs to load `file` (structured-cloneable). Load errors are thrown here or by the worker's loader. */
  prepare(file: string): Promise<unknown>;
  /** file URL of the module the worker imports, and its export: (prepared) => Promise<LoadedFilter>. */
  module: string;
  export: string;
}

export interface BoundaryOptions {
  limits: RuntimeLimits;
  loadTimeoutMs?: number;
}

/** What instance.boundary() tells: how often the instance was recreated in a new worker, and why last. */
export interface BoundaryState {
  recreations: number;
  cause?: string;
}

export interface BoundaryInstance extends FilterInstance {
  boundary(): BoundaryState;
}

export function boundaryState(instance: FilterInstance | undefined): BoundaryState | undefined {
  const b = (instance as Partial<BoundaryInstance> | undefined)?.boundary;
  return typeof b === 'function' ? b.call(instance) : undefined;
}

// ---------------------------------------------------------------------------
// One worker

interface Job {
  msg: ToWorker;
  timeoutMs: number;
  onTimeout: (ms: number) => Error;
  resolve: (m: Extract<FromWorker, { t: 'done' }>) => void;
  reject: (err: unknown) => void;
}

class Conn {
  readonly worker: Worker;
  private readonly flag: Int32Array;
  private readonly replies: MessagePort;
  private nextId = 1;
  private busy: (Job & { id: number; timer: NodeJS.Timeout }) | undefined;
  private readonly queue: Job[] = [];
  /** Why the worker ended (undefined while it runs). */
  dead: unknown;
  /** Filters loaded in this worker so far. */
  uses = 0;
  /** The context configuration the worker has last been sent. */
  lastConfig: string | undefined;
  onDeath: ((reason: unknown) => void) | undefined;
  host: ((iid: number) => HostServices | undefined) | undefined;

  constructor(readonly resourceLimits: ResourceLimits | undefined) {
    const shared = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    this.flag = new Int32Array(shared);
    this.replies = port1;
    const data: WorkerData = { flag: shared, replies: port2, entry: ENTRY };
    this.worker = new Worker(BOOT, { workerData: data, transferList: [port2], execArgv: [], resourceLimits });
    this.worker.on('message', (m: FromWorker) => (m.t === 'host' ? this.serveHost(m) : this.settle(m)));
    this.worker.on('error', (err) => this.die(workerError(err, resourceLimits)));
    this.worker.on('exit', (code) => this.die(new Error(`worker boundary: the filter's worker exited (code ${code})`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    this.unref();
  }

  request(msg: DistributiveOmit<ToWorker, 'id'>, timeoutMs: number, onTimeout: Job['onTimeout']): Promise<Extract<FromWorker, { t: 'done' }>> {
    return new Promise((resolve, reject) => {
      if (this.dead !== undefined) return reject(this.dead);
      this.queue.push({ msg: msg as ToWorker, timeoutMs, onTimeout, resolve, reject });
      if (!this.busy) this.next();
    });
  }

  private next(): void {
    const job = this.queue.shift();
    if (!job) return;
    const id = this.nextId++;
    job.msg.id = id;
    const timer = setTimeout(() => this.kill(job.onTimeout(job.timeoutMs)), job.timeoutMs);
    this.busy = { ...job, id, timer };
    this.worker.postMessage(job.msg);
  }

  private settle(m: Extract<FromWorker, { t: 'done' }>): void {
    const job = this.busy;
    if (!job || job.id !== m.id) return; // the start-up message (id 0)
    clearTimeout(job.timer);
    this.busy = undefined;
    job.resolve(m);
    this.next();
  }

  private serveHost(m: Extract<FromWorker, { t: 'host' }>): void {
    let reply: HostReply;
    try {
      const host = this.host?.(m.iid);
      if (!host) throw new Error(`worker boundary: no host for instance ${m.iid}`);
      reply = { ok: true, v: callHost(host, m.op, m.a, m.b) };
    } catch (err) {
      reply = { ok: false, e: toWire(err) };
    }
    try {
      this.replies.postMessage(reply);
    } catch (err) {
      this.replies.postMessage({ ok: false, e: toWire(new Error(`worker boundary: the host's answer cannot cross to the worker: ${describe(err)}`)) });
    }
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
  }

  /** Neither the worker nor its reply port keeps the process alive (a pending call's timer does). */
  unref(): void {
    this.worker.unref();
    this.replies.unref();
  }

  /** Ends the worker; pending and queued calls are rejected with `reason`. */
  kill(reason: unknown): void {
    void this.worker.terminate();
    this.die(reason);
  }

  /** Ends the worker without calling onDeath (nobody needs it any more). */
  retire(): void {
    this.onDeath = undefined;
    this.kill(new Error('worker boundary: the worker was closed'));
  }

  private die(reason: unknown): void {
    if (this.dead !== undefined) return;
    this.dead = reason;
    // A worker blocked on a host call wakes up (and is terminated or finds its answer missing).
    Atomics.store(this.flag, 0, 2);
    Atomics.notify(this.flag, 0);
    const busy = this.busy;
    this.busy = undefined;
    if (busy) {
      clearTimeout(busy.timer);
      busy.reject(reason);
    }
    for (const job of this.queue.splice(0)) job.reject(new Error(`worker boundary: the filter's worker ended before this call ran: ${describe(reason)}`, { cause: reason }));
    this.onDeath?.(reason);
  }
}

function callHost(host: HostServices, op: HostOp, a: unknown, b: unknown): unknown {
  switch (op) {
    case 'kvGet':
      return host.kvGet(a as string);
    case 'kvSet':
      return host.kvSet(a as string, b as string);
    case 'nowMs':
      return host.nowMs();
    case 'log':
      return host.log(a as Parameters<HostServices['log']>[0], b as string);
  }
}

function workerError(err: unknown, limits: ResourceLimits | undefined): unknown {
  if ((err as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new LimitExceeded(
      'memory',
      MEMORY_MECHANISM,
      `worker boundary: the filter's worker reached its V8 heap limit (${limits?.maxOldGenerationSizeMb ?? 'default'} MiB old generation) and was ended; its instances are recreated: ${describe(err)}`,
      { cause: err },
    );
  }
  return new Error(`worker boundary: the filter's worker died (${describe(err)}); its instances are recreated`, { cause: err });
}

// Warm spares, per heap limit: workers that have started (tsx's hooks, worker.ts) and
// hold no instance. A filter's worker whose instances are all disposed goes back here
// (up to MAX_REUSE loads), so a run of short-lived loads does not start a worker each:
// as in-process, a native filter file loaded again in the same worker shares its module
// state with the earlier load. A worker that was ever terminated or died is never reused.
const MAX_SPARES = 2;
const MAX_REUSE = 16;
const spares = new Map<string, Conn[]>();

function sparesFor(resourceLimits: ResourceLimits | undefined): Conn[] {
  const key = JSON.stringify(resourceLimits ?? {});
  let list = spares.get(key);
  if (!list) spares.set(key, (list = []));
  return list;
}

function addSpare(list: Conn[], conn: Conn): void {
  conn.onDeath = () => {
    const at = list.indexOf(conn);
    if (at >= 0) list.splice(at, 1);
  };
  conn.host = undefined;
  conn.unref();
  list.push(conn);
}

function takeConn(resourceLimits: ResourceLimits | undefined): Conn {
  const list = sparesFor(resourceLimits);
  let conn: Conn | undefined;
  while ((conn = list.shift()) && conn.dead !== undefined);
  conn ??= new Conn(resourceLimits);
  // Start the next one now: a recreation or the next load should not wait for a worker to start.
  if (list.length === 0) addSpare(list, new Conn(resourceLimits));
  conn.onDeath = undefined;
  conn.uses++;
  return conn;
}

/** A worker whose filter has no instance left: kept as a spare, or ended. */
function releaseConn(conn: Conn): void {
  const list = sparesFor(conn.resourceLimits);
  if (conn.dead === undefined && conn.uses < MAX_REUSE && list.length < MAX_SPARES) addSpare(list, conn);
  else conn.retire();
}

/** Ends the spare workers (they never keep the process alive; this is for tidy tests). */
export function closeSpareWorkers(): void {
  for (const list of spares.values()) for (const conn of list.splice(0)) conn.retire();
}

// ---------------------------------------------------------------------------
// One loaded filter: its worker and its instances

interface InstanceRecord {
  config: string;
  host: HostServices;
  /** Instantiated in the current worker (false while its init runs). */
  ready: boolean;
  /** Could not be recreated after the worker ended. */
  broken?: unknown;
  recreations: number;
  cause?: string;
}

class Slot {
  conn: Conn | undefined;
  private reviving: Promise<Conn> | undefined;
  readonly instances = new Map<number, InstanceRecord>();
  private idle: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    private readonly rt: BoundaryShared,
    private readonly prepared: unknown,
  ) {}

  connect(): Promise<Conn> {
    if (this.conn && this.conn.dead === undefined) return Promise.resolve(this.conn);
    return (this.reviving ??= this.start().finally(() => (this.reviving = undefined)));
  }

  private async start(): Promise<Conn> {
    for (;;) {
      if (this.closed) throw new Error(`${this.rt.name}: the runtime was closed`);
      const conn = takeConn(this.rt.resourceLimits);
      conn.host = (iid) => this.instances.get(iid)?.host;
      try {
        await this.rt.expect(conn.request({ t: 'load', module: this.rt.target.module, export: this.rt.target.export, prepared: this.prepared }, this.rt.loadTimeoutMs, (ms) => new Error(`worker boundary: loading the filter took longer than ${ms} ms`)));
      } catch (err) {
        conn.retire();
        throw err;
      }
      const redo = [...this.instances.entries()].filter(([, r]) => r.ready && r.broken === undefined);
      for (const [iid, record] of redo) {
        try {
          await this.rt.expect(conn.request({ t: 'new', iid, config: record.config }, this.rt.budgetMs, this.rt.cpuTimeout));
        } catch (err) {
          record.broken = err;
          if (conn.dead !== undefined) break;
        }
      }
      if (conn.dead !== undefined) continue; // a re-init took the worker down: again, without it
      conn.onDeath = (reason) => this.died(conn, reason);
      this.conn = conn;
      if (this.instances.size === 0) this.scheduleIdle();
      return conn;
    }
  }

  private died(conn: Conn, reason: unknown): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    const cause = describe(reason);
    for (const r of this.instances.values()) {
      if (!r.ready) continue;
      r.recreations++;
      r.cause = cause;
    }
    // Recreate now, so the next call does not wait for it.
    if (this.instances.size > 0 && !this.closed) void this.connect().catch(() => {});
  }

  cancelIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
  }

  /** No instance left: release the worker after IDLE_MS (after load, for the first instantiate), or now (after the last dispose). */
  scheduleIdle(ms = IDLE_MS): void {
    this.cancelIdle();
    const release = () => {
      this.idle = undefined;
      if (this.instances.size > 0 || !this.conn || this.reviving) return;
      const conn = this.conn;
      this.conn = undefined;
      conn.onDeath = undefined;
      releaseConn(conn);
    };
    if (ms <= 0) return release();
    this.idle = setTimeout(release, ms);
    this.idle.unref();
  }

  close(): void {
    this.closed = true;
    this.cancelIdle();
    this.conn?.retire();
    this.conn = undefined;
  }
}

interface BoundaryShared {
  name: string;
  target: BoundaryTarget;
  budgetMs: number;
  loadTimeoutMs: number;
  resourceLimits: ResourceLimits | undefined;
  cpuTimeout: (ms: number) => Error;
  expect(p: Promise<Extract<FromWorker, { t: 'done' }>>): Promise<unknown>;
}

let nextIid = 1;

/** Wraps `target.inner` (a runtime whose instances answer synchronously) so that its filters run in workers. */
export function createBoundaryRuntime(target: BoundaryTarget, options: BoundaryOptions): Runtime {
  const limits = checkLimits(options.limits);
  const inner = target.inner;
  const name = inner.name;
  // Without a CPU budget calls are still bounded, by something long: the boundary exists to end them.
  const budgetMs = limits.cpuBudgetMs ?? 2 ** 31 - 1;
  const resourceLimits: ResourceLimits | undefined =
    limits.memoryBudgetBytes === undefined ? undefined : { maxOldGenerationSizeMb: Math.ceil(limits.memoryBudgetBytes / MiB) + WORKER_BASE_HEAP_MB };
  const slots = new Set<Slot>();

  const shared: BoundaryShared = {
    name,
    target,
    budgetMs,
    loadTimeoutMs: options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS,
    resourceLimits,
    cpuTimeout: (ms) =>
      new LimitExceeded(
        'cpu',
        `${CPU_MECHANISM} (${ms} ms)`,
        `${name}: the call ran past its CPU budget of ${ms} ms; the worker boundary terminated the filter's worker and recreates its instances`,
      ),
    async expect(p) {
      const m = await p;
      if (!m.ok) throw fromWire(m.e);
      return m.v;
    },
  };

  return {
    name,
    source: inner.source,

    async info(): Promise<RuntimeInfo> {
      const i = await inner.info();
      return { ...i, notes: `${i.notes ?? ''} ${boundaryNotes(limits, resourceLimits)}`.trim() };
    },

    async load(file: string): Promise<LoadedFilter> {
      const prepared = await target.prepare(file);
      const slot = new Slot(shared, prepared);
      slots.add(slot);
      try {
        await slot.connect();
      } catch (err) {
        slot.close();
        slots.delete(slot);
        throw err;
      }
      return {
        async instantiate(config: string, host: HostServices): Promise<FilterInstance> {
          slot.cancelIdle();
          const iid = nextIid++;
          const record: InstanceRecord = { config, host, ready: false, recreations: 0 };
          slot.instances.set(iid, record);
          try {
            const conn = await slot.connect();
            await shared.expect(conn.request({ t: 'new', iid, config }, budgetMs, shared.cpuTimeout));
            record.ready = true;
          } catch (err) {
            slot.instances.delete(iid);
            if (slot.instances.size === 0) slot.scheduleIdle();
            throw err;
          }
          let disposed = false;

          const call = (conn: Conn, ctx: RequestContext): Promise<string> => {
            if (disposed) throw new Error(`${name}: the instance of ${file} was disposed`);
            if (record.broken !== undefined) {
              throw new Error(`${name}: the instance of ${file} could not be recreated after its worker ended (${record.cause}): ${describe(record.broken)}`, { cause: record.broken });
            }
            const cfg = contextConfig(ctx);
            const send = conn.lastConfig === cfg.key ? undefined : cfg;
            conn.lastConfig = cfg.key;
            return conn.request({ t: 'call', iid, req: snapshot(ctx), cfg: send }, budgetMs, shared.cpuTimeout).then((m) => {
              if (m.ops && m.ops.length) replay(ctx, m.ops);
              if (m.ok) return m.v as string;
              throw fromWire(m.e);
            });
          };

          const instance: BoundaryInstance = {
            handle(ctx) {
              const conn = slot.conn;
              if (conn && conn.dead === undefined) return call(conn, ctx);
              return slot.connect().then((c) => call(c, ctx));
            },
            async dispose() {
              if (disposed) return;
              disposed = true;
              slot.instances.delete(iid);
              const conn = slot.conn;
              if (conn && conn.dead === undefined && record.ready) {
                await conn.request({ t: 'free', iid }, budgetMs, shared.cpuTimeout).catch(() => {});
              }
              if (slot.instances.size === 0) slot.scheduleIdle(0);
            },
            boundary: () => ({ recreations: record.recreations, cause: record.cause }),
          };
          return instance;
        },
      };
    },

    async close() {
      for (const slot of slots) slot.close();
      slots.clear();
    },
  };
}

function boundaryNotes(limits: RuntimeLimits, resourceLimits: ResourceLimits | undefined): string {
  const parts = [
    'Worker boundary (limits set): each loaded filter runs in a node:worker_threads Worker (all its instances in it); a call posts the request to the worker and awaits its result ' +
      "and edits, which are replayed on the caller's request context; host calls (kv, now-ms, log) are synchronous calls back into the host thread (Atomics.wait in the worker). " +
      'That costs tens of microseconds per call and per host call, so benchmarks run without limits and without the boundary.',
  ];
  if (limits.cpuBudgetMs !== undefined) {
    parts.push(
      `CPU budget ${limits.cpuBudgetMs} ms: a call still running at the budget is stopped by Worker.terminate() (it interrupts JavaScript and WebAssembly alike); ` +
        "the call throws LimitExceeded, and the filter's instances are recreated in a new worker (init runs again, guest state is lost).",
    );
  }
  if (resourceLimits) {
    parts.push(
      `Memory: the worker's V8 heap is capped at the budget + ${WORKER_BASE_HEAP_MB} MiB for the worker itself (resourceLimits.maxOldGenerationSizeMb = ${resourceLimits.maxOldGenerationSizeMb}); ` +
        'a JS heap bomb ends the worker, not the host, and its instances are recreated. ArrayBuffers and wasm linear memory are outside that heap.',
    );
  }
  parts.push('A worker is not a sandbox: a native filter in it has every capability of the host process (files, environment, network, processes).');
  return parts.join(' ');
}

// ---------------------------------------------------------------------------
// The built-in targets

/** native, behind the boundary. */
export async function nativeBoundary(limits: RuntimeLimits): Promise<Runtime> {
  const { default: native } = await import('../native/adapter.ts');
  const inner: Runtime = {
    ...native,
    async info() {
      const i = await native.info();
      return { ...i, notes: 'The filter module runs in a worker thread of the host (see below), called there with a request context of its own: no sandbox.' };
    },
  };
  return createBoundaryRuntime({ inner, prepare: async (file) => ({ file }), module: TARGETS, export: 'loadNative' }, { limits });
}

/** wasm (any glue mode), behind the boundary: transpiled and compiled in this thread, instantiated in the worker. */
export async function wasmBoundary(limits: RuntimeLimits, glue?: import('../wasm/adapter.ts').GlueMode): Promise<Runtime> {
  const wasm = await import('../wasm/adapter.ts');
  // The inner runtime's notes speak of what it enforces itself (the memory budget); the boundary's say the rest.
  const inner = wasm.createWasmRuntime({ glue, limits: { memoryBudgetBytes: limits.memoryBudgetBytes } });
  return createBoundaryRuntime({ inner, prepare: (file) => wasm.compileComponent(file, { glue, limits }), module: TARGETS, export: 'loadWasm' }, { limits });
}

