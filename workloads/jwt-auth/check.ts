// Reference for `jwt-auth`, stated on plain data without the ABI's request
// context, and with the harness's own primitives (node:crypto's HMAC, Buffer's
// base64url, the host's JSON.parse) instead of the workloads/lib code the
// filters use, so a bug in those libraries cannot hide on both sides of the
// comparison. The rules are README.md's, in its order.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FilterOutcome, HttpRequest } from '../../runtimes/abi/context.ts';
import type { CorpusItem } from '../types.ts';
import { lowerFields, setField, type Fields } from '../lib/fields.ts';

export interface Settings {
  /** The HMAC key bytes. */
  key: Uint8Array;
  audience: string;
}

export type TokenError = 'missing_token' | 'malformed' | 'unsupported_alg' | 'bad_signature' | 'expired' | 'wrong_audience';
export type Verdict = { ok: true; sub: string } | { ok: false; error: TokenError };

const PRINTABLE = /^[\x20-\x7e]+$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Settings from the deployment's config text, or an Error naming what is wrong (init refuses it). */
export function settingsFrom(configText: string): Settings {
  const config: unknown = JSON.parse(configText);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new Error('config must be a JSON object');
  const { audience, secret, secret_base64url: b64 } = config as Record<string, unknown>;
  if (typeof audience !== 'string' || !PRINTABLE.test(audience)) throw new Error('config.audience must be a non-empty printable ASCII string');
  if ((secret === undefined) === (b64 === undefined)) throw new Error('config needs exactly one of secret and secret_base64url');
  let key: Uint8Array | undefined;
  if (secret !== undefined) {
    if (typeof secret !== 'string' || !PRINTABLE.test(secret)) throw new Error('config.secret must be a printable ASCII string');
    key = Buffer.from(secret, 'latin1');
  } else {
    key = typeof b64 === 'string' ? strictBase64url(b64) : undefined;
    if (!key) throw new Error('config.secret_base64url must be a base64url string');
  }
  if (key.length < 32) throw new Error('the secret must be at least 32 bytes (RFC 7518 §3.2)');
  return { key, audience };
}

/** Strict base64url (README): alphabet only, no padding, length mod 4 ≠ 1, canonical (zero spare bits). */
export function strictBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Buffer ignores non-zero spare bits; re-encoding tells a non-canonical input.
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function jsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(bytes.toString('latin1'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What the filter decides for one `authorization` value (undefined: no such header) at host time `nowMs`. */
export function verify(authorization: string | undefined, nowMs: number, settings: Settings): Verdict {
  const fail = (error: TokenError): Verdict => ({ ok: false, error });
  if (authorization === undefined || !/^bearer /i.test(authorization)) return fail('missing_token');
  const parts = authorization.slice(7).split('.');
  if (parts.length !== 3) return fail('malformed');
  const [h, p, s] = parts.map(strictBase64url);
  if (!h || !p || !s) return fail('malformed');

  const header = jsonObject(h);
  if (!header || typeof header.alg !== 'string') return fail('malformed');
  if (header.alg !== 'HS256') return fail('unsupported_alg');

  const mac = createHmac('sha256', settings.key).update(`${parts[0]}.${parts[1]}`, 'latin1').digest();
  if (s.length !== mac.length || !timingSafeEqual(s, mac)) return fail('bad_signature');

  const claims = jsonObject(p);
  if (!claims) return fail('malformed');
  const { sub, exp, aud } = claims;
  if (typeof sub !== 'string' || !PRINTABLE.test(sub)) return fail('malformed');
  if (typeof exp !== 'number') return fail('malformed');
  const audiences = typeof aud === 'string' ? [aud] : aud === undefined ? [] : aud;
  if (!Array.isArray(audiences) || !audiences.every((a) => typeof a === 'string')) return fail('malformed');
  if (nowMs >= exp * 1000) return fail('expired');
  if (!audiences.includes(settings.audience)) return fail('wrong_audience');
  return { ok: true, sub };
}

/** The reference for any settings (check.test.ts uses other keys than the workload's). */
export function expectWith(settings: Settings, req: HttpRequest, nowMs: number): FilterOutcome {
  const method = req.method.toUpperCase();
  const fields: Fields = lowerFields(req.headers);
  const base = { method, path: req.path, body: req.body };
  const authorization = fields.find(([n]) => n === 'authorization')?.[1];
  const verdict = verify(authorization, nowMs, settings);
  if (verdict.ok) return { ...base, result: '', headers: setField(fields, 'x-user', verdict.sub) };
  return {
    ...base,
    result: 'unauthorized',
    headers: fields,
    response: {
      status: 401,
      headers: [
        ['content-type', 'application/json'],
        [
          'www-authenticate',
          verdict.error === 'missing_token' ? 'Bearer realm="plugbench"' : 'Bearer realm="plugbench", error="invalid_token"',
        ],
      ],
      body: Buffer.from(`{"error":"${verdict.error}"}`, 'latin1'),
    },
  };
}

/** The deployment's config: a 48-character text secret and the API's audience. */
export const CONFIG = JSON.stringify({
  secret: 'pb-demo-hs256-secret-6f1c9e2a7d4b8035c2e1f9a7b6d4',
  audience: 'https://api.example.com',
});

const SETTINGS = settingsFrom(CONFIG);

export function expect(req: HttpRequest, item?: CorpusItem): FilterOutcome {
  if (item?.nowMs === undefined) throw new Error('jwt-auth corpus items carry nowMs: expiry depends on the clock');
  return expectWith(SETTINGS, req, item.nowMs);
}
