// What a call into a wasmoon Lua filter costs, by binding approach, in one run:
//
//   npx tsx runtimes/lua/call-cost.ts [--rounds 7] [--calls 20000] [--clock wall|cpu]
//
// Approaches (noop = handle() returns "", headers = workloads/headers):
//   highlevel  wasmoon's own API: handle fetched once as a JS proxy function,
//              host functions as JS functions set with global.set
//   hl+trace   the same with traceAllocations: true (wasmoon's way to know a
//              state's memory: a JS allocator called on every Lua allocation)
//   cwrap      noop only: the Lua C API through wasmoon's cwrap/ccall wrappers
//              (lua.global.lua.lua_pcallk ...)
//   wrapped    this adapter on emscripten's exported wrappers (module._lua_*)
//              and emscripten's setjmp trampoline (invoke_vii)
//   raw        this adapter on the raw wasm exports, emscripten's trampoline
//   raw+lean   this adapter on the raw wasm exports and the lean trampoline
//              (the default)
//   native     reference: the TypeScript filter on the same request context
//
// Rounds are interleaved so background load hits every approach alike; the
// table gives the minimum and the median µs per call over the rounds. On a
// busy machine, --clock cpu (this process's CPU time) is steadier than wall time.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LuaFactory } from 'wasmoon';
import { RequestContext, prepareRequest, type PreparedRequest } from '../abi/context.ts';
import { Deployment } from '../abi/host.ts';
import type { FilterModule } from '../abi/types.ts';
import { createLuaRuntime } from './adapter.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const workloadFile = (name: string, file: string) => path.join(ROOT, 'workloads', name, file);

type Call = (req: PreparedRequest) => unknown;

async function corpusOf(name: string): Promise<PreparedRequest[]> {
  const mod = (await import(pathToUrl(workloadFile(name, 'corpus.ts')))) as { corpus(): Array<{ request: Parameters<typeof prepareRequest>[0] }> };
  return mod.corpus().map((item) => prepareRequest(item.request));
}

function pathToUrl(p: string): string {
  return new URL(`file://${p}`).href;
}

/** wasmoon's high-level API, the way its README shows it. */
async function highLevel(file: string, ctx: RequestContext, dep: Deployment, traceAllocations = false): Promise<Call> {
  const { readFile } = await import('node:fs/promises');
  const engine = await new LuaFactory().createEngine({ enableProxy: false, traceAllocations });
  const g = engine.global;
  const current = { ctx };
  const host = dep.host;
  g.set('__req', {
    method: () => current.ctx.method(),
    path: () => current.ctx.path(),
    set_path: (p: string) => current.ctx.setPath(p),
    header: (n: string) => current.ctx.header(n),
    header_names: () => current.ctx.headerNames(),
    set_header: (n: string, v: string) => current.ctx.setHeader(n, v),
    add_header: (n: string, v: string) => current.ctx.addHeader(n, v),
    remove_header: (n: string) => current.ctx.removeHeader(n),
    body: () => new TextDecoder().decode(current.ctx.body()), // lossy: not binary-safe
    set_body: (s: string) => current.ctx.setBody(s),
    respond: (status: number, headers: Array<[string, string]>, body?: string) =>
      current.ctx.respond(status, (headers ?? []).map((p) => [p[0]!, p[1]!] as [string, string]), body ?? ''),
  });
  g.set('__host', {
    kv_get: (k: string) => host.kvGet(k),
    kv_set: (k: string, v: string) => host.kvSet(k, v),
    now_ms: () => host.nowMs(),
    log: (l: 'info', m: string) => host.log(l, m),
  });
  // enableProxy: false turns the objects into Lua tables of functions.
  await engine.doString('req = __req; host = __host');
  await engine.doString(await readFile(file, 'utf8'));
  const handle = g.get('handle') as () => unknown;
  return () => handle() ?? '';
}

/** The C API through wasmoon's cwrap'd functions (ccall, strings converted per call). */
async function cwrapNoop(file: string): Promise<Call> {
  const { readFile } = await import('node:fs/promises');
  const engine = await new LuaFactory().createEngine();
  await engine.doString(await readFile(file, 'utf8'));
  const lua = engine.global.lua;
  const L = engine.global.address;
  lua.lua_getglobal(L, 'handle'); // keep the function at the top
  const base = lua.lua_gettop(L);
  return () => {
    lua.lua_pushvalue(L, base);
    if (lua.lua_pcallk(L, 0, 1, 0, 0, null) !== 0) throw new Error(lua.lua_tolstring(L, -1, null));
    const result = lua.lua_tolstring(L, -1, null);
    lua.lua_settop(L, base);
    return result;
  };
}

