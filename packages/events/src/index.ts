export * from './catalogue.ts';
export * from './registry.ts';
export * from './codec/wire-format.ts';
export * from './codec/decimal.ts';
export * from './codec/event-codec.ts';
