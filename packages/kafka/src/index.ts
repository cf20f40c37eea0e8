export * from './client.ts';
export * from './topics.ts';
