export * from './lua-scripts.ts';
