// What a call into a C component costs with jco-transpile's generated glue, with its
// per-call JCO_DEBUG read hoisted, and on the adapter's direct path, measured in one
// run on the noop and headers filters. The figures in runtimes/wasm/README.md come
// from here.
//
//   npx tsx runtimes/wasm/glue-cost.ts [--rounds N] [--batch-ms MS]
//
// It also prints the cold start of the headers filter on the direct path.
//
// Rounds interleave the variants (each round times one batch of each), and each
// figure is the median over rounds, so drift on a busy machine hits all alike.
// "context" is the floor for headers: the same request-context calls the filter
// makes, replayed directly in JS (no wasm, no lifting or lowering).

import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RequestContext, prepareRequest } from '../abi/context.ts';
import type { PreparedRequest } from '../abi/context.ts';
import { Deployment } from '../abi/host.ts';
import type { FilterInstance } from '../abi/types.ts';
import { createWasmRuntime } from './adapter.ts';
import type { GlueMode } from './adapter.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const VARIANTS: ReadonlyArray<{ glue: GlueMode; label: string }> = [
  { glue: 'jco', label: 'jco glue as generated' },
  { glue: 'jco-hoisted-debug', label: 'jco glue, JCO_DEBUG read hoisted' },
  { glue: 'direct', label: 'direct (adapter default)' },
];

/** A browser request through a proxy: what the headers workload's corpus is made of. */
export const SAMPLE_REQUEST = prepareRequest({
  method: 'GET',
  path: '/products/42?ref=home&utm_source=news',
  headers: [
    ['Host', 'shop.example.com'],
    ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'],
    ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
    ['Accept-Language', 'en-GB,en;q=0.9'],
    ['Accept-Encoding', 'gzip, deflate, br'],
    ['Connection', 'keep-alive'],
    ['Proxy-Connection', 'keep-alive'],
    ['X-Legacy-User', 'alice'],
    ['Via', '1.1 edge-7'],
    ['Cookie', 'session=abc123'],
  ],
  body: new Uint8Array(0),
});

export interface GlueCostRow {
  workload: string;
  variant: string;
  usPerCall: number;
}

export interface ColdStart {
  /** The first load in the process: also compiles jco's own bindgen component. */
  firstLoadMs: number;
  /** A later load of the same file: read, transpile, import the glue, compile the core modules. */
  loadMs: number;
  instantiateMs: number;
  firstCallMs: number;
}

/** Cold start of the headers filter on the direct path (bench/coldstart.ts is the harness's figure). */
export async function measureColdStart(): Promise<ColdStart> {
  const file = join(ROOT, 'workloads/headers/filter.wasm');
  const runtime = createWasmRuntime();
  let t = performance.now();
  await runtime.load(file);
  const firstLoadMs = performance.now() - t;
  t = performance.now();
  const loaded = await runtime.load(file);
  const loadMs = performance.now() - t;
  t = performance.now();
  const instance = await loaded.instantiate('{}', new Deployment().host);
  const instantiateMs = performance.now() - t;
  t = performance.now();
  instance.handle(new RequestContext().reset(SAMPLE_REQUEST));
  const firstCallMs = performance.now() - t;
  return { firstLoadMs, loadMs, instantiateMs, firstCallMs };
}

