import { runService } from '@mesh-momentum/service-kit';
import { PROCESSOR_SERVICE } from './service.ts';

/** Entry point: `pnpm processor` (`node --conditions=@mesh-momentum/source services/processor/src/main.ts`). */
runService(PROCESSOR_SERVICE);
