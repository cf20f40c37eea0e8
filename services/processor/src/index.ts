export * from './processor.ts';
export * from './decode-batch.ts';
export * from './dead-letter.ts';
export * from './to-scoring-event.ts';
export * from './scoring-config.ts';
export * from './ops/metrics.ts';
export * from './ops/http-server.ts';
export * from './rebuild.ts';
