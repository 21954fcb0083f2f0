import { describe } from '../../../runtimes/errors.ts';
import { defineCase } from '../../cases.ts';

const REASON = 'missing setting "upstream" (conformance)';

export default defineCase({
  id: 'init-error',
  level: 'MUST',
  statement: "an init error refuses the deployment: instantiate fails with init's message, and a good config still deploys",
  async check(t) {
    let refused: string | undefined;
    try {
      await t.instantiate(JSON.stringify({ refuse: REASON }));
    } catch (err) {
      refused = describe(err);
    }
    if (refused === undefined) return t.fail(`instantiate succeeded although init refused the config with ${JSON.stringify(REASON)}`);
    if (!refused.includes(REASON)) t.fail(`instantiate failed, but its error does not carry init's message ${JSON.stringify(REASON)}: ${refused}`);

    // The refusal is per deployment: the same loaded filter deploys with a config it accepts.
    const good = await t.instantiate('{"upstream": "billing"}');
    const request = { path: '/' };
    t.expectOutcome('after a refused deployment, a good one', request, { result: 'deployed' }, await t.handle(good, request));
  },
});
