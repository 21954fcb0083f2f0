// base64url (RFC 4648 §5) without padding, as JWS uses it (RFC 7515 §2), plus
// the byte-string helpers a filter needs where QuickJS has no TextEncoder /
// TextDecoder / atob / btoa. The same decoder is written in
// workloads/lib/base64url.lua and workloads/lib/base64url.h.
//
// Decoding is strict, the same in every language: the input may hold only
// A-Z a-z 0-9 - _ (no '=' padding, no whitespace); its length mod 4 must not
// be 1; and the bits left over in the last character must be zero (RFC 4648
// §3.5: a canonical encoding), so every byte string has exactly one encoding.
// Anything else is invalid (undefined here, nil in Lua, false in C).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Char code → 6-bit value, or -1. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export function base64urlEncode(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    s += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    s += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!;
  }
  return s;
}

/** Decodes text[start, end) (default: all of it); undefined when it is not strict base64url. */
export function base64urlDecode(text: string, start = 0, end = text.length): Uint8Array | undefined {
  const len = end - start;
  if (len < 0 || len % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? VALUE[c]! : -1;
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // 2 or 4 bits left over (length mod 4 = 3 or 2) must be zero.
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

/** One char per byte (char codes 0-255): the byte string a Lua or C filter sees. */
export function bytesToLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}

/** The low byte of every char code: the bytes of an ASCII (or latin1) string. */
export function latin1ToBytes(text: string, start = 0, end = text.length): Uint8Array {
  const out = new Uint8Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = text.charCodeAt(i) & 0xff;
  return out;
}
