// isolation/network-connect: tries to connect to the harness's port on 127.0.0.1.
import type { FilterModule } from '../../../runtimes/abi/types.ts';
import { builtin, errorText, globalsSeen } from '../lib/escape.ts';

interface Socket {
  on(event: string, fn: () => void): Socket;
  end(): void;
  destroy(): void;
}

let port = 0;

export default {
  init(config) {
    port = (JSON.parse(config) as { port: number }).port;
  },
  handle() {
    const net = builtin<{ connect(port: number, host: string): Socket }>('node:net');
    if (!('missing' in net)) {
      try {
        const s = net.module.connect(port, '127.0.0.1');
        s.on('connect', () => s.end()).on('error', () => s.destroy());
        return 'attempted:node:net connect';
      } catch (err) {
        return 'denied:' + errorText(err);
      }
    }
    const f = (globalThis as { fetch?: (url: string) => Promise<unknown> }).fetch;
    if (typeof f === 'function') {
      void f(`http://127.0.0.1:${port}/`).catch(() => {});
      return 'attempted:fetch';
    }
    return 'denied:no socket API (' + globalsSeen() + ')';
  },
} satisfies FilterModule;
