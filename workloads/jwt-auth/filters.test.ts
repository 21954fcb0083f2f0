// The edge cases of README.md's rules (JSON grammar, escapes, duplicate
// members, number forms, nesting, base64url strictness, the clock boundary),
// through every runtime's filter: each case's verdict is written by hand, the
// checker must agree with it, and every runtime must produce the checker's
// outcome byte for byte. The corpus stays realistic; this is where the
// corners are.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RequestContext, prepareRequest, type HttpRequest } from '../../runtimes/abi/context.ts';
import { Deployment, ManualClock } from '../../runtimes/abi/host.ts';
import type { FilterInstance, Runtime } from '../../runtimes/abi/types.ts';
import { BUILTIN_RUNTIMES, builtinRuntime } from '../../runtimes/index.ts';
import { firstDifference } from '../../bench/verify.ts';
import { CONFIG, expectWith, settingsFrom, verify } from './check.ts';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const SETTINGS = settingsFrom(CONFIG);
const NOW = 1772443800000; // 2026-03-02T09:30:00Z
const EXP = 1772447400; // an hour later
const AUD = 'https://api.example.com';
const H = '{"alg":"HS256","typ":"JWT"}';

const b64 = (b: Buffer) => b.toString('base64url');
/** Strings are taken as latin1 (one byte per char), so "\xff" is the byte 0xff; pass a Buffer for UTF-8. */
const bytes = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
function sign(header: string | Buffer, payload: string | Buffer, key: Uint8Array = SETTINGS.key): string {
  const input = `${b64(bytes(header))}.${b64(bytes(payload))}`;
  return `${input}.${b64(createHmac('sha256', key).update(input).digest())}`;
}
/** Claims with sub, aud and exp, plus `extra` members (raw JSON text) placed first. */
const claims = (extra = '', sub = '"user_1"') => `{${extra}${extra ? ',' : ''}"sub":${sub},"aud":"${AUD}","exp":${EXP}}`;
const bearer = (token: string) => `Bearer ${token}`;

interface Case {
  name: string;
  /** The authorization value(s), in order; none for a request without one. */
  auth: string[];
  /** "=sub" when the token is accepted with that subject, else the error code. */
  want: string;
  nowMs?: number;
  /** Extra request headers. */
  headers?: Array<[string, string]>;
}

const c = (name: string, auth: string | string[] | undefined, want: string, nowMs?: number): Case => ({
  name,
  auth: auth === undefined ? [] : Array.isArray(auth) ? auth : [auth],
  want,
  nowMs,
});
const t = (name: string, payload: string | Buffer, want: string, nowMs?: number) => c(name, bearer(sign(H, payload)), want, nowMs);
const hdr = (name: string, header: string, want: string) => c(name, bearer(sign(header, claims())), want);

const valid = sign(H, claims());
const [vh, vp, vs] = valid.split('.') as [string, string, string];
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

