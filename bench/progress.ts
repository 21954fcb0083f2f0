// Progress on stderr (stdout stays clean for the table). On a terminal one
// line is redrawn; elsewhere (CI logs) each finished pair gets its own line.

import type { ProgressEvent } from './run.ts';

const PHASES: Record<ProgressEvent['phase'], string> = {
  load: 'loading',
  verify: 'verifying',
  time: 'timing',
  done: 'ok',
  failed: 'FAILED',
};

export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (e: ProgressEvent) => void {
  const tty = stream.isTTY === true;
  const started = Date.now();
  return (e) => {
    const head = `[${String(e.index).padStart(String(e.total).length)}/${e.total}] ${e.runtime} × ${e.workload}`;
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    if (e.phase === 'done' || e.phase === 'failed') {
      const tail = e.phase === 'failed' ? `FAILED: ${e.detail ?? ''}` : 'ok';
      stream.write(`${tty ? '\r\x1b[K' : ''}${head}: ${tail}  (${secs} s)\n`);
    } else if (tty) {
      stream.write(`\r\x1b[K${head}: ${PHASES[e.phase]}${e.detail ? ` ${e.detail}` : ''}…`);
    }
  };
}
