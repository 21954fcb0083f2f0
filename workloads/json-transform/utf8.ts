// Strict UTF-8 → JavaScript string, in plain JavaScript: QuickJS has no
// TextDecoder, and filter.ts runs unchanged on native, quickjs and remote.
// It accepts exactly what `new TextDecoder('utf-8', { fatal: true,
// ignoreBOM: true })` accepts (RFC 3629: no overlong forms, no surrogates
// D800-DFFF, nothing above U+10FFFF, no truncated sequences) and throws
// otherwise; a byte order mark is kept as U+FEFF.

export class Utf8Error extends Error {
  constructor(readonly offset: number) {
    super(`invalid UTF-8 at byte ${offset}`);
    this.name = 'Utf8Error';
  }
}

// ASCII runs become strings straight from the bytes (String.fromCharCode.apply
// over a subarray, at most CHUNK at a time); each multi-byte sequence becomes
// a one- or two-unit string; the pieces are joined once. Of the pure-JS
// shapes tried, this was the fastest on both V8 and QuickJS.
const CHUNK = 8192;

export function decodeUtf8(bytes: Uint8Array): string {
  const parts: string[] = [];
  const end = bytes.length;
  let i = 0;
  while (i < end) {
    const start = i;
    while (i < end && bytes[i]! < 0x80) i++;
    for (let p = start; p < i; p += CHUNK) {
      parts.push(String.fromCharCode.apply(null, bytes.subarray(p, Math.min(i, p + CHUNK)) as unknown as number[]));
    }
    if (i >= end) break;
    const b = bytes[i]!;
    let lo = 0x80;
    let hi = 0xbf;
    let need: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      if (b === 0xe0) lo = 0xa0; // no overlong forms
      else if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      if (b === 0xf0) lo = 0x90; // no overlong forms
      else if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else {
      throw new Utf8Error(i);
    }
    if (i + need >= end) throw new Utf8Error(i); // truncated sequence
    const b1 = bytes[i + 1]!;
    if (b1 < lo || b1 > hi) throw new Utf8Error(i);
    cp = (cp << 6) | (b1 & 0x3f);
    for (let k = 2; k <= need; k++) {
      const bk = bytes[i + k]!;
      if ((bk & 0xc0) !== 0x80) throw new Utf8Error(i);
      cp = (cp << 6) | (bk & 0x3f);
    }
    i += need + 1;
    if (cp < 0x10000) parts.push(String.fromCharCode(cp));
    else parts.push(String.fromCharCode(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)));
  }
  return parts.length === 1 ? parts[0]! : parts.join('');
}
