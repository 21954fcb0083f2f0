// The worker's first module (runtimes/boundary): plain JavaScript, because a
// worker does not inherit the parent's loader hooks for its entry point. It
// registers tsx's hooks in this thread, then imports worker.ts.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
