import { ManualClock, systemClock } from '../../../runtimes/abi/host.ts';
import { defineCase } from '../../cases.ts';

/** The filter prints readings with 3 decimals; its rounding may differ from ours by one unit. */
const TOLERANCE_MS = 0.0015;

export default defineCase({
  id: 'now-ms',
  level: 'MUST',
  statement: "now-ms is the host's clock in milliseconds since the epoch (fractions kept) and never runs backwards",
  async check(t) {
    const read = async (instance: Awaited<ReturnType<typeof t.instantiate>>, where: string): Promise<[number, number]> => {
      const out = await t.handle(instance, {});
      const get = (name: string) => {
        const v = out.headers.find(([n]) => n === name)?.[1];
        const n = v === undefined ? NaN : Number(v);
        if (!Number.isFinite(n)) t.fail(`${where}: header ${name} should be a number of milliseconds, got ${JSON.stringify(v)}`);
        return n;
      };
      return [get('x-now-1'), get('x-now-2')];
    };

    // 1. The value is the host's clock: a clock the host sets by hand, with a fraction.
    const clock = new ManualClock(Date.UTC(2026, 0, 1) + 0.25);
    const manual = await t.instantiate(undefined, t.deployment({ clock }));
    for (const step of [0, 1500.5, 0.25]) {
      clock.advance(step);
      const [a, b] = await read(manual, `host clock at ${clock.now}`);
      if (Math.abs(a - clock.now) > TOLERANCE_MS || Math.abs(b - clock.now) > TOLERANCE_MS) {
        t.fail(`host clock at ${clock.now.toFixed(3)}: the filter read ${a.toFixed(3)} and ${b.toFixed(3)}`);
      }
    }

    // 2. On the system clock: within the host's readings around the call, never backwards.
    const live = await t.instantiate(undefined, t.deployment());
    let last = -Infinity;
    for (let i = 1; i <= 5; i++) {
      const before = systemClock.nowMs();
      const [a, b] = await read(live, `system clock, call ${i}`);
      const after = systemClock.nowMs();
      if (a < before - TOLERANCE_MS || b > after + TOLERANCE_MS) {
        t.fail(`system clock, call ${i}: read ${a.toFixed(3)} and ${b.toFixed(3)}, outside the host's ${before.toFixed(3)}..${after.toFixed(3)}`);
      }
      if (b < a - TOLERANCE_MS) t.fail(`system clock, call ${i}: the second reading ${b.toFixed(3)} is before the first ${a.toFixed(3)}`);
      if (a < last - TOLERANCE_MS) t.fail(`system clock, call ${i}: read ${a.toFixed(3)}, before the previous call's ${last.toFixed(3)}`);
      last = b;
    }
  },
});
