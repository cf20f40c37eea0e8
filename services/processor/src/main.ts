import { heapFlags, relaunchWithHeapLimit, stopWithLauncher } from './heap-limit.ts';
import { memoryBudgetFromEnv, memorySharesOf } from './memory-budget.ts';

/**
 * Entry point: `pnpm processor` (`node --conditions=@mesh-momentum/source services/processor/src/main.ts`).
 * Runs the service in a child Node whose heap limit the memory budget (MM_PROCESSOR_MEMORY_MB) sets;
 * a configuration the launcher cannot read is reported by the service itself. The launcher loads no
 * more than it needs to start the child (Node alone): what it loads stays resident beside the child's
 * budget. The service's modules (Kafka, Redis, HTTP, scoring) load only where the service runs.
 */
if (!relaunchWithHeapLimit(budgetHeapFlags())) {
  stopWithLauncher();
  const [{ runService }, { PROCESSOR_SERVICE }] = await Promise.all([
    import('@mesh-momentum/service-kit'),
    import('./service.ts'),
  ]);
  runService(PROCESSOR_SERVICE);
}

function budgetHeapFlags(): string[] | undefined {
  const budgetMiB = memoryBudgetFromEnv(process.env['MM_PROCESSOR_MEMORY_MB']);
  if (budgetMiB === undefined) return undefined;
  const shares = memorySharesOf(budgetMiB);
  return heapFlags({ heapLimitMiB: shares.heapMiB, semiSpaceMiB: shares.semiSpaceMiB });
}
