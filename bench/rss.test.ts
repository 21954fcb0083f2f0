// The RSS watch behind "peak RSS of the gateway under load" (bench/rss.ts).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { RSS_SAMPLE_MS, selfHighWaterMark, watchRss } from './rss.ts';

const MiB = 2 ** 20;

test('this process: an allocation during the watch is in the peak, and the readings are counted', async () => {
  const watch = watchRss();
  await new Promise((r) => setTimeout(r, 3 * RSS_SAMPLE_MS));
  // 64 MiB touched: resident until released.
  let block: Buffer | undefined = Buffer.alloc(64 * MiB, 1);
  await new Promise((r) => setTimeout(r, 3 * RSS_SAMPLE_MS));
  const peak = watch.stop()!;
  block = undefined;
  void block;
  assert.ok(peak.beforeBytes > 0 && peak.afterBytes > 0);
  assert.ok(peak.peakBytes >= peak.beforeBytes + 60 * MiB, `peak ${peak.peakBytes} vs before ${peak.beforeBytes}`);
  assert.ok(peak.samples >= 3, `${peak.samples} readings`);
  assert.equal(peak.intervalMs, RSS_SAMPLE_MS);
  assert.equal(watch.stop(), peak, 'stop() again gives the same figures');
  if (process.platform === 'linux') assert.ok(selfHighWaterMark()! >= peak.peakBytes - MiB);
});

test('another process by pid (Linux /proc), and undefined for one that does not exist', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    const watch = watchRss(child.pid!);
    await new Promise((r) => setTimeout(r, 3 * RSS_SAMPLE_MS));
    const peak = watch.stop()!;
    assert.ok(peak.beforeBytes > 5 * MiB && peak.peakBytes >= peak.beforeBytes, JSON.stringify(peak));
    assert.equal(peak.exact, false, 'another process: sampled, never the exact high-water mark');
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(watchRss(2 ** 22 + 12345).stop(), undefined);
});
