import { runService } from '@mesh-momentum/service-kit';
import { INGEST_SERVICE } from './service.ts';

/** Entry point: `pnpm ingest` (`node --conditions=@mesh-momentum/source services/ingest/src/main.ts`). */
runService(INGEST_SERVICE);
