// FNV-1a, 32 bits (offset basis 2166136261, prime 16777619), over the bytes of
// an ASCII string. The same function is written in Lua and C beside each filter.

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ (text.charCodeAt(i) & 0xff), 0x01000193);
  }
  return h >>> 0;
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
