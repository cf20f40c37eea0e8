export * from './keys.ts';
export * from './aggregate-fields.ts';
export * from './progress-fields.ts';
export * from './score-fields.ts';
export * from './movers.ts';
export * from './namespace.ts';
export * from './score-reader.ts';
export * from './redis-client.ts';
