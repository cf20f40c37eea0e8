import { runService } from '@mesh-momentum/service-kit';
import { loadProcessorConfig } from './config.ts';
import { heapFlags, relaunchWithHeapLimit, stopWithLauncher } from './heap-limit.ts';
import { PROCESSOR_SERVICE } from './service.ts';

/**
 * Entry point: `pnpm processor` (`node --conditions=@mesh-momentum/source services/processor/src/main.ts`).
 * Runs the service in a child Node whose heap limit the memory budget (MM_PROCESSOR_MEMORY_MB) sets;
 * an invalid configuration is reported by the service itself, run here.
 */
if (!relaunchWithHeapLimit(budgetHeapFlags())) {
  stopWithLauncher();
  runService(PROCESSOR_SERVICE);
}

function budgetHeapFlags(): string[] | undefined {
  try {
    return heapFlags(loadProcessorConfig(process.env).processor);
  } catch {
    return undefined;
  }
}
