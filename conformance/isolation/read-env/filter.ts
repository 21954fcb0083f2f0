// isolation/read-env: tries to read the host's environment variable named in the config.
import type { FilterModule } from '../../../runtimes/abi/types.ts';
import { globalsSeen, hostProcess } from '../lib/escape.ts';

let name = '';

export default {
  init(config) {
    name = (JSON.parse(config) as { env: string }).env;
  },
  handle() {
    const env = hostProcess()?.env;
    if (!env) return 'denied:no process.env (' + globalsSeen() + ')';
    const value = env[name];
    return value === undefined ? 'denied:not set' : 'allowed:' + value;
  },
} satisfies FilterModule;