async function adapter(api: 'raw' | 'wrapped', leanInvoke: boolean, file: string, ctx: RequestContext, dep: Deployment): Promise<Call> {
  const runtime = createLuaRuntime({ api, leanInvoke });
  const loaded = await runtime.load(file);
  const inst = await loaded.instantiate('{}', dep.host);
  const notes = (await runtime.info()).notes ?? '';
  if (api === 'raw' && notes.includes('could not be captured')) console.error('warning: raw exports not captured');
  if (leanInvoke && !notes.includes('lean setjmp')) console.error('warning: lean trampoline not installed');
  return () => inst.handle(ctx);
}

async function native(file: string, ctx: RequestContext, dep: Deployment): Promise<Call> {
  const filter = ((await import(pathToUrl(file))) as { default: FilterModule }).default;
  filter.init?.('{}', dep.host);
  return () => filter.handle(ctx, dep.host) ?? '';
}

let clock: 'wall' | 'cpu' = 'wall';

/** µs since some origin, by the chosen clock. */
function now(): number {
  if (clock === 'wall') return Number(process.hrtime.bigint()) / 1000;
  const { user, system } = process.cpuUsage();
  return user + system;
}

function time(call: Call, ctx: RequestContext, items: PreparedRequest[], n: number): number {
  const mask = items.length - 1; // corpora are 256 items
  const t0 = now();
  for (let i = 0; i < n; i++) {
    ctx.reset(items[i & mask]!);
    call(items[i & mask]!);
  }
  return (now() - t0) / n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '7' },
      calls: { type: 'string', default: '20000' },
      clock: { type: 'string', default: 'wall' },
    },
  });
  if (values.clock !== 'wall' && values.clock !== 'cpu') throw new Error('--clock is wall or cpu');
  clock = values.clock;
  const rounds = Number(values.rounds);
  const calls = Number(values.calls);

  const rows: Array<{ workload: string; approach: string; call: Call }> = [];
  const ctx = new RequestContext();
  const dep = new Deployment();
  const corpora: Record<string, PreparedRequest[]> = {};

  for (const workload of ['noop', 'headers']) {
    corpora[workload] = await corpusOf(workload);
    const lua = workloadFile(workload, 'filter.lua');
    rows.push({ workload, approach: 'highlevel', call: await highLevel(lua, ctx, dep) });
    rows.push({ workload, approach: 'hl+trace', call: await highLevel(lua, ctx, dep, true) });
    if (workload === 'noop') rows.push({ workload, approach: 'cwrap', call: await cwrapNoop(lua) });
    rows.push({ workload, approach: 'wrapped', call: await adapter('wrapped', false, lua, ctx, dep) });
    rows.push({ workload, approach: 'raw', call: await adapter('raw', false, lua, ctx, dep) });
    rows.push({ workload, approach: 'raw+lean', call: await adapter('raw', true, lua, ctx, dep) });
    rows.push({ workload, approach: 'native', call: await native(workloadFile(workload, 'filter.ts'), ctx, dep) });
  }

  const samples = rows.map(() => [] as number[]);
  for (const row of rows) time(row.call, ctx, corpora[row.workload]!, Math.min(calls, 5000)); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [i, row] of rows.entries()) samples[i]!.push(time(row.call, ctx, corpora[row.workload]!, calls));
  }

  const fmt = (x: number) => x.toFixed(3).padStart(8);
  console.log(`µs per call (${clock} clock), ${rounds} interleaved rounds of ${calls} calls (node ${process.version})`);
  console.log(`${'workload'.padEnd(9)} ${'approach'.padEnd(10)} ${'min'.padStart(8)} ${'median'.padStart(8)}`);
  for (const [i, row] of rows.entries()) {
    const s = samples[i]!.slice().sort((a, b) => a - b);
    console.log(`${row.workload.padEnd(9)} ${row.approach.padEnd(10)} ${fmt(s[0]!)} ${fmt(s[s.length >> 1]!)}`);
  }
}

await main();