function timeBatch(fn: () => void, calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return ((performance.now() - t0) * 1000) / calls;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Records the request-context calls one handle() makes, as a replayable closure. */
function recordContextCalls(instance: FilterInstance, req: PreparedRequest): (ctx: RequestContext) => void {
  const calls: Array<[string, unknown[]]> = [];
  const real = new RequestContext();
  real.reset(req);
  const recorder = new Proxy(real, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push([name, args]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  instance.handle(recorder);
  return (ctx) => {
    const c = ctx as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const [name, args] of calls) c[name]!(...args);
  };
}

export async function measureGlueCost(options: { rounds?: number; batchMs?: number; log?: (s: string) => void } = {}): Promise<GlueCostRow[]> {
  const rounds = options.rounds ?? 7;
  const batchMs = options.batchMs ?? 150;
  const log = options.log ?? (() => {});
  const req = SAMPLE_REQUEST;
  const ctx = new RequestContext();

  type Case = { workload: string; variant: string; fn: () => void; calls: number; samples: number[] };
  const cases: Case[] = [];
  for (const workload of ['noop', 'headers']) {
    const file = join(ROOT, 'workloads', workload, 'filter.wasm');
    let direct: FilterInstance | undefined;
    for (const { glue, label } of VARIANTS) {
      log(`loading ${workload} with ${label}`);
      const instance = await (await createWasmRuntime({ glue }).load(file)).instantiate('{}', new Deployment().host);
      if (glue === 'direct') direct = instance;
      cases.push({ workload, variant: label, fn: () => void instance.handle(ctx.reset(req)), calls: 0, samples: [] });
    }
    if (workload === 'headers' && direct) {
      const replay = recordContextCalls(direct, req);
      cases.push({ workload, variant: 'context only (floor)', fn: () => replay(ctx.reset(req)), calls: 0, samples: [] });
    }
  }

  // Warm up (tier-up to optimized code) and size each batch to about batchMs.
  for (const c of cases) {
    timeBatch(c.fn, 200);
    let calls = 100;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) c.fn();
      const ms = performance.now() - t0;
      if (ms >= 20) {
        c.calls = Math.max(50, Math.round((calls * batchMs) / ms));
        break;
      }
      calls *= 4;
    }
  }
  for (let r = 0; r < rounds; r++) {
    log(`round ${r + 1}/${rounds}`);
    for (const c of cases) c.samples.push(timeBatch(c.fn, c.calls));
  }
  return cases.map((c) => ({ workload: c.workload, variant: c.variant, usPerCall: median(c.samples) }));
}

export function formatGlueCost(rows: GlueCostRow[], cold?: ColdStart): string {
  const lines: string[] = [];
  const cpu = cpus();
  lines.push(`machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown cpu'}), Node ${process.versions.node}, V8 ${process.versions.v8}`);
  lines.push('');
  if (cold) {
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    lines.push(
      `cold start (headers, direct): first load in the process ${ms(cold.firstLoadMs)}, later loads ${ms(cold.loadMs)}, ` +
        `instantiate ${ms(cold.instantiateMs)}, first call ${ms(cold.firstCallMs)}`,
    );
    lines.push('');
  }
  lines.push('workload  variant                              µs/call   × direct   jco glue share');
  for (const workload of new Set(rows.map((r) => r.workload))) {
    const of = rows.filter((r) => r.workload === workload);
    const direct = of.find((r) => r.variant.startsWith('direct'))!.usPerCall;
    for (const r of of) {
      const share = r.variant.startsWith('jco') ? `${(100 * (1 - direct / r.usPerCall)).toFixed(1)}%` : '';
      lines.push(
        `${workload.padEnd(9)} ${r.variant.padEnd(36)} ${r.usPerCall.toFixed(3).padStart(8)}   ${(r.usPerCall / direct).toFixed(2).padStart(7)}×   ${share.padStart(8)}`,
      );
    }
    const jco = of.find((r) => r.variant === VARIANTS[0]!.label)!.usPerCall;
    const hoisted = of.find((r) => r.variant === VARIANTS[1]!.label)!.usPerCall;
    lines.push(`${''.padEnd(9)} the per-call JCO_DEBUG read is ${(100 * (1 - hoisted / jco)).toFixed(1)}% of the generated glue's call`);
    const floor = of.find((r) => r.variant.startsWith('context'));
    if (floor) {
      lines.push(`${''.padEnd(9)} direct: ${(100 * (floor.usPerCall / direct)).toFixed(1)}% request-context work, ${(100 * (1 - floor.usPerCall / direct)).toFixed(1)}% wasm + crossings`);
    }
  }
  lines.push('');
  lines.push('jco glue share = 1 − direct / variant: the part of the call spent in jco\'s per-call wrappers.');
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const num = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const cold = await measureColdStart();
  const rows = await measureGlueCost({ rounds: num('--rounds'), batchMs: num('--batch-ms'), log: (s) => console.error(s) });
  console.log(formatGlueCost(rows, cold));
}
