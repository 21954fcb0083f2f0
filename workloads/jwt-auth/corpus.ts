// The jwt-auth corpus: API traffic carrying HS256 bearer tokens from a few
// issuers, mostly valid, with the failures an API gateway sees in realistic
// proportions. Tokens are signed here, deterministically, with the project's
// own base64url and HMAC-SHA-256 (workloads/lib); every item carries the host
// clock (nowMs) it is verified at, so expiry is reproducible.

import type { HttpRequest } from '../../runtimes/abi/context.ts';
import { base64urlEncode, latin1ToBytes } from '../lib/base64url.ts';
import { Random } from '../lib/random.ts';
import { hmacSha256 } from '../lib/sha256.ts';
import type { CorpusItem } from '../types.ts';
import { CONFIG } from './check.ts';

const { secret: SECRET, audience: AUDIENCE } = JSON.parse(CONFIG) as { secret: string; audience: string };
const KEY = latin1ToBytes(SECRET);
/** Another deployment's key: tokens from staging reach production now and then. */
const STAGING_KEY = latin1ToBytes('pb-staging-hs256-secret-0b7e3d91c4a2f6585e1d');

/** Counts per kind, out of 256: most traffic carries a valid token. */
export const MIX = {
  valid: 206,
  missing_token: 16,
  expired: 12,
  bad_signature: 7,
  malformed: 8,
  wrong_audience: 5,
  unsupported_alg: 2,
} as const;
export type Kind = keyof typeof MIX;

/** The first request's clock: 2026-03-02T09:30:00Z; requests arrive ~1.5 s apart. */
export const START_MS = Date.UTC(2026, 2, 2, 9, 30, 0);

const utf8 = new TextEncoder();

// --------------------------------------------------------------------------
// Token building. Issuers differ in how they write JSON, as real ones do.

type Style = 'node' | 'php' | 'python';
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Python's json.dumps defaults: ", " and ": " separators, non-ASCII as \uXXXX. */
function pyDumps(v: Json): string {
  if (Array.isArray(v)) return '[' + v.map(pyDumps).join(', ') + ']';
  if (v !== null && typeof v === 'object') {
    return '{' + Object.entries(v).map(([k, x]) => asciiOnly(JSON.stringify(k)) + ': ' + pyDumps(x)).join(', ') + '}';
  }
  return asciiOnly(JSON.stringify(v));
}

