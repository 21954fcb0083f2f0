import type { FilterInstance } from '../../../runtimes/abi/types.ts';
import { defineCase, type CaseTools } from '../../cases.ts';

/** One request: optionally kv-set `put`, and the value kv-get sees must be `seen`. */
export async function kvStep(t: CaseTools, where: string, instance: FilterInstance, put: string | undefined, seen: string): Promise<void> {
  const headers: Array<[string, string]> = [['Host', 'conformance.test']];
  if (put !== undefined) headers.push(['X-Kv-Put', put]);
  const request = { headers };
  const expected = headers.map(([n, v]) => [n.toLowerCase(), v] as [string, string]);
  expected.push(['x-kv-value', seen]);
  t.expectOutcome(where, request, { headers: expected }, await t.handle(instance, request));
}

export default defineCase({
  id: 'kv-shared-instances',
  level: 'MUST',
  statement: 'kv-set by one instance of a deployment is seen by kv-get in another instance of the same deployment, both ways; an empty value is not an absent key',
  async check(t) {
    const deployment = t.deployment();
    const a = await t.instantiate(undefined, deployment);
    const b = await t.instantiate(undefined, deployment);
    await kvStep(t, 'instance A, before any kv-set', a, undefined, 'absent');
    await kvStep(t, 'instance A sets "alpha"', a, 'alpha', 'alpha');
    await kvStep(t, 'instance B reads what A set', b, undefined, 'alpha');
    await kvStep(t, 'instance B overwrites with "beta"', b, 'beta', 'beta');
    await kvStep(t, 'instance A reads what B set', a, undefined, 'beta');
    // An instance created later joins the same store.
    const c = await t.instantiate(undefined, deployment);
    await kvStep(t, 'instance C, created afterwards, reads it', c, undefined, 'beta');
    // An empty value is a value, not an absent key.
    await kvStep(t, 'instance C sets ""', c, '', '');
    await kvStep(t, 'instance A reads "" (not absent)', a, undefined, '');
  },
});
