// header-empty-value: tell an empty value from an absent one; write empty values.
import type { FilterModule } from '../../../runtimes/abi/types.ts';

export default {
  handle(req) {
    const v = req.header('x-empty');
    req.setHeader('x-seen', v === undefined ? 'absent' : `present:${v.length}`);
    req.setHeader('x-set-empty', '');
    req.addHeader('x-add-empty', '');
    return '';
  },
} satisfies FilterModule;