const CASES: Case[] = [
  // The scheme and the token's shape.
  c('no authorization header', undefined, 'missing_token'),
  c('basic credentials', 'Basic dXNlcjpwYXNz', 'missing_token'),
  c('"Bearer" alone', 'Bearer', 'missing_token'),
  c('no space after Bearer', `Bearer${valid}`, 'missing_token'),
  c('upper-case scheme', `BEARER ${valid}`, '=user_1'),
  c('two spaces', `Bearer  ${valid}`, 'malformed'),
  c('empty token', 'Bearer ', 'malformed'),
  c('two dots only', 'Bearer ..', 'malformed'),
  c('four segments', `Bearer ${valid}.${vs}`, 'malformed'),
  c('non-ASCII in the header value', 'Bearer t\xf6k\xe9n.a.b', 'malformed'),
  c('padding', `Bearer ${vh}.${vp}.${vs}=`, 'malformed'),
  c('standard base64 alphabet', `Bearer ${vh}.${vp}.${vs.replace(/.$/, '+')}`, 'malformed'),
  c('non-canonical spare bits', `Bearer ${vh}.${vp}.${vs.slice(0, -1)}${String.fromCharCode(vs.charCodeAt(vs.length - 1) + 1)}`, 'malformed'),
  c('first authorization header wins (valid first)', [bearer(valid), 'Bearer junk'], '=user_1'),
  c('first authorization header wins (junk first)', ['Bearer junk', bearer(valid)], 'malformed'),
  // The header.
  hdr('alg missing', '{"typ":"JWT"}', 'malformed'),
  hdr('alg a number', '{"alg":256}', 'malformed'),
  hdr('alg lower-case', '{"alg":"hs256"}', 'unsupported_alg'),
  hdr('alg none', '{"alg":"none"}', 'unsupported_alg'),
  hdr('alg HS384', '{"alg":"HS384","typ":"JWT"}', 'unsupported_alg'),
  hdr('header an array', '["HS256"]', 'malformed'),
  hdr('header empty', '', 'malformed'),
  hdr('duplicate alg: the last wins', '{"alg":"none","alg":"HS256"}', '=user_1'),
  hdr('escaped alg', '{"alg":"\\u0048S256"}', '=user_1'),
  hdr('header with whitespace and CRLF', ' {"typ":"JWT",\r\n "alg" : "HS256"}\n', '=user_1'),
  // The signature.
  c('signature 31 bytes', `Bearer ${vh}.${vp}.${b64(Buffer.from(vs, 'base64url').subarray(0, 31))}`, 'bad_signature'),
  c('signature 33 bytes', `Bearer ${vh}.${vp}.${b64(Buffer.concat([Buffer.from(vs, 'base64url'), Buffer.of(0)]))}`, 'bad_signature'),
  c('empty signature', `Bearer ${vh}.${vp}.`, 'bad_signature'),
  c('another key', bearer(sign(H, claims(), Buffer.from('x'.repeat(48)))), 'bad_signature'),
  c('malformed claims are not parsed before the signature', `Bearer ${vh}.${b64(Buffer.from('{'))}.${vs}`, 'bad_signature'),
  // JSON grammar.
  t('whitespace everywhere', ` {\n  "sub" : "user_1" ,\t"aud":"${AUD}",\r\n"exp": ${EXP} } \n`, '=user_1'),
  t('trailing garbage', `${claims()} x`, 'malformed'),
  t('two objects', `${claims()}{}`, 'malformed'),
  t('an array', `[${claims()}]`, 'malformed'),
  t('a string', '"user_1"', 'malformed'),
  t('null', 'null', 'malformed'),
  t('empty', '', 'malformed'),
  t('unterminated', claims().slice(0, -1), 'malformed'),
  t('trailing comma', `${claims().slice(0, -1)},}`, 'malformed'),
  t('leading comma', `{,${claims().slice(1)}`, 'malformed'),
  t('missing colon', claims('"note" "x"'), 'malformed'),
  t('single quotes', claims("'note':1"), 'malformed'),
  t('bare key', claims('note:1'), 'malformed'),
  t('byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(claims())]), 'malformed'),
  t('0xff outside a string', `${claims()}\xff`, 'malformed'),
  t('non-breaking space as whitespace', `{\xa0${claims().slice(1)}`, 'malformed'),
  // Strings and escapes.
  t('escaped member names', `{"s\\u0075b":"user_2","\\u0061ud":"${AUD}","\\u0065xp":${EXP}}`, '=user_2'),
  t('escaped slashes in aud (PHP)', `{"sub":"user_3","aud":"https:\\/\\/api.example.com","exp":${EXP}}`, '=user_3'),
  t('escapes in sub that decode to ASCII', claims('', '"us\\u0065r_\\"4\\"\\/\\\\x"'), '=user_"4"/\\x'),
  t('an escaped backslash before u is not a \\u escape', claims('"\\\\u0073ub":"fake"', '"\\\\u0041"'), '=\\u0041'),
  t('sub with a non-ASCII escape', claims('', '"jos\\u00e9"'), 'malformed'),
  t('sub with raw UTF-8', Buffer.from(claims('', '"josé"'), 'utf8'), 'malformed'),
  t('sub with a newline escape', claims('', '"a\\nb"'), 'malformed'),
  t('sub with DEL', claims('', '"a\x7fb"'), 'malformed'),
  t('sub empty', claims('', '""'), 'malformed'),
  t('sub a number', claims('', '42'), 'malformed'),
  t('sub null', claims('', 'null'), 'malformed'),
  t('sub missing', `{"aud":"${AUD}","exp":${EXP}}`, 'malformed'),
  t('sub of 4000 characters', claims('', `"${'u'.repeat(4000)}"`), `=${'u'.repeat(4000)}`),
  t('unknown escape', claims('"note":"\\x"'), 'malformed'),
  t('bad \\u escape', claims('"note":"\\u12G4"'), 'malformed'),
  t('short \\u escape at the end', claims('"note":"\\u12"'), 'malformed'),
  t('raw control byte in a string', claims('"note":"a\x01b"'), 'malformed'),
  t('raw tab in a string', claims('"note":"a\tb"'), 'malformed'),
  t('raw DEL in a string', claims('"note":"a\x7fb"'), '=user_1'),
  t('raw 0xff in a string (no UTF-8 validation)', claims('"note":"\xff\xfe"'), '=user_1'),
  t('raw UTF-8 in a profile claim', Buffer.from(claims('"name":"François Müller"'), 'utf8'), '=user_1'),
  t('lone surrogate', claims('"note":"\\ud800"'), '=user_1'),
  t('surrogate pair', claims('"note":"\\ud83d\\ude00"'), '=user_1'),
  t('unterminated string', `{"sub":"user_1`, 'malformed'),
  // Duplicates: the last member wins.
  t('sub twice, the string last', claims('"sub":42', '"user_10"'), '=user_10'),
  t('sub twice, the string first', `{"sub":"user_10","aud":"${AUD}","exp":${EXP},"sub":42}`, 'malformed'),
  t('exp twice, the past one first', `{"exp":1,"sub":"user_11","aud":"${AUD}","exp":${EXP}}`, '=user_11'),
  t('exp twice, the past one last', `{"sub":"user_11","aud":"${AUD}","exp":${EXP},"exp":1}`, 'expired'),
  t('aud twice, ours last', `{"aud":"x","sub":"user_12","aud":["${AUD}"],"exp":${EXP}}`, '=user_12'),
  t('aud twice, ours first', `{"sub":"user_12","aud":"${AUD}","exp":${EXP},"aud":"x"}`, 'wrong_audience'),
  // Numbers and exp.
  t('exp with a fraction, at exp * 1000', `{"sub":"u","aud":"${AUD}","exp":1772443800.5}`, 'expired', NOW + 500),
  t('exp with a fraction, 1/8 ms before', `{"sub":"u","aud":"${AUD}","exp":1772443800.5}`, '=u', NOW + 499.875),
  t('exp with an exponent', `{"sub":"u","aud":"${AUD}","exp":1.7724438005E9}`, '=u', NOW + 499.875),
  t('exp exactly now', `{"sub":"u","aud":"${AUD}","exp":1772443800}`, 'expired', NOW),
  t('exp 1/8 ms after now', `{"sub":"u","aud":"${AUD}","exp":1772443800}`, '=u', NOW - 0.125),
  t('exp beyond a double (Infinity)', `{"sub":"u","aud":"${AUD}","exp":1e400}`, '=u'),
  t('exp of 20 digits', `{"sub":"u","aud":"${AUD}","exp":99999999999999999999}`, '=u'),
  t('exp negative', `{"sub":"u","aud":"${AUD}","exp":-1}`, 'expired'),
  t('exp minus zero', `{"sub":"u","aud":"${AUD}","exp":-0}`, 'expired'),
  t('exp underflowing to 0', `{"sub":"u","aud":"${AUD}","exp":1e-400}`, 'expired'),
  t('exp a string', `{"sub":"u","aud":"${AUD}","exp":"${EXP}"}`, 'malformed'),
  t('exp null', `{"sub":"u","aud":"${AUD}","exp":null}`, 'malformed'),
  t('exp true', `{"sub":"u","aud":"${AUD}","exp":true}`, 'malformed'),
  t('exp an array', `{"sub":"u","aud":"${AUD}","exp":[${EXP}]}`, 'malformed'),
  t('exp an object', `{"sub":"u","aud":"${AUD}","exp":{"v":${EXP}}}`, 'malformed'),
  t('exp missing', `{"sub":"u","aud":"${AUD}"}`, 'malformed'),
  ...['01', '1.', '.5', '-', '+1', '1e', '1e+', '-01', '0x10', '1_000', 'NaN', 'Infinity'].map((n) =>
    t(`invalid number ${n}`, claims(`"n":${n}`), 'malformed'),
  ),
  ...['-0', '0.5e-3', '1E+2', '-12.5E07', '0', '123456789012345678901234567890'].map((n) => t(`valid number ${n}`, claims(`"n":${n}`), '=user_1')),
  ...['tru', 'nul', 'True', 'falsey', 'nulll'].map((l) => t(`invalid literal ${l}`, claims(`"x":${l}`), 'malformed')),
  t('literals', claims('"a":true,"b":false,"c":null'), '=user_1'),
  // aud.
  t('aud missing', `{"sub":"u","exp":${EXP}}`, 'wrong_audience'),
  t('aud another API', `{"sub":"u","aud":"https://admin.example.com","exp":${EXP}}`, 'wrong_audience'),
  t('aud differs in case', `{"sub":"u","aud":"HTTPS://API.EXAMPLE.COM","exp":${EXP}}`, 'wrong_audience'),
  t('aud empty array', `{"sub":"u","aud":[],"exp":${EXP}}`, 'wrong_audience'),
  t('aud array with ours in the middle', `{"sub":"u","aud":["a","${AUD}","b"],"exp":${EXP}}`, '=u'),
  t('aud array, escaped', `{"sub":"u","aud":["https:\\/\\/api.example.com"],"exp":${EXP}}`, '=u'),
  t('aud array with a number', `{"sub":"u","aud":["${AUD}",1],"exp":${EXP}}`, 'malformed'),
  t('aud array with an array', `{"sub":"u","aud":[["${AUD}"],"${AUD}"],"exp":${EXP}}`, 'malformed'),
  t('aud array with an object', `{"sub":"u","aud":["${AUD}",{"a":1}],"exp":${EXP}}`, 'malformed'),
  t('aud array with null', `{"sub":"u","aud":[null],"exp":${EXP}}`, 'malformed'),
  t('aud null', `{"sub":"u","aud":null,"exp":${EXP}}`, 'malformed'),
  t('aud an object', `{"sub":"u","aud":{"${AUD}":true},"exp":${EXP}}`, 'malformed'),
  t('aud true', `{"sub":"u","aud":true,"exp":${EXP}}`, 'malformed'),
  t('aud expired and wrong: expiry is checked first', `{"sub":"u","aud":"x","exp":1}`, 'expired'),
  // Nesting.
  t('members nested in objects are not top-level', `{"ctx":{"sub":"nested","aud":["a",{"b":[1,2,{"c":"d"}]}],"exp":1},"sub":"top","aud":"${AUD}","exp":${EXP}}`, '=top'),
  t('an object nested after aud', `{"sub":"u","aud":"${AUD}","more":{"aud":"x","sub":"y"},"exp":${EXP}}`, '=u'),
  t('arrays 2000 deep', claims(`"deep":${deep(2000)}`), '=user_1'),
  t('objects 900 deep', claims(`"deep":${'{"a":'.repeat(900)}1${'}'.repeat(900)}`), '=user_1'),
  t('unbalanced nesting', claims(`"deep":${deep(70).slice(0, -1)}}`), 'malformed'),
];

// Runtimes: the filter of each, one instance, a manual clock.
const instances = new Map<string, { inst: FilterInstance; clock: ManualClock; runtime: Runtime }>();
after(async () => {
  for (const { inst, runtime } of instances.values()) {
    await inst.dispose();
    await runtime.close?.();
  }
});

function request(k: Case): HttpRequest {
  const headers: Array<[string, string]> = [['Host', 'api.example.com'], ['X-User', 'spoofed'], ['Accept', 'application/json']];
  for (const a of k.auth) headers.push(['Authorization', a]);
  headers.push(['x-user', 'spoofed-again']);
  return { method: 'GET', path: '/api/v1/orders', headers, body: new Uint8Array() };
}

test('the checker agrees with every hand-written verdict', () => {
  for (const k of CASES) {
    const v = verify(k.auth[0], k.nowMs ?? NOW, SETTINGS);
    assert.equal(v.ok ? `=${v.sub}` : v.error, k.want, k.name);
  }
});

for (const name of BUILTIN_RUNTIMES) {
  describe(`${name}: jwt-auth edge cases`, () => {
    test('every case matches the reference byte for byte', async (ctx) => {
      const runtime = await builtinRuntime(name);
      const file = join(DIR, runtime.source);
      if (!existsSync(file)) return ctx.skip(`${file} is not built`);
      const clock = new ManualClock(NOW);
      const inst = await (await runtime.load(file)).instantiate(CONFIG, new Deployment({ clock }).host);
      instances.set(name, { inst, clock, runtime });
      const rc = new RequestContext({ grants: ['authorization'] });
      const failures: string[] = [];
      for (const k of CASES) {
        const req = request(k);
        clock.now = k.nowMs ?? NOW;
        let diff: string | undefined;
        try {
          const result = await inst.handle(rc.reset(prepareRequest(req)));
          diff = firstDifference(expectWith(SETTINGS, req, clock.now), rc.outcome(result));
        } catch (err) {
          diff = `threw ${err instanceof Error ? err.message : String(err)}`;
        }
        if (diff) failures.push(`${k.name}: ${diff}`);
      }
      assert.deepEqual(failures, []);
    });

    test('init refuses bad configs and accepts a base64url secret', async (ctx) => {
      const runtime = await builtinRuntime(name);
      const file = join(DIR, runtime.source);
      if (!existsSync(file)) return ctx.skip(`${file} is not built`);
      const loaded = await runtime.load(file);
      const host = new Deployment().host;
      for (const [config, why] of [
        ['[]', /JSON object/],
        ['{"secret":"0123456789abcdef0123456789abcdef"}', /audience/],
        ['{"audience":"a"}', /exactly one/],
        ['{"audience":"a","secret":"0123456789abcdef0123456789abcde"}', /32 bytes/],
        ['{"audience":"a","secret":"0123456789abcdef0123456789abcd\\u00e9"}', /printable/],
        ['{"audience":"a","secret_base64url":"AyM1Sys="}', /base64url/],
      ] as const) {
        await assert.rejects(async () => {
          const inst = await loaded.instantiate(config, host);
          await inst.dispose(); // not reached when init refuses
        }, why, config);
      }
      // RFC 7515 A.1's key and token: the signature verifies, then the claims lack sub.
      const rfc = await loaded.instantiate(
        '{"audience":"https://api.example.com","secret_base64url":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}',
        host,
      );
      const token =
        'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
      const rc = new RequestContext({ grants: ['authorization'] });
      for (const [auth, body] of [
        [`Bearer ${token}`, '{"error":"malformed"}'],
        [`Bearer ${token.slice(0, -1)}Y`, '{"error":"bad_signature"}'],
      ]) {
        const result = await rfc.handle(rc.reset(prepareRequest({ method: 'GET', path: '/', headers: [['authorization', auth!]], body: new Uint8Array() })));
        assert.equal(result, 'unauthorized');
        assert.equal(Buffer.from(rc.response!.body).toString(), body);
      }
      await rfc.dispose();
    });
  });
}
