import type { LogRecord } from '../../../runtimes/abi/host.ts';
import { defineCase } from '../../cases.ts';

const EXPECTED: LogRecord[] = [
  { level: 'info', message: 'conformance: init' },
  { level: 'debug', message: 'conformance: debug' },
  { level: 'info', message: 'conformance: info' },
  { level: 'warn', message: 'conformance: warn' },
  { level: 'error', message: 'conformance: error, naïve ✓' },
];

export default defineCase({
  id: 'log-levels',
  level: 'MUST',
  statement: "log reaches the host's log with its level (debug, info, warn, error) and its text, from init and from handle, in order",
  async check(t) {
    const deployment = t.deployment();
    const instance = await t.instantiate(undefined, deployment);
    const request = {};
    t.expectOutcome('handle', request, {}, await t.handle(instance, request));
    const mine = deployment.logs.filter((r) => r.message.startsWith('conformance:'));
    for (let i = 0; i < Math.max(EXPECTED.length, mine.length); i++) {
      const e = EXPECTED[i];
      const a = mine[i];
      if (!e || !a || e.level !== a.level || e.message !== a.message) {
        t.fail(
          `log record #${i}: expected ${e ? JSON.stringify(e) : 'none'}, got ${a ? JSON.stringify(a) : 'none'} ` +
            `(expected ${EXPECTED.length} records, the host got ${mine.length})`,
        );
      }
    }
  },
});
