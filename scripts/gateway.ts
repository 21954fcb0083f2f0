// npm run gateway -- --runtime R --workload W --port N: the gateway alone, for
// any HTTP load tool (DESIGN §6). The logic is in bench/gateway.ts.

import { runGatewayCli } from '../bench/gateway.ts';

process.exit(await runGatewayCli(process.argv.slice(2)));
