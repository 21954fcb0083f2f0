// Builds C filters into WebAssembly components: filter.c → core module (clang,
// wasm32-wasi, -O2, reactor, linked against wasi-libc) → component (wit-component's embed + new, through
// jco-transpile's wasm-tools). The output, filter.wasm, sits next to its filter.c
// and is committed; builds are reproducible, so `--check` can tell a stale one.
//
// The jco CLI's `embed` fails on this machine ("failed to get path metadata (os
// error 44)": its WASI filesystem cannot see the WIT path), so the WIT text is
// passed in memory to the JS API.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentEmbed, componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '../..');
export const SDK_DIR = join(HERE, 'sdk');
export const WIT_FILE = join(REPO_ROOT, 'runtimes/abi/filter.wit');
export const WORLD = 'gateway-filter';

/** Folders searched for filter.c, relative to the repository root. */
export const SOURCE_ROOTS = ['workloads', 'conformance', 'test/fixtures/wasm'];

/** The only core imports a plugbench guest may have: the ABI, nothing from WASI. */
const ALLOWED_CORE_MODULES = new Set(['plugbench:filter/request@0.1.0', 'plugbench:filter/host@0.1.0']);

export const COMPILE_FLAGS: readonly string[] = [
  '--target=wasm32-wasi',
  '-O2',
  '-std=c11',
  '-Wall',
  '-Wextra',
  // An undeclared function would become an `env` import, which checkCoreImports refuses anyway.
  '-Werror=implicit-function-declaration',
];

// Linking is a separate step with no -O flag: an optimizing clang link runs wasm-opt
// when it finds one (in its own directory or on PATH: `npm run` puts binaryen's from
// node_modules/.bin there), which would make the output depend on the environment.
export const LINK_FLAGS: readonly string[] = [
  '--target=wasm32-wasi',
  '-mexec-model=reactor',
  // The shadow stack below the data: an overflow traps (address below 0) instead of
  // silently overwriting the guest's globals.
  '-Wl,--stack-first',
  '-Wl,-z,stack-size=65536',
  // wasi-libc's archives carry DWARF; it would only bloat the component.
  '-Wl,--strip-debug',
];

export class ClangMissingError extends Error {
  constructor(what: string) {
    super(
      `${what}: building C filters needs clang with the wasm32-wasi target, lld and wasi-libc ` +
        '(Debian/Ubuntu: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32; or set CLANG to a wasi-sdk clang)',
    );
    this.name = 'ClangMissingError';
  }
}

export class FilterBuildError extends Error {
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`cannot build ${source}: ${detail}`);
    this.name = 'FilterBuildError';
  }
}

function clangCommand(): string {
  return process.env.CLANG || 'clang';
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new ClangMissingError(`${cmd} not found`) : err));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** Throws ClangMissingError when clang cannot be run or has no wasi-libc for wasm32-wasi. */
export async function checkClang(): Promise<string> {
  const clang = clangCommand();
  const sysroot = process.env.WASI_SYSROOT ? [`--sysroot=${process.env.WASI_SYSROOT}`] : [];
  const { code, stdout, stderr } = await run(clang, ['--target=wasm32-wasi', ...sysroot, '-print-file-name=libc.a']);
  if (code !== 0) throw new ClangMissingError(`${clang} --target=wasm32-wasi failed (${stderr.trim()})`);
  // clang prints the bare name back when the library is not in its search path.
  if (!isAbsolute(stdout.trim())) throw new ClangMissingError(`${clang} has no wasi-libc for wasm32-wasi`);
  return clang;
}

/** Compiles one filter.c to a core module. Warnings go to `onWarning`. */
export async function compileCore(source: string, onWarning: (text: string) => void = () => {}): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'plugbench-cc-'));
  try {
    const obj = join(dir, 'filter.o');
    const out = join(dir, 'filter.core.wasm');
    const sysroot = process.env.WASI_SYSROOT ? [`--sysroot=${process.env.WASI_SYSROOT}`] : [];
    const compiled = await run(clangCommand(), [...COMPILE_FLAGS, ...sysroot, '-I', SDK_DIR, '-c', '-o', obj, source]);
    if (compiled.code !== 0) throw new FilterBuildError(source, `clang failed:\n${compiled.stderr.trim()}`);
    if (compiled.stderr.trim()) onWarning(compiled.stderr.trim());
    const linked = await run(clangCommand(), [...LINK_FLAGS, ...sysroot, '-o', out, obj]);
    if (linked.code !== 0) throw new FilterBuildError(source, `linking failed:\n${linked.stderr.trim()}`);
    return new Uint8Array(await readFile(out));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Refuses a core module that imports anything but the ABI (WASI, env). */
export function checkCoreImports(source: string, core: Uint8Array): void {
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(core as Uint8Array<ArrayBuffer>));
  const denied = imports.filter((i) => !ALLOWED_CORE_MODULES.has(i.module)).map((i) => `${i.module}.${i.name}`);
  if (denied.length) {
    throw new FilterBuildError(
      source,
      `the core module imports ${denied.join(', ')}; a plugbench guest may import only the ABI ` +
        '(no stdio, clocks, files or other WASI calls: use pb_log, pb_now_ms, ...)',
    );
  }
}

let witText: string | undefined;

/** filter.c → component bytes. */
export async function buildFilter(source: string, onWarning?: (text: string) => void): Promise<Uint8Array> {
  const core = await compileCore(source, onWarning);
  checkCoreImports(source, core);
  witText ??= await readFile(WIT_FILE, 'utf8');
  try {
    const embedded = await componentEmbed({ binary: core, witSource: witText, world: WORLD, stringEncoding: 'utf8' });
    return await componentNew(embedded);
  } catch (err) {
    throw new FilterBuildError(source, `wit-component: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Every filter.c under the source roots, sorted. */
export async function findFilterSources(root = REPO_ROOT): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name === 'filter.c') found.push(path);
    }
  }
  for (const sub of SOURCE_ROOTS) await walk(join(root, sub));
  return found.sort();
}

export type BuildStatus = 'written' | 'unchanged' | 'stale' | 'missing' | 'up-to-date';

export interface BuildResult {
  source: string;
  output: string;
  status: BuildStatus;
}

export interface BuildAllOptions {
  root?: string;
  /** Compare with the committed filter.wasm instead of writing it. */
  check?: boolean;
  onWarning?: (source: string, text: string) => void;
}

/**
 * Builds every filter.c. Without `check`, writes filter.wasm next to each source
 * ('written' or 'unchanged'). With `check`, writes nothing and reports each output
 * as 'up-to-date', 'stale' (differs from a fresh build) or 'missing'.
 */
export async function buildAll(options: BuildAllOptions = {}): Promise<BuildResult[]> {
  await checkClang();
  const root = options.root ?? REPO_ROOT;
  const results: BuildResult[] = [];
  for (const source of await findFilterSources(root)) {
    const output = join(dirname(source), 'filter.wasm');
    const fresh = await buildFilter(source, (text) => options.onWarning?.(relative(root, source), text));
    let committed: Uint8Array | undefined;
    try {
      committed = new Uint8Array(await readFile(output));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const same = committed !== undefined && Buffer.compare(committed, fresh) === 0;
    let status: BuildStatus;
    if (options.check) status = committed === undefined ? 'missing' : same ? 'up-to-date' : 'stale';
    else {
      if (!same) await writeFile(output, fresh);
      status = same ? 'unchanged' : 'written';
    }
    results.push({ source, output, status });
  }
  return results;
}
