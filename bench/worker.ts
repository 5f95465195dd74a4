import { serve } from './rpc';
import type { Handlers } from './rpc';

/**
 * Entry of every measuring child: `node worker.js <scenario>`. The scenario module is loaded
 * on demand so that a bare-client process loads nothing of the project.
 */
const scenario = process.argv[2];
if (!/^[a-z-]+$/.test(scenario ?? '')) throw new Error(`bad scenario name ${scenario}`);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mod = require(`./scenarios/${scenario}`) as { handlers: Handlers };
serve(mod.handlers);
