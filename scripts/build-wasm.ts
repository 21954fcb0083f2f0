// npm run build:wasm            rebuild every filter.c into the filter.wasm beside it
// npm run build:wasm -- --check rebuild in memory; exit 1 naming each committed
//                               filter.wasm that is stale or missing
// The logic is runtimes/wasm/build.ts.

import { relative } from 'node:path';
import { ClangMissingError, FilterBuildError, REPO_ROOT, buildAll } from '../runtimes/wasm/build.ts';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--check');
if (unknown.length) {
  console.error(`build-wasm: unknown argument ${unknown.join(' ')} (usage: build-wasm [--check])`);
  process.exit(2);
}
const check = args.includes('--check');

try {
  const results = await buildAll({
    check,
    onWarning: (source, text) => console.error(`build-wasm: warnings in ${source}:\n${text}`),
  });
  const rel = (p: string) => relative(REPO_ROOT, p);
  if (results.length === 0) console.error('build-wasm: no filter.c found');
  if (check) {
    const bad = results.filter((r) => r.status === 'stale' || r.status === 'missing');
    for (const r of results) console.error(`${r.status.padEnd(10)} ${rel(r.output)}`);
    if (bad.length) {
      for (const r of bad) {
        console.error(`build-wasm: ${rel(r.output)} is ${r.status === 'missing' ? 'missing' : 'stale: it differs from a fresh build of ' + rel(r.source)}`);
      }
      console.error('build-wasm: run `npm run build:wasm` and commit the result');
      process.exit(1);
    }
  } else {
    for (const r of results) console.error(`${r.status.padEnd(10)} ${rel(r.output)}`);
  }
} catch (err) {
  if (err instanceof ClangMissingError || err instanceof FilterBuildError) {
    console.error(`build-wasm: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
