import { runService } from '@mesh-momentum/service-kit';
import { loadProcessorConfig } from './config.ts';
import { relaunchWithHeapLimit, stopWithLauncher } from './heap-limit.ts';
import { PROCESSOR_SERVICE } from './service.ts';

/**
 * Entry point: `pnpm processor` (`node --conditions=@mesh-momentum/source services/processor/src/main.ts`).
 * Runs the service in a child Node whose heap limit the memory budget (MM_PROCESSOR_MEMORY_MB) sets;
 * an invalid configuration is reported by the service itself, run here.
 */
if (!relaunchWithHeapLimit(heapLimitMiB())) {
  stopWithLauncher();
  runService(PROCESSOR_SERVICE);
}

function heapLimitMiB(): number | undefined {
  try {
    return loadProcessorConfig(process.env).processor.heapLimitMiB;
  } catch {
    return undefined;
  }
}
