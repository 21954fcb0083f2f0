import { defineCase } from '../../cases.ts';
import { kvStep } from '../kv-shared-instances/case.ts';

export default defineCase({
  id: 'kv-deployment-isolation',
  level: 'MUST',
  statement: 'kv entries of one deployment are not visible to another deployment of the same filter, either way',
  async check(t) {
    const one = await t.instantiate('{"deployment": 1}', t.deployment());
    const two = await t.instantiate('{"deployment": 2}', t.deployment());
    await kvStep(t, 'deployment 1 sets "alpha"', one, 'alpha', 'alpha');
    await kvStep(t, 'deployment 2 does not see it', two, undefined, 'absent');
    await kvStep(t, 'deployment 2 sets "gamma"', two, 'gamma', 'gamma');
    await kvStep(t, 'deployment 1 keeps its own value', one, undefined, 'alpha');
  },
});
