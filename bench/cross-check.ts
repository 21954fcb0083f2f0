// Does an independent client agree with autocannon? The same gateway (bare,
// and each runtime named) replaying the same corpus bytes is driven in turn by
// autocannon (bench/load-client.ts, a Node process) and by wrk (C, Debian's
// `wrk` package), with the same connection count and duration; the script
// prints both figures and their ratio, and flags a req/s ratio outside ±40%.
//
//   npx tsx bench/cross-check.ts [--workloads noop,headers] [--runtimes native]
//                                [--duration 5] [--connections 4] [--rounds 2]
//
// wrk replays the corpus through a generated Lua script whose request()
// returns pre-built raw requests (the bytes autocannon sends), round-robin per
// wrk thread. Its done() prints requests, duration, errors and latency
// percentiles as JSON. No response() callback: that would make wrk build a Lua
// table per response and slow it down.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Runtime } from '../runtimes/abi/types.ts';
import { builtinRuntime, selectBuiltins } from '../runtimes/index.ts';
import { selectWorkloads } from '../workloads/index.ts';
import type { Workload } from '../workloads/types.ts';
import { startGateway } from './gateway.ts';
import { replayRequests } from './load-client.ts';
import { LoadClient } from './load.ts';
import { prepareCorpus } from './verify.ts';

export interface WrkFigures {
  requests: number;
  requestsPerSec: number;
  durationS: number;
  latencyMs: { mean: number; p50: number; p99: number; max: number };
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
}

/** wrk's version line, or undefined when it is not installed. */
export function wrkVersion(): string | undefined {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) return undefined;
  const line = `${r.stdout}${r.stderr}`.split('\n')[0]?.trim();
  return line || 'wrk';
}

const LUA = `
local f = assert(io.open(DATA, "rb"))
local data = f:read("*a")
f:close()
local reqs, pos = {}, 1
for _, n in ipairs(LENGTHS) do
  reqs[#reqs + 1] = data:sub(pos, pos + n - 1)
  pos = pos + n
end
local i = 0
request = function()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nPLUGBENCH {"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"mean":%.3f,"p50":%d,"p99":%d,"max":%d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(99), latency.max))
end
`;

