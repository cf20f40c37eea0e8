import { runService } from '@mesh-momentum/service-kit';
import { ALERTER_SERVICE } from './service.ts';

/** Entry point: `pnpm alerter` (node --conditions=@mesh-momentum/source services/alerter/src/main.ts). */
runService(ALERTER_SERVICE);
