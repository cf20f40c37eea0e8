export * from './processor.ts';
export * from './decode-batch.ts';
export * from './dead-letter.ts';
