export * from './scripts.ts';
export * from './domain-batch-plan.ts';
export * from './score-store.ts';
export type { ApplyResult, PartitionBatch } from './partition-batch-writer.ts';
export type { EpochOf } from './owned-refresh.ts';
export * from './mirror-cache.ts';
