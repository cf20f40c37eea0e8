/**
 * How the processor's one memory budget (MM_PROCESSOR_MEMORY_MB) is shared out. The resident set is
 * mostly V8's heap (the mirrors, and every fetched record until its batch is applied, decoded several
 * times over) plus the fetch responses' buffers outside it, so the old-space limit takes three quarters
 * of the budget, the rest covers the buffers, the code and the young generation. (Half was too little:
 * at 10k events/s the mirrors of every domain stay busy, so none can be dropped, and the processor ran
 * out of a 256 MiB old space after 70 s of bench:latency.) Each share has its own variable
 * that overrides it.
 */
export interface MemoryShares {
  /** V8's old-space limit (`--max-old-space-size`), MiB. */
  readonly heapMiB: number;
  /**
   * V8's semi-space size (`--max-semi-space-size`), MiB; the young generation takes three of them.
   * Node 24 otherwise gives 64 MiB semi-spaces whatever the old-space limit: 192 MiB of young generation.
   */
  readonly semiSpaceMiB: number;
  /**
   * The mirrors' budget (MM_PROCESSOR_MIRROR_MB), MiB; part of the heap. A quarter made bench:latency
   * at 10k events/s for 60 s read 56k scopes back from Redis: its mirrors need more than 128 MiB.
   */
  readonly mirrorMiB: number;
  /** The largest fetch response over all partitions (MM_PROCESSOR_FETCH_MB), MiB. */
  readonly fetchMiB: number;
  /** The largest fetch per partition (MM_PROCESSOR_FETCH_PARTITION_MB), MiB. */
  readonly fetchPartitionMiB: number;
}

/** The smallest budget the shares below make sense for, MiB. */
export const MIN_MEMORY_BUDGET_MIB = 128;
/** The largest budget MM_PROCESSOR_MEMORY_MB accepts, MiB. */
export const MAX_MEMORY_BUDGET_MIB = 65_536;
/** The budget when MM_PROCESSOR_MEMORY_MB is not set, MiB. */
export const DEFAULT_MEMORY_BUDGET_MIB = 512;

/**
 * The budget MM_PROCESSOR_MEMORY_MB gives, MiB, read without the configuration loader, for the entry
 * point's launcher (which must stay small: it is resident beside the service); undefined when the value
 * is not one the configuration accepts, which the service then reports itself.
 */
export function memoryBudgetFromEnv(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_MEMORY_BUDGET_MIB;
  const text = value.trim();
  // The configuration's `integer` reading: decimal digits, a sign allowed.
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const budget = Number(text);
  return budget >= MIN_MEMORY_BUDGET_MIB && budget <= MAX_MEMORY_BUDGET_MIB ? budget : undefined;
}
/** The largest fetch response kafkajs and the variable allow, MiB. */
const MAX_FETCH_MIB = 50;
/** The largest per-partition fetch the variable allows, MiB. */
const MAX_FETCH_PARTITION_MIB = 64;

/**
 * The shares of a budget, MiB. At 512 MiB: a 384 MiB old space, 16 MiB semi-spaces, 256 MiB of mirrors, fetches of 16 MiB in
 * all and 4 MiB per partition (a fetch response is held about three times over while it is decoded
 * and applied: the buffer, the records, the decoded events).
 */
export function memorySharesOf(budgetMiB: number): MemoryShares {
  return {
    heapMiB: Math.floor((budgetMiB * 3) / 4),
    semiSpaceMiB: Math.max(1, Math.floor(budgetMiB / 32)),
    mirrorMiB: Math.floor(budgetMiB / 2),
    fetchMiB: Math.min(MAX_FETCH_MIB, Math.max(1, Math.floor(budgetMiB / 32))),
    fetchPartitionMiB: Math.min(MAX_FETCH_PARTITION_MIB, Math.max(1, Math.floor(budgetMiB / 128))),
  };
}