function asciiOnly(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function serialise(style: Style, v: Json): string {
  switch (style) {
    case 'node':
      return JSON.stringify(v); // non-ASCII as raw UTF-8
    case 'php':
      return asciiOnly(JSON.stringify(v)).replace(/\//g, '\\/'); // json_encode's defaults escape "/" and non-ASCII
    case 'python':
      return pyDumps(v);
  }
}

function b64(json: string): string {
  return base64urlEncode(utf8.encode(json));
}

/** header.payload.signature, signed with `key`. */
function sign(headerJson: string, payloadJson: string, key: Uint8Array = KEY): string {
  const input = b64(headerJson) + '.' + b64(payloadJson);
  return input + '.' + base64urlEncode(hmacSha256(key, latin1ToBytes(input)));
}

function header(style: Style, rng: Random, alg = 'HS256'): string {
  const h: Record<string, Json> = style === 'php' ? { typ: 'JWT', alg } : { alg, typ: 'JWT' };
  if (rng.chance(0.3)) h.kid = rng.pick(['2026-01', '2026-03', 'k1']);
  return serialise(style, h);
}

const FIRST = ['alice', 'bob', 'carol', 'dmitri', 'eve', 'françois', 'grace', 'hiroshi', 'inès', 'jörg', 'kwame', 'lena'];
const LAST = ['Smith', 'Nguyen', 'García', 'Müller', 'Okafor', 'Rossi', 'Kowalski', 'Tanaka', 'Dubois', 'Larsen'];
const SCOPES = ['openid', 'profile', 'email', 'read:orders', 'write:orders', 'read:catalog', 'write:catalog', 'read:invoices', 'admin:reports', 'offline_access'];
const ROLES = ['customer', 'support', 'admin', 'beta-tester', 'billing', 'warehouse'];
const PERMISSIONS = ['orders:read', 'orders:write', 'orders:refund', 'catalog:read', 'catalog:write', 'invoices:read', 'invoices:export', 'users:read', 'users:invite', 'reports:read', 'reports:schedule', 'webhooks:manage', 'inventory:read', 'inventory:adjust', 'shipping:labels'];

function hex(rng: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(0, 15)];
  return s;
}

function subject(rng: Random): string {
  switch (rng.int(0, 3)) {
    case 0:
      return `user_${rng.int(1000, 9999999)}`;
    case 1:
      return `auth0|${hex(rng, 24)}`;
    case 2:
      return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(rng, 3)}-${hex(rng, 12)}`;
    default:
      return `svc-${rng.pick(['billing', 'search', 'mailer', 'etl'])}@clients`;
  }
}

/** About half of `items`, in their order, at least `min` and at most `max` of them. */
function subset<T>(rng: Random, items: readonly T[], min: number, max: number): T[] {
  const out = items.filter(() => rng.chance(0.5)).slice(0, max);
  for (const x of items) if (out.length < min && !out.includes(x)) out.push(x);
  return out;
}

type Size = 'small' | 'medium' | 'large';

/** Claims of a realistic size: small (sub, aud, iat, exp), medium (+ iss, scope, jti), large (+ profile, roles, permissions). */
function claims(rng: Random, size: Size, nowS: number, aud: Json = AUDIENCE): Record<string, Json> {
  const lifetime = rng.pick([900, 3600, 3600, 3600, 86400]);
  const iat = nowS - rng.int(0, lifetime - 60);
  const c: Record<string, Json> = {};
  if (size !== 'small') c.iss = rng.pick(['https://auth.example.com/', 'https://example.eu.auth0.com/', 'https://login.example.com/realms/shop']);
  c.sub = subject(rng);
  c.aud = aud;
  c.iat = iat;
  c.exp = iat + lifetime;
  if (size === 'small') return c;
  c.scope = subset(rng, SCOPES, 2, 7).join(' ');
  c.jti = hex(rng, 32);
  if (size === 'medium') return c;
  const first = rng.pick(FIRST);
  c.name = first[0]!.toUpperCase() + first.slice(1) + ' ' + rng.pick(LAST);
  c.email = `${first.normalize('NFD').replace(/[^a-z]/g, '')}.${rng.int(1, 999)}@example.com`;
  c.email_verified = rng.chance(0.8);
  c.org_id = `org_${hex(rng, 16)}`;
  c.roles = subset(rng, ROLES, 1, 3);
  c.permissions = PERMISSIONS.filter(() => rng.chance(0.6));
  c.azp = hex(rng, 32);
  return c;
}

// --------------------------------------------------------------------------
// Requests.

const PATHS = ['/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/orders/{id}/items', '/api/v1/users/{id}/profile', '/api/v1/catalog?page={n}', '/api/v2/search?q={word}&limit=20', '/api/v1/invoices/{id}.pdf'];
const AGENTS = ['okhttp/4.12.0', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', 'axios/1.7.2', 'python-requests/2.32.3', 'Go-http-client/2.0'];

function ip(rng: Random): string {
  return `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function apiRequest(rng: Random, authorization: string | undefined): HttpRequest {
  const method = rng.pick(['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']);
  const path = rng
    .pick(PATHS)
    .replace('{id}', String(rng.int(1, 999999)))
    .replace('{n}', String(rng.int(1, 40)))
    .replace('{word}', rng.word(rng.int(3, 9)));
  const headers: Array<[string, string]> = [
    ['Host', 'api.example.com'],
    ['User-Agent', rng.pick(AGENTS)],
    ['Accept', 'application/json'],
  ];
  if (authorization !== undefined) headers.push(['Authorization', authorization]);
  headers.push(['X-Forwarded-For', ip(rng)]);
  if (rng.chance(0.4)) headers.push(['X-Request-Id', hex(rng, 32)]);
  // A client claiming an identity itself: the filter must overwrite (or never forward) it.
  if (rng.chance(0.05)) headers.push(['X-User', rng.pick(['admin', 'root', 'alice'])]);
  let body = new Uint8Array(0);
  if (method === 'POST' || method === 'PUT') {
    const items = Array.from({ length: rng.int(1, 12) }, () => `{"sku":"${rng.word(8)}","qty":${rng.int(1, 9)}}`);
    body = utf8.encode(`{"items":[${items.join(',')}],"note":"${rng.word(rng.int(0, 40))}"}`);
    headers.push(['Content-Type', 'application/json'], ['Content-Length', String(body.length)]);
  }
  return { method, path, headers, body };
}

function sizeClass(token: string): string {
  const n = token.length;
  return n <= 256 ? '256 B' : n <= 512 ? '512 B' : n <= 1024 ? '1 KiB' : '2 KiB';
}

// --------------------------------------------------------------------------
// One item per kind; `n` is the item's rank within its kind, so every variant appears.

interface Made {
  label: string;
  authorization?: string;
  nowMs?: number;
}

function pickSize(rng: Random): Size {
  const r = rng.next();
  return r < 0.2 ? 'small' : r < 0.75 ? 'medium' : 'large';
}

interface TokenOptions {
  aud?: Json;
  omitAud?: boolean;
  exp?: number;
  alg?: string;
  key?: Uint8Array;
}

function token(rng: Random, nowMs: number, opts: TokenOptions = {}): string {
  const style = rng.pick<Style>(['node', 'node', 'node', 'php', 'python']);
  const c = claims(rng, pickSize(rng), Math.floor(nowMs / 1000), opts.aud);
  if (opts.exp !== undefined) c.exp = opts.exp;
  if (opts.omitAud) delete c.aud;
  return sign(header(style, rng, opts.alg), serialise(style, c), opts.key);
}

function bearer(rng: Random, t: string): string {
  return (rng.chance(0.05) ? 'bearer ' : 'Bearer ') + t;
}

function make(kind: Kind, n: number, rng: Random, nowMs: number): Made {
  const nowS = Math.floor(nowMs / 1000);
  switch (kind) {
    case 'valid': {
      // Every 40th token expires within the next second (exp * 1000 > nowMs).
      if (n % 40 === 39) {
        const exp = Math.ceil(nowMs / 1000) + 1; // the clock only moves forward
        const t = token(rng, nowMs, { exp });
        return { label: `valid about to expire, ${sizeClass(t)} token`, authorization: bearer(rng, t), nowMs: exp * 1000 - rng.int(1, 900) - 0.5 };
      }
      const aud = rng.chance(0.25) ? [AUDIENCE, 'https://example.eu.auth0.com/userinfo'] : AUDIENCE;
      const t = token(rng, nowMs, { aud });
      return { label: `valid, ${sizeClass(t)} token`, authorization: bearer(rng, t) };
    }
    case 'missing_token':
      switch (n % 8) {
        case 1:
          return { label: 'missing token, basic auth', authorization: 'Basic ' + base64urlEncode(utf8.encode(`${rng.word(6)}:${rng.word(12)}`)) };
        case 5:
          return { label: 'missing token, empty bearer', authorization: 'Bearer' };
        default:
          return { label: 'missing token' };
      }
    case 'expired': {
      // The first one expires exactly at the request's clock reading: expired (nowMs >= exp * 1000).
      if (n === 0) {
        const exp = Math.ceil(nowMs / 1000);
        return { label: 'expired at this exact ms', authorization: bearer(rng, token(rng, nowMs, { exp })), nowMs: exp * 1000 };
      }
      const t = token(rng, nowMs, { exp: nowS - rng.int(1, 172800) });
      return { label: `expired, ${sizeClass(t)} token`, authorization: bearer(rng, t) };
    }
    case 'bad_signature': {
      const t = token(rng, nowMs);
      const [h, p, s] = t.split('.') as [string, string, string];
      switch (n % 4) {
        case 0:
          return { label: 'bad signature, staging key', authorization: bearer(rng, token(rng, nowMs, { key: STAGING_KEY })) };
        case 1: {
          // The classic tampering: a new subject, the old signature.
          const forged = JSON.parse(new TextDecoder().decode(Buffer.from(p, 'base64url'))) as Record<string, Json>;
          forged.sub = 'admin';
          return { label: 'bad signature, tampered claims', authorization: bearer(rng, `${h}.${b64(JSON.stringify(forged))}.${s}`) };
        }
        case 2:
          return { label: 'bad signature, truncated', authorization: bearer(rng, `${h}.${p}.${s.slice(0, 40)}`) };
        default:
          return { label: 'bad signature, another token', authorization: bearer(rng, `${h}.${p}.${token(rng, nowMs).split('.')[2]}`) };
      }
    }
    case 'malformed': {
      const valid = token(rng, nowMs);
      const [h, p, s] = valid.split('.') as [string, string, string];
      const exp = nowS + 3600;
      switch (n % 8) {
        case 0:
          return { label: 'malformed, opaque token', authorization: `Bearer ${rng.word(40)}` };
        case 1:
          return { label: 'malformed, padded base64', authorization: `Bearer ${h}==.${p}.${s}` };
        case 2:
          return { label: 'malformed, two segments', authorization: `Bearer ${h}.${p}` };
        case 3:
          // A front end that sent the token it did not have.
          return { label: 'malformed, "undefined"', authorization: `Bearer ${rng.pick(['undefined', 'null'])}` };
        case 4:
          return { label: 'malformed, signed non-JSON claims', authorization: `Bearer ${sign('{"alg":"HS256","typ":"JWT"}', `sub=user_1&exp=${exp}`)}` };
        case 5:
          return { label: 'malformed, signed claims without sub', authorization: `Bearer ${sign('{"alg":"HS256","typ":"JWT"}', JSON.stringify({ aud: AUDIENCE, exp }))}` };
        case 6:
          return { label: 'malformed, exp as a string', authorization: `Bearer ${sign('{"alg":"HS256","typ":"JWT"}', JSON.stringify({ sub: 'user_77', aud: AUDIENCE, exp: String(exp) }))}` };
        default:
          return { label: 'malformed, header not JSON', authorization: `Bearer ${b64('HS256')}.${p}.${s}` };
      }
    }
    case 'wrong_audience': {
      const opts: TokenOptions[] = [
        { aud: 'https://admin.example.com' },
        { aud: ['https://billing.example.com', 'https://example.eu.auth0.com/userinfo'] },
        { aud: 'https://api.example.com/' },
        { omitAud: true },
      ];
      const t = token(rng, nowMs, opts[n % opts.length]);
      return { label: `wrong audience, ${sizeClass(t)} token`, authorization: bearer(rng, t) };
    }
    case 'unsupported_alg': {
      if (n % 2 === 0) {
        // alg "none": an unsigned token with an empty signature segment.
        const [h, p] = token(rng, nowMs, { alg: 'none' }).split('.') as [string, string];
        return { label: 'unsupported alg none', authorization: `Bearer ${h}.${p}.` };
      }
      return { label: 'unsupported alg HS512', authorization: bearer(rng, token(rng, nowMs, { alg: 'HS512' })) };
    }
  }
}

export function corpus(): CorpusItem[] {
  const rng = new Random(0x6a777461);
  // The kinds in a shuffled order (Fisher-Yates), fixed by the seed.
  const kinds: Kind[] = (Object.keys(MIX) as Kind[]).flatMap((k) => Array<Kind>(MIX[k]).fill(k));
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const rank = new Map<Kind, number>();
  return kinds.map((kind, i) => {
    const n = rank.get(kind) ?? 0;
    rank.set(kind, n + 1);
    const clock = START_MS + i * 1500 + rng.int(0, 999) / 8; // sub-millisecond readings, exact in binary
    const made = make(kind, n, rng, clock);
    return { label: made.label, request: apiRequest(rng, made.authorization), nowMs: made.nowMs ?? clock };
  });
}
