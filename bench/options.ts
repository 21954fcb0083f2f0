// Command-line flags shared by the commands (DESIGN §6).

import { parseArgs } from 'node:util';

export interface CommonOptions {
  quick: boolean;
  runtimes?: string;
  workloads?: string[];
  externalRuntimes: string[];
  json?: string;
  noLoad: boolean;
  /** HTTP load: fixed overall rate, requests/s (closed loop when absent). */
  rate?: number;
  /** HTTP load: concurrent connections (default from the profile). */
  connections?: number;
  remoteUrl?: string;
  /** Cold start and memory: these workloads instead of the profile's ('all', or [] for none). */
  footprintWorkloads?: string[] | 'all';
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

  --quick                 the CI-sized profile (short timing per runtime)
  --runtimes a,b          built-in runtimes: native, lua, quickjs, wasm, remote (the default set),
                          wasm-jco, wasm-jco-hoisted-debug (jco's own glue, for comparison), or none
  --workloads x,y         workloads to run (default: all)
  --runtime ./adapter.ts  add an external runtime adapter (repeatable)
  --json FILE             where to write the results file (default: reports/out/<stamp>.json)
  --no-load               skip the HTTP load phase
  --footprint-workloads x,y
                          cold start and memory for these workloads instead of the profile's
                          (quick: noop; default: noop,jwt-auth), 'all', or 'none' to skip both
  --connections N         HTTP load: concurrent connections (quick 4, default 16)
  --rate N                HTTP load at a fixed N requests/s overall (autocannon overallRate)
                          instead of closed loop; see bench/load.ts on coordinated omission
  --remote-url URL        measure a running remote filter service instead of starting one
  -h, --help              this text
`;

function positive(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number ≥ 1, not ${JSON.stringify(text)}`);
  return n;
}

function footprintList(text: string | undefined): string[] | 'all' | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === 'all') return 'all';
  if (t === 'none') return [];
  const list = t.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new Error(`--footprint-workloads needs workload names, 'all' or 'none', not ${JSON.stringify(text)}`);
  return list;
}

export function parseCommonOptions(argv: string[]): CommonOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      runtimes: { type: 'string' },
      workloads: { type: 'string' },
      runtime: { type: 'string', multiple: true, default: [] },
      json: { type: 'string' },
      'no-load': { type: 'boolean', default: false },
      connections: { type: 'string' },
      rate: { type: 'string' },
      'remote-url': { type: 'string' },
      'footprint-workloads': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    quick: values.quick!,
    runtimes: values.runtimes,
    workloads: values.workloads?.split(',').map((s) => s.trim()).filter(Boolean),
    externalRuntimes: values.runtime!,
    json: values.json,
    noLoad: values['no-load']!,
    rate: positive('--rate', values.rate),
    connections: positive('--connections', values.connections),
    remoteUrl: values['remote-url'],
    footprintWorkloads: footprintList(values['footprint-workloads']),
    help: values.help!,
  };
}
