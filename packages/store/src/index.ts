export * from './keys.ts';
export * from './scripts.ts';
export * from './aggregate-fields.ts';
export * from './score-fields.ts';
export * from './domain-batch-plan.ts';
export * from './score-store.ts';
export * from './namespace.ts';
export * from './score-reader.ts';
