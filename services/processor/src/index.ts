export * from './processor.ts';
export * from './decode-batch.ts';
export * from './dead-letter.ts';
export * from './scoring-config.ts';
export * from './ops/metrics.ts';
export * from './rebuild.ts';
export * from './event-time-range.ts';
export * from './config.ts';
