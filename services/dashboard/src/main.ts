import { runService } from '@mesh-momentum/service-kit';
import { DASHBOARD_SERVICE } from './service.ts';

/** Entry point: `pnpm dashboard` (node --conditions=@mesh-momentum/source services/dashboard/src/main.ts). */
runService(DASHBOARD_SERVICE);
