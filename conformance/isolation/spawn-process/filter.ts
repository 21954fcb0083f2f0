// isolation/spawn-process: tries to run a shell command.
import type { FilterModule } from '../../../runtimes/abi/types.ts';
import { builtin, errorText } from '../lib/escape.ts';

interface ChildProcessModule {
  spawnSync(cmd: string, args: string[], options: { encoding: 'utf8'; timeout: number }): { stdout: string; error?: Error };
}

export default {
  handle() {
    const cp = builtin<ChildProcessModule>('node:child_process');
    if ('missing' in cp) return 'denied:' + cp.missing;
    try {
      const r = cp.module.spawnSync('/bin/sh', ['-c', 'echo spawned $$'], { encoding: 'utf8', timeout: 2000 });
      if (r.error) return 'denied:' + errorText(r.error);
      return 'allowed:' + r.stdout.trim();
    } catch (err) {
      return 'denied:' + errorText(err);
    }
  },
} satisfies FilterModule;
