// isolation/read-file: tries to read /etc/passwd through whatever the engine offers.
import type { FilterModule } from '../../../runtimes/abi/types.ts';
import { builtin, errorText } from '../lib/escape.ts';

export default {
  handle() {
    const fs = builtin<{ readFileSync(path: string, encoding: 'utf8'): string }>('node:fs');
    if ('missing' in fs) return 'denied:' + fs.missing;
    try {
      return 'allowed:' + fs.module.readFileSync('/etc/passwd', 'utf8').split('\n')[0]!.slice(0, 80);
    } catch (err) {
      return 'denied:' + errorText(err);
    }
  },
} satisfies FilterModule;
