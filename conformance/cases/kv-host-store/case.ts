import { defineCase } from '../../cases.ts';

const LATIN = 'café'; // every character <= U+00FF
const WIDE = 'naïve ✓'; // one character above U+00FF
const WRITTEN = 'héllo ✓';

export default defineCase({
  id: 'kv-host-store',
  level: 'SHOULD',
  statement: "kv-get and kv-set act on the host's store for the deployment, and kv values are text: what the host stored reads as that text, what the filter stores reaches the host unchanged",
  async check(t) {
    const deployment = t.deployment();
    deployment.kv.set('latin', LATIN);
    deployment.kv.set('wide', WIDE);
    const instance = await t.instantiate(undefined, deployment);
    const request = { method: 'POST', path: '/', headers: [['Host', 'conformance.test']] as Array<[string, string]> };
    // The filter answers with both values as its body (text → UTF-8), then stores a literal.
    const out = await t.handle(instance, request);
    const problems: string[] = [];
    const expected = `${LATIN}|${WIDE}`;
    const body = Buffer.from(out.body);
    if (!body.equals(Buffer.from(expected, 'utf8'))) {
      problems.push(
        `the body (the host-stored values 'latin' and 'wide' as text, UTF-8) should be ${JSON.stringify(expected)} = ${Buffer.from(expected).toString('hex')}, ` +
          `got ${body.toString('hex')} (as UTF-8: ${JSON.stringify(body.toString('utf8'))})`,
      );
    }
    const written = deployment.kv.get('written');
    if (written !== WRITTEN) {
      problems.push(`the filter kv-set ${JSON.stringify(WRITTEN)}; the host's store holds ${written === undefined ? 'nothing' : JSON.stringify(written)}`);
    }
    if (problems.length) t.fail(problems.join('; '));
  },
});
