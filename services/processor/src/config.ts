import {
  defineConfigSection,
  integer,
  loadConfig,
  nonEmpty,
  optionalDecimal,
  optionalInteger,
  variable,
  type Config,
  type Env,
} from '@mesh-momentum/common';
import {
  DEFAULT_MEMORY_BUDGET_MIB,
  MAX_MEMORY_BUDGET_MIB,
  memorySharesOf,
  MIN_MEMORY_BUDGET_MIB,
} from './memory-budget.ts';

const MIB = 1024 * 1024;

/** The processor's own variables (`MM_PROCESSOR_*`); the shared ones live in packages/common. */
export const PROCESSOR_SECTION = defineConfigSection({
  name: 'processor',
  prefix: 'MM_PROCESSOR_',
  variables: {
    MM_PROCESSOR_GROUP_ID: variable(
      nonEmpty,
      'mesh-momentum-processor',
      'Kafka consumer group of the processor; instances with the same group share the partitions.',
    ),
    MM_PROCESSOR_HTTP_HOST: variable(
      nonEmpty,
      '127.0.0.1',
      "Address the processor's health and metrics server binds to.",
    ),
    MM_PROCESSOR_HTTP_PORT: variable(
      integer(0, 65535),
      '9464',
      "Port of the processor's /healthz, /readyz and /metrics (0: any free port).",
    ),
    MM_PROCESSOR_SESSION_TIMEOUT_MS: variable(
      integer(6_000, 300_000),
      '30000',
      'Consumer-group session timeout: how long a silent (crashed, paused) instance keeps its partitions, ms.',
    ),
    MM_PROCESSOR_STALL_TIMEOUT_MS: variable(
      integer(1_000, 3_600_000),
      '60000',
      'A batch that makes no progress for this long is abandoned and retried, and /readyz reports not ready, ms.',
    ),
    MM_PROCESSOR_TICK_MS: variable(
      integer(1_000, 3_600_000),
      '60000',
      'How often the processor refreshes decayed scores, rankings and stall states without new events, ms.',
    ),
    MM_PROCESSOR_DEDUP_WINDOW_DAYS: variable(
      integer(1, 366),
      '7',
      'Copies of an event (same source, id) reaching Kafka within this many days count once; bounds dedup memory.',
    ),
    MM_PROCESSOR_MEMORY_MB: variable(
      integer(MIN_MEMORY_BUDGET_MIB, MAX_MEMORY_BUDGET_MIB),
      String(DEFAULT_MEMORY_BUDGET_MIB),
      "The processor's memory budget, MiB: its resident set stays about within it. It sets V8's old-space limit to three quarters of it and its semi-spaces to 1/32 (the entry point starts Node with --max-old-space-size and --max-semi-space-size, and with glibc malloc's MALLOC_MMAP_THRESHOLD_=131072 and MALLOC_ARENA_MAX=2 where unset, so freed fetch buffers leave the resident set; unless NODE_OPTIONS sets the heap limit), the mirrors' budget to half and the fetch sizes to 1/32 in all and 1/128 per partition (each overridable below); fetching pauses while the heap is above 85% of its limit or the resident set above 90% of the budget.",
    ),
    MM_PROCESSOR_FETCH_PARTITION_MB: variable(
      optionalInteger(1, 64),
      '',
      'Largest fetch the consumer asks for per partition, MiB; empty: MM_PROCESSOR_MEMORY_MB / 128. Bigger batches write each touched scope once for more events (faster catch-up) but every fetched record is held in memory until its batch is applied.',
    ),
    MM_PROCESSOR_FETCH_MB: variable(
      optionalInteger(1, 50),
      '',
      "Largest fetch response over all partitions, MiB; empty: MM_PROCESSOR_MEMORY_MB / 32 (the broker's fetch.max.bytes, 55 MiB by default, caps it too). With the per-partition limit, what bounds the records held in memory.",
    ),
    MM_PROCESSOR_MIRROR_MB: variable(
      optionalDecimal(0.01, 65_536),
      '',
      "Heap the in-memory copies of the domains' scoring state may take, MiB (estimated at 160 B per day bucket); empty: MM_PROCESSOR_MEMORY_MB / 2. Past it the least recently used domains are dropped and read from Redis again when needed. Scores do not change; a budget below the working set costs Redis reads.",
    ),
  },
  build: (get) => {
    const shares = memorySharesOf(get('MM_PROCESSOR_MEMORY_MB'));
    return {
      groupId: get('MM_PROCESSOR_GROUP_ID'),
      httpHost: get('MM_PROCESSOR_HTTP_HOST'),
      httpPort: get('MM_PROCESSOR_HTTP_PORT'),
      sessionTimeoutMs: get('MM_PROCESSOR_SESSION_TIMEOUT_MS'),
      stallTimeoutMs: get('MM_PROCESSOR_STALL_TIMEOUT_MS'),
      tickMs: get('MM_PROCESSOR_TICK_MS'),
      dedupWindowDays: get('MM_PROCESSOR_DEDUP_WINDOW_DAYS'),
      memoryBudgetBytes: get('MM_PROCESSOR_MEMORY_MB') * MIB,
      heapLimitMiB: shares.heapMiB,
      semiSpaceMiB: shares.semiSpaceMiB,
      fetchPartitionBytes: (get('MM_PROCESSOR_FETCH_PARTITION_MB') ?? shares.fetchPartitionMiB) * MIB,
      fetchBytes: (get('MM_PROCESSOR_FETCH_MB') ?? shares.fetchMiB) * MIB,
      mirrorMaxBytes: Math.floor((get('MM_PROCESSOR_MIRROR_MB') ?? shares.mirrorMiB) * MIB),
    };
  },
});

/** The processor's configuration: the shared variables and its own section, under `processor`. */
export type ProcessorConfig = Config & {
  readonly processor: ReturnType<(typeof PROCESSOR_SECTION)['build']>;
};

export function loadProcessorConfig(env: Env = process.env): ProcessorConfig {
  return loadConfig(env, PROCESSOR_SECTION);
}
