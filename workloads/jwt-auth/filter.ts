// jwt-auth: verifies an HS256 JSON Web Token from `authorization: Bearer ...`
// and forwards the subject as `x-user` (see README.md for the exact rules, in
// the order they are applied). Base64url and HMAC-SHA-256 are the project's own
// pure-TypeScript libraries, so native, QuickJS and remote run the same code;
// JSON is the language's own JSON.parse, applied to the decoded bytes as a
// latin1 string (one char per byte), which is what the Lua and C filters see.
import type { FilterModule, FilterRequest } from '../../runtimes/abi/types.ts';
import { base64urlDecode, bytesToLatin1, latin1ToBytes } from '../lib/base64url.ts';
import { hmacSha256 } from '../lib/sha256.ts';

const PRINTABLE = /^[\x20-\x7e]+$/;
const CHALLENGE = 'Bearer realm="plugbench"';
const CHALLENGE_INVALID = 'Bearer realm="plugbench", error="invalid_token"';

// One deployment's settings. An ES module is evaluated once per process, so
// every native instance shares them (QuickJS and remote evaluate it per instance).
let key: Uint8Array = new Uint8Array(0);
let audience = '';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON.parse of bytes; undefined unless the text is a JSON object. */
function parseObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(bytesToLatin1(bytes));
  } catch {
    return undefined;
  }
  return isObject(v) ? v : undefined;
}

function deny(req: FilterRequest, error: string): string {
  req.respond(
    401,
    [
      ['content-type', 'application/json'],
      ['www-authenticate', error === 'missing_token' ? CHALLENGE : CHALLENGE_INVALID],
    ],
    '{"error":"' + error + '"}',
  );
  return 'unauthorized';
}

export default {
  init(configText) {
    const config: unknown = JSON.parse(configText);
    if (!isObject(config)) throw new Error('config must be a JSON object');
    const aud = config.audience;
    if (typeof aud !== 'string' || !PRINTABLE.test(aud)) throw new Error('config.audience must be a non-empty printable ASCII string');
    const text = config.secret;
    const b64 = config.secret_base64url;
    if ((text === undefined) === (b64 === undefined)) throw new Error('config needs exactly one of secret and secret_base64url');
    let k: Uint8Array | undefined;
    if (text !== undefined) {
      if (typeof text !== 'string' || !PRINTABLE.test(text)) throw new Error('config.secret must be a printable ASCII string');
      k = latin1ToBytes(text);
    } else {
      k = typeof b64 === 'string' ? base64urlDecode(b64) : undefined;
      if (k === undefined) throw new Error('config.secret_base64url must be a base64url string');
    }
    if (k.length < 32) throw new Error('the secret must be at least 32 bytes (RFC 7518 §3.2)');
    key = k;
    audience = aud;
  },

  handle(req, host) {
    // 1. The bearer token.
    const authorization = req.header('authorization');
    if (authorization === undefined || authorization.length < 7 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') {
      return deny(req, 'missing_token');
    }
    const token = authorization.slice(7);

    // 2. Three base64url segments.
    const dot1 = token.indexOf('.');
    const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot2 < 0) return deny(req, 'malformed');
    const headerBytes = base64urlDecode(token, 0, dot1);
    const payloadBytes = base64urlDecode(token, dot1 + 1, dot2);
    const signature = base64urlDecode(token, dot2 + 1);
    if (!headerBytes || !payloadBytes || !signature) return deny(req, 'malformed');

    // 3. The JOSE header: HS256 only.
    const header = parseObject(headerBytes);
    if (!header || typeof header.alg !== 'string') return deny(req, 'malformed');
    if (header.alg !== 'HS256') return deny(req, 'unsupported_alg');

    // 4. The signature over the first two segments, compared in constant time.
    if (signature.length !== 32) return deny(req, 'bad_signature');
    const mac = hmacSha256(key, latin1ToBytes(token, 0, dot2));
    let diff = 0;
    for (let i = 0; i < 32; i++) diff |= mac[i]! ^ signature[i]!;
    if (diff !== 0) return deny(req, 'bad_signature');

    // 5. The claims.
    const claims = parseObject(payloadBytes);
    if (!claims) return deny(req, 'malformed');
    const { sub, exp, aud } = claims;
    if (typeof sub !== 'string' || !PRINTABLE.test(sub)) return deny(req, 'malformed');
    if (typeof exp !== 'number') return deny(req, 'malformed');
    const audList = Array.isArray(aud) ? (aud as unknown[]) : undefined;
    if (aud !== undefined && typeof aud !== 'string' && !(audList && audList.every((a) => typeof a === 'string'))) {
      return deny(req, 'malformed');
    }

    // 6. Expiry: exp is in seconds, the host clock in milliseconds.
    if (host.nowMs() >= exp * 1000) return deny(req, 'expired');

    // 7. Audience.
    if (!(aud === audience || (audList !== undefined && audList.includes(audience)))) return deny(req, 'wrong_audience');

    // 8. Forward the subject.
    req.setHeader('x-user', sub);
    return '';
  },
} satisfies FilterModule;
