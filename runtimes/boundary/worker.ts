// The worker side of runtimes/boundary: loads one filter (through the module
// and export the main thread names), instantiates it, and runs calls against a
// request context of its own (the ABI's class, same limits and sensitive-header
// policy), sending back the result and the edits to replay. Host calls the guest
// makes (kv, clock, log) are synchronous calls into the main thread: post the
// call, block in Atomics.wait until the main thread has answered on the reply
// port, read the answer with receiveMessageOnPort.

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { FilterInstance, HostServices, LoadedFilter, LogLevel } from '../abi/types.ts';
import { fromWire, RecordingContext, toWire, type ContextConfig, type FromWorker, type HostOp, type HostReply, type ToWorker, type WorkerData } from './protocol.ts';

const data = workerData as WorkerData;
const port = parentPort!;
const flag = new Int32Array(data.flag);
const replies = data.replies;

function hostCall(iid: number, op: HostOp, a?: unknown, b?: unknown): unknown {
  Atomics.store(flag, 0, 0);
  port.postMessage({ t: 'host', iid, op, a, b } satisfies FromWorker);
  Atomics.wait(flag, 0, 0);
  const got = receiveMessageOnPort(replies) as { message: HostReply } | undefined;
  if (!got) throw new Error('worker boundary: the host did not answer a host call');
  const reply = got.message;
  if (reply.ok) return reply.v;
  throw fromWire(reply.e);
}

function hostFor(iid: number): HostServices {
  return {
    kvGet: (key) => hostCall(iid, 'kvGet', key) as string | undefined,
    kvSet: (key, value) => void hostCall(iid, 'kvSet', key, value),
    nowMs: () => hostCall(iid, 'nowMs') as number,
    log: (level: LogLevel, message) => void hostCall(iid, 'log', level, message),
  };
}

let loaded: LoadedFilter | undefined;
const instances = new Map<number, FilterInstance>();
const contexts = new Map<string, RecordingContext>();
let ctx: RecordingContext | undefined;

function done(id: number, v: unknown, ops?: RecordingContext['ops']): void {
  port.postMessage({ t: 'done', id, ok: true, v, ops } satisfies FromWorker);
}

function failed(id: number, err: unknown, ops?: RecordingContext['ops']): void {
  port.postMessage({ t: 'done', id, ok: false, e: toWire(err), ops } satisfies FromWorker);
}

function useConfig(cfg: ContextConfig): void {
  let c = contexts.get(cfg.key);
  if (!c) contexts.set(cfg.key, (c = RecordingContext.forConfig(cfg)));
  ctx = c;
}

async function call(m: Extract<ToWorker, { t: 'call' }>): Promise<void> {
  if (m.cfg) useConfig(m.cfg);
  const c = ctx!.start(m.req);
  try {
    const inst = instances.get(m.iid);
    if (!inst) throw new Error(`worker boundary: no instance ${m.iid} in this worker`);
    let r: unknown = inst.handle(c);
    if (r instanceof Promise) r = await r;
    done(m.id, r, c.ops);
  } catch (err) {
    failed(m.id, err, c.ops);
  }
}

async function other(m: ToWorker): Promise<void> {
  try {
    switch (m.t) {
      case 'load': {
        const mod = (await import(m.module)) as Record<string, (prepared: unknown) => Promise<LoadedFilter>>;
        const fn = mod[m.export];
        if (typeof fn !== 'function') throw new Error(`worker boundary: ${m.module} has no export ${m.export}`);
        loaded = await fn(m.prepared);
        done(m.id, undefined);
        return;
      }
      case 'new': {
        if (!loaded) throw new Error('worker boundary: nothing is loaded in this worker');
        instances.set(m.iid, await loaded.instantiate(m.config, hostFor(m.iid)));
        done(m.id, undefined);
        return;
      }
      case 'free': {
        const inst = instances.get(m.iid);
        instances.delete(m.iid);
        await inst?.dispose();
        done(m.id, undefined);
        return;
      }
    }
  } catch (err) {
    failed(m.id, err);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'call') void call(m);
  else void other(m);
});
port.postMessage({ t: 'done', id: 0, ok: true } satisfies FromWorker);