/** Runs wrk against `url` replaying `raws`; resolves with its figures. */
export async function runWrk(url: string, raws: readonly Buffer[], o: { connections: number; durationS: number; threads?: number }): Promise<WrkFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'plugbench-wrk-'));
  try {
    const data = join(dir, 'requests.bin');
    writeFileSync(data, Buffer.concat(raws));
    const script = join(dir, 'replay.lua');
    writeFileSync(script, `local DATA = ${JSON.stringify(data)}\nlocal LENGTHS = {${raws.map((r) => r.length).join(',')}}\n${LUA}`);
    const threads = Math.max(1, Math.min(o.threads ?? 1, o.connections));
    const args = ['-t', String(threads), '-c', String(o.connections), '-d', `${Math.max(1, Math.round(o.durationS))}s`, '--timeout', '10s', '-s', script, url];
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), (o.durationS + 30) * 1000);
      // This process ending (Ctrl-C) ends wrk too.
      const stop = () => child.kill('SIGTERM');
      process.once('exit', stop);
      child.once('error', (err) => reject(new Error(`cannot run wrk: ${err.message}`)));
      child.once('close', (code) => {
        clearTimeout(timer);
        process.off('exit', stop);
        if (code === 0) resolve(text);
        else reject(new Error(`wrk exited with ${code}: ${text.trim().slice(-500)}`));
      });
    });
    const m = /^PLUGBENCH (\{.*\})$/m.exec(out);
    if (!m) throw new Error(`wrk printed no figures: ${out.trim().slice(-500)}`);
    const j = JSON.parse(m[1]!) as {
      requests: number;
      durationUs: number;
      errors: WrkFigures['errors'];
      latencyUs: { mean: number; p50: number; p99: number; max: number };
    };
    const durationS = j.durationUs / 1e6;
    return {
      requests: j.requests,
      requestsPerSec: j.requests / durationS,
      durationS,
      latencyMs: { mean: j.latencyUs.mean / 1000, p50: j.latencyUs.p50 / 1000, p99: j.latencyUs.p99 / 1000, max: j.latencyUs.max / 1000 },
      errors: j.errors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CrossCheckRow {
  target: string;
  workload: string;
  autocannon: { requestsPerSec: number; p50: number; p99: number; cpuPercent: number; errors: number };
  wrk: { requestsPerSec: number; p50: number; p99: number; errors: number };
  /** wrk req/s ÷ autocannon req/s. */
  ratio: number;
}

export async function crossCheck(o: {
  runtimes: Runtime[];
  workloads: Workload[];
  connections: number;
  durationS: number;
  warmupS: number;
  rounds: number;
  onRow?(row: CrossCheckRow): void;
}): Promise<CrossCheckRow[]> {
  const client = await LoadClient.start();
  const rows: CrossCheckRow[] = [];
  try {
    for (const workload of o.workloads) {
      for (const runtime of [undefined, ...o.runtimes]) {
        const gateway = await startGateway({ runtime, workload, maxInstances: o.connections });
        try {
          const tag = gateway.replayItems > 0;
          const raws = replayRequests(prepareCorpus(workload), tag).map((r) => r.raw);
          for (let round = 0; round < o.rounds; round++) {
            // Alternate which client goes first, so drift on a shared machine hits both alike.
            const ac = async () =>
              client.run({
                url: gateway.url,
                workload: workload.name,
                connections: o.connections,
                durationS: o.durationS,
                warmupS: o.warmupS,
                timeoutS: 10,
                tag,
                filtered: runtime !== undefined,
              });
            const wk = async () => {
              if (o.warmupS > 0) await runWrk(gateway.url, raws, { connections: o.connections, durationS: o.warmupS });
              return runWrk(gateway.url, raws, { connections: o.connections, durationS: o.durationS });
            };
            let a, w;
            if (round % 2 === 0) {
              a = await ac();
              w = await wk();
            } else {
              w = await wk();
              a = await ac();
            }
            const e = w.errors;
            const row: CrossCheckRow = {
              target: runtime?.name ?? 'bare',
              workload: workload.name,
              autocannon: { requestsPerSec: a.requestsPerSec, p50: a.latencyMs.p50, p99: a.latencyMs.p99, cpuPercent: a.cpuPercent, errors: a.errors + a.gatewayErrors },
              wrk: { requestsPerSec: w.requestsPerSec, p50: w.latencyMs.p50, p99: w.latencyMs.p99, errors: e.connect + e.read + e.write + e.timeout },
              ratio: w.requestsPerSec / a.requestsPerSec,
            };
            rows.push(row);
            o.onRow?.(row);
          }
        } finally {
          await gateway.close();
        }
      }
    }
  } finally {
    await client.close();
  }
  return rows;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      workloads: { type: 'string', default: 'noop,headers' },
      runtimes: { type: 'string', default: 'native' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '2' },
    },
  });
  const version = wrkVersion();
  if (!version) {
    process.stderr.write('cross-check: wrk is not installed (Debian: apt-get install -y wrk)\n');
    return 2;
  }
  const runtimes = await Promise.all(selectBuiltins(values.runtimes).map((n) => builtinRuntime(n)));
  const workloads = await selectWorkloads(values.workloads!.split(','));
  const o = { connections: Number(values.connections), durationS: Number(values.duration), warmupS: Number(values.warmup), rounds: Number(values.rounds) };
  process.stderr.write(`cross-check: autocannon vs ${version}, ${o.connections} connections, ${o.durationS} s, ${o.rounds} rounds each\n`);
  const f = (n: number) => n.toFixed(n < 10 ? 2 : 0);
  const header = 'target   workload        autocannon req/s  wrk req/s  wrk/ac   ac p50/p99 ms   wrk p50/p99 ms  ac CPU  errors ac/wrk';
  process.stdout.write(header + '\n' + '-'.repeat(header.length) + '\n');
  let outside = 0;
  const rows = await crossCheck({
    runtimes,
    workloads,
    ...o,
    onRow(r) {
      const flag = r.ratio < 0.6 || r.ratio > 1.4 ? '  OUTSIDE ±40%' : '';
      if (flag) outside++;
      process.stdout.write(
        `${r.target.padEnd(8)} ${r.workload.padEnd(15)} ${f(r.autocannon.requestsPerSec).padStart(16)} ${f(r.wrk.requestsPerSec).padStart(10)} ` +
          `${r.ratio.toFixed(2).padStart(6)}   ${`${f(r.autocannon.p50)}/${f(r.autocannon.p99)}`.padStart(13)}   ${`${f(r.wrk.p50)}/${f(r.wrk.p99)}`.padStart(14)}  ` +
          `${`${r.autocannon.cpuPercent.toFixed(0)}%`.padStart(6)}  ${r.autocannon.errors}/${r.wrk.errors}${flag}\n`,
      );
    },
  });
  for (const rt of runtimes) await rt.close?.();
  process.stdout.write(`\n${rows.length - outside} of ${rows.length} rows agree within ±40% on req/s.\n`);
  return outside === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('SIGINT', () => process.exit(130));
  process.exit(await main());
}
