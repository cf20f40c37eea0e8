export * from './keys.ts';
export * from './scripts.ts';
export * from './score-store.ts';
