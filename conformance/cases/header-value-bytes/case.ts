import { defineCase } from '../../cases.ts';

/**
 * Every byte a field value may hold (RFC 9110 field-content): visible ASCII
 * 0x21-0x7E, space and tab (inside the value, not at its ends: there they are
 * optional whitespace, not part of the value) and obs-text 0x80-0xFF. The ABI
 * carries a byte b as the character U+00bb: Lua sees the byte itself, a C
 * guest sees the UTF-8 encoding of U+00bb (WIT strings are Unicode).
 */
let all = 'a\t \t';
for (let b = 0x21; b <= 0x7e; b++) all += String.fromCharCode(b);
for (let b = 0x80; b <= 0xff; b++) all += String.fromCharCode(b);
all += ' z';

export default defineCase({
  id: 'header-value-bytes',
  level: 'MUST',
  statement: 'header values carry every legal byte (visible ASCII, space, tab, obs-text 0x80-0xFF) exactly, read and written',
  steps: [
    {
      label: 'a value with every legal byte',
      request: { headers: [['Host', 'conformance.test'], ['X-Bytes', all]] },
      expect: {
        headers: [
          ['host', 'conformance.test'],
          ['x-bytes', all],
          ['x-echo', all],
          ['x-obs', 'obs:\x80\xa0\xff tab:\t.'],
        ],
      },
    },
  ],
});
