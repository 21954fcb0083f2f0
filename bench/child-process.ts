// The parent side of bench/child.ts: start one measurement in a fresh Node
// process, wait for its one result line, and turn every way it can go wrong
// (timeout, crash, no result, an error it reports) into an Error whose message
// says which. A child never outlives the parent: it is killed on timeout, when
// the parent exits, and on SIGINT/SIGTERM; and it exits by itself when the
// stdin pipe from the parent closes.

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CHILD_PARTIAL_TAG, CHILD_PATH, CHILD_TAG, type ChildAnswer, type ChildRequest } from './child.ts';

export type { RuntimeSpec } from './child.ts';

const PROJECT_ROOT = resolve(dirname(CHILD_PATH), '..');

export class ChildError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'crash' | 'error',
  ) {
    super(message);
    this.name = 'ChildError';
  }
}

// ---------------------------------------------------------------------------
// Children alive right now, and the hooks that stop them with the parent.

const live = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  // If nobody else listens, ours was the only thing keeping the signal from
  // ending the process: step aside and let it do what it would have done.
  if (process.listenerCount(signal) === 1) {
    uninstall();
    process.kill(process.pid, signal);
  }
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}
function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', killAll);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

function track(child: ChildProcess): void {
  live.add(child);
  install();
  child.once('exit', () => {
    live.delete(child);
    if (live.size === 0) uninstall();
  });
}

/** How many child processes of this module are running (for tests). */
export function liveChildren(): number {
  return live.size;
}

// ---------------------------------------------------------------------------

export interface ChildOptions {
  timeoutMs: number;
  /** Extra node flags before `--import tsx` (e.g. --expose-gc). */
  nodeFlags?: string[];
  /** Progress lines the child prints (tagged CHILD_PARTIAL_TAG, the tag removed), as they arrive. */
  onPartial?(line: Record<string, unknown>): void;
}

export interface ChildOutcome<A> {
  answer: A;
  /** Spawn until exit, ms (parent clock). */
  wallMs: number;
}

function tail(text: string, max = 600): string {
  const t = text.trim();
  return t.length > max ? '…' + t.slice(-max) : t;
}

/** The last line of `stdout` carrying the child tag, parsed. */
export function findAnswer(stdout: string): ChildAnswer | undefined {
  const lines = stdout.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed[CHILD_TAG] === true) {
        delete parsed[CHILD_TAG];
        return parsed as unknown as ChildAnswer;
      }
    } catch {
      // not ours
    }
  }
  return undefined;
}

/**
 * Runs bench/child.ts with `request` and resolves with its successful answer.
 * Rejects with a ChildError: 'timeout' (killed after timeoutMs), 'crash' (exited
 * without a result line), 'error' (the child reported a failure).
 */
export function runChild<M extends ChildRequest['mode']>(
  request: ChildRequest & { mode: M },
  options: ChildOptions,
): Promise<ChildOutcome<Extract<ChildAnswer, { ok: true; mode: M }>>> {
  const started = performance.now();
  // The child runs in the project root: an external adapter's path is resolved here, against ours.
  const spec = request.runtime;
  const sent: ChildRequest = 'external' in spec ? { ...request, runtime: { external: resolve(spec.external) } } : request;
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', CHILD_PATH, JSON.stringify(sent)], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  let pending = '';
  child.stdout!.on('data', (d: string) => {
    stdout = (stdout + d).slice(-1_000_000);
    if (!options.onPartial) return;
    pending += d;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (!line.startsWith('{') || !line.includes(CHILD_PARTIAL_TAG)) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed[CHILD_PARTIAL_TAG] !== true) continue;
        delete parsed[CHILD_PARTIAL_TAG];
        options.onPartial(parsed);
      } catch {
        // not ours
      }
    }
  });
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-8192);
  });
  // Writing nothing; a closed stdin on the child's side must not crash the parent.
  child.stdin!.on('error', () => {});

  return new Promise((resolvePromise, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new ChildError(`cannot start a child process: ${err.message}`, 'crash'));
    });
    // 'close': the process exited and its pipes are drained, so the output is complete.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const withStderr = (msg: string) => (stderr.trim() ? `${msg}; its stderr: ${tail(stderr)}` : msg);
      if (timedOut) {
        reject(new ChildError(withStderr(`timed out: no result within ${options.timeoutMs} ms (child killed)`), 'timeout'));
        return;
      }
      const answer = findAnswer(stdout);
      if (!answer) {
        reject(new ChildError(withStderr(`the child process exited (${signal ?? `code ${code}`}) without a result`), 'crash'));
        return;
      }
      if (!answer.ok) {
        reject(new ChildError(answer.error, 'error'));
        return;
      }
      if (answer.mode !== request.mode) {
        reject(new ChildError(`the child answered for mode ${answer.mode}, not ${request.mode}`, 'error'));
        return;
      }
      resolvePromise({ answer: answer as Extract<ChildAnswer, { ok: true; mode: M }>, wallMs });
    });
  });
}
