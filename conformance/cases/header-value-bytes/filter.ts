// header-value-bytes: copy a value with every legal byte, and write one with
// obs-text, space and tab (bytes 0x80-0xFF are the characters U+0080-U+00FF).
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    req.setHeader('x-echo', req.header('x-bytes') ?? 'absent');
    req.addHeader('x-obs', 'obs:\x80\xa0\xff tab:\t.');
    return '';
  },
} satisfies FilterModule;
