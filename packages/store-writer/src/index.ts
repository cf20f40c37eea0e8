export * from './scripts.ts';
export * from './domain-batch-plan.ts';
export * from './score-store.ts';
export * from './mirror-cache.ts';
